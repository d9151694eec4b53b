BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $NoRoot = -not ($IsLinux -and (& id -u) -eq '0')
    $NoFifo = -not ($IsLinux -and (Get-Command mkfifo -ErrorAction Ignore))
    $NoTcpdump = if (Install-TestTool tcpdump tcpdump) { $true } else { $false }
}

BeforeAll {
    Import-Module $env:NETSOCK_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'CaptureFileHelpers.psm1') -Force
    $script:Cmd = 'NetSock.Commands.GetSniffedPacketCommand'

    function Start-Chatter {
        # A thread job that sends a UDP datagram to 127.0.0.1:<Port> every 100 ms for a few seconds, so a capture that
        # starts at any moment in that time sees traffic (no race with the capture's start).
        # Each datagram is "<Text> <n>"; with -Verbatim it is <Text> alone, so its length is known.
        # It ends by itself, or at once when AfterEach sets $ChatterControl.Stop: a job is never stopped from outside, as
        # PowerShell 7.6 can crash the process when Stop() meets a job pipeline that is finishing at that moment.
        param([int] $Port, [string] $Text = 'chatter', [int] $Times = 50, [switch] $Verbatim)
        Start-ThreadJob -ThrottleLimit 64 -ArgumentList $env:NETSOCK_MODULE, $Port, $Text, $Times, $Verbatim.IsPresent, $script:ChatterControl -ScriptBlock {
            param($module, $port, $text, $times, $verbatim, $chatter)
            Import-Module $module
            foreach ($n in 1..$times) {
                if ($chatter.Stop) { break }
                Send-Datagram 127.0.0.1 $port $(if ($verbatim) { $text } else { "$text $n" })
                Start-Sleep -Milliseconds 100
            }
        }
    }

    function Get-FreePort { Get-Random -Minimum 30000 -Maximum 60000 }

    function New-TestPackets([int] $Count = 3, [int] $FirstPort = 5001) {
        0..($Count - 1) | ForEach-Object { New-Packet IPv4 -Source 127.0.0.1 -Destination 127.0.0.1 | New-Packet Udp -DestinationPort ($FirstPort + $_) | New-Packet Raw -Load "packet $_" }
    }

    function Get-LoPromiscuity {
        # lo's promiscuity counter (each promiscuous capture raises it by one); where ip -d -j does not give it, 1 or 0
        # from IFF_PROMISC (0x100) in /sys/class/net/lo/flags.
        $link = @(& ip -d -j link show lo | ConvertFrom-Json)[0]
        if ($link.PSObject.Properties['promiscuity']) { return [int]$link.promiscuity }
        if ([Convert]::ToInt32((Get-Content /sys/class/net/lo/flags -Raw).Trim(), 16) -band 0x100) { 1 } else { 0 }
    }
}

Describe 'Get-SniffedPacket' {
    BeforeEach {
        $script:ChatterControl = [hashtable]::Synchronized(@{ Stop = $false })
    }

    AfterEach {
        $ChatterControl.Stop = $true
        $null = Get-Job | Wait-Job -Timeout 20
        Get-Job | Remove-Job -Force
    }

    Context 'capturing live on the loopback interface' {
        It 'captures the packets the filter selects, decoded, numbered and stamped, and stops at -Count' -Tag 'Root' -Skip:$NoRoot {
            $port = Get-FreePort
            $null = Start-Chatter -Port $port -Text 'seen'
            $null = Start-Chatter -Port ($port + 1) -Text 'filtered out'
            $packets = Get-SniffedPacket lo -Filter "udp dst port $port" -Count 3 -Timeout 15
            $packets.Count | Should -Be 3
            $packets.Number | Should -Be @(1, 2, 3)
            $packets | ForEach-Object {
                $_.Udp.DestinationPort | Should -Be $port
                [Text.Encoding]::UTF8.GetString($_.Raw.Load) | Should -Match '^seen \d+$'
                $_.Interface | Should -Be 'lo'
                $_.OriginalLength | Should -Be $_.Length
                $_.IPv4.Destination | Should -Be ([ipaddress]'127.0.0.1')
                ([DateTimeOffset]::Now - $_.Timestamp).TotalSeconds | Should -BeLessThan 60
            }
        }

        It 'stops at -Timeout, reports its counters with -Statistics, and releases the device for the next capture' -Tag 'Root' -Skip:$NoRoot {
            $port = Get-FreePort
            $out = Get-SniffedPacket lo -Filter "udp dst port $port" -Timeout 1 -Statistics
            $stats = $out | Where-Object { $_ -is [NetSock.Capture.CaptureStatistics] }
            $stats.Interface | Should -Be 'lo'
            $stats.Delivered | Should -Be 0
            $stats.KernelDropped | Should -Be 0
            $null = Start-Chatter -Port $port
            (Get-SniffedPacket lo -Filter "udp dst port $port" -Count 1 -Timeout 15).Udp.DestinationPort | Should -Be $port
        }

        It 'stops at once for Select-Object -First and releases the device' -Tag 'Root' -Skip:$NoRoot {
            $port = Get-FreePort
            $null = Start-Chatter -Port $port
            $first = Get-SniffedPacket lo -Filter "udp dst port $port" -Timeout 15 | Select-Object -First 1
            $first.Number | Should -Be 1
            (Get-SniffedPacket lo -Filter "udp dst port $port" -Count 2 -Timeout 15).Count | Should -Be 2
        }

        It 'keeps -SnapLength bytes of each packet and reports the length on the wire as OriginalLength' -Tag 'Root' -Skip:$NoRoot {
            $port = Get-FreePort
            $null = Start-Chatter -Port $port -Text ('x' * 200) -Verbatim
            $packet = Get-SniffedPacket lo -Filter "udp dst port $port" -SnapLength 64 -Count 1 -Timeout 15
            @($packet).Count | Should -Be 1
            $packet.CapturedLength | Should -Be 64
            $packet.Length | Should -Be 64
            $packet.Bytes.Length | Should -Be 64
            $packet.OriginalLength | Should -Be (14 + 20 + 8 + 200)     # Ethernet, IPv4, UDP, the 200-byte payload
            # The headers within the 64 bytes still decode; the payload is cut to what is left of them.
            $packet.Udp.DestinationPort | Should -Be $port
            $packet.IPv4.TotalLength | Should -Be (20 + 8 + 200)
            $packet.Raw.Load.Length | Should -Be (64 - 14 - 20 - 8)
        }

        It 'counts what a small -BufferSize drops while the pipeline is blocked, once per datagram, and warns' -Tag 'Root' -Skip:$NoRoot {
            $port = Get-FreePort
            $chatter = Start-Chatter -Port $port -Text 'first'
            # 100,000 datagrams as fast as python3 sends them, on an unconnected socket (no ECONNREFUSED from the
            # port unreachable replies).
            $flood = "import socket`ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)`nfor i in range(100000): s.sendto(b'flood', ('127.0.0.1', $port))"
            $n = 0
            # The first packet (the chatter's) blocks the pipeline: the chatter stops, then the flood is sent while
            # nothing reads the capture, so the 64 KiB buffer must overflow. Afterwards nothing more comes to the
            # port, so the buffer is empty again long before -Timeout ends the capture.
            $out = Get-SniffedPacket lo -Filter "udp dst port $port" -BufferSize 65536 -Statistics -Timeout 8 -WarningVariable warnings -WarningAction SilentlyContinue |
                ForEach-Object {
                    if ($n++ -eq 0) {
                        $ChatterControl.Stop = $true; $null = $chatter | Wait-Job -Timeout 5
                        & python3 -c $flood
                        if ($LASTEXITCODE -ne 0) { throw "python3 failed to send the flood (exit $LASTEXITCODE)." }
                    }
                    $_
                }
            $stats = @($out | Where-Object { $_ -is [NetSock.Capture.CaptureStatistics] })
            $packets = @($out | Where-Object { $_ -is [NetSock.Packets.Packet] })
            $stats.Count | Should -Be 1
            $stats[0].KernelDropped | Should -BeGreaterThan 0
            $stats[0].Delivered | Should -Be $packets.Count
            # Loopback's outgoing copies are kept out of the capture, so each datagram is received once: every one the
            # kernel saw was either delivered or dropped (nothing is left in the buffer at the end).
            $stats[0].Received | Should -Be ($stats[0].Delivered + $stats[0].KernelDropped)
            @($warnings).Count | Should -Be 1
            "$($warnings[0])" | Should -Match 'dropped'
            "$($warnings[0])" | Should -Match "\b$($stats[0].KernelDropped)\b"
        }

        It 'with -Promiscuous:<Promiscuous>, raises lo''s promiscuity during the capture only if asked, and leaves it as it was after' -Tag 'Root' -Skip:$NoRoot -ForEach @(
            @{ Promiscuous = $true }
            @{ Promiscuous = $false }
        ) {
            $port = Get-FreePort
            $before = Get-LoPromiscuity
            $null = Start-Chatter -Port $port
            # The capture, in a thread job, writes a line for each packet: a line written after a reading of the
            # counter proves the capture was still open when it was read.
            $capture = Start-ThreadJob -ThrottleLimit 64 -ArgumentList $env:NETSOCK_MODULE, $port, $Promiscuous -ScriptBlock {
                param($module, $port, $promiscuous)
                Import-Module $module
                Get-SniffedPacket lo -Filter "udp dst port $port" -Promiscuous:$promiscuous -Timeout 4 | ForEach-Object { "packet $($_.Number)" }
            }
            $seen = { @($capture.Output).Count }
            $deadline = [datetime]::UtcNow.AddSeconds(10)
            while ((& $seen) -eq 0 -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
            & $seen | Should -BeGreaterThan 0 -Because 'the capture sees the chatter'
            $during = Get-LoPromiscuity
            $seenAtReading = & $seen
            if ($Promiscuous) {
                # Poll for up to a few seconds while the capture is open.
                while ($during -le $before -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20; $during = Get-LoPromiscuity; $seenAtReading = & $seen }
            }
            $deadline = [datetime]::UtcNow.AddSeconds(10)
            while ((& $seen) -le $seenAtReading -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
            & $seen | Should -BeGreaterThan $seenAtReading -Because 'a packet captured after the reading shows the capture was open during it'
            if ($Promiscuous) { $during | Should -BeGreaterThan $before }
            else { $during | Should -Be $before }
            $null = $capture | Wait-Job -Timeout 20
            $capture.State | Should -Be 'Completed'
            $capture | Receive-Job -ErrorAction Stop | Out-Null
            Get-LoPromiscuity | Should -Be $before
        }
    }

    Context 'capturing live on a veth in network namespaces the test creates' {
        BeforeAll {
            Import-Module (Join-Path $PSScriptRoot 'Netns.psm1') -Force
            $script:Netns = if (Test-IsRoot) { New-TestNetns }
        }
        AfterAll {
            if ($Netns) { Remove-TestNetns -Netns $Netns }
        }

        It 'captures on the veth in namespace B what namespace A sends, and only that' -Tag 'Root' -Skip:$NoRoot {
            $port = Get-FreePort
            $capture = Start-NetnsPwsh -Namespace $Netns.B -Arguments @{ Link = $Netns.LinkB; Port = $port } -ScriptBlock {
                Get-SniffedPacket $Arguments.Link -Filter "udp dst port $($Arguments.Port)" -Count 3 -Timeout 20 | ForEach-Object {
                    [pscustomobject]@{ Source = "$($_.IPv4.Source)"; Port = $_.Udp.DestinationPort; Text = [Text.Encoding]::UTF8.GetString($_.Raw.Load); Interface = $_.Interface; Ether = "$($_.Ethernet.Type)" }
                }
            }
            try {
                $sender = Start-NetnsPwsh -Namespace $Netns.A -Arguments @{ Port = $port } -ScriptBlock {
                    1..100 | ForEach-Object {
                        Send-Datagram 198.18.0.2 $Arguments.Port "over the veth $_"
                        Send-Datagram 198.18.0.2 ($Arguments.Port + 1) 'not this one'
                        Start-Sleep -Milliseconds 100
                    }
                    'sent'
                }
                $seen = Wait-NetnsPwsh $capture -TimeoutSeconds 40
            }
            finally {
                if ($sender) { Stop-NetnsPwsh $sender }
                Stop-NetnsPwsh $capture
            }
            @($seen).Count | Should -Be 3
            $seen | ForEach-Object {
                $_.Source | Should -Be '198.18.0.1'
                $_.Port | Should -Be $port
                $_.Text | Should -Match '^over the veth \d+$'
                $_.Interface | Should -Be $Netns.LinkB
                $_.Ether | Should -Be '2048'
            }
        }
    }

    Context 'when the input is bad' {
        It 'quotes libpcap''s message for a filter it cannot compile' -Tag 'Root' -Skip:$NoRoot {
            { Get-SniffedPacket lo -Filter 'udpx port' -Timeout 1 } | Should -Throw -ErrorId "CaptureFilterInvalid,$Cmd"
            $Error[0].Exception.Message | Should -Match "can't parse filter expression"
            (Get-SniffedPacket lo -Filter 'udp port 9' -Timeout 0.2 -Statistics).Interface | Should -Be 'lo'
        }

        It 'lists the interfaces for a name that is not one' {
            { Get-SniffedPacket no-such-nic -Timeout 1 } | Should -Throw -ErrorId "CaptureInterfaceNotFound,$Cmd"
            $Error[0].Exception.Message | Should -Match '\blo\b'
        }

        It 'says capture needs root or CAP_NET_RAW when run without privilege' -Tag 'Root' -Skip:$NoRoot {
            $result = Invoke-Unprivileged {
                try { Get-SniffedPacket lo -Timeout 1 -ErrorAction Stop; 'captured' }
                catch { [pscustomobject]@{ ErrorId = $_.FullyQualifiedErrorId; Category = "$($_.CategoryInfo.Category)"; Message = $_.Exception.Message } }
            }
            $result.ErrorId | Should -Be "CaptureNoPrivilege,$Cmd"
            $result.Category | Should -Be 'PermissionDenied'
            $result.Message | Should -Match 'needs root or CAP_NET_RAW'
        }
    }

    Context 'reading capture files' {
        BeforeAll {
            $script:A = Join-Path $TestDrive 'a.pcap'
            $script:B = Join-Path $TestDrive 'b.pcapng'
            New-TestPackets 3 5001 | Export-Pcap $A
            New-TestPackets 2 6001 | Export-Pcap $B
            $null = New-Item -ItemType Directory (Join-Path $TestDrive 'sub.pcap')
        }

        It 'reads a capture file given where the interface goes (tcpdump -r''s habit), as -Path reads it' {
            $packets = @(Get-SniffedPacket $A)
            $packets.Udp.DestinationPort | Should -Be @(5001, 5002, 5003)
            $packets.Number | Should -Be @(1, 2, 3)
            $packets.SourceFile | Should -Be @($A, $A, $A)
            Push-Location $TestDrive
            try { @(Get-SniffedPacket b.pcapng -Count 1).Udp.DestinationPort | Should -Be 6001 }
            finally { Pop-Location }
        }

        It 'says no interface has the name and that -Path reads capture files, when no file has it either' {
            $caught = Get-CaughtError { Get-SniffedPacket (Join-Path $TestDrive 'nothing.pcap') -Timeout 1 }
            $caught.ErrorId | Should -Be "CaptureInterfaceNotFound,$Cmd"
            $caught.Message | Should -Match 'No capture interface is named'
            $caught.Message | Should -Match 'To read a capture file, give its path to -Path'
        }

        It 'gives each packet the file it came from, across several files' {
            $packets = @(Get-SniffedPacket -Path $A, $B)
            $packets.SourceFile | Should -Be @($A, $A, $A, $B, $B)
            $packets.Number | Should -Be @(1, 2, 3, 1, 2)
        }

        It 'says a directory is one, given directly or matched by a wildcard, and reads the files beside it' {
            $packets = @(Get-SniffedPacket -Path (Join-Path $TestDrive 'sub.pcap'), (Join-Path $TestDrive '*.pcap*') -ErrorVariable err -ErrorAction SilentlyContinue)
            $packets.Count | Should -Be 5
            $err.Count | Should -Be 2
            foreach ($e in $err) {
                $e.FullyQualifiedErrorId | Should -Be "CaptureFileIsDirectory,$Cmd"
                "$($e.CategoryInfo.Category)" | Should -Be 'InvalidArgument'
                $e.Exception.Message | Should -Match 'it is a directory'
                $e.Exception | Should -BeOfType ([NetSock.NetSockException])
            }
        }
    }

    Context 'reading a FIFO (mkfifo)' -Skip:$NoFifo {
        BeforeEach {
            $fifo = New-TestFifo
        }
        AfterEach {
            Remove-Item -LiteralPath $fifo -Force -ErrorAction Ignore
        }

        It 'reads live what tcpdump -w writes to the FIFO' -Tag 'Root' -Skip:($NoRoot -or $NoTcpdump) {
            $port = Get-FreePort
            $tcpdump = Start-Process tcpdump -ArgumentList '-i', 'lo', '-U', '-w', $fifo, "udp dst port $port" -PassThru -RedirectStandardError (Join-Path $TestDrive 'tcpdump.err')
            try {
                $null = Start-Chatter -Port $port -Text 'through the fifo'
                # tcpdump opens the FIFO and writes its header and each packet as it comes (-U); the capture goes on.
                $packets = @(Get-SniffedPacket -Path $fifo -Count 3)
            }
            finally {
                Stop-TestProcess $tcpdump
            }
            $packets.Count | Should -Be 3
            $packets.Number | Should -Be @(1, 2, 3)
            foreach ($p in $packets) {
                $p.Udp.DestinationPort | Should -Be $port
                [Text.Encoding]::UTF8.GetString($p.Raw.Load) | Should -Match '^through the fifo \d+$'
                $p.SourceFile | Should -Be $fifo
            }
        }

        It 'ends at once when stopped while nobody writes to the FIFO, and closes it' {
            $stopped = Stop-WhileBlocked -Module $env:NETSOCK_MODULE -Script "Get-SniffedPacket -Path '$fifo'"
            $stopped.Returned | Should -BeTrue -Because 'Stop() returns instead of hanging in open(2) or read(2)'
            $stopped.State | Should -Be 'Stopped'
            $stopped.OpenDuring | Should -Contain $fifo -Because 'the FIFO was open while the reader waited for a writer'
            Get-OpenFile | Should -Not -Contain $fifo
        }
    }
}
