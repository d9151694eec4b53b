BeforeAll {
    Import-Module $env:NETSOCK_MODULE -Force
    $script:Cmd = 'NetSock.Commands.NewPacketCommand'
    function ConvertTo-HexString([byte[]] $Bytes) { [Convert]::ToHexString($Bytes).ToLowerInvariant() }
}

Describe 'New-Packet' {
    Context 'when it makes one layer' {
        It 'takes fields as parameters named after the declaration' {
            $p = New-Packet IPv4 -Destination 127.0.0.1 -TimeToLive 5
            $p.IPv4.TimeToLive | Should -Be 5
            $p.IPv4.Destination | Should -Be ([ipaddress]'127.0.0.1')
            $p.Layers.Count | Should -Be 1
        }

        It 'takes Scapy''s field names as aliases' {
            $p = New-Packet Tcp -sport 1234 -dport 443 -flags SA -seq 7 -ack 9 -window 1024 -chksum 0xbeef
            $p.Tcp.SourcePort | Should -Be 1234
            $p.Tcp.DestinationPort | Should -Be 443
            "$($p.Tcp.Flags)" | Should -Be 'SA'
            $p.Tcp.SequenceNumber | Should -Be 7
            $p.Tcp.AcknowledgmentNumber | Should -Be 9
            $p.Tcp.WindowSize | Should -Be 1024
            $p.Tcp.Checksum | Should -Be 0xbeef
        }

        It 'reads fields by Scapy''s names as well, on the layer' {
            $p = New-Packet IPv4 -ttl 5 | New-Packet Tcp -dport 8080
            $p.IPv4.ttl | Should -Be 5
            $p.Tcp.dport | Should -Be 8080
            $p.IP.dst | Should -Be ([ipaddress]'127.0.0.1')
        }

        It 'lists a packet with its summary and layers, not every layer name' {
            $PSStyle.OutputRendering = 'PlainText'
            $text = New-Packet IPv4 -dst 127.0.0.1 | New-Packet Udp | Format-List | Out-String
            $text | Should -Match 'Summary\s+: IP auto > 127\.0\.0\.1 ttl 64 / UDP 53 > 53'
            $text | Should -Match 'Layers\s+: IPv4/Udp'
            $text | Should -Not -Match 'Ethernet\s+:'
        }

        It 'takes the generic -Field hashtable by name or alias' {
            $p = New-Packet Udp -Field @{ dport = 5353; SourcePort = 1000 }
            $p.Udp.DestinationPort | Should -Be 5353
            $p.Udp.SourcePort | Should -Be 1000
        }

        It 'accepts the layer''s other names, case-insensitively' {
            (New-Packet ip).IPv4 | Should -Not -BeNullOrEmpty
            (New-Packet ETHER).Ethernet | Should -Not -BeNullOrEmpty
        }

        It 'makes one packet per value of a field given a range, and -Count copies of each' {
            $ports = New-Packet Tcp -dport (20..25)
            $ports.Tcp.DestinationPort | Should -Be @(20, 21, 22, 23, 24, 25)
            (New-Packet Tcp -dport 1, 2 -sport 3, 4 -Count 2).Count | Should -Be 8
        }

        It 'builds the bytes Scapy builds for IP()/TCP() with the same fields' {
            # bytes(IP(src='127.0.0.1', dst='127.0.0.1', ttl=5)/TCP(dport=80, flags='SA')/b'hi')
            $p = New-Packet IPv4 -src 127.0.0.1 -dst 127.0.0.1 -ttl 5 | New-Packet Tcp -dport 80 -flags SA | New-Packet Raw -Load 'hi'
            ConvertTo-HexString $p.Bytes | Should -Be '4500002a000100000506b7cb7f0000017f00000100140050000000000000000050122000290100006869'
            $p.Length | Should -Be 42
        }

        It 'takes TCP options as Scapy-like text' {
            $p = New-Packet Tcp -Options 'MSS=1460', 'SAckOK', 'Timestamp=1,0', 'WScale=7'
            $p.Tcp.Options.Name | Should -Be @('MSS', 'SAckOK', 'Timestamp', 'WScale')
            $p.Tcp.Options[0].Value | Should -Be 1460
        }
    }

    Context 'when it stacks layers' {
        It 'puts the new layer on top of each packet from the pipeline and leaves the input unchanged' {
            $ip = New-Packet IPv4 -Destination 127.0.0.1
            $tcp = $ip | New-Packet Tcp -DestinationPort 80
            $tcp.Layers.Name | Should -Be @('IPv4', 'Tcp')
            $ip.Layers.Name | Should -Be @('IPv4')
            $tcp.IPv4.TimeToLive = 1
            $ip.IPv4.TimeToLive | Should -Be 64
        }

        It 'stacks with the / operator, a string becoming Raw' {
            $ip = New-Packet IPv4 -Destination 127.0.0.1
            $tcp = New-Packet Tcp -DestinationPort 22
            $p = $ip / $tcp / 'payload'
            $p.Layers.Name | Should -Be @('IPv4', 'Tcp', 'Raw')
            [Text.Encoding]::UTF8.GetString($p.Raw.Load) | Should -Be 'payload'
            $ip.Layers.Count | Should -Be 1
            $tcp.Layers.Count | Should -Be 1
        }

        It 'fills auto fields at build time from the layers around them: protocol, lengths, checksum, source' {
            $p = New-Packet IPv4 -Destination 127.0.0.1 | New-Packet Udp | New-Packet Raw -Load 'abc'
            $p.IPv4.Protocol | Should -BeNullOrEmpty
            $built = ConvertTo-Packet $p.Bytes -LinkType Raw
            $built.IPv4.Protocol | Should -Be 17
            $built.IPv4.TotalLength | Should -Be 31
            $built.IPv4.Source | Should -Be ([ipaddress]'127.0.0.1')
            $built.Udp.Length | Should -Be 11
            $built.IPv4.Checksum | Should -Not -Be 0
        }

        It 'keeps a deliberately wrong checksum verbatim' {
            $p = New-Packet IPv4 -Destination 127.0.0.1 -chksum 0x1234 | New-Packet Udp -chksum 0
            $built = ConvertTo-Packet $p.Bytes -LinkType Raw
            $built.IPv4.Checksum | Should -Be 0x1234
            $built.Udp.Checksum | Should -Be 0
        }
    }

    Context 'when it makes DNS messages' {
        It 'builds a query from question text as Scapy builds it, and reads it back from the bytes' {
            # bytes(IP(src='198.18.0.1', dst='198.18.0.2')/UDP(sport=40000, dport=53)/DNS(id=1, qd=DNSQR(qname='example.test')))
            $p = New-Packet IPv4 -Source 198.18.0.1 -Destination 198.18.0.2 | New-Packet Udp -sport 40000 | New-Packet Dns -id 1 -qd 'example.test'
            $p.Hex | Should -Be '4500003a000100004011ee8ac6120001c61200029c40003500269e7c000101000001000000000000076578616d706c6504746573740000010001'
            $back = ConvertTo-Packet $p.Hex -LinkType Raw
            $back.Layers.ToString() | Should -Be 'IPv4/Udp/Dns'
            $back.Dns.Questions[0].Name | Should -Be 'example.test.'
            $back.Info | Should -Be 'Standard query 0x0001 A example.test'
        }

        It 'takes records as zone file lines, through parameters, Scapy''s names and assignment' {
            $p = New-Packet Dns -Response 1 -qd 'example.test MX' -an 'example.test 300 MX 10 mail.example.test', 'mail.example.test 300 A 198.18.0.25'
            @($p.Dns.Answers | ForEach-Object ToString) | Should -Be @('example.test. 300 IN MX 10 mail.example.test.', 'mail.example.test. 300 IN A 198.18.0.25')
            $p.Dns.an[1].Value | Should -Be ([ipaddress]'198.18.0.25')
            $p.Dns.ar = 'ns1.example.test 60 AAAA 2001:db8::53'
            $p.Dns.Additional[0].TypeName | Should -Be 'AAAA'
            $p.Dns.Authority = 'example.test 3600 NS ns1.example.test'
            $p.Dns.Summary | Should -Be 'DNS 0 2/1/1 MX 10 mail.example.test., A 198.18.0.25'
        }

        It 'says what a DNS record looks like when the text is not one' {
            { New-Packet Dns -Answers 'example.test AAAA 198.18.0.1' } | Should -Throw -ErrorId "PacketFieldInvalid,$Cmd"
            $Error[0].Exception.Message | Should -Match 'IPv6 address'
            $Error[0].Exception.Message | Should -Match 'zone file line'
            { New-Packet Dns -Questions ((New-Object string 'a', 64) + '.test') } | Should -Throw -ErrorId "PacketFieldInvalid,$Cmd"
            $Error[0].Exception.Message | Should -Match 'at most 63'
        }
    }

    Context 'when it makes DHCP messages' {
        It 'builds a discover as Scapy builds it, and reads it back over UDP 68 > 67' {
            $p = New-Packet IPv4 -Source 0.0.0.0 -Destination 255.255.255.255 | New-Packet Udp -sport 68 -dport 67 |
                New-Packet Bootp -chaddr 02:00:00:00:00:01 -xid 0x1234 -flags 0x8000 |
                New-Packet Dhcp -options 'message-type=discover', 'param_req_list=1,3,6,15', 'hostname=pc1', 'end'
            # bytes(IP(src='0.0.0.0', dst='255.255.255.255')/UDP(sport=68, dport=67)/BOOTP(chaddr=..., xid=0x1234, flags=0x8000)/DHCP(options=[...]))
            $p.Hex | Should -Be ('4500011b00010000401179d200000000ffffffff004400430107f94f' + '010106000000123400008000' + ('0' * 32) + '020000000001' + ('0' * 404) +
                '63825363' + '35010137040103060f0c03706331ff')
            $back = ConvertTo-Packet $p.Bytes -LinkType Raw
            $back.Layers.ToString() | Should -Be 'IPv4/Udp/Bootp/Dhcp'
            $back.Dhcp.MessageType | Should -Be 'discover'
            $back.Bootp.ClientHardwareAddress.ToString() | Should -Be '02:00:00:00:00:01'
            $back.Info | Should -Be 'DHCP Discover - Transaction ID 0x1234'
        }

        It 'takes options by Scapy''s name, typed, and says what an option looks like when the text is not one' {
            $offer = New-Packet Bootp -op 2 -yiaddr 198.18.0.10 | New-Packet Dhcp -options 'message-type=offer', 'router=198.18.0.1', 'lease_time=3600', 'end'
            $offer.Dhcp.Options[1].Value | Should -Be ([ipaddress]'198.18.0.1')
            $offer.Dhcp.Options[2].Value | Should -Be 3600
            $offer.Dhcp.options = 'message-type=ack', 'end'
            $offer.Dhcp.MessageType | Should -Be 'ack'
            { New-Packet Dhcp -Options 'router=2001:db8::1' } | Should -Throw -ErrorId "PacketFieldInvalid,$Cmd"
            $Error[0].Exception.Message | Should -Match 'not an IPv4 address'
            $Error[0].Exception.Message | Should -Match 'message-type=discover'
        }
    }

    Context 'when the input is bad' {
        It 'names the layers when the layer is unknown' {
            { New-Packet Nope } | Should -Throw -ErrorId "PacketLayerUnknown,$Cmd"
            $Error[0].Exception.Message | Should -Match 'IPv4, IPv6'
        }

        It 'suggests the nearest layer names for a misspelt layer given with field parameters (New-Packet TCPP -dport 80)' {
            { New-Packet TCPP -dport 80 } | Should -Throw -ErrorId "PacketLayerUnknown,$Cmd"
            $Error[0].Exception.Message | Should -BeLike "'TCPP' is not a known layer. Did you mean Tcp? The layers are: *"
            { New-Packet Ipv5 -ttl 3 } | Should -Throw -ErrorId "PacketLayerUnknown,$Cmd"
            $Error[0].Exception.Message | Should -Match 'Did you mean .*IPv4'
        }

        It 'says of a misspelt field parameter what -Field says of the same key (New-Packet Tcp -dprt 80)' {
            { New-Packet Tcp -Field @{ dprt = 80 } } | Should -Throw -ErrorId "PacketFieldUnknown,$Cmd"
            $byField = $Error[0].Exception.Message
            { New-Packet Tcp -dprt 80 } | Should -Throw -ErrorId "PacketFieldUnknown,$Cmd"
            $Error[0].Exception.Message | Should -Be $byField
            $byField | Should -BeLike "Tcp has no field 'dprt'. Its fields are: SourcePort (sport), DestinationPort (dport), *"
            { New-Packet Tcp -dprt:80 -sport 1 } | Should -Throw -ErrorId "PacketFieldUnknown,$Cmd"
        }

        It 'says what is left over when a value follows the layer without a field name' {
            { New-Packet Tcp 80 } | Should -Throw -ErrorId "PacketArgumentUnexpected,$Cmd"
            $Error[0].Exception.Message | Should -Match '80 is left over'
        }

        It 'resolves a host name for an address field to the first address of the field''s family, as Scapy does' {
            (New-Packet IPv4 -dst localhost).IPv4.Destination | Should -Be ([ipaddress]'127.0.0.1')
            (New-Packet IPv4 -Field @{ src = 'localhost' }).IPv4.Source | Should -Be ([ipaddress]'127.0.0.1')
            (New-Packet Arp -pdst localhost).Arp.TargetProtocolAddress | Should -Be ([ipaddress]'127.0.0.1')
            { New-Packet IPv4 -dst "no-such-host-$(Get-Random).invalid" } | Should -Throw -ErrorId "PacketNameNotFound,$Cmd"
            $Error[0].Exception.Message | Should -Match "^IPv4\.Destination: the name 'no-such-host-\d+\.invalid' could not be resolved to an IPv4 address\."
        }

        It 'names the fields when a -Field key is unknown' {
            { New-Packet IPv4 -Field @{ bogus = 1 } } | Should -Throw -ErrorId "PacketFieldUnknown,$Cmd"
            $Error[0].Exception.Message | Should -Match 'TimeToLive \(ttl\)'
        }

        It 'says which field cannot take a value and what it takes' {
            { New-Packet Tcp -dport 70000 } | Should -Throw -ErrorId "PacketFieldInvalid,$Cmd"
            $Error[0].Exception.Message | Should -Match 'Tcp.DestinationPort cannot be 70000.*from 0 to 65535'
            { New-Packet IPv4 -Destination ::1 } | Should -Throw -ErrorId "PacketFieldInvalid,$Cmd"
            $Error[0].Exception.Message | Should -Match 'IPv4 address'
            { New-Packet IPv4 -Destination 300.1.2.3 } | Should -Throw -ErrorId "PacketFieldInvalid,$Cmd"
            $Error[0].Exception.Message | Should -Match 'is not an IP address.*takes an IP address'
            { New-Packet IPv4 -Version 16 } | Should -Throw -ErrorId "PacketFieldInvalid,$Cmd"
            $Error[0].Exception.Message | Should -Match '4-bit'
        }

        It 'refuses bad TCP flags with the letters it knows' {
            { New-Packet Tcp -flags 'XYZ' } | Should -Throw -ErrorId "PacketFieldInvalid,$Cmd"
            $Error[0].Exception.Message | Should -Match 'Scapy''s letters'
        }
    }
}
