# The default views of NetSock.Format.ps1xml, as Format-Table / Format-List print them: packets as Wireshark's packet list
# (column widths from the data, Info as tshark prints it, checked beside tshark on a connection captured on lo),
# Send-RawPacket -Receive pairs with their round-trip times, sockets, datagrams and capture interfaces. Every address is
# loopback; files go under the temp folder with GUID names. Send-RawPacket and capture need root: those tests are tagged Root.

BeforeDiscovery {
    $NoRoot = -not ($IsLinux -and (& id -u) -eq '0')
}

BeforeAll {
    Import-Module $env:NETSOCK_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Rendering = $PSStyle.OutputRendering
    $PSStyle.OutputRendering = 'PlainText'

    function Get-Lines {
        # The non-blank lines of what the formatter prints, 200 columns wide.
        param([Parameter(ValueFromPipeline)] $InputObject)
        end { @(($input | Out-String -Width 200) -split '\r?\n' | Where-Object { $_.Trim() }) }
    }

    function Get-TempPath([string] $Extension) {
        Join-Path ([IO.Path]::GetTempPath()) "netsock-$([guid]::NewGuid())$Extension"
    }
}

AfterAll {
    $PSStyle.OutputRendering = $Rendering
}

Describe 'NetSock views' {
    Context 'packets read from a pcap, as a table' {
        BeforeAll {
            $path = Get-TempPath '.pcap'
            try {
                @(
                    New-Packet IPv4 -Source 127.0.0.1 -Destination 127.0.0.1 | New-Packet Udp -SourcePort 1234 -DestinationPort 53 | New-Packet Raw -Load 'abc'
                    New-Packet IPv4 -Source 127.0.0.1 -Destination 127.0.0.1 | New-Packet Tcp -SourcePort 40000 -DestinationPort 80 -Flags S
                ) | Export-Pcap $path
                $script:Packets = @(Get-SniffedPacket -Path $path)
            }
            finally { Remove-Item $path -ErrorAction Ignore }
            $script:Table = $Packets | Format-Table | Get-Lines
        }

        It 'reads both packets back, numbered and stamped' {
            $Packets.Count | Should -Be 2
            $Packets.Number | Should -Be @(1, 2)
            $Packets[0].Timestamp | Should -Not -BeNullOrEmpty
        }

        It 'has the columns Number, Timestamp, Source, Destination, Protocol, Length, Info' {
            $Table[0] | Should -Match '^\s*Number\s+Timestamp\s+Source\s+Destination\s+Protocol\s+Length\s+Info\s*$'
            $Table[1] | Should -Match '^\s*------\s+---------\s+------\s+-----------\s+--------\s+------\s+----\s*$'
            $Table.Count | Should -Be 4
        }

        It 'names each column after the property it shows, so that Select-Object takes the same names' {
            $labels = -split $Table[0]
            $labels.Count | Should -Be 7
            foreach ($label in $labels) {
                $Packets[0].PSObject.Properties[$label] | Should -Not -BeNullOrEmpty -Because "the column $label is a property"
                $Packets[0] | Select-Object -ExpandProperty $label | Should -Not -BeNullOrEmpty -Because "Select-Object $label gives the column"
            }
        }

        It 'shows the UDP packet as row 1: number, HH:mm:ss.ffffff time, addresses, UDP, length, tshark''s Info' {
            $time = [regex]::Escape($Packets[0].Timestamp.ToString('HH:mm:ss.ffffff'))
            $time | Should -Match '^\d\d:\d\d:\d\d\\\.\d{6}$'
            $Table[2] | Should -Match "^\s*1\s+$time\s+127\.0\.0\.1\s+127\.0\.0\.1\s+UDP\s+31\s+1234 → 53 Len=3\s*$"
        }

        It 'shows the TCP SYN as row 2 with its flags in Info' {
            $time = [regex]::Escape($Packets[1].Timestamp.ToString('HH:mm:ss.ffffff'))
            $Table[3] | Should -Match "^\s*2\s+$time\s+127\.0\.0\.1\s+127\.0\.0\.1\s+TCP\s+40\s+40000 → 80 \[SYN\] Seq=0 Win=8192 Len=0\s*$"
        }

        It 'is also the view for packets that are output with no Format cmdlet' {
            ($Packets | Get-Lines)[0] | Should -Match '^\s*Number\s+Timestamp\s+Source\s+Destination\s+Protocol\s+Length\s+Info\s*$'
        }

        It 'leaves Number and Timestamp empty for a crafted packet' {
            $lines = New-Packet IPv4 -Source 127.0.0.1 -Destination 127.0.0.1 | New-Packet Udp -DestinationPort 5353 | Format-Table | Get-Lines
            $lines[2] | Should -Match '^\s+127\.0\.0\.1\s+127\.0\.0\.1\s+UDP\s+28\s+53 → 5353 Len=0'
        }
    }

    Context 'packet rows use the width they are given' {
        BeforeAll {
            $path = Get-TempPath '.pcap'
            $v6Path = Get-TempPath '.pcap'
            try {
                # A SYN whose Info is 82 characters (the old view cut Info at 45 in 120 columns), and a DNS answer of 58.
                @(
                    New-Packet IPv4 -Source 127.0.0.1 -Destination 127.0.0.1 |
                        New-Packet Tcp -SourcePort 41850 -DestinationPort 8000 -Flags S -Window 65495 -Options 'MSS=65495', 'SAckOK', 'Timestamp=1000,0', 'NOP', 'WScale=7'
                    New-Packet IPv4 -Source 127.0.0.1 -Destination 127.0.0.1 | New-Packet Udp -SourcePort 53 -DestinationPort 5353 |
                        New-Packet Dns -Id 0x1234 -Response 1 -Questions 'example.test' -Answers 'example.test 60 A 198.18.0.9'
                ) | Export-Pcap $path
                New-Packet IPv6 -Source 2001:db8::1234:5678:9abc:def0 -Destination 2001:db8::1234:5678:9abc:def1 |
                    New-Packet Tcp -SourcePort 41850 -DestinationPort 8000 -Flags S -Window 65495 -Options 'MSS=65495', 'SAckOK', 'Timestamp=1000,0', 'NOP', 'WScale=7' |
                    Export-Pcap $v6Path
                $script:Wide = @(Get-SniffedPacket -Path $path)
                $script:Ipv6Packets = @(Get-SniffedPacket -Path $v6Path)
            }
            finally { Remove-Item $path, $v6Path -ErrorAction Ignore }
            $script:Syn = '41850 → 8000 [SYN] Seq=0 Win=65495 Len=0 MSS=65495 SACK_PERM TSval=1000 TSecr=0 WS=128'
            $script:Answer = 'Standard query response 0x1234 A example.test A 198.18.0.9'
        }

        It 'gives Info the rest of 200 columns: the SYN''s 82 characters whole' {
            $Wide[0].Info | Should -Be $Syn
            $lines = @(($Wide | Out-String -Width 200) -split '\r?\n' | Where-Object { $_.Trim() })
            $lines[2] | Should -Match "\s$([regex]::Escape($Syn))$"
        }

        It 'gives Info the rest of 120 columns: more than 45 characters, the DNS answer whole' {
            $lines = @(($Wide | Out-String -Width 120) -split '\r?\n' | Where-Object { $_.Trim() })
            $lines[3] | Should -Match "\sDNS\s+\d+\s+$([regex]::Escape($Answer))$"
            ($lines | Measure-Object Length -Maximum).Maximum | Should -BeLessOrEqual 120
        }

        It 'shows IPv6 addresses whole, in 200 columns with the Info too, and in 120' {
            $lines = @(($Ipv6Packets | Out-String -Width 200) -split '\r?\n' | Where-Object { $_.Trim() })
            $lines[2] | Should -Match "\s2001:db8::1234:5678:9abc:def0\s+2001:db8::1234:5678:9abc:def1\s+TCP\s+\d+\s+$([regex]::Escape($Syn))$"
            $lines = @(($Ipv6Packets | Out-String -Width 120) -split '\r?\n' | Where-Object { $_.Trim() })
            $lines[2] | Should -Match '\s2001:db8::1234:5678:9abc:def0\s+2001:db8::1234:5678:9abc:def1\s+TCP\s'
        }
    }

    Context 'a TCP connection captured on lo, beside tshark' {
        It 'has tshark''s Protocol and Info for every packet: relative sequence numbers, the scaled window, the HTTP lines' -Tag 'Root' -Skip:$NoRoot {
            $reason = Install-TestTool -Command tshark -Package tshark
            if ($reason) { Set-ItResult -Skipped -Because $reason; return }
            $server = Start-TcpListener -LocalAddress 127.0.0.1 -Port 0
            $port = $server.LocalEndPoint.Port
            $path = Get-TempPath '.pcap'
            try {
                $job = Start-ThreadJob -ArgumentList $env:NETSOCK_MODULE, $port -ScriptBlock {
                    param($module, $port)
                    Import-Module $module
                    @(Get-SniffedPacket lo -Filter "tcp port $port" -Timeout 4)
                }
                Start-Sleep -Milliseconds 1500      # the capture is open before the handshake
                $client = Connect-TcpEndpoint 127.0.0.1 $port
                Send-SocketData $client "GET / HTTP/1.1`r`nHost: x`r`n`r`n" -NoNewline
                $conn = Receive-TcpConnection $server
                $null = Receive-SocketData $conn -MaximumBytes 100
                Send-SocketData $conn "HTTP/1.1 200 OK`r`nContent-Length: 0`r`n`r`n" -NoNewline
                Start-Sleep -Milliseconds 200
                $client, $conn | Close-NetSocket
                $captured = @($job | Wait-Job | Receive-Job)
                $job | Remove-Job
                $captured | Export-Pcap $path
                $theirs = @(& tshark -r $path -T fields -e _ws.col.Protocol -e _ws.col.Info 2>$null)
            }
            finally {
                $server | Close-NetSocket
                Remove-Item $path -ErrorAction Ignore
            }
            $captured.Count | Should -BeGreaterOrEqual 7 -Because 'the handshake, the request, its ACK, the response, its ACK'
            $theirs.Count | Should -Be $captured.Count
            $captured[0].Info | Should -Match '^\d+ → \d+ \[SYN\] Seq=0 Win=\d+ Len=0 MSS=\d+ SACK_PERM TSval=\d+ TSecr=0 WS=\d+$'
            $captured[2].Info | Should -Match '^\d+ → \d+ \[ACK\] Seq=1 Ack=1 Win=\d+ '
            @($captured | Where-Object Protocol -EQ 'HTTP').Info | Should -Be @('GET / HTTP/1.1', 'HTTP/1.1 200 OK')
            for ($i = 0; $i -lt $captured.Count; $i++) {
                $protocol, $info = $theirs[$i] -split "`t", 2
                # tshark ends an HTTP line with a space (for the CRLF); NetSock does not.
                "$($captured[$i].Protocol)`t$($captured[$i].Info)" | Should -BeExactly "$protocol`t$($info.TrimEnd())" -Because "packet $($i + 1)"
            }
        }
    }

    Context 'a packet as a list' {
        BeforeAll {
            $path = Get-TempPath '.pcap'
            try {
                New-Packet IPv4 -Source 127.0.0.1 -Destination 127.0.0.1 | New-Packet Udp -SourcePort 1234 -DestinationPort 53 | New-Packet Raw -Load 'abc' |
                    Export-Pcap $path
                $script:Captured = Get-SniffedPacket -Path $path
            }
            finally { Remove-Item $path -ErrorAction Ignore }
            $script:List = $Captured | Format-List | Out-String -Width 200
        }

        It 'shows Number, Summary, Source, Destination, Protocol, Length and LinkType' {
            $List | Should -Match '(?m)^Number\s+: 1\s*$'
            $List | Should -Match '(?m)^Summary\s+: IP 127\.0\.0\.1 > 127\.0\.0\.1 ttl 64 / UDP 1234 > 53 len 11 / Raw 3 bytes\s*$'
            $List | Should -Match '(?m)^Source\s+: 127\.0\.0\.1\s*$'
            $List | Should -Match '(?m)^Destination\s+: 127\.0\.0\.1\s*$'
            $List | Should -Match '(?m)^Protocol\s+: UDP\s*$'
            $List | Should -Match '(?m)^Length\s+: 31\s*$'
            $List | Should -Match '(?m)^LinkType\s+: Raw\s*$'
            $List | Should -Match '(?m)^IsMalformed\s+: False\s*$'
        }

        It 'shows Layers as the layer names, IPv4/Udp/Raw' {
            $List | Should -Match '(?m)^Layers\s+: IPv4/Udp/Raw\s*$'
        }

        It 'shows no layer or Bytes as a property of its own' {
            $List | Should -Not -Match '(?m)^(IPv4|Udp|Raw|Bytes|Hex)\s+:'
        }
    }

    Context 'Send-RawPacket -Receive pairs' {
        It 'shows Number, RoundTrip, Sent and Received, with the echo request and its reply' -Tag 'Root' -Skip:$NoRoot {
            $out = @(New-Packet IPv4 -Destination 127.0.0.1 | New-Packet Icmp -Id 7 -Seq 1 | Send-RawPacket -Receive -Timeout 5)
            $out.Count | Should -Be 1
            $out[0].Answered | Should -BeTrue
            $lines = $out | Format-Table | Get-Lines
            $lines[0] | Should -Match '^\s*Number\s+RoundTrip\s+Sent\s+Received\s*$'
            $lines[2] | Should -Match '^\s*1\s+\d+\.\d{3} ms\s+Echo \(ping\) request  id=0x0007, seq=1/256, ttl=64\s+Echo \(ping\) reply    id=0x0007, seq=1/256, ttl=64\s*$'
            foreach ($label in -split $lines[0]) { $out[0].PSObject.Properties[$label] | Should -Not -BeNullOrEmpty -Because "the column $label is a property" }
            # The default view, too.
            ($out | Get-Lines)[0] | Should -Match '^\s*Number\s+RoundTrip\s+Sent\s+Received\s*$'
        }

        It 'shows (no answer) and no round-trip time for a packet nothing answers' -Tag 'Root' -Skip:$NoRoot {
            $socket = New-NetSocket AF_INET SOCK_DGRAM -LocalAddress 127.0.0.1 -LocalPort 0
            try {
                $out = @(New-Packet IPv4 -Destination 127.0.0.1 | New-Packet Udp -SourcePort 41234 -DestinationPort $socket.LocalPort |
                        New-Packet Raw -Load 'silence' | Send-RawPacket -Receive -Timeout 1)
            }
            finally { $socket | Close-NetSocket }
            $out.Count | Should -Be 1
            $lines = $out | Format-Table | Get-Lines
            $lines[2] | Should -Match "^\s*1\s+41234 → $($socket.LocalPort) Len=7\s+\(no answer\)\s*$"
        }
    }

    Context 'sockets, datagrams and capture interfaces' {
        It 'shows a NetSocket with Id, State, Family, Type, Protocol, LocalEndPoint, RemoteEndPoint, Sent, Received' {
            $socket = New-NetSocket AF_INET SOCK_DGRAM -LocalAddress 127.0.0.1 -LocalPort 0
            try {
                $lines = Get-NetSocket -Id $socket.Id | Format-Table | Get-Lines
                $default = Get-NetSocket -Id $socket.Id | Get-Lines
            }
            finally { $socket | Close-NetSocket }
            $lines[0] | Should -Match '^\s*Id\s+State\s+Family\s+Type\s+Protocol\s+LocalEndPoint\s+RemoteEndPoint\s+Sent\s+Received\s*$'
            $lines[2] | Should -Match "^\s*$($socket.Id)\s+Open\s+InterNetwork\s+Dgram\s+Udp\s+127\.0\.0\.1:$($socket.LocalPort)\s+0\s+0\s*$"
            $default[0] | Should -Be $lines[0]
        }

        It 'shows a Datagram with Time, From, Length and Text, control characters as dots' {
            $socket = New-NetSocket AF_INET SOCK_DGRAM -LocalAddress 127.0.0.1 -LocalPort 0
            $sender = [System.Net.Sockets.Socket]::new('InterNetwork', 'Dgram', 'Udp')
            try {
                $sender.Bind([System.Net.IPEndPoint]::new([ipaddress]::Loopback, 0))
                $null = $sender.SendTo([Text.Encoding]::ASCII.GetBytes("hello`tview"), $socket.LocalEndPoint)
                $d = Receive-Datagram -Socket $socket -Timeout 5
                $from = $sender.LocalEndPoint
            }
            finally {
                $sender.Dispose()
                $socket | Close-NetSocket
            }
            $d | Should -Not -BeNullOrEmpty
            $lines = $d | Format-Table | Get-Lines
            $lines[0] | Should -Match '^\s*Time\s+From\s+Length\s+Text\s*$'
            $time = [regex]::Escape($d.Timestamp.ToString('HH:mm:ss.fff'))
            $lines[2] | Should -Match "^$time\s+$([regex]::Escape("$from"))\s+10\s+hello\.view\s*$"
            ($d | Get-Lines)[0] | Should -Be $lines[0]
        }

        It 'shows capture interfaces with Name, Up, Loopback, LinkType, MacAddress, Addresses, lo among them' {
            $lines = Get-CaptureInterface | Format-Table | Get-Lines
            $lines[0] | Should -Match '^\s*Name\s+Up\s+Loopback\s+LinkType\s+MacAddress\s+Addresses\s*$'
            $lo = @($lines | Where-Object { $_ -match '^lo\s' })
            $lo.Count | Should -Be 1
            $lo[0] | Should -Match '^lo\s+True\s+True\s+.*00:00:00:00:00:00\s+.*127\.0\.0\.1, ::1'
        }
    }
}
