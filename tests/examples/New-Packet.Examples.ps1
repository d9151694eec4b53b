# What the examples of docs/New-Packet.md say they do (run by tests/Examples.Tests.ps1).
@{
    1 = @{ Assert = {
            param($Run)
            # The layer as made: defaults, and the auto fields empty.
            $Run.Text | Should -Match 'Version\s+: 4\s+TimeToLive\s+: 64\s+Protocol\s+:\s*\n\s*Checksum\s+:\s*\n\s*Source\s+:\s*\n\s*Destination\s+: 127\.0\.0\.1'
            # Rebuilt: the auto fields as they go on the wire, the source being this host's address toward 198.18.0.2.
            $route = [Net.Sockets.Socket]::new('InterNetwork', 'Dgram', 'Udp')
            try { $route.Connect('198.18.0.2', 9); $source = $route.LocalEndPoint.Address.ToString() } finally { $route.Dispose() }
            $Run.Text | Should -Match "TotalLength\s+: 20\s+Protocol\s+: 0\s+Checksum\s+: [1-9]\d*\s+Source\s+: $([regex]::Escape($source))\s+Destination\s+: 198\.18\.0\.2"
        }
    }
    2 = @{ Assert = {
            param($Run)
            $Run.Output | Should -Be @(10, 10, 10, $true)
        }
    }
    3 = @{ Assert = {
            param($Run)
            # $p has the three layers, $ip still one, and the pipeline builds the same bytes.
            $Run.Output | Should -Be @('IPv4', 'Tcp', 'Raw', 'IPv4', $true)
            # The protocol (6), the lengths and both checksums are filled in when the bytes are built.
            $p = (New-Packet IPv4 -dst 127.0.0.1) / (New-Packet Tcp -dport 80 -flags PA) / "GET / HTTP/1.0`r`n`r`n"
            $wire = ConvertTo-Packet $p.Bytes -LinkType Raw
            $wire.IPv4.Protocol | Should -Be 6
            $wire.IPv4.TotalLength | Should -Be 58
            $wire.IPv4.Checksum | Should -Not -Be 0
            $wire.Tcp.DataOffset | Should -Be 5
            $wire.Tcp.Checksum | Should -Not -Be 0
        }
    }
    4 = @{ Assert = {
            param($Run)
            $Run.Output[0..3] | Should -Be @(443, 64, 443, 42)
            $Run.Output[4] | Should -Be '4500002A0001000040067CCB7F0000017F000001001401BB00000000000000005002200027A600006869'
            # Show-Packet -Hex: Scapy's hexdump(p), offset, hex bytes and ASCII.
            $Run.Text | Should -Match '0000  45 00 00 2A 00 01 00 00 40 06 7C CB 7F 00 00 01  E\.\.\*\.\.\.\.@\.\|\.\.\.\.\.'
            $Run.Text | Should -Match '0020  50 02 20 00 27 A6 00 00 68 69 +P\. \.''\.\.\.hi'
        }
    }
    5 = @{ Assert = {
            param($Run)
            $Run.Output[0] | Should -Be 1024
            $Run.Output[1..3] | Should -Be @(
                'IP auto > 198.18.0.2 ttl 64 / TCP 20 > 1 [S] seq 0 win 8192'
                'IP auto > 198.18.0.2 ttl 64 / TCP 20 > 2 [S] seq 0 win 8192'
                'IP auto > 198.18.0.2 ttl 64 / TCP 20 > 3 [S] seq 0 win 8192')
            $Run.Output[4] | Should -Be 6
        }
    }
    6 = @{ Assert = {
            param($Run)
            # The set UDP checksum stays dead, the IPv4 one is computed; $null makes the UDP one computed again.
            $Run.Output | Should -Be @('dead 7ccd', '899b')
        }
    }
    7 = @{ Assert = {
            param($Run)
            # The bytes Scapy builds for Ether(src=..., dst=...)/IP(src='198.18.0.1', dst='198.18.0.2')/UDP().
            $Run.Output | Should -Be '02000000000202000000000108004500001c000100004011eea8c6120001c6120002003500350008734c'
            $Run.Output[0].Substring(24, 4) | Should -Be '0800'
        }
    }
    8 = @{ Assert = {
            param($Run)
            $Run.Output | Should -Be @('MSS=1460, SAckOK, Timestamp=1,0, NOP, WScale=7', 80)
        }
    }
    9 = @{ Assert = {
            param($Run)
            @($Run.Output).Count | Should -Be 8
            $Run.Output[0] | Should -BeLike 'PacketFieldInvalid,*'
            # The message names the field, what it is and the range it takes.
            $Run.Output[1] | Should -Match 'DestinationPort'
            $Run.Output[1] | Should -Match 'from 0 to 65535'
            $Run.Output[1] | Should -Match 'Destination port'
            $Run.Output[2] | Should -BeLike 'PacketFieldUnknown,*'
            # The message lists the layer's fields with their Scapy names.
            $Run.Output[3] | Should -Match "'hops'"
            $Run.Output[3] | Should -Match 'TimeToLive \(ttl\)'
            $Run.Output[3] | Should -Match 'Destination \(dst\)'
            # A field parameter that names no field says the same as -Field does.
            $Run.Output[4] | Should -BeLike 'PacketFieldUnknown,*'
            $Run.Output[5] | Should -Be $Run.Output[3]
            # A misspelt layer, with a field parameter after it, suggests the nearest name.
            $Run.Output[6] | Should -BeLike 'PacketLayerUnknown,*'
            $Run.Output[7] | Should -BeLike "'TCPP' is not a known layer. Did you mean Tcp? The layers are: *"
            { New-Packet Tcp -hops 3 } | Should -Throw -ErrorId 'PacketFieldUnknown*'
        }
    }
    10 = @{ Assert = {
            param($Run)
            # The syntax shows the static and the Tcp field parameters.
            $Run.Text | Should -Match 'New-Packet \[-Layer\] <string>.*\[-SourcePort <Object>\] \[-DestinationPort <Object>\].*\[-Options <Object>\]'
            # Each field with its Scapy alias and description; auto fields say what they are computed from.
            $Run.Text | Should -Match 'Name\s+Aliases\s+Description'
            $Run.Text | Should -Match 'SourcePort\s+\{sport\}\s+Source port'
            $Run.Text | Should -Match 'DestinationPort\s+\{dport\}\s+Destination port'
            $Run.Text | Should -Match 'DataOffset\s+\{dataofs\}\s+.*auto:'
            $Run.Text | Should -Match 'Checksum\s+\{chksum\}\s+.*auto: computed'
            # flags differs from Flags only in case, so it is not listed.
            $Run.Text | Should -Match '(?m)^Flags\s+\{\}\s'
            $Run.Text | Should -Not -Match '\{flags\}'
            # Only the dynamic (field) parameters are in the table.
            $Run.Text | Should -Not -Match '(?m)^Layer\s'
            $Run.Text | Should -Not -Match '(?m)^UnboundArguments\s'
        }
    }
    11 = @{ Assert = {
            param($Run)
            $Run.Output[0] | Should -Be 'Standard query 0x0007 AAAA example.test'
            # The records as a table, as dig shows them, then the first record's value, an address.
            $Run.Text | Should -Match 'Name\s+Ttl\s+Class\s+Type\s+Data'
            $Run.Text | Should -Match 'example\.test\.\s+300\s+IN\s+AAAA\s+2001:db8::80'
            $Run.Text | Should -Match 'example\.test\.\s+300\s+IN\s+TXT\s+"v=spf1 -all"'
            $Run.Output[-1] | Should -Be ([ipaddress]'2001:db8::80')
        }
    }
    12 = @{ Assert = {
            param($Run)
            $Run.Output[0] | Should -Be 'DHCP Discover - Transaction ID 0x1234'
            $Run.Output[1..4] | Should -Be @('message-type=discover', 'param_req_list=1,3,6', 'hostname=pc1', 'end')
            $Run.Output[-1] | Should -Be 296
        }
    }
}

