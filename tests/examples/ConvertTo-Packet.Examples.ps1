# What the examples of docs/ConvertTo-Packet.md say they do (run by tests/Examples.Tests.ps1).
@{
    1 = @{ Assert = {
            param($Run)
            $Run.Output[0..2] | Should -Be @('IPv4', 'Tcp', 'Raw')
            # The auto fields that $p left empty have their built values.
            $Run.Text | Should -Match 'TotalLength\s+: 42\s+Protocol\s+: 6\s+Checksum\s+: [1-9]\d*\s+Source\s+: 127\.0\.0\.1\s+Destination\s+: 127\.0\.0\.1'
            $Run.Output[-1] | Should -Be 'hi'
        }
    }
    2 = @{ Assert = {
            param($Run)
            # Read as an Ethernet frame: EtherType 0x0800 gives IPv4, protocol 17 gives UDP.
            $Run.Output[0..2] | Should -Be @('Ethernet', 'IPv4', 'Udp')
            $Run.Output[3] | Should -Be 'Ethernet 02:00:00:00:00:01 > 02:00:00:00:00:02 type 0x0800 / IP 198.18.0.1 > 198.18.0.2 ttl 64 / UDP 53 > 53 len 8'
            $Run.Text | Should -Match 'SourcePort\s+: 53\s+DestinationPort\s+: 53\s+Length\s+: 8\s+Checksum\s+: 29516'
        }
    }
    3 = @{ Assert = {
            param($Run)
            $Run.Output | Should -Be @('198.18.0.2', 53)
        }
    }
    4 = @{ Assert = {
            param($Run)
            # Two arrays with the comma give two packets; one array piped alone gives one packet.
            $Run.Output | Should -Be @(
                'IP 127.0.0.1 > 127.0.0.1 ttl 64 / UDP 53 > 5353 len 8'
                'IP 127.0.0.1 > 127.0.0.1 ttl 64 / UDP 53 > 5354 len 8'
                'IP 127.0.0.1 > 127.0.0.1 ttl 64 / UDP 53 > 5353 len 8')
        }
    }
    5 = @{ Assert = {
            param($Run)
            $Run.Output | Should -Be @($true, 'IPv4 header truncated: 6 of 20 bytes', 'Ethernet', 'IPv4', 28)
            # The fields past the cut are absent.
            $cut = ConvertTo-Packet '02000000000202000000000108004500001c0001'
            $cut.IPv4.CutLength | Should -Be 6
            $cut.IPv4['Identification'] | Should -Be 1
            $cut.IPv4['ttl'] | Should -BeNullOrEmpty
            $cut.IPv4['src'] | Should -BeNullOrEmpty
        }
    }
    6 = @{ Assert = {
            param($Run)
            # The decoded checksum is kept (wrong for TTL 1); $null makes it computed.
            $Run.Output | Should -Be @('eea8', '2da9')
        }
    }
    7 = @{ Assert = {
            param($Run)
            $Run.Output | Should -Be @('IPv6', 'Udp', 'Loopback', 'IPv4', 'Udp')
        }
    }
    8 = @{ Assert = {
            param($Run)
            # The second string is still converted, into an Ethernet header with nothing above it.
            $Run.Output[0] | Should -Be 'Ethernet 02:00:00:00:00:01 > 02:00:00:00:00:02 type 0x0800'
            $Run.Output[1] | Should -BeLike 'PacketHexInvalid,*'
            $Run.Output[2] | Should -Match "'z' is not a hex digit"
            @($Run.Output).Count | Should -Be 3
            # An odd number of digits: the same ErrorId; a number: PacketInputInvalid.
            $null = ConvertTo-Packet '450' -ErrorAction SilentlyContinue -ErrorVariable odd
            $odd.FullyQualifiedErrorId | Should -BeLike 'PacketHexInvalid,*'
            $null = ConvertTo-Packet 42 -ErrorAction SilentlyContinue -ErrorVariable number
            $number.FullyQualifiedErrorId | Should -BeLike 'PacketInputInvalid,*'
        }
    }
    9 = @{ Assert = {
            param($Run)
            $Run.Output | Should -Be @('PacketDotNet.EthernetPacket', 53,
                'Ethernet 02:00:00:00:00:01 > 02:00:00:00:00:02 type 0x0800 / IP 198.18.0.1 > 198.18.0.2 ttl 64 / UDP 53 > 53 len 8', $true)
            # A SharpPcap RawCapture keeps its timestamp to the nanosecond and its length on the wire.
            $p = New-Packet IPv4 -Destination 127.0.0.1 | New-Packet Udp
            # SharpPcap's types, from NetSock's own copy (in its load context, so not by name).
            $rawCapture = [NetSock.Packets.Packet].GetMethod('FromRawCapture').GetParameters()[0].ParameterType
            $linkLayers = $rawCapture.GetProperty('LinkLayerType').PropertyType
            $timeval = $rawCapture.GetProperty('Timeval').PropertyType::new([uint64]1700000000, [uint64]5)
            $capture = $rawCapture::new([Enum]::ToObject($linkLayers, 101), $timeval, $p.Bytes, [Nullable[int]]100)
            $back = $capture | ConvertTo-Packet
            $back.TimestampNanoseconds | Should -Be 1700000000000005000
            $back.OriginalLength | Should -Be 100
            $back.LinkType | Should -Be 'Raw'
        }
    }
}
