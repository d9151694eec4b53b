# NetSock packets to and from PacketDotNet's and SharpPcap's, for scripts that already use those libraries:
# ConvertTo-Packet takes a PacketDotNet Packet and a SharpPcap RawCapture, [PacketDotNet.Packet]$p and
# [PacketDotNet.TcpPacket]$p convert a NetSock packet, and [NetSock.Packets.Packet]$pdn converts back.
# The field-by-field agreement of every layer both libraries know is in tests/NetSock.Core.Tests/PacketDotNetTests.cs.

BeforeAll {
    Import-Module $env:NETSOCK_MODULE -Force
    $script:Cmd = 'NetSock.Commands.ConvertToPacketCommand'
}

Describe 'NetSock and PacketDotNet packets' {
    It 'round-trips through ToPacketDotNet() and ConvertTo-Packet, byte for byte' {
        $p = New-Packet Ethernet -dst 02:00:00:00:00:02 -src 02:00:00:00:00:01 |
            New-Packet IPv4 -Source 198.18.0.1 -Destination 198.18.0.2 -ttl 9 | New-Packet Tcp -dport 443 -flags SA | New-Packet Raw -Load 'hi'
        $pdn = $p.ToPacketDotNet()
        $pdn.GetType().FullName | Should -Be 'PacketDotNet.EthernetPacket'
        $pdn.PayloadPacket.TimeToLive | Should -Be 9
        $pdn.PayloadPacket.PayloadPacket.DestinationPort | Should -Be 443
        $back = ConvertTo-Packet $pdn
        $back.LinkType | Should -Be 'Ethernet'
        $back.Hex | Should -Be $p.Hex
        $back.Tcp.Flags.ToString() | Should -Be 'SA'
    }

    It 'takes an IP packet as a Raw link packet' {
        $p = New-Packet IPv6 -Source 2001:db8::1 -Destination 2001:db8::2 | New-Packet Udp -dport 5353
        $back = ConvertTo-Packet $p.ToPacketDotNet()
        $back.LinkType | Should -Be 'Raw'
        $back.Udp.DestinationPort | Should -Be 5353
    }

    Context 'in a script that loaded PacketDotNet and SharpPcap itself (a child pwsh, as their types are process-wide)' {
        BeforeAll {
            $pwsh = [Environment]::ProcessPath
            $pre = @(if ((Split-Path $pwsh -Leaf) -like 'dotnet*') { Join-Path $PSHOME 'pwsh.dll' })
            $deps = Join-Path (Split-Path $env:NETSOCK_MODULE) 'deps'
            $script = {
                param($Module, $Deps)
                $ErrorActionPreference = 'Stop'
                Import-Module $Module
                Add-Type -Path (Join-Path $Deps 'PacketDotNet.dll'), (Join-Path $Deps 'SharpPcap.dll')
                $p = New-Packet Ethernet -dst 02:00:00:00:00:02 -src 02:00:00:00:00:01 | New-Packet IPv4 -Source 198.18.0.1 -Destination 198.18.0.2 |
                    New-Packet Tcp -sport 40000 -dport 80 -flags S
                $tcp = [PacketDotNet.TcpPacket]$p

                $built = [PacketDotNet.UdpPacket]::new(1111, 2222)
                $built.PayloadData = [byte[]](1, 2, 3)
                $ip = [PacketDotNet.IPv4Packet]::new([ipaddress]'198.18.0.3', [ipaddress]'198.18.0.4')
                $ip.TimeToLive = 7
                $ip.PayloadPacket = $built
                $built.UpdateUdpChecksum(); $ip.UpdateIPChecksum()
                $fromPdn = ConvertTo-Packet $ip

                $capture = [SharpPcap.RawCapture]::new([PacketDotNet.LinkLayers]::Ethernet,
                    [SharpPcap.PosixTimeval]::new(1700000000, 123456789, [SharpPcap.TimestampResolution]::Nanosecond), $p.Bytes, 1514)
                $fromCapture = $capture | ConvertTo-Packet
                $wifi = [SharpPcap.RawCapture]::new([PacketDotNet.LinkLayers]::Ieee80211, [SharpPcap.PosixTimeval]::new(1, 0), [byte[]](1, 2, 3), $null)
                $refused = try { ConvertTo-Packet $wifi; 'no error' } catch { $_.FullyQualifiedErrorId }
                [pscustomobject]@{
                    Cast = ([PacketDotNet.Packet]$p).GetType().FullName
                    TcpCast = "$($tcp.SourcePort) $($tcp.DestinationPort) $($tcp.Synchronize)"
                    CastBack = ([NetSock.Packets.Packet]([PacketDotNet.Packet]$p)).Hex -eq $p.Hex
                    FromPdn = "$($fromPdn.LinkType) $($fromPdn.IPv4.TimeToLive) $($fromPdn.IPv4.Checksum -eq $ip.Checksum) $($fromPdn.Udp.SourcePort) $($fromPdn.Udp.DestinationPort) $($fromPdn.Raw.Load -join ',')"
                    Capture = "$($fromCapture.TimestampNanoseconds) $($fromCapture.OriginalLength) $($fromCapture.Hex -eq $p.Hex)"
                    Refused = $refused
                } | ConvertTo-Json -Compress
            }
            $script:Result = & $pwsh @pre -NoProfile -NonInteractive -Command $script -args $env:NETSOCK_MODULE, $deps 2>&1 | Select-Object -Last 1
            $script:R = "$Result" | ConvertFrom-Json
        }

        It 'casts a NetSock packet with [PacketDotNet.Packet] and to one of its layers with [PacketDotNet.TcpPacket]' {
            $R.Cast | Should -Be 'PacketDotNet.EthernetPacket' -Because "$Result"
            $R.TcpCast | Should -Be '40000 80 True'
            $R.CastBack | Should -BeTrue
        }

        It 'takes a packet that PacketDotNet built, with its fields' {
            $R.FromPdn | Should -Be 'Raw 7 True 1111 2222 1,2,3'
        }

        It 'takes a SharpPcap RawCapture with its timestamp to the nanosecond and its length on the wire' {
            $R.Capture | Should -Be '1700000000123456789 1514 True'
        }

        It 'refuses a link type NetSock does not dissect with PacketLinkTypeUnsupported' {
            $R.Refused | Should -Be "PacketLinkTypeUnsupported,$Cmd"
        }
    }
}
