# Pester 5 tests of Show-Packet: Scapy's show(), show2() (-Built), hexdump() (-Hex, compared with Scapy's own output
# when Debian's python3-scapy is there) and tcpdump-like lines (-Summary) of packets read back from a pcap file and of
# one captured on lo (that test needs root: tagged Root).

BeforeDiscovery {
    $NoRoot = -not ($IsLinux -and (& id -u) -eq '0')
}

BeforeAll {
    Import-Module $env:NETSOCK_MODULE -Force
    $script:Cmd = 'NetSock.Commands.ShowPacketCommand'

    function New-IPv4Tcp {
        New-Packet IPv4 -Source 127.0.0.1 -Destination 127.0.0.1 | New-Packet Tcp -DestinationPort 80
    }

    # Debian's python3, not whatever a version manager puts first on PATH; Scapy's hexdump() is the oracle for -Hex.
    $script:Python = '/usr/bin/python3'
    $script:NoScapy = if (-not (Test-Path $Python)) { "$Python is missing; install it with: sudo apt-get install -y python3-scapy" }
    else {
        & $Python -c 'import scapy.all' 2>$null
        if ($LASTEXITCODE -ne 0) { "Scapy is not installed for $Python; install it with: sudo apt-get install -y python3-scapy" }
    }

    function Get-ScapyHexdump([byte[][]] $Packets) {
        # hexdump(bytes, dump=True) as Scapy prints it, for each of the byte arrays (one python3 run for all).
        $script = 'import sys; from scapy.all import hexdump; sys.stdout.write("\n=====\n".join(hexdump(bytes.fromhex(h), dump=True) for h in sys.argv[1:]))'
        $out = & $Python -c $script @($Packets | ForEach-Object { [Convert]::ToHexString($_) }) 2>$null
        if ($LASTEXITCODE -ne 0) { throw "Scapy's hexdump failed (exit $LASTEXITCODE)." }
        (@($out) -join "`n") -split "`n=====`n"
    }
}

Describe 'Show-Packet' {
    Context 'by default (Scapy''s show())' {
        It 'shows a block per layer with a line per field, and unset auto fields as auto' {
            $text = Show-Packet (New-IPv4Tcp)
            $lines = $text -split "`n"
            $lines[0] | Should -BeExactly '###[ IPv4 ]###'
            $lines | Should -Contain '###[ Tcp ]###'
            $tcpAt = [array]::IndexOf($lines, '###[ Tcp ]###')
            @($lines[1..($lines.Count - 1)] | Where-Object { $_ -ne '###[ Tcp ]###' -and $_ -notmatch '^  \w+ +=( |$)' }) | Should -BeNullOrEmpty
            ($lines[1..($tcpAt - 1)] | Where-Object { $_ -match '^  Checksum\s+= (.*)$' }) | Should -Match '= auto$'
            ($lines[($tcpAt + 1)..($lines.Count - 1)] | Where-Object { $_ -match '^  Checksum\s+= ' }) | Should -Match '= auto$'
            $lines | Should -Contain ('  TimeToLive'.PadRight(22) + ' = 64')
            $lines | Should -Contain ('  Source'.PadRight(22) + ' = 127.0.0.1')
            $lines | Should -Contain ('  DestinationPort'.PadRight(22) + ' = 80')
        }

        It 'lines the = signs up within each layer, in wire order' {
            $lines = (Show-Packet (New-IPv4Tcp)) -split "`n"
            $tcp = $lines[([array]::IndexOf($lines, '###[ Tcp ]###') + 1)..($lines.Count - 1)]
            @($tcp | ForEach-Object { $_.IndexOf(' = ') } | Select-Object -Unique).Count | Should -Be 1
            ($tcp | ForEach-Object { ($_ -split '=')[0].Trim() }) | Should -Be @((Get-PacketLayer Tcp).Name)
        }

        It 'writes one multi-line string per packet, as the packets come' {
            $p = New-IPv4Tcp
            $out = @(Show-Packet $p)
            $out.Count | Should -Be 1
            $out[0] | Should -BeOfType [string]
            (Show-Packet $p | Out-String) | Should -Match '###\[ Tcp \]###'
            @($p, $p, $p | Show-Packet).Count | Should -Be 3

            $log = [System.Collections.Generic.List[string]]::new()
            & { foreach ($i in 1..3) { $log.Add("made $i"); $p } } | Show-Packet | ForEach-Object { $log.Add('shown') }
            $log -join ',' | Should -Be 'made 1,shown,made 2,shown,made 3,shown'
        }

        It 'ends a malformed packet with the reason' {
            $cut = ConvertTo-Packet '02000000000202000000000108004500001c0001'
            $lines = (Show-Packet $cut) -split "`n"
            $lines[0] | Should -BeExactly '###[ Ethernet ]###'
            $lines[-1] | Should -BeExactly 'Malformed: IPv4 header truncated: 6 of 20 bytes'
        }
    }

    Context 'with -Built (Scapy''s show2())' {
        It 'shows the computed lengths and checksums, and no auto field' {
            $p = New-IPv4Tcp
            $built = $p.Rebuilt()
            $lines = (Show-Packet $p -Built) -split "`n"
            $lines | Should -Not -Match '= auto$'
            $tcpAt = [array]::IndexOf($lines, '###[ Tcp ]###')
            $ipChecksum = $lines[1..($tcpAt - 1)] | Where-Object { $_ -match '^  Checksum\s+= ' }
            $tcpChecksum = $lines[($tcpAt + 1)..($lines.Count - 1)] | Where-Object { $_ -match '^  Checksum\s+= ' }
            $ipChecksum | Should -Match "= $($built.IPv4.Checksum)$"
            $tcpChecksum | Should -Match "= $($built.Tcp.Checksum)$"
            $built.IPv4.Checksum | Should -Be 0x7ccd   # Scapy: IP(src='127.0.0.1', dst='127.0.0.1')/TCP() has chksum 0x7ccd
            $lines | Should -Contain ('  TotalLength'.PadRight(22) + ' = 40')
            $lines | Should -Contain ('  Protocol'.PadRight(22) + ' = 6')
            $p.IPv4.Checksum | Should -BeNullOrEmpty -Because 'showing the built packet leaves the packet unchanged'
        }

        It 'cannot be combined with -Hex or -Summary' {
            { Show-Packet (New-IPv4Tcp) -Built -Hex } | Should -Throw -ErrorId "AmbiguousParameterSet,$Cmd"
            { Show-Packet (New-IPv4Tcp) -Built -Summary } | Should -Throw -ErrorId "AmbiguousParameterSet,$Cmd"
            { Show-Packet (New-IPv4Tcp) -Hex -Summary } | Should -Throw -ErrorId "AmbiguousParameterSet,$Cmd"
        }
    }

    Context 'with -Hex (Scapy''s hexdump())' {
        BeforeAll {
            # hexdump(IP(dst='127.0.0.1')/UDP()/b'hello') from Scapy 2.5, with the source 127.0.0.1.
            $script:Golden = @(
                '0000  45 00 00 21 00 01 00 00 40 11 7C C9 7F 00 00 01  E..!....@.|.....'
                '0010  7F 00 00 01 00 35 00 35 00 0D BD 95 68 65 6C 6C  .....5.5....hell'
                '0020  6F                                               o'
            ) -join "`n"
            $script:Hello = New-Packet IPv4 -Source 127.0.0.1 -Destination 127.0.0.1 | New-Packet Udp | New-Packet Raw -Load 'hello'
        }

        It 'matches the hexdump Scapy printed for the same packet' {
            Show-Packet $Hello -Hex | Should -BeExactly $Golden
        }

        It 'matches Scapy''s hexdump() of the same bytes, run now, character for character' {
            if ($NoScapy) { Set-ItResult -Skipped -Because $NoScapy; return }
            $packets = @(
                $Hello
                New-IPv4Tcp
                New-Packet IPv4 -Source 198.18.0.1 -Destination 198.18.0.2 | New-Packet Udp -DestinationPort 53 | New-Packet Raw -Load ([byte[]](0..255))
                ConvertTo-Packet '02000000000202000000000108004500001c0001'
            )
            $scapy = @(Get-ScapyHexdump ($packets | ForEach-Object { , $_.Bytes }))
            $scapy.Count | Should -Be $packets.Count
            for ($i = 0; $i -lt $packets.Count; $i++) {
                Show-Packet $packets[$i] -Hex | Should -BeExactly $scapy[$i] -Because "hexdump of $([Convert]::ToHexString($packets[$i].Bytes))"
            }
        }
    }

    Context 'with -Summary' {
        It 'gives one line per packet with its number and local time, for packets read from a pcap file' {
            $path = Join-Path ([IO.Path]::GetTempPath()) "netsock-show-$([guid]::NewGuid()).pcap"
            try {
                $packets = 1..3 | ForEach-Object {
                    $p = New-Packet IPv4 -Source 127.0.0.1 -Destination 127.0.0.1 | New-Packet Udp -DestinationPort (5000 + $_)
                    $p.Timestamp = [DateTimeOffset]::FromUnixTimeMilliseconds(1700000000000 + $_ * 1000).AddTicks($_ * 10)
                    $p
                }
                $packets | Export-Pcap $path
                $back = @(Get-SniffedPacket -Path $path)
                $lines = @($back | Show-Packet -Summary)
                $lines.Count | Should -Be 3
                for ($i = 0; $i -lt 3; $i++) {
                    $time = $packets[$i].Timestamp.ToLocalTime().ToString('HH:mm:ss.ffffff', [cultureinfo]::InvariantCulture)
                    $lines[$i] | Should -BeExactly "$($i + 1)  $time $($back[$i].Summary)"
                    $lines[$i] | Should -Match "\.00000$($i + 1) IP 127\.0\.0\.1 > 127\.0\.0\.1 .*UDP .*> $(5001 + $i)"
                    $lines[$i] | Should -Not -Match "`n"
                }
            }
            finally {
                Remove-Item -LiteralPath $path -ErrorAction Ignore
            }
            $path | Should -Not -Exist
        }

        It 'leaves the link layer out, as tcpdump does without -e: a frame captured on lo has no Ethernet 00:00:00:00:00:00 first' -Tag 'Root' -Skip:$NoRoot {
            $socket = New-NetSocket AF_INET SOCK_DGRAM -LocalAddress 127.0.0.1 -LocalPort 0
            $port = $socket.LocalPort
            try {
                $job = Start-ThreadJob -ArgumentList $env:NETSOCK_MODULE, $port -ScriptBlock {
                    param($module, $port)
                    Import-Module $module
                    Start-Sleep -Milliseconds 500
                    1..5 | ForEach-Object { Send-Datagram -InputObject 'hi' -ComputerName 127.0.0.1 -Port $port; Start-Sleep -Milliseconds 100 }
                }
                $captured = @(Get-SniffedPacket lo -Filter "udp dst port $port" -Count 1 -Timeout 10)
                $job | Wait-Job | Remove-Job
            }
            finally { $socket | Close-NetSocket }
            $captured.Count | Should -Be 1
            $captured[0].Layers[0].Name | Should -Be 'Ethernet'
            $line = $captured[0] | Show-Packet -Summary
            $line | Should -Match "^1  \d\d:\d\d:\d\d\.\d{6} IP 127\.0\.0\.1 > 127\.0\.0\.1 ttl 64 / UDP \d+ > $port len 10 / Raw 2 bytes$"
            $line | Should -Not -Match 'Ethernet|00:00:00:00:00:00'
            $captured[0].Summary | Should -Match '^Ethernet 00:00:00:00:00:00 > 00:00:00:00:00:00 ' -Because 'the packet''s own Summary, as Scapy''s summary(), has every layer'
        }

        It 'gives the summary alone for a packet with no number or time, and says why a packet is malformed' {
            Show-Packet (New-IPv4Tcp) -Summary | Should -BeExactly (New-IPv4Tcp).Summary
            $cut = ConvertTo-Packet '02000000000202000000000108004500001c0001'
            Show-Packet $cut -Summary | Should -Match '\[malformed: IPv4 header truncated: 6 of 20 bytes\]$'
        }
    }
}
