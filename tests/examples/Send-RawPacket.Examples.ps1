# What the examples of docs/Send-RawPacket.md say they do (run by tests/Examples.Tests.ps1).

function Get-WhatIf([scriptblock] $Command) {
    # -WhatIf writes to the host only, which $Run does not hold: run the command again under a transcript.
    $file = Join-Path ([IO.Path]::GetTempPath()) "netsock-whatif-$([guid]::NewGuid().ToString('n')).txt"
    $ps = [powershell]::Create()
    try {
        $null = $ps.AddScript("Import-Module '$((Get-Module NetSock).Path)'; Start-Transcript -LiteralPath '$file' | Out-Null; & { $Command }; Stop-Transcript | Out-Null").Invoke()
        @(Get-Content -LiteralPath $file | Where-Object { $_ -like 'What if:*' })
    }
    finally { $ps.Dispose(); Remove-Item -LiteralPath $file -ErrorAction Ignore }
}
# The Assert blocks that need it hold it as a closure (the sidecar's own scope is gone when they run).
$whatIf = ${function:Get-WhatIf}

@{
    1 = @{ Root = $true; Assert = {
            param($Run)
            # -First writes the answer itself, captured on lo with lo's zero Ethernet header.
            $Run.Output[0] | Should -Be 'Ethernet 00:00:00:00:00:00 > 00:00:00:00:00:00 type 0x0800 / IP 127.0.0.1 > 127.0.0.1 ttl 64 / ICMP echo-reply id 7 seq 1'
            $Run.Output[1] | Should -Be 'lo'
            $Run.Output[2] | Should -Match '^\d+[.,]\d{3} ms$'
            # -Receive: one PacketResponse with the same answer.
            $all = @(New-Packet IPv4 -Destination 127.0.0.1 | New-Packet Icmp -Id 7 -Seq 1 | Send-RawPacket -Receive)
            $all.Count | Should -Be 1
            $all[0].Answered | Should -BeTrue
            $all[0].Received.Summary | Should -Be $Run.Output[0]
            # Over IPv6.
            $v6 = New-Packet IPv6 -Destination ::1 | New-Packet IcmpV6 -Type 128 -Id 7 -Seq 1 | Send-RawPacket -First
            $v6.Summary | Should -Be 'Ethernet 00:00:00:00:00:00 > 00:00:00:00:00:00 type 0x86dd / IPv6 ::1 > ::1 hlim 64 / ICMPv6 echo-reply id 7 seq 1'
        }
    }
    2 = @{ Root = $true; Assert = {
            param($Run)
            # The listening port answers SA (Syn, Ack); port 9, where nothing listens, RA (Rst, Ack).
            $Run.Text | Should -Match 'Number\s+Port\s+Answer\s+RoundTrip'
            $Run.Text | Should -Match '(?m)^\s+1\s+\d+\s+SA\s+\d\d:\d\d:\d\d\.\d+\s*$'
            $Run.Text | Should -Match '(?m)^\s+2\s+9\s+RA\s+\d\d:\d\d:\d\d\.\d+\s*$'
            $Run.Verbose | Should -Contain 'Sent 2 packets, received 2 answers.'
            # A capture shows the RST that this host's kernel sends after the SYN/ACK.
            $server = Start-TcpListener -LocalAddress 127.0.0.1
            try {
                $module = (Get-Module NetSock).Path
                $syn = New-Packet IPv4 -Destination 127.0.0.1 | New-Packet Tcp -SourcePort 40000 -DestinationPort $server.LocalPort -Flags S
                $job = Start-ThreadJob { Import-Module $using:module; Start-Sleep -Seconds 1; Send-RawPacket $using:syn }
                $seen = @(Get-SniffedPacket lo -Filter 'tcp port 40000' -Count 3 -Timeout 10)
                $job | Wait-Job | Remove-Job
            }
            finally { $server | Close-NetSocket }
            $seen.Count | Should -Be 3
            "$($seen[1].Tcp.Flags)" | Should -Be 'SA'
            "$($seen[2].Tcp.Flags)" | Should -Match 'R'
            $seen[2].Tcp.SourcePort | Should -Be 40000
        }
    }
    3 = @{ Root = $true; Assert = {
            param($Run)
            $Run.Verbose | Should -Contain 'Sent 100000 packets.'
            $Run.Output | Should -Match '^[\d.,\s\u00a0\u202f]+ packets/s$'
        }
    }
    4 = @{ Root = $true; Assert = {
            param($Run)
            # At layer 3 the kernel puts the right checksum in; at layer 2 the frame goes as it is.
            $Run.Output | Should -Be @('1: Ethernet/IPv4/Udp IPv4 checksum 7cce', '2: Ethernet/IPv4/Udp IPv4 checksum dead')
            & $whatIf {
                $p = New-Packet IPv4 -Destination 127.0.0.1 -Checksum 0xdead | New-Packet Udp -SourcePort 40995 -DestinationPort 40995
                Send-RawPacket $p -Interface lo -WhatIf
            } | Should -Be 'What if: Performing the operation "Send" on target "1 packet (Ethernet/IPv4/Udp, 42 bytes) at layer 2 on lo toward 127.0.0.1".'
            # IPv6 at layer 2 on lo is answered.
            $answer = New-Packet IPv6 -Destination ::1 | New-Packet IcmpV6 -Type 128 | Send-RawPacket -Interface lo -Receive
            @($answer).Count | Should -Be 1
            $answer.Answered | Should -BeTrue
            $answer.Received.Summary | Should -Match 'ICMPv6 echo-reply'
        }.GetNewClosure()
    }
    5 = @{ Root = $true; Assert = {
            param($Run)
            # Each echo request read from the file is answered by the reply with its own sequence number.
            $Run.Text | Should -Match 'Number\s+Seq\s+Answered\s+RoundTrip'
            foreach ($n in 1..3) { $Run.Text | Should -Match "(?m)^\s+$n\s+$n\s+True\s+\d\d:\d\d:\d\d\.\d+\s*$" }
            $Run.Text | Should -Not -Match 'False'
            $Run.Verbose | Should -Contain 'Sent 3 packets, received 3 answers.'
            Test-Path (Join-Path ([IO.Path]::GetTempPath()) 'pings.pcap') | Should -BeFalse
        }
    }
    6 = @{ Root = $true; Assert = {
            param($Run)
            $Run.Text | Should -Match 'Number\s+Answered\s+RoundTrip'
            foreach ($n in 1..3) { $Run.Text | Should -Match "(?m)^\s+$n\s+True\s+\d\d:\d\d:\d\d\.\d+\s*$" }
            # One line per round, as srloop prints it (the number counts the round's answers), then the totals.
            @($Run.Information | ForEach-Object { "$_" }) | Should -Be @(
                @(1..3 | ForEach-Object { 'RECV 1: Ethernet 00:00:00:00:00:00 > 00:00:00:00:00:00 type 0x0800 / IP 127.0.0.1 > 127.0.0.1 ttl 64 / ICMP echo-reply id 7 seq 0' })
                'Sent 3 packets, received 3 packets. 100.0% hits.')
        }
    }
    7 = @{ Root = $true; Assert = {
            param($Run)
            # -WhatIf sends nothing; -PassThru sends one packet and writes it with its auto fields filled.
            $Run.Verbose | Should -Be @('Sent 0 packets.', 'Sent 0 packets.', 'Sent 1 packets.')
            $Run.Text | Should -Match 'Number\s+: 1\s+Timestamp\s+: \S.*\s+Interface\s+: lo\s+Summary\s+: IP 127\.0\.0\.1 > 127\.0\.0\.1 ttl 64 / UDP 53 > 9 len 8'
            $said = & $whatIf {
                $p = New-Packet IPv4 -Destination 127.0.0.1 | New-Packet Udp -DestinationPort 9
                Send-RawPacket $p -Count 10 -WhatIf
                Send-RawPacket $p -Interface lo -WhatIf
            }
            $said | Should -Be @(
                'What if: Performing the operation "Send" on target "10 packets (IPv4/Udp, 28 bytes) at layer 3 to 127.0.0.1, routed by the kernel via lo".'
                'What if: Performing the operation "Send" on target "1 packet (Ethernet/IPv4/Udp, 42 bytes) at layer 2 on lo toward 127.0.0.1".')
            # Both checksums are filled in the packet -PassThru writes.
            $sent = New-Packet IPv4 -Destination 127.0.0.1 | New-Packet Udp -DestinationPort 9 | Send-RawPacket -PassThru
            $sent.IPv4.Checksum | Should -Not -BeNullOrEmpty
            $sent.Udp.Checksum | Should -Not -BeNullOrEmpty
            $sent.Udp.SourcePort | Should -Be 53
        }.GetNewClosure()
    }
    8 = @{ Assert = {
            param($Run)
            # Four fragments, MF on all but the last, offsets in 8-byte units; the socket gets the datagram whole.
            $Run.Text | Should -Match '(?m)^\s*1\s+1020\s+MF\s+0\s*$'
            $Run.Text | Should -Match '(?m)^\s*1\s+1020\s+MF\s+125\s*$'
            $Run.Text | Should -Match '(?m)^\s*1\s+1020\s+MF\s+250\s*$'
            $Run.Text | Should -Match '(?m)^\s*1\s+28\s+None\s+375\s*$'
            $Run.Output[-1] | Should -Be 3000
        }
    }
}

