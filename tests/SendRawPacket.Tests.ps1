# Send-RawPacket on the loopback interface: layer 3 through raw IP sockets, layer 2 on lo, -Receive matching answers,
# floods, -PassThru, -Loop, -WhatIf and the errors. Every packet goes to 127.0.0.1 or ::1 (or out on lo), nowhere else.
# Sending needs root (raw sockets, AF_PACKET, the capture that -Receive and the checks use); those tests are tagged Root.

BeforeDiscovery {
    $NoRoot = -not ($IsLinux -and (& id -u) -eq '0')
}

BeforeAll {
    Import-Module $env:NETSOCK_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Cmd = 'NetSock.Commands.SendRawPacketCommand'
    $script:Jobs = [System.Collections.Generic.List[object]]::new()

    function Get-FreePort {
        # A UDP port nothing listens on: bound by the kernel's choice, then closed again.
        $s = New-NetSocket AF_INET SOCK_DGRAM -LocalAddress 127.0.0.1 -LocalPort 0
        try { $s.LocalPort } finally { $s | Close-NetSocket }
    }

    function Get-ClosedTcpPort {
        # A TCP port nothing listens on: listened on at the kernel's choice, then closed again.
        $l = Start-TcpListener -LocalAddress 127.0.0.1 -Port 0
        try { $l.LocalPort } finally { $l | Close-NetSocket }
    }

    function Get-SourcePort { Get-Random -Minimum 40000 -Maximum 60000 }

    function Get-OwnPacketSocket {
        # The inodes of the AF_PACKET sockets this process holds (/proc/net/packet, matched to /proc/<pid>/fd).
        $inodes = @(Get-Content /proc/net/packet | Select-Object -Skip 1 | ForEach-Object { (-split $_)[-1] })
        $held = @(& find "/proc/$PID/fd" -lname 'socket:*' -printf '%l\n' 2>$null)
        @($inodes | Where-Object { $held -contains "socket:[$_]" })
    }

    function Start-LoCapture {
        <#
        Captures on lo in a thread job (Get-SniffedPacket -Filter -Count -Timeout) and returns the job once the capture
        runs: its packet socket is open (seen in /proc/net/packet), and a second more for libpcap to set the filter.
        #>
        param([Parameter(Mandatory)] [string] $Filter, [int] $Count = 1, [double] $Timeout = 15)
        $before = Get-OwnPacketSocket
        $job = Start-ThreadJob -ThrottleLimit 64 -ArgumentList $env:NETSOCK_MODULE, $Filter, $Count, $Timeout -ScriptBlock {
            param($module, $filter, $count, $timeout)
            Import-Module $module
            Get-SniffedPacket lo -Filter $filter -Count $count -Timeout $timeout
        }
        $Jobs.Add($job)
        $deadline = [datetime]::UtcNow.AddSeconds(20)
        while (-not @(Get-OwnPacketSocket | Where-Object { $_ -notin $before }).Count) {
            if ($job.State -notin 'NotStarted', 'Running') { throw "The capture ended before it started: $($job.ChildJobs[0].Error)" }
            if ([datetime]::UtcNow -gt $deadline) { throw 'The capture did not open its socket within 20 s.' }
            Start-Sleep -Milliseconds 50
        }
        Start-Sleep -Seconds 1
        $job
    }

    function Receive-LoCapture {
        # What a capture of Start-LoCapture saw, once it has ended (its -Count reached or its -Timeout over).
        param([Parameter(Mandatory)] $Job)
        $null = Wait-Job $Job -Timeout 60
        @(Receive-Job $Job)
    }

    function Invoke-ChildPwsh {
        # Runs a block in a child pwsh (root, NetSock imported) and returns its console lines: what -WhatIf writes to the host.
        param([Parameter(Mandatory)] [scriptblock] $ScriptBlock)
        $pwsh = [Environment]::ProcessPath
        $pre = @(if ((Split-Path $pwsh -Leaf) -like 'dotnet*') { Join-Path $PSHOME 'pwsh.dll' })
        $out = & $pwsh @pre -NoProfile -NonInteractive -Command "Import-Module '$env:NETSOCK_MODULE'; & { $ScriptBlock }" 2>&1
        if ($LASTEXITCODE -ne 0) { throw "The child pwsh failed (exit $LASTEXITCODE): $out" }
        @($out | ForEach-Object { "$_" })
    }

    function Get-Text([byte[]] $Bytes) { [Text.Encoding]::UTF8.GetString($Bytes) }
}

AfterAll {
    foreach ($job in $Jobs) { Remove-Job $job -Force -ErrorAction Ignore }
}

Describe 'Send-RawPacket' {
    Context 'with -Receive on loopback (sr)' {
        It 'gets the echo-reply to an ICMP echo to 127.0.0.1, with the sent packet''s auto fields filled' -Tag 'Root' -Skip:$NoRoot {
            $out = @(New-Packet IPv4 -Destination 127.0.0.1 | New-Packet Icmp -Id 7 -Seq 1 | New-Packet Raw -Load 'echo me' |
                    Send-RawPacket -Receive -Timeout 5)
            $out.Count | Should -Be 1
            $r = $out[0]
            $r | Should -BeOfType ([NetSock.Injection.PacketResponse])
            $r.Number | Should -Be 1
            $r.Answered | Should -BeTrue
            $r.Received.Icmp.Type | Should -Be 0
            $r.Received.Icmp.Code | Should -Be 0
            $r.Received.Icmp.Id | Should -Be 7
            $r.Received.Icmp.Seq | Should -Be 1
            $r.Received.IPv4.Source | Should -Be ([ipaddress]'127.0.0.1')
            Get-Text $r.Received.Raw.Load | Should -Be 'echo me'
            $r.RoundTrip | Should -BeOfType ([timespan])
            $r.RoundTrip | Should -BeGreaterThan ([timespan]::Zero)
            $r.SentTime | Should -BeOfType ([DateTimeOffset])
            # Captured on lo, as lo frames (a zero Ethernet header), not as Linux cooked frames from "any".
            $r.Received.LinkType | Should -Be ([NetSock.Packets.LinkType]::Ethernet)
            $r.Received.Interface | Should -Be 'lo'
            "$($r.Received.Ethernet.Source)" | Should -Be '00:00:00:00:00:00'
            # The sent packet as it went on the wire: the auto fields show their values.
            $r.Sent.IPv4.Source | Should -Be ([ipaddress]'127.0.0.1')
            $r.Sent.IPv4.Destination | Should -Be ([ipaddress]'127.0.0.1')
            $r.Sent.IPv4.Checksum | Should -Not -BeNullOrEmpty
            $r.Sent.IPv4.Protocol | Should -Be 1
            $r.Sent.IPv4.TotalLength | Should -Be 35
            $r.Sent.Icmp.Checksum | Should -Not -BeNullOrEmpty
            $r.Sent.Icmp.Type | Should -Be 8
        }

        It 'gets the ICMPv6 echo-reply to an echo to ::1' -Tag 'Root' -Skip:$NoRoot {
            $out = @(New-Packet IPv6 -Destination ::1 | New-Packet IcmpV6 -Id 9 -Seq 2 | Send-RawPacket -Receive -Timeout 5)
            $out.Count | Should -Be 1
            $out[0].Answered | Should -BeTrue
            $out[0].Received.IcmpV6.Type | Should -Be 129
            $out[0].Received.IcmpV6.Id | Should -Be 9
            $out[0].Received.IcmpV6.Seq | Should -Be 2
            $out[0].Received.IPv6.Source | Should -Be ([ipaddress]'::1')
            $out[0].Sent.IPv6.Source | Should -Be ([ipaddress]'::1')
            $out[0].Sent.IcmpV6.Checksum | Should -Not -BeNullOrEmpty
        }

        It 'with -First (sr1) writes the answer packet itself, and ends at the first answer' -Tag 'Root' -Skip:$NoRoot {
            $out = @(New-Packet IPv4 -Destination 127.0.0.1 | New-Packet Icmp -Id 4243 -Seq 1, 2, 3 | Send-RawPacket -First -Timeout 5 -Verbose 4>&1)
            $packets = @($out | Where-Object { $_ -is [NetSock.Packets.Packet] })
            $packets.Count | Should -Be 1
            $packets[0].Icmp.Type | Should -Be 0
            $packets[0].Icmp.Id | Should -Be 4243
            $packets[0].Icmp.Seq | Should -Be 1
            # Once answered, nothing more is awaited (nor sent).
            "$(@($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })[-1])" | Should -Match '^Sent [123] packets, received 1 answers\.$'
            # sr1 is its alias; nothing answered writes nothing.
            $socket = New-NetSocket AF_INET SOCK_DGRAM -LocalAddress 127.0.0.1 -LocalPort 0
            try {
                @(New-Packet IPv4 -Destination 127.0.0.1 | New-Packet Udp -DestinationPort $socket.LocalPort | Send-RawPacket -sr1 -Timeout 0.5).Count | Should -Be 0
            }
            finally { $socket | Close-NetSocket }
        }

        It 'with -Timeout 0 waits without limit until every packet is answered, then ends' -Tag 'Root' -Skip:$NoRoot {
            $out = @(New-Packet IPv4 -Destination 127.0.0.1 | New-Packet Icmp -Id 4242 -Seq 1,2,3 | Send-RawPacket -Receive -Timeout 0)
            $out.Count | Should -Be 3
            $out.Answered | Should -Be @($true, $true, $true)
            @($out.Received.Icmp.Seq | Sort-Object) | Should -Be @(1, 2, 3)
        }

        It 'gets a SYN/ACK acknowledging seq + 1 from a port Start-TcpListener listens on' -Tag 'Root' -Skip:$NoRoot {
            $listener = Start-TcpListener -LocalAddress 127.0.0.1 -Port 0
            try {
                $port = $listener.LocalPort
                $sport = Get-SourcePort
                $out = @(New-Packet IPv4 -Destination 127.0.0.1 | New-Packet Tcp -SourcePort $sport -DestinationPort $port -Flags S -SequenceNumber 123456 |
                        Send-RawPacket -Receive -Timeout 5)
            }
            finally { $listener | Close-NetSocket }
            $out.Count | Should -Be 1
            $out[0].Answered | Should -BeTrue
            $tcp = $out[0].Received.Tcp
            $tcp.Flags.Letters | Should -Be 'SA'
            $tcp.AcknowledgmentNumber | Should -Be 123457
            $tcp.SourcePort | Should -Be $port
            $tcp.DestinationPort | Should -Be $sport
            $out[0].Sent.Tcp.Checksum | Should -Not -BeNullOrEmpty
        }

        It 'gets a RST from a closed TCP port' -Tag 'Root' -Skip:$NoRoot {
            $port = Get-ClosedTcpPort
            $sport = Get-SourcePort
            $out = @(New-Packet IPv4 -Destination 127.0.0.1 | New-Packet Tcp -SourcePort $sport -DestinationPort $port -Flags S -SequenceNumber 5000 |
                    Send-RawPacket -Receive -Timeout 5)
            $out.Count | Should -Be 1
            $out[0].Answered | Should -BeTrue
            $out[0].Received.Tcp.Flags.HasFlag([NetSock.Packets.TcpFlags]::Rst) | Should -BeTrue
            $out[0].Received.Tcp.AcknowledgmentNumber | Should -Be 5001
            $out[0].Received.Tcp.SourcePort | Should -Be $port
        }

        It 'matches the ICMP port-unreachable from a closed UDP port back to the datagram it quotes' -Tag 'Root' -Skip:$NoRoot {
            $port = Get-FreePort
            $sport = Get-SourcePort
            $out = @(New-Packet IPv4 -Destination 127.0.0.1 | New-Packet Udp -SourcePort $sport -DestinationPort $port | New-Packet Raw -Load 'anyone?' |
                    Send-RawPacket -Receive -Timeout 5)
            $out.Count | Should -Be 1
            $out[0].Answered | Should -BeTrue
            $rx = $out[0].Received
            $rx.Icmp.Type | Should -Be 3
            $rx.Icmp.Code | Should -Be 3
            @($rx.Layers | ForEach-Object Name) | Should -Be @('Ethernet', 'IPv4', 'Icmp')
            $rx.Udp | Should -BeNullOrEmpty -Because 'the UDP header is the quoted datagram''s, not the error''s own'
            @($rx.Icmp.Quoted.Layers.Name) | Should -Be @('IPv4', 'Udp', 'Raw')
            $rx.Icmp.Quoted.Udp.SourcePort | Should -Be $sport
            $rx.Icmp.Quoted.Udp.DestinationPort | Should -Be $port
        }

        It 'matches the ICMP port-unreachable, not the packet itself, for UDP with equal ports (as the defaults 53 > 53 are)' -Tag 'Root' -Skip:$NoRoot {
            # On lo the sent datagram comes back in as an incoming packet; with source port = destination port it has
            # the "swapped" ports of a reply, but it is the packet itself, not its answer.
            $port = Get-FreePort
            $out = @(New-Packet IPv4 -Destination 127.0.0.1 | New-Packet Udp -SourcePort $port -DestinationPort $port | New-Packet Raw -Load 'self' |
                    Send-RawPacket -Receive -Timeout 5)
            $out.Count | Should -Be 1
            $out[0].Answered | Should -BeTrue
            $out[0].Received.Summary | Should -Match 'ICMP dest-unreach port-unreachable' -Because 'the answer is the ICMP error, not the datagram seen coming back on lo'
            $out[0].Received.Icmp.Type | Should -Be 3
        }

        It 'emits an unanswered response, Answered $false and Received $null, when a bound UDP socket says nothing' -Tag 'Root' -Skip:$NoRoot {
            $socket = New-NetSocket AF_INET SOCK_DGRAM -LocalAddress 127.0.0.1 -LocalPort 0
            try {
                $sport = Get-SourcePort
                $out = @(New-Packet IPv4 -Destination 127.0.0.1 | New-Packet Udp -SourcePort $sport -DestinationPort $socket.LocalPort | New-Packet Raw -Load 'silence' |
                        Send-RawPacket -Receive -Timeout 1)
                $got = Receive-Datagram -Socket $socket -Timeout 5
            }
            finally { $socket | Close-NetSocket }
            $out.Count | Should -Be 1
            $out[0] | Should -BeOfType ([NetSock.Injection.PacketResponse])
            $out[0].Number | Should -Be 1
            $out[0].Answered | Should -BeFalse
            $out[0].Received | Should -BeNullOrEmpty
            $out[0].RoundTrip | Should -BeNullOrEmpty
            $out[0].Sent.Udp.DestinationPort | Should -Be $socket.LocalPort
            "$out" | Should -Match 'no answer'
            $got.Text | Should -Be 'silence'       # it went out: the socket got it, and kept quiet
            $got.RemoteEndPoint.Port | Should -Be $sport
        }
    }

    Context 'with -FragmentSize' {
        It 'cuts a packet into fragments without sending them ([NetSock.Packets.Fragments]::Split), which a pcap file keeps' {
            $p = New-Packet IPv4 -Source 198.18.0.1 -Destination 198.18.0.2 | New-Packet Udp -DestinationPort 9 | New-Packet Raw -Load ('x' * 100)
            $file = Join-Path $TestDrive 'fragments.pcap'
            [NetSock.Packets.Fragments]::Split($p, 40) | Export-Pcap $file
            $read = @(Get-SniffedPacket -Path $file)
            $read.Count | Should -Be 3
            @($read | ForEach-Object { $_.IPv4.FragmentOffset }) | Should -Be @(0, 5, 10)
            $read.Protocol | Should -Be @('IPv4', 'IPv4', 'IPv4') -Because 'tshark, which reassembles, calls every fragment IPv4'
            $read[1].Info | Should -Be 'Fragmented IP protocol (proto=UDP 17, off=40, ID=0001)'
            $read[2].Info | Should -Be 'Fragmented IP protocol (proto=UDP 17, off=80, ID=0001)'
        }

        It 'sends a 3000-byte UDP datagram to <Address> in fragments that the kernel puts together for a bound socket' -Tag 'Root' -Skip:$NoRoot -ForEach @(
            @{ Address = '127.0.0.1'; Family = 'AF_INET'; Ip = 'IPv4'; Size = 1000; Fragments = 4 }
            @{ Address = '::1'; Family = 'AF_INET6'; Ip = 'IPv6'; Size = 1232; Fragments = 3 }
        ) {
            $socket = New-NetSocket $Family SOCK_DGRAM -LocalAddress $Address -LocalPort 0
            try {
                $packet = New-Packet $Ip -Destination $Address | New-Packet Udp -SourcePort (Get-SourcePort) -DestinationPort $socket.LocalPort | New-Packet Raw -Load ('f' * 3000)
                $sent = @($packet | Send-RawPacket -FragmentSize $Size -PassThru)
                $got = Receive-Datagram -Socket $socket -MaximumBytes 65535 -Timeout 5
            }
            finally { $socket | Close-NetSocket }
            $sent.Count | Should -Be $Fragments
            @($sent.Number | Select-Object -Unique) | Should -Be 1 -Because 'the fragments of one packet share its number'
            $got.Length | Should -Be 3000
            $got.Text | Should -Be ('f' * 3000)
        }

        It 'gets the echo-reply to a 4000-byte echo sent in fragments' -Tag 'Root' -Skip:$NoRoot {
            $out = @(New-Packet IPv4 -Destination 127.0.0.1 | New-Packet Icmp -Id 0x6667 -Seq 3 | New-Packet Raw -Load ('p' * 4000) |
                    Send-RawPacket -FragmentSize 1480 -Receive -Timeout 5)
            $out.Count | Should -Be 1
            $out[0].Answered | Should -BeTrue
            $out[0].Sent.Length | Should -Be 4028 -Because 'Sent is the packet, whole'
            $out[0].Received.Icmp.Type | Should -Be 0
            $out[0].Received.Icmp.Id | Should -Be 0x6667
        }

        It 'says in -WhatIf how many fragments, and refuses to fragment what is not IP (RawPacketCannotFragment)' -Tag 'Root' -Skip:$NoRoot {
            $lines = Invoke-ChildPwsh {
                New-Packet IPv4 -Destination 127.0.0.1 | New-Packet Udp -DestinationPort 9 | New-Packet Raw -Load ('w' * 3000) | Send-RawPacket -FragmentSize 1000 -WhatIf
            }
            "$lines" | Should -Match '3028 bytes, in 4 fragments\) at layer 3 to 127\.0\.0\.1'
            $arp = New-Packet Ether -dst ff:ff:ff:ff:ff:ff | New-Packet Arp -pdst 127.0.0.1
            $arp | Send-RawPacket -Interface lo -FragmentSize 8 -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -Be "RawPacketCannotFragment,$Cmd"
            $err[0].Exception.Message | Should -Match 'Only an IP packet'
        }
    }

    Context 'with -Receive: a DNS query to a server on 127.0.0.1:53' {
        It 'gets the response with the query''s id, decoded, and not a response with another id' -Tag 'Root' -Skip:$NoRoot {
            # A tiny DNS server: a UDP socket on 127.0.0.1:53 that answers each query first with a wrong id, then rightly.
            try { $server = New-NetSocket AF_INET SOCK_DGRAM -LocalAddress 127.0.0.1 -LocalPort 53 }
            catch { Set-ItResult -Skipped -Because "UDP port 53 on 127.0.0.1 is taken: $($_.Exception.Message)"; return }
            try {
                $job = Start-ThreadJob -ArgumentList $env:NETSOCK_MODULE, $server -ScriptBlock {
                    param($module, $server)
                    Import-Module $module
                    $query = Receive-Datagram -Socket $server -Timeout 15
                    $id = $query.Data[0] * 256 + $query.Data[1]
                    foreach ($reply in @(($id + 1) % 65536), $id) {
                        $answer = New-Packet Dns -Id $reply -Response 1 -RecursionAvailable 1 -Questions 'example.test' -Answers 'example.test 60 IN A 198.18.0.9'
                        Send-Datagram -Socket $server -InputObject $answer.Bytes -ComputerName $query.RemoteEndPoint.Address -Port $query.RemoteEndPoint.Port
                    }
                    $id
                }
                $Jobs.Add($job)
                $sport = Get-SourcePort
                $out = @(New-Packet IPv4 -Destination 127.0.0.1 | New-Packet Udp -SourcePort $sport -DestinationPort 53 |
                        New-Packet Dns -Id 0x4e53 -Questions 'example.test' | Send-RawPacket -Receive -Timeout 10)
                $served = Receive-Job $job -Wait -AutoRemoveJob
            }
            finally { $server | Close-NetSocket }
            $served | Should -Be 0x4e53
            $out.Count | Should -Be 1
            $out[0].Answered | Should -BeTrue
            $dns = $out[0].Received.Dns
            $dns.Id | Should -Be 0x4e53 -Because 'the response with another id came first and does not answer'
            $dns.Response | Should -Be 1
            $dns.Answers[0].Value | Should -Be ([ipaddress]'198.18.0.9')
            $dns.Answers[0].Ttl | Should -Be 60
            $out[0].Received.Info | Should -Be 'Standard query response 0x4e53 A example.test A 198.18.0.9'
        }
    }

    Context 'sending copies and streams' {
        It 'takes -Interval in seconds, as Scapy''s inter: five copies 0.2 s apart take at least 0.8 s' -Tag 'Root' -Skip:$NoRoot {
            $p = New-Packet IPv4 -Destination 127.0.0.1 | New-Packet Udp -DestinationPort (Get-FreePort)
            $sent = @(Send-RawPacket $p -Count 5 -Interval 0.2 -PassThru)
            $sent.Count | Should -Be 5
            ($sent[4].Timestamp - $sent[0].Timestamp).TotalSeconds | Should -BeGreaterOrEqual 0.8
            (Get-Command Send-RawPacket).Parameters['Interval'].Aliases | Should -Contain 'inter'
        }

        It 'takes the packets as -InputObject, and as -Packet (its alias)' -Tag 'Root' -Skip:$NoRoot {
            $p = New-Packet IPv4 -Destination 127.0.0.1 | New-Packet Udp -DestinationPort (Get-FreePort)
            @(Send-RawPacket -InputObject $p -PassThru).Count | Should -Be 1
            @(Send-RawPacket -Packet $p -PassThru).Count | Should -Be 1
            foreach ($command in 'Send-RawPacket', 'Show-Packet', 'New-Packet', 'Export-Pcap') {
                (Get-Command $command).Parameters['InputObject'].Aliases | Should -Contain 'Packet' -Because "$command takes packets as -InputObject"
            }
        }

        It 'with -Count 5 -Interval 0.01 -PassThru sends five copies, numbered 1..5 with increasing timestamps, that a capture sees' -Tag 'Root' -Skip:$NoRoot {
            $port = Get-FreePort
            $sport = Get-SourcePort
            $capture = Start-LoCapture -Filter "udp and src port $sport and dst port $port" -Count 5
            $sent = @(New-Packet IPv4 -Destination 127.0.0.1 | New-Packet Udp -SourcePort $sport -DestinationPort $port | New-Packet Raw -Load 'five times' |
                    Send-RawPacket -Count 5 -Interval 0.01 -PassThru)
            $seen = @(Receive-LoCapture $capture)
            $sent.Count | Should -Be 5
            $sent.Number | Should -Be @(1, 2, 3, 4, 5)
            foreach ($i in 1..4) { $sent[$i].Timestamp | Should -BeGreaterThan $sent[$i - 1].Timestamp }
            $sent | ForEach-Object {
                $_ | Should -BeOfType ([NetSock.Packets.Packet])
                $_.Interface | Should -Be 'lo'
                $_.IPv4.Checksum | Should -Not -BeNullOrEmpty
                $_.Udp.Length | Should -Be 18
            }
            $seen.Count | Should -Be 5
            $seen | ForEach-Object {
                $_.Udp.SourcePort | Should -Be $sport
                Get-Text $_.Raw.Load | Should -Be 'five times'
                # lo captures with a (zero) Ethernet header; above it are the very bytes that were sent.
                [Convert]::ToHexString($_.Bytes) | Should -BeLikeExactly "*$([Convert]::ToHexString($sent[0].Bytes))"
            }
        }

        It 'floods -Count 20000 copies (no -PassThru) to a bound UDP socket, which gets them with the right payload' -Tag 'Root' -Skip:$NoRoot {
            $socket = New-NetSocket AF_INET SOCK_DGRAM -LocalAddress 127.0.0.1 -LocalPort 0
            try {
                $sport = Get-SourcePort
                $p = New-Packet IPv4 -Destination 127.0.0.1 | New-Packet Udp -SourcePort $sport -DestinationPort $socket.LocalPort | New-Packet Raw -Load 'flood payload'
                $verbose = @(Send-RawPacket $p -Count 20000 -Verbose 4>&1)
                $got = @(Receive-Datagram -Socket $socket -Count 3 -Timeout 5)
            }
            finally { $socket | Close-NetSocket }
            $verbose | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] } | Should -BeNullOrEmpty -Because 'without -PassThru nothing is emitted'
            ($verbose | ForEach-Object Message) -join "`n" | Should -Match 'Sent 20000 packets\.'
            $got.Count | Should -Be 3
            $got | ForEach-Object {
                $_.Text | Should -Be 'flood payload'
                $_.RemoteEndPoint.Port | Should -Be $sport
            }
        }

        It 'streams pipeline input: three different packets piped in all go out, each as it comes' -Tag 'Root' -Skip:$NoRoot {
            $port = Get-FreePort
            $sport = Get-SourcePort
            $packets = foreach ($text in 'first', 'second', 'third') {
                New-Packet IPv4 -Destination 127.0.0.1 | New-Packet Udp -SourcePort $sport -DestinationPort $port | New-Packet Raw -Load $text
            }
            $capture = Start-LoCapture -Filter "udp and src port $sport and dst port $port" -Count 3
            $log = [System.Collections.Generic.List[string]]::new()
            & { foreach ($i in 0..2) { $log.Add("in $($i + 1)"); $packets[$i] } } | Send-RawPacket -PassThru | ForEach-Object { $log.Add("out $($_.Number)") }
            $seen = @(Receive-LoCapture $capture)
            $log | Should -Be @('in 1', 'out 1', 'in 2', 'out 2', 'in 3', 'out 3')
            $seen.Count | Should -Be 3
            @($seen | ForEach-Object { Get-Text $_.Raw.Load }) | Should -Be @('first', 'second', 'third')
        }
    }

    Context 'at layer 2 and with -WhatIf' {
        It 'with -Interface lo sends a packet that starts with IPv4 at layer 2, with an Ethernet header put under it' -Tag 'Root' -Skip:$NoRoot {
            $port = Get-FreePort
            $sport = Get-SourcePort
            $capture = Start-LoCapture -Filter "udp and src port $sport and dst port $port" -Count 1
            $sent = @(New-Packet IPv4 -Destination 127.0.0.1 | New-Packet Udp -SourcePort $sport -DestinationPort $port | New-Packet Raw -Load 'layer two' |
                    Send-RawPacket -Interface lo -PassThru)
            $seen = @(Receive-LoCapture $capture)
            $sent.Count | Should -Be 1
            @($sent[0].Layers.Name) | Should -Be @('Ethernet', 'IPv4', 'Udp', 'Raw')
            $sent[0].Ethernet.Type | Should -Be 0x0800
            $sent[0].Interface | Should -Be 'lo'
            $sent[0].Number | Should -Be 1
            $seen.Count | Should -Be 1
            $seen[0].Layers[0].Name | Should -Be 'Ethernet'
            Get-Text $seen[0].Raw.Load | Should -Be 'layer two'
            [Convert]::ToHexString($seen[0].Bytes) | Should -Be ([Convert]::ToHexString($sent[0].Bytes))
        }

        It 'with -WhatIf sends nothing and says where it would send: "at layer 3", or "at layer 2" with -Interface' -Tag 'Root' -Skip:$NoRoot {
            $port = Get-FreePort
            $capture = Start-LoCapture -Filter "udp dst port $port" -Count 1 -Timeout 4
            $lines = Invoke-ChildPwsh ([scriptblock]::Create(@"
New-Packet IPv4 -Destination 127.0.0.1 | New-Packet Udp -DestinationPort $port | Send-RawPacket -WhatIf -Count 3 -PassThru
New-Packet IPv4 -Destination 127.0.0.1 | New-Packet Udp -DestinationPort $port | Send-RawPacket -WhatIf -Interface lo -PassThru
"@))
            $out = @(New-Packet IPv4 -Destination 127.0.0.1 | New-Packet Udp -DestinationPort $port | Send-RawPacket -WhatIf -PassThru)
            $seen = @(Receive-LoCapture $capture)
            $out | Should -BeNullOrEmpty
            $seen | Should -BeNullOrEmpty -Because 'nothing may go out with -WhatIf'
            $text = $lines -join "`n"
            $text | Should -Match 'What if: .*3 packets \(IPv4/Udp, 28 bytes\) at layer 3 to 127\.0\.0\.1'
            $text | Should -Match 'What if: .*1 packet \(Ethernet/IPv4/Udp, 42 bytes\) at layer 2 on lo'
            @($lines | Where-Object { $_ -match '^What if:' }).Count | Should -Be 2 -Because "-PassThru emits no packet with -WhatIf: $text"
        }
    }

    Context 'with -Loop -Receive (srloop)' {
        It 'sends -Count 2 rounds, emits both answers and writes one RECV line per round, then the totals, as srloop prints them' -Tag 'Root' -Skip:$NoRoot {
            $id = Get-Random -Minimum 1 -Maximum 65535
            $out = @(New-Packet IPv4 -Destination 127.0.0.1 | New-Packet Icmp -Id $id -Seq 4 |
                    Send-RawPacket -Loop -Count 2 -Receive -Interval 0.1 -Timeout 5 -InformationVariable info)
            $lines = @($info | ForEach-Object { "$($_.MessageData)" })
            $out.Count | Should -Be 2
            $out.Number | Should -Be @(1, 2)
            $out | ForEach-Object { $_.Answered | Should -BeTrue; $_.Received.Icmp.Id | Should -Be $id }
            $lines.Count | Should -Be 3
            $lines[0] | Should -Be "RECV 1: $($out[0].Received.Summary)"
            $lines[1] | Should -Be "RECV 1: $($out[1].Received.Summary)"
            $lines[2] | Should -Be 'Sent 2 packets, received 2 packets. 100.0% hits.'
            ($info | Select-Object -First 1).Tags | Should -Contain 'PSHOST'
        }

        It 'counts in a round''s RECV line the answers of that round (3 packets a round: "RECV 3:"), each on a line of its own' -Tag 'Root' -Skip:$NoRoot {
            $id = Get-Random -Minimum 1 -Maximum 65535
            $null = New-Packet IPv4 -Destination 127.0.0.1 | New-Packet Icmp -Id $id -Seq 1, 2, 3 |
                Send-RawPacket -Loop -Count 2 -Receive -Interval 0.1 -Timeout 5 6>&1 | Tee-Object -Variable all
            $lines = @($all | Where-Object { $_ -is [System.Management.Automation.InformationRecord] } | ForEach-Object { "$($_.MessageData)" })
            $lines.Count | Should -Be 3
            foreach ($round in $lines[0], $lines[1]) {
                $rows = $round -split [Environment]::NewLine
                $rows.Count | Should -Be 3
                $rows[0] | Should -Match "^RECV 3: .*ICMP echo-reply id $id seq \d$"
                $rows[1] | Should -Match "^        .*ICMP echo-reply id $id seq \d$"
            }
            $lines[2] | Should -Be 'Sent 6 packets, received 6 packets. 100.0% hits.'
        }

        It 'writes a fail line and emits the unanswered packet of a round nothing answers' -Tag 'Root' -Skip:$NoRoot {
            $socket = New-NetSocket AF_INET SOCK_DGRAM -LocalAddress 127.0.0.1 -LocalPort 0
            try {
                $out = @(New-Packet IPv4 -Destination 127.0.0.1 | New-Packet Udp -SourcePort (Get-SourcePort) -DestinationPort $socket.LocalPort |
                        Send-RawPacket -Loop -Count 1 -Receive -Timeout 1 -InformationVariable info)
            }
            finally { $socket | Close-NetSocket }
            $lines = @($info | ForEach-Object { "$($_.MessageData)" })
            $out.Count | Should -Be 1
            $out[0].Answered | Should -BeFalse
            $lines[0] | Should -Match '^fail 1: IP 127\.0\.0\.1 > 127\.0\.0\.1'
            $lines[1] | Should -Be 'Sent 1 packets, received 0 packets. 0.0% hits.'
        }
    }

    Context 'when it fails' {
        It 'names the interfaces (lo among them) for an unknown -Interface, and the session goes on' -Tag 'Root' -Skip:$NoRoot {
            $name = "nosuch$(Get-Random -Maximum 9999)"
            $out = @(New-Packet IPv4 -Destination 127.0.0.1 | New-Packet Icmp | Send-RawPacket -Interface $name -ErrorVariable err -ErrorAction SilentlyContinue)
            $out | Should -BeNullOrEmpty
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -Be "RawPacketInterfaceNotFound,$Cmd"
            "$($err[0].CategoryInfo.Category)" | Should -Be 'ObjectNotFound'
            $err[0].Exception.Message | Should -Match ([regex]::Escape("'$name'"))
            $err[0].Exception.Message | Should -Match 'The interfaces are: .*\blo\b'
            { New-Packet IPv4 -Destination 127.0.0.1 | New-Packet Icmp | Send-RawPacket -Interface $name -ErrorAction Stop } |
                Should -Throw -ErrorId "RawPacketInterfaceNotFound,$Cmd"
            # The next send works.
            $r = New-Packet IPv4 -Destination 127.0.0.1 | New-Packet Icmp -Id 31 -Seq 1 | Send-RawPacket -Receive -Timeout 5
            $r.Answered | Should -BeTrue
        }

        It 'refuses a packet that starts with Tcp (RawPacketLayerUnknown) and still sends the next one in the pipeline' -Tag 'Root' -Skip:$NoRoot {
            $bad = New-Packet Tcp -DestinationPort 80
            $good = New-Packet IPv4 -Destination 127.0.0.1 | New-Packet Icmp -Id 32 -Seq 1
            $out = @($bad, $good | Send-RawPacket -Receive -Timeout 5 -ErrorVariable err -ErrorAction SilentlyContinue)
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -Be "RawPacketLayerUnknown,$Cmd"
            "$($err[0].CategoryInfo.Category)" | Should -Be 'InvalidArgument'
            $err[0].Exception.Message | Should -Match 'starts with Tcp'
            $out.Count | Should -Be 1
            $out[0].Answered | Should -BeTrue
            $out[0].Received.Icmp.Id | Should -Be 32
            { $bad | Send-RawPacket -ErrorAction Stop } | Should -Throw -ErrorId "RawPacketLayerUnknown,$Cmd"
        }

        It 'says it needs root or CAP_NET_RAW when run without privilege, and a privileged send works after it' -Tag 'Root' -Skip:$NoRoot {
            $result = Invoke-Unprivileged {
                $errors = foreach ($receive in $false, $true) {
                    try {
                        New-Packet IPv4 -Destination 127.0.0.1 | New-Packet Icmp | Send-RawPacket -Receive:$receive -Timeout 1 -ErrorAction Stop
                        [pscustomobject]@{ ErrorId = 'sent'; Category = ''; Message = '' }
                    }
                    catch { [pscustomobject]@{ ErrorId = $_.FullyQualifiedErrorId; Category = "$($_.CategoryInfo.Category)"; Message = $_.Exception.Message } }
                }
                , @($errors)
            }
            $result.Count | Should -Be 2
            $result[0].ErrorId | Should -Be "RawPacketNoPrivilege,$Cmd"
            $result[0].Category | Should -Be 'PermissionDenied'
            $result[0].Message | Should -Match 'needs root or CAP_NET_RAW'
            # With -Receive the capture that listens for answers is opened first; its refusal is reported the same way.
            $result[1].ErrorId | Should -Be "RawPacketNoPrivilege,$Cmd"
            $result[1].Message | Should -Match 'needs root or CAP_NET_RAW'
            $r = New-Packet IPv4 -Destination 127.0.0.1 | New-Packet Icmp -Id 33 -Seq 1 | Send-RawPacket -Receive -Timeout 5
            $r.Answered | Should -BeTrue
        }
    }
}
