# ICMP and ICMPv6 errors are described by what they are, not by what they quote: the quoted datagram is
# $p.Icmp.Quoted (Scapy's IPerror/UDPerror), which $p.Udp, Layers, Protocol and Info do not take for the packet's own.
# And a header cut short keeps the fields that are whole, as tshark shows them.
# Live tests send only to 127.0.0.1 and ::1, to ports nothing listens on; they need root (capture) and are tagged Root.

BeforeDiscovery {
    $NoRoot = -not ($IsLinux -and (& id -u) -eq '0')
}

BeforeAll {
    Import-Module $env:NETSOCK_MODULE -Force

    # bytes(IP(src='198.18.0.2', dst='198.18.0.1')/ICMP(type=3, code=3)/IP(src='198.18.0.1', dst='198.18.0.2')/UDP(sport=40000, dport=53)/DNS(id=99, qd=DNSQR(qname='example.test')))
    $script:ScapyError = '45000056000100004001ee7ec6120002c61200010303895c000000004500003a000100004011ee8ac6120001c6120002' +
        '9c40003500269e1a006301000001000000000000076578616d706c6504746573740000010001'

    function New-PortUnreachable {
        # Scapy's IP(src='198.18.0.2', dst='198.18.0.1')/ICMP(type=3, code=3)/IP(src='198.18.0.1', dst='198.18.0.2')/UDP(sport=40000, dport=53)/DNS(...), layer by layer.
        New-Packet IPv4 -Source 198.18.0.2 -Destination 198.18.0.1 | New-Packet Icmp -Type 3 -Code 3 |
            New-Packet IPv4 -Source 198.18.0.1 -Destination 198.18.0.2 | New-Packet Udp -SourcePort 40000 -DestinationPort 53 |
            New-Packet Dns -Id 99 -Questions 'example.test'
    }

    function Get-ClosedUdpPort {
        # A UDP port nothing listens on: bound at the kernel's choice, then closed again.
        param([string] $Family = 'AF_INET', [string] $Address = '127.0.0.1')
        $s = New-NetSocket $Family SOCK_DGRAM -LocalAddress $Address -LocalPort 0
        try { $s.LocalPort } finally { $s | Close-NetSocket }
    }

    function Get-LiveError {
        <#
        Captures on lo the ICMP error a UDP datagram to a closed port brings back: the capture runs in a thread job while
        datagrams are sent (the first ones may go before the capture starts, and the kernel rate-limits its errors), until
        the capture has its packet or gives up.
        #>
        param([string] $Family, [string] $Address, [string] $Filter)
        $port = Get-ClosedUdpPort $Family $Address
        $job = Start-ThreadJob -ArgumentList $env:NETSOCK_MODULE, $Filter -ScriptBlock {
            param($module, $filter)
            Import-Module $module
            Get-SniffedPacket lo -Filter $filter -Count 1 -Timeout 20
        }
        try {
            for ($i = 0; $i -lt 60 -and $job.State -in 'NotStarted', 'Running'; $i++) {
                Send-Datagram -ComputerName $Address -Port $port -InputObject 'anyone there?' -ErrorAction Ignore
                Start-Sleep -Milliseconds 300
            }
            [pscustomobject]@{ Port = $port; Packets = @(Receive-Job $job -Wait) }
        }
        finally { Remove-Job $job -Force }
    }
}

Describe 'An ICMP error is described by what it is, not by what it quotes' {
    Context 'built and dissected' {
        It 'builds the port unreachable Scapy builds, and dissects it back with the quote apart' {
            $built = New-PortUnreachable
            $built.Hex | Should -Be $ScapyError
            $read = ConvertTo-Packet $built.Bytes -LinkType Raw
            foreach ($e in $built, $read) {
                @($e.Layers.Name) | Should -Be @('IPv4', 'Icmp')
                $e.Udp | Should -BeNullOrEmpty
                $e.Dns | Should -BeNullOrEmpty
                $e['Udp'] | Should -BeNullOrEmpty
                @($e.Icmp.Quoted.Layers.Name) | Should -Be @('IPv4', 'Udp', 'Dns')
                $e.Icmp.Quoted.Udp.SourcePort | Should -Be 40000
                $e.Icmp.Quoted.Udp.DestinationPort | Should -Be 53
                $e.Icmp.Quoted.IPv4.Source | Should -Be '198.18.0.1'
                $e.Protocol | Should -Be 'ICMP'
                $e.Info | Should -Match 'port.unreachable'
                $e.Info | Should -Not -Match 'DNS|UDP|example'
                $e.Source | Should -Be '198.18.0.2'
                $e.Destination | Should -Be '198.18.0.1'
            }
        }

        It 'does not count an error as UDP: Where-Object { $_.Udp } finds the datagram only' {
            $datagram = New-Packet IPv4 -Source 198.18.0.1 -Destination 198.18.0.2 | New-Packet Udp -SourcePort 40000 -DestinationPort 53
            @($datagram, (New-PortUnreachable) | Where-Object { $_.Udp }).Count | Should -Be 1
            @($datagram, (New-PortUnreachable) | Where-Object { $_.Icmp -and $_.Icmp.Quoted.Udp }).Count | Should -Be 1
        }

        It 'Show-Packet shows the quote after the ICMP header, as Scapy''s "IP in ICMP"' {
            $text = (New-PortUnreachable | Show-Packet) -join "`n"      # one string per line
            $text | Should -Match '###\[ Icmp \]###'
            $text | Should -Match '###\[ IPv4 in Icmp \]###'
            $text | Should -Match '###\[ Udp in Icmp \]###\n  SourcePort      = 40000\n  DestinationPort = 53'
        }

        It 'the layers stacked on an ICMPv6 error are its quote too' {
            $e = New-Packet IPv6 -Source 2001:db8::2 -Destination 2001:db8::1 | New-Packet IcmpV6 -Type 1 -Code 4 |
                New-Packet IPv6 -Source 2001:db8::1 -Destination 2001:db8::2 | New-Packet Udp -SourcePort 40000 -DestinationPort 53
            # bytes(IPv6(src='2001:db8::2', dst='2001:db8::1')/ICMPv6DestUnreach(code=4)/IPv6(src='2001:db8::1', dst='2001:db8::2')/UDP(sport=40000, dport=53))
            $e.Hex | Should -Be '6000000000383a4020010db800000000000000000000000220010db8000000000000000000000001010431e500000000600000000008114020010db800000000000000000000000120010db80000000000000000000000029c400035000807f4'
            @($e.Layers.Name) | Should -Be @('IPv6', 'IcmpV6')
            $e.Udp | Should -BeNullOrEmpty
            $e.IcmpV6.Quoted.Udp.DestinationPort | Should -Be 53
            $e.Protocol | Should -Be 'ICMPv6'
        }
    }

    Context 'captured live on lo' {
        It 'a UDP datagram to a closed port on 127.0.0.1 brings back an ICMP port unreachable that quotes it' -Tag 'Root' -Skip:$NoRoot {
            $live = Get-LiveError -Family AF_INET -Address 127.0.0.1 -Filter 'icmp and icmp[0] == 3'
            $live.Packets.Count | Should -Be 1
            $e = $live.Packets[0]
            @($e.Layers.Name | Where-Object { $_ -ne 'LinuxSll' -and $_ -ne 'Ethernet' }) | Should -Be @('IPv4', 'Icmp')
            $e.Icmp.Type | Should -Be 3
            $e.Icmp.Code | Should -Be 3
            $e.Udp | Should -BeNullOrEmpty
            $e.Icmp.Quoted.Udp.DestinationPort | Should -Be $live.Port
            $e.Icmp.Quoted.Raw.Load | Should -Be ([Text.Encoding]::UTF8.GetBytes('anyone there?'))
            $e.Protocol | Should -Be 'ICMP'
            $e.Info | Should -Match 'port.unreachable'
            $e.IsMalformed | Should -BeFalse
        }

        It 'a UDP datagram to a closed port on ::1 brings back an ICMPv6 port unreachable that quotes it' -Tag 'Root' -Skip:$NoRoot {
            $live = Get-LiveError -Family AF_INET6 -Address ::1 -Filter 'icmp6 and ip6[40] == 1'
            $live.Packets.Count | Should -Be 1
            $e = $live.Packets[0]
            @($e.Layers.Name | Where-Object { $_ -ne 'LinuxSll' -and $_ -ne 'Ethernet' }) | Should -Be @('IPv6', 'IcmpV6')
            $e.IcmpV6.Type | Should -Be 1
            $e.IcmpV6.Code | Should -Be 4
            $e.Udp | Should -BeNullOrEmpty
            $e.IcmpV6.Quoted.IPv6.Destination | Should -Be '::1'
            $e.IcmpV6.Quoted.Udp.DestinationPort | Should -Be $live.Port
            $e.Protocol | Should -Be 'ICMPv6'
            $e.Info | Should -Match 'port.unreachable|unreach'
        }

        It 'Send-RawPacket -Receive matches the ICMPv6 port unreachable to the UDP probe it quotes' -Tag 'Root' -Skip:$NoRoot {
            $port = Get-ClosedUdpPort AF_INET6 ::1
            $sport = Get-Random -Minimum 40000 -Maximum 60000
            $out = @(New-Packet IPv6 -Destination ::1 | New-Packet Udp -SourcePort $sport -DestinationPort $port | New-Packet Raw -Load 'closed?' |
                    Send-RawPacket -Receive -Timeout 5)
            $out.Count | Should -Be 1
            $out[0].Answered | Should -BeTrue
            $rx = $out[0].Received
            $rx.IcmpV6.Type | Should -Be 1
            $rx.Udp | Should -BeNullOrEmpty
            $rx.IcmpV6.Quoted.Udp.SourcePort | Should -Be $sport
            $rx.IcmpV6.Quoted.Udp.DestinationPort | Should -Be $port
        }
    }
}

Describe 'A header cut short keeps the fields that are whole' {
    It 'a TCP header cut at 10 bytes keeps the ports and the sequence number, and not the acknowledgment' {
        # bytes(IP(src='198.18.0.1', dst='198.18.0.2')/TCP(sport=40000, dport=443, seq=1000, ack=5, flags='A'))[:30]
        $p = ConvertTo-Packet '45000028000100004006eea7c6120001c61200029c4001bb000003e80000' -LinkType Raw
        $p.IsMalformed | Should -BeTrue
        $p.MalformedReason | Should -Be 'Tcp header truncated: 10 of 20 bytes'
        $p.Tcp.CutLength | Should -Be 10
        $p.Tcp.SourcePort | Should -Be 40000
        $p.Tcp.DestinationPort | Should -Be 443
        $p.Tcp.SequenceNumber | Should -Be 1000
        $p.Tcp.seq | Should -Be 1000
        $p.Tcp.ack | Should -BeNullOrEmpty
        $p.Tcp['Flags'] | Should -BeNullOrEmpty
        $text = ($p | Show-Packet) -join "`n"
        $text | Should -Match '###\[ Tcp \]###\n  SourcePort      = 40000\n  DestinationPort = 443\n  SequenceNumber  = 1000\nMalformed: Tcp header truncated: 10 of 20 bytes'
        $text | Should -Not -Match 'AcknowledgmentNumber'
    }

    It 'a UDP header cut at 5 bytes keeps the ports' {
        # bytes(IP(src='198.18.0.1', dst='198.18.0.2')/UDP(sport=40000, dport=53))[:25]
        $p = ConvertTo-Packet '4500001c000100004011eea8c6120001c61200029c40003500' -LinkType Raw
        $p.IsMalformed | Should -BeTrue
        $p.Udp.SourcePort | Should -Be 40000
        $p.Udp.DestinationPort | Should -Be 53
        $p.Udp.len | Should -BeNullOrEmpty
    }

    It 'an IPv4 header cut at 15 bytes keeps the fields before the cut' {
        # bytes(IP(src='198.18.0.1', dst='198.18.0.2', ttl=9)/ICMP())[:15]
        $p = ConvertTo-Packet '4500001c00010000090125b9c61200' -LinkType Raw
        $p.IsMalformed | Should -BeTrue
        $p.MalformedReason | Should -Be 'IPv4 header truncated: 15 of 20 bytes'
        $p.IPv4.TimeToLive | Should -Be 9
        $p.IPv4.TotalLength | Should -Be 28
        $p.IPv4.Protocol | Should -Be 1
        $p.IPv4.Checksum | Should -Be 0x25b9
        $p.IPv4.src | Should -BeNullOrEmpty
        ($p | Show-Packet) -join "`n" | Should -Match 'TimeToLive\s+= 9'
    }

    It 'an ICMP header cut at 3 bytes keeps the type and code' {
        $p = ConvertTo-Packet ('4500001c000100004001eeb8c6120001c6120002' + '0303f7') -LinkType Raw
        $p.IsMalformed | Should -BeTrue
        $p.Icmp.Type | Should -Be 3
        $p.Icmp.Code | Should -Be 3
        $p.Icmp.chksum | Should -BeNullOrEmpty
        ($p | Show-Packet) -join "`n" | Should -Match '###\[ Icmp \]###\n  Type += 3\n  Code += 3\nMalformed: Icmp header truncated: 3 of 8 bytes'
    }
}
