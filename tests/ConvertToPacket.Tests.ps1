BeforeAll {
    Import-Module $env:NETSOCK_MODULE -Force
    $script:Cmd = 'NetSock.Commands.ConvertToPacketCommand'
    # Scapy: bytes(Ether(src='02:00:00:00:00:01', dst='02:00:00:00:00:02')/IP(src='198.18.0.1', dst='198.18.0.2')/UDP())
    $script:Frame = '02000000000202000000000108004500001c000100004011eea8c6120001c6120002003500350008734c'
}

Describe 'ConvertTo-Packet' {
    Context 'when given bytes' {
        It 'dissects an Ethernet frame from a hex string' {
            $p = ConvertTo-Packet $Frame
            $p.Layers.Name | Should -Be @('Ethernet', 'IPv4', 'Udp')
            "$($p.Ethernet.Source)" | Should -Be '02:00:00:00:00:01'
            $p.IPv4.Source | Should -Be ([ipaddress]'198.18.0.1')
            $p.Udp.DestinationPort | Should -Be 53
            $p.IsMalformed | Should -BeFalse
        }

        It 'takes a byte[] whole, and one piped byte by byte' {
            [byte[]] $bytes = [Convert]::FromHexString($Frame)
            (ConvertTo-Packet -InputObject $bytes).Udp.Checksum | Should -Be 0x734c
            ($bytes | ConvertTo-Packet).Udp.Checksum | Should -Be 0x734c
            @($bytes | ConvertTo-Packet).Count | Should -Be 1
        }

        It 'reads hex as tcpdump -xx and Wireshark print it' {
            $dump = @'
0x0000:  0200 0000 0002 0200 0000 0001 0800 4500
0x0010:  001c 0001 0000 4011 eea8 c612 0001 c612
0x0020:  0002 0035 0035 0008 734c
'@
            (ConvertTo-Packet $dump).IPv4.Destination | Should -Be ([ipaddress]'198.18.0.2')
            (ConvertTo-Packet ($Frame -replace '(..)(?!$)', '$1:')).Udp.Length | Should -Be 8
        }

        It 'keeps the original bytes' {
            [byte[]] $bytes = [Convert]::FromHexString($Frame)
            [Convert]::ToHexString((ConvertTo-Packet $Frame).Bytes).ToLowerInvariant() | Should -Be $Frame
        }

        It 'dissects raw IP with -LinkType Raw' {
            $p = ConvertTo-Packet '4500001c000100004011eea8c6120001c6120002003500350008734c' -LinkType Raw
            $p.Layers.Name | Should -Be @('IPv4', 'Udp')
        }

        It 'marks truncated input malformed and keeps the fields before the cut, without an error' {
            $p = ConvertTo-Packet $Frame.Substring(0, 40) -ErrorVariable err
            $err | Should -BeNullOrEmpty
            $p.IsMalformed | Should -BeTrue
            $p.MalformedReason | Should -Be 'IPv4 header truncated: 6 of 20 bytes'
            $p.Layers.Name | Should -Be @('Ethernet', 'IPv4')
            $p.IPv4.CutLength | Should -Be 6
        }
    }

    Context 'when the input is bad' {
        It 'reports text that is not hex, and goes on with the next input' {
            $out = 'zz', '0102' | ConvertTo-Packet -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -Be "PacketHexInvalid,$Cmd"
            $err[0].Exception.Message | Should -Match "'z' is not a hex digit"
            @($out).Count | Should -Be 1
        }

        It 'reports a serialized packet whose <What> is bad with <ErrorId>, and goes on with the next input' -ForEach @(
            @{ What = 'Hex'; Bad = @{ Hex = 'zz'; LinkType = 'Ethernet' }; ErrorId = 'PacketHexInvalid'; Says = "'z' is not a hex digit" }
            @{ What = 'Bytes'; Bad = @{ Bytes = 'abc'; LinkType = 'Ethernet' }; ErrorId = 'PacketSerializedInvalid'; Says = 'cannot be made live again.*Bytes' }
            @{ What = 'LinkType'; Bad = @{ Hex = '45'; LinkType = 'Bogus' }; ErrorId = 'PacketSerializedInvalid'; Says = 'Bogus' }
        ) {
            $good = New-Packet IPv4 -Destination 127.0.0.1 | New-Packet Udp -DestinationPort 9 | ConvertTo-Packet -LinkType Raw
            $serialized = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($good))
            $out = [pscustomobject]$Bad, $serialized | ConvertTo-Packet -ErrorVariable err -ErrorAction SilentlyContinue
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -Be "$ErrorId,$Cmd"
            "$($err[0].CategoryInfo.Category)" | Should -Be 'InvalidArgument'
            $err[0].Exception.Message | Should -Match $Says
            @($out).Count | Should -Be 1
            [Convert]::ToHexString($out.Bytes) | Should -Be ([Convert]::ToHexString($good.Bytes))
        }

        It 'reports an odd number of hex digits' {
            ConvertTo-Packet '123' -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].Exception.Message | Should -Match 'odd number'
        }
    }
}
