# What the blocks of README.md say they do (run by tests/Examples.Tests.ps1, in one runspace, in order).

# The tour's working folder (the runspace's current folder), learnt from the Unix socket that the first block binds
# there, so that later blocks' files (./crafted.pcapng, ./lo.csv) can be read back. The Assert blocks share it as closures.
$tour = @{ Folder = $null }

function Test-InternetChecksum([byte[]] $Bytes) {
    # The ones' complement sum over 16-bit words, checksum field included, is 0xFFFF when the checksum is right.
    $sum = 0
    for ($i = 0; $i -lt $Bytes.Length; $i += 2) {
        $sum += ([int]$Bytes[$i] -shl 8) + $(if ($i + 1 -lt $Bytes.Length) { $Bytes[$i + 1] } else { 0 })
    }
    while ($sum -shr 16) { $sum = ($sum -band 0xFFFF) + ($sum -shr 16) }
    $sum -eq 0xFFFF
}
$checksum = ${function:Test-InternetChecksum}

@{
    'Install #1' = @{ Skip = 'it registers a repository and installs into the user''s module folder: tests/Package.Tests.ps1 does the same in a temporary HOME' }
    'Sockets by domain, type and protocol #1' = @{ Root = $true; Assert = {
            param($Run)
            $sockets = @($Run.Output | Where-Object { $_ -is [NetSock.Sockets.NetSocket] })
            $sockets.Count | Should -Be 10 -Because 'five New-NetSocket, then Get-NetSocket lists the same five'
            $opened = $sockets[0..4]
            "$($opened.AddressFamily)" | Should -Be 'InterNetwork InterNetworkV6 Unix InterNetwork Packet'
            "$($opened.SocketType)" | Should -Be 'Stream Dgram Stream Raw Raw'
            $sockets[5..9].Id | Should -Be $opened.Id -Because 'Get-NetSocket lists what this session opened'
            "$($opened[0].LocalEndPoint.Address)" | Should -Be '127.0.0.1' -Because 'TCP is bound to 127.0.0.1 by default'
            $opened[0].LocalPort | Should -BeGreaterThan 0 -Because 'the kernel picked the port'
            "$($opened[1].LocalEndPoint.Address)" | Should -Be '::1'
            $opened[1].Protocol | Should -Be 'Udp'
            $opened[3].ProtocolNumber | Should -Be 102
            "$($opened[3].LocalEndPoint.Address)" | Should -Be '127.0.0.1'
            $opened | ForEach-Object { $_.State | Should -Be 'Closed' -Because 'Get-NetSocket | Close-NetSocket closed them all' }
            $unix = "$($opened[2].LocalEndPoint)"
            Split-Path $unix -Leaf | Should -Be 'demo.sock'
            Test-Path -LiteralPath $unix | Should -BeFalse -Because 'closing the Unix socket removes its file'
            $Run.Text | Should -Match 'Id\s+State\s+Family\s+Type\s+Protocol\s+LocalEndPoint\s+RemoteEndPoint\s+Sent\s+Received'
            $tour.Folder = Split-Path $unix -Parent
        }.GetNewClosure()
    }
    'Sockets by domain, type and protocol #2' = @{ ExpectError = 'NetSocketAddressInUse'; Assert = {
            param($Run)
            @($Run.Output).Count | Should -Be 0
            $errors = @($Run.Errors) + @($Run.Terminating | Where-Object { $_ } | ForEach-Object { $_.ErrorRecord })
            $errors.Count | Should -Be 1
            $errors[0].Exception.Message | Should -Match '^127\.0\.0\.1:\d+ is already in use' -Because 'the error says what was wrong'
        }
    }
    'TCP and Unix stream sockets #1' = @{ Assert = {
            param($Run)
            $Run.Output | Should -BeExactly @('Hello, server', 'Hello, client')
        }
    }
    'TCP and Unix stream sockets #2' = @{ Assert = {
            param($Run)
            $Run.Output | Should -BeExactly @('+OK PING', '+OK QUIT')
            $path = Join-Path ([IO.Path]::GetTempPath()) "netsock-$PID.sock"      # the tour runs in this process
            Test-Path -LiteralPath $path | Should -BeFalse -Because 'closing the listener removes the socket file'
        }
    }
    'TCP and Unix stream sockets #3' = @{ Assert = {
            param($Run)
            $lines = $Run.Information -join ''      # Pester writes its summary in pieces (Write-Host -NoNewline)
            $lines | Should -Match '\[\+\] answers PING'
            $lines | Should -Match 'Tests Passed: 1, Failed: 0'
        }
    }
    'TCP and Unix stream sockets #4' = @{ Assert = {
            param($Run)
            @($Run.Output).Count | Should -Be 3 -Because 'three clients, one echo each'
            $Run.Output | ForEach-Object { $_ | Should -Match '^echo: hello from \d+$' }
            @($Run.Output | Sort-Object -Unique).Count | Should -Be 3 -Because 'each client gets its own line back'
        }
    }
    'UDP and raw datagrams #1' = @{ Assert = {
            param($Run)
            @($Run.Output).Count | Should -Be 2
            $Run.Output[0] | Should -BeExactly 'Hello, UDP server'
            $Run.Output[1] | Should -BeOfType [System.Net.IPEndPoint]
            "$($Run.Output[1].Address)" | Should -Be '127.0.0.1'
            $Run.Output[1].Port | Should -Not -Be 12345 -Because "it is the client's port"
        }
    }
    'UDP and raw datagrams #2' = @{ Assert = {
            param($Run)
            $Run.Output | Should -BeExactly @('PONG')
        }
    }
    'UDP and raw datagrams #3' = @{ Root = $true; Assert = {
            param($Run)
            @($Run.Output).Count | Should -Be 3
            $Run.Output[0] | Should -Be 102
            $Run.Output[1] | Should -Be 64
            $Run.Output[2] | Should -BeExactly 'custom transport'
        }
    }
    'UDP and raw datagrams #4' = @{ Assert = {
            param($Run)
            $lines = $Run.Information -join ''
            $lines | Should -Match '\[\+\] answers PING'
            $lines | Should -Match 'Tests Passed: 1, Failed: 0'
        }
    }
    'Crafting packets #1' = @{ Assert = {
            param($Run)
            $Run.Output[0] | Should -BeExactly 'IPv4' -Because 'stacking left $ip unchanged'
            $Run.Output[1] | Should -Be 80
            $bytes = [Convert]::FromHexString($Run.Output[2])
            $payload = [Text.Encoding]::ASCII.GetBytes("GET / HTTP/1.0`r`n`r`n")
            $bytes.Length | Should -Be (20 + 20 + $payload.Length)
            $bytes[0] | Should -Be 0x45
            ([int]$bytes[2] -shl 8) + $bytes[3] | Should -Be $bytes.Length -Because 'the total length is computed'
            $bytes[8] | Should -Be 1 -Because 'the TTL was set to 1'
            $bytes[9] | Should -Be 6 -Because 'the protocol number comes from the Tcp layer'
            [byte[]]$bytes[16..19] | Should -Be ([byte[]](198, 18, 0, 2))
            & $checksum ([byte[]]$bytes[0..19]) | Should -BeTrue -Because 'the IPv4 checksum is computed'
            $pseudo = [byte[]]$bytes[12..19] + [byte[]](0, 6, 0, ($bytes.Length - 20))
            & $checksum ($pseudo + [byte[]]$bytes[20..($bytes.Length - 1)]) | Should -BeTrue -Because 'the TCP checksum is computed'
            ([int]$bytes[22] -shl 8) + $bytes[23] | Should -Be 80
            $bytes[33] | Should -Be 0x02 -Because 'flags S'
            [byte[]]$bytes[40..($bytes.Length - 1)] | Should -Be $payload
            $rebuilt = $Run.Output[3]
            $rebuilt.TimeToLive | Should -Be 1
            $rebuilt.TotalLength | Should -Be $bytes.Length
            $rebuilt.Checksum | Should -Be (([int]$bytes[10] -shl 8) + $bytes[11]) -Because 'show2() is the built packet'
            $Run.Output[4] | Should -Be 1024 -Because 'one packet per port'
            $fields = @($Run.Output | Where-Object { $_ -is [NetSock.Packets.LayerFieldInfo] })
            $fields.Layer | Sort-Object -Unique | Should -Be 'Tcp'
            $fields.Name | Should -Contain 'DestinationPort'
            $fields.Alias | Should -Contain 'dport' -Because "New-Packet's parameters have Scapy's names as aliases"
        }.GetNewClosure()
    }
    'Crafting packets #2' = @{ Assert = {
            param($Run)
            @($Run.Output).Count | Should -Be 2
            $Run.Output[0] | Should -Match '^Ethernet 02:00:00:00:00:01 > 02:00:00:00:00:02 .* / UDP 53 > 53 len 8$'
            $Run.Output[0] | Should -Match ' / IP 198\.18\.0\.1 > 198\.18\.0\.2 '
            $Run.Output[1] | Should -BeTrue -Because 'the IPv4 header is cut short'
        }
    }
    'Sniffing and pcap files #1' = @{ Root = $true; Assert = {
            param($Run)
            $interfaces = @($Run.Output | Where-Object { $_ -is [NetSock.Capture.CaptureInterface] })
            ($interfaces | Where-Object Name -EQ 'lo').IsLoopback | Should -BeTrue
            $packets = @($Run.Output | Where-Object { $_ -is [NetSock.Packets.Packet] })
            $packets.Count | Should -Be 3 -Because 'sniff(count=3)'
            $packets | ForEach-Object {
                $_.Udp.DestinationPort | Should -Be 40999
                $_.Interface | Should -Be 'lo'
            }
            $rows = @($Run.Output | Where-Object { $_.PSObject.Properties['Number'] -and $_ -isnot [NetSock.Packets.Packet] })
            $rows.Count | Should -BeGreaterThan 1 -Because 'lo.pcap holds connections to port 80'
            $rows | ForEach-Object { "$($_.' $_.Tcp.Flags ')" | Should -Match 'S' -Because 'the read filter keeps SYNs' }
            @($rows | Where-Object { "$($_.' $_.Tcp.Flags ')" -eq 'SA' }).Count | Should -BeGreaterThan 0 -Because "the listener's answers are there too"
            $rows.Number | Should -Be ($rows.Number | Sort-Object) -Because 'Number is the position in the file'
            $rows | ForEach-Object { $_.Timestamp | Should -BeOfType [DateTimeOffset] }
            if ($tour.Folder) {
                $crafted = Join-Path $tour.Folder 'crafted.pcapng'
                [IO.File]::ReadAllBytes($crafted)[0..3] | Should -Be ([byte[]](0x0A, 0x0D, 0x0D, 0x0A)) -Because 'pcapng by the name'
            }
        }.GetNewClosure()
    }
    'Looking at packets #1' = @{ Assert = {
            param($Run)
            # Show-Packet writes a string per line: show()'s lines, show2()'s, the hexdump's three, then a summary per SYN.
            $strings = @($Run.Output | Where-Object { $_ -is [string] })
            $starts = @(0..($strings.Count - 1) | Where-Object { $strings[$_] -eq '###[ IPv4 ]###' })
            $starts.Count | Should -Be 2 -Because 'show() and show2() each start with the IPv4 block'
            $hexAt = [array]::IndexOf($strings, @($strings -like '0000  *')[0])
            $show = $strings[$starts[0]..($starts[1] - 1)] -join "`n"
            $show2 = $strings[$starts[1]..($hexAt - 1)] -join "`n"
            $show | Should -Match '(?m)^\s+Checksum\s+= auto\s*$' -Because 'show(): auto fields marked auto'
            $show2 | Should -Not -Match '= auto' -Because 'show2(): lengths and checksums computed'
            $show2 | Should -Match '(?m)^\s+TotalLength\s+= 40\s*$'
            $show2 | Should -Match '(?m)^\s+Checksum\s+= 0x7ccd\s*$'
            $hex = $strings[$hexAt..($hexAt + 2)]
            $hex[0] | Should -BeExactly '0000  45 00 00 28 00 01 00 00 40 06 7C CD 7F 00 00 01  E..(....@.|.....'
            $hex[2] | Should -BeExactly '0020  50 02 20 00 91 7C 00 00                          P. ..|..'
            $summaries = @($strings | Select-Object -Skip ($hexAt + 3))
            $summaries.Count | Should -Be 3
            $ports = 22, 80, 443
            for ($i = 0; $i -lt 3; $i++) {
                $summaries[$i] | Should -Match "^IP .* > 127\.0\.0\.1 .*/ TCP \d+ > $($ports[$i]) \[S\]" -Because 'one tcpdump-like line per packet'
            }
            @($Run.Output | Where-Object { $_ -is [NetSock.Packets.LayerInfo] }).Count | Should -BeGreaterThan 10 -Because 'ls(): every layer'
            $groups = @($Run.Output | Where-Object { $_ -is [Microsoft.PowerShell.Commands.GroupInfo] })
            $groups.Count | Should -Be 1 -Because 'the three SYNs go to 127.0.0.1'
            $groups[0].Name | Should -Be '127.0.0.1'
            $groups[0].Count | Should -Be 3
            if ($tour.Folder) {
                $csv = @(Import-Csv (Join-Path $tour.Folder 'syns.csv'))
                $csv.Count | Should -Be 3 -Because 'one row each'
                $columns = $csv[0].PSObject.Properties.Name
                foreach ($column in 'Source', 'Destination', 'Protocol', 'Info', 'Hex') { $columns | Should -Contain $column }
                $csv.Info | Should -Match '^\d+ → (22|80|443) \[SYN\] Seq=0 '
                $csv | ForEach-Object { $_.Destination | Should -Be '127.0.0.1' }
                $csv[0].Hex | Should -Match '^[0-9a-f]+$' -Because 'the bytes are one cell of hex'
            }
        }.GetNewClosure()
    }
    'Sending packets, and matching the answers #1' = @{ Root = $true; Assert = {
            param($Run)
            $pairs = @($Run.Output | Where-Object { $_ -is [NetSock.Injection.PacketResponse] })
            $pairs.Count | Should -Be 4 -Because 'sr(): one pair, srloop(): one per round'
            $first = @($Run.Output | Where-Object { $_ -is [NetSock.Packets.Packet] })
            $first.Count | Should -Be 1 -Because 'sr1() writes the answer itself'
            $first[0].Summary | Should -Match 'ICMP echo-reply id 7 seq 1'
            $pairs | ForEach-Object {
                $_.Received | Should -Not -BeNullOrEmpty -Because 'loopback answers every echo request'
                $_.Received.Summary | Should -Match 'ICMP echo-reply id 7 seq 1'
                $_.RoundTrip | Should -BeGreaterThan ([timespan]::Zero)
            }
            $pairs[1..3].Number | Should -Be @(1, 2, 3) -Because 'srloop: one round per count'
            $Run.Text | Should -Match 'Number\s+RoundTrip\s+Sent\s+Received'
            $Run.Verbose | Should -Contain 'Sent 100000 packets.' -Because 'the flood sends every packet it was asked to'
            @($Run.Information | Where-Object { $_ -match '^RECV 1: .*ICMP echo-reply id 7 seq 1' }).Count | Should -Be 3 -Because 'a line per round'
            @($Run.Information)[-1] | Should -Be 'Sent 3 packets, received 3 packets. 100.0% hits.' -Because 'the totals at the end, as srloop prints them'
        }
    }
    'Network checks in Pester #1' = @{ Root = $true; TimeoutSeconds = 60; Assert = {
            param($Run)
            $result = @($Run.Output | Where-Object { $_.PSObject.TypeNames -contains 'Pester.Run' })
            $result.Count | Should -Be 0 -Because 'the block runs Invoke-Pester without -PassThru'
            ($Run.Information -join '') | Should -Match 'Tests Passed: 3, Failed: 0' -Because 'the three checks pass: listening, fields, what is sent'
        }
    }
}
