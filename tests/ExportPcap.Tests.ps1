BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $NoRoot = -not (Test-IsRoot)
    $NoTcpdump = if (Install-TestTool tcpdump tcpdump) { $true } else { $false }
    $NoTshark = -not (Get-Command tshark -ErrorAction Ignore)
    $NoFifo = -not ($IsLinux -and (Get-Command mkfifo -ErrorAction Ignore))
}

BeforeAll {
    Import-Module $env:NETSOCK_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'CaptureFileHelpers.psm1') -Force
    $script:Cmd = 'NetSock.Commands.ExportPcapCommand'
    $script:ReadCmd = 'NetSock.Commands.GetSniffedPacketCommand'
    function New-TestPackets([int] $Count = 5) {
        1..$Count | ForEach-Object {
            $p = New-Packet IPv4 -Source 127.0.0.1 -Destination 127.0.0.1 | New-Packet Udp -DestinationPort (5000 + $_) | New-Packet Raw -Load "packet $_"
            $p.Timestamp = [DateTimeOffset]::FromUnixTimeMilliseconds(1700000000000 + $_ * 1000)
            $p
        }
    }
}

Describe 'Export-Pcap and Get-SniffedPacket -Path' {
    Context 'when packets go to a file and back' {
        It 'writes <Format> that Get-SniffedPacket reads back byte for byte, numbered, with their timestamps' -ForEach @(
            @{ Format = 'Pcap'; File = 'out.pcap' }
            @{ Format = 'PcapNg'; File = 'out.pcapng' }
        ) {
            $packets = New-TestPackets
            $path = Join-Path $TestDrive $File
            $packets | Export-Pcap $path -Format $Format
            $back = Get-SniffedPacket -Path $path
            $back.Count | Should -Be 5
            $back.Number | Should -Be @(1, 2, 3, 4, 5)
            for ($i = 0; $i -lt 5; $i++) {
                [Convert]::ToHexString($back[$i].Bytes) | Should -Be ([Convert]::ToHexString($packets[$i].Bytes))
                $back[$i].Timestamp.ToUnixTimeMilliseconds() | Should -Be $packets[$i].Timestamp.ToUnixTimeMilliseconds()
                $back[$i].LinkType | Should -Be 'Raw'
            }
        }

        It 'chooses pcapng from the .pcapng extension' {
            $path = Join-Path $TestDrive 'auto.pcapng'
            New-TestPackets 1 | Export-Pcap $path
            [BitConverter]::ToString([IO.File]::ReadAllBytes($path), 0, 4) | Should -Be '0A-0D-0D-0A'
        }

        It 'rewrites a file it read into a byte-identical file' {
            $first = Join-Path $TestDrive 'first.pcap'
            $second = Join-Path $TestDrive 'second.pcap'
            New-TestPackets | Export-Pcap $first
            Get-SniffedPacket -Path $first | Export-Pcap $second
            [Convert]::ToHexString([IO.File]::ReadAllBytes($second)) | Should -Be ([Convert]::ToHexString([IO.File]::ReadAllBytes($first)))
        }

        It 'keeps nanosecond timestamps through a nanosecond file' {
            $path = Join-Path $TestDrive 'nano.pcap'
            $p = New-TestPackets 1
            $p.TimestampNanoseconds = 1700000000123456789
            $p | Export-Pcap $path -Nanosecond
            (Get-SniffedPacket -Path $path).TimestampNanoseconds | Should -Be 1700000000123456789
        }

        It 'appends with -Append' {
            $path = Join-Path $TestDrive 'append.pcap'
            New-TestPackets 2 | Export-Pcap $path
            New-TestPackets 3 | Export-Pcap $path -Append
            (Get-SniffedPacket -Path $path).Count | Should -Be 5
        }

        It 'filters a file with BPF, stops at -Count, and reads several files by wildcard' {
            $a = Join-Path $TestDrive 'many-a.pcap'
            $b = Join-Path $TestDrive 'many-b.pcap'
            New-TestPackets | Export-Pcap $a
            New-TestPackets | Export-Pcap $b
            (Get-SniffedPacket -Path $a -Filter 'udp dst port 5003').Udp.DestinationPort | Should -Be 5003
            (Get-SniffedPacket -Path $a -Count 2).Count | Should -Be 2
            (Get-SniffedPacket -Path (Join-Path $TestDrive 'many-*.pcap')).Count | Should -Be 10
        }

        It 'reads <Format> in order past its batches of 64: -Count across two files, -Filter with -Count' -ForEach @(
            @{ Format = 'Pcap' }, @{ Format = 'PcapNg' }
        ) {
            $a = Join-Path $TestDrive "long-a.$Format"
            $b = Join-Path $TestDrive "long-b.$Format"
            New-TestPackets 150 | Export-Pcap $a -Format $Format
            New-TestPackets 150 | Export-Pcap $b -Format $Format
            $all = Get-SniffedPacket -Path $a, $b
            $all.Count | Should -Be 300
            ($all.Udp.DestinationPort -join ',') | Should -Be (((5001..5150) + (5001..5150)) -join ',')
            ($all.Number -join ',') | Should -Be (((1..150) + (1..150)) -join ',')
            $some = Get-SniffedPacket -Path $a, $b -Count 200
            $some.Count | Should -Be 200
            $some[199].Udp.DestinationPort | Should -Be 5050
            $third = Get-SniffedPacket -Path $a -Filter 'udp dst port 5003 or udp dst port 5066 or udp dst port 5129' -Count 2
            ($third.Number -join ',') | Should -Be '3,66'
        }

        It 'writes files tcpdump reads' -Skip:$NoTcpdump {
            $path = Join-Path $TestDrive 'tcpdump.pcap'
            New-TestPackets | Export-Pcap $path
            $lines = & tcpdump -n -r $path 2>$null
            $LASTEXITCODE | Should -Be 0
            @($lines).Count | Should -Be 5
            $lines[2] | Should -Match '127\.0\.0\.1\.\d+ > 127\.0\.0\.1\.5003'
        }

        It 'writes pcapng files tshark opens without a warning' -Skip:$NoTshark {
            $path = Join-Path $TestDrive 'tshark.pcapng'
            New-TestPackets | Export-Pcap $path
            $out = & tshark -r $path -T fields -e udp.dstport 2>&1
            $LASTEXITCODE | Should -Be 0
            @($out | Where-Object { $_ -notmatch '^Running as user' -and $_ -notmatch '^\d+$' }) | Should -BeNullOrEmpty
            @($out | Where-Object { $_ -match '^\d+$' }) | Should -Be @('5001', '5002', '5003', '5004', '5005')
        }
    }

    Context 'with -ComputerName, for captures from several hosts' {
        BeforeAll {
            function New-HostPacket([string] $ComputerName, [string] $Interface, [int] $Port, [long] $Nanoseconds) {
                # A packet as remoting brings it back: captured on $Interface, with PSComputerName beside it.
                $p = New-Packet IPv4 -Source 127.0.0.1 -Destination 127.0.0.1 | New-Packet Udp -DestinationPort $Port | New-Packet Raw -Load "from $ComputerName"
                $p.Interface = $Interface
                $p.TimestampNanoseconds = $Nanoseconds
                $p | Add-Member -NotePropertyName PSComputerName -NotePropertyValue $ComputerName -PassThru
            }
            $script:FromHosts = @(
                New-HostPacket nodeA eth0 6001 1700000000100000000
                New-HostPacket nodeB eth0 6002 1700000000200000000
                New-HostPacket nodeA lo 6003 1700000000300000000
                New-HostPacket nodeB eth0 6004 1700000000400000000
                New-HostPacket nodeA eth0 6005 1700000000500000000
            )
        }

        It 'takes the host from PSComputerName and names each pcapng interface host/interface' {
            $path = Join-Path $TestDrive 'hosts.pcapng'
            $FromHosts | Export-Pcap $path
            $back = @(Get-SniffedPacket -Path $path)
            $back.Count | Should -Be 5
            $back.Interface | Should -Be @('nodeA/eth0', 'nodeB/eth0', 'nodeA/lo', 'nodeB/eth0', 'nodeA/eth0')
            $back.Udp.DestinationPort | Should -Be @(6001, 6002, 6003, 6004, 6005)
            $back.TimestampNanoseconds | Should -Be $FromHosts.TimestampNanoseconds
            for ($i = 0; $i -lt 5; $i++) { $back[$i].Hex | Should -Be $FromHosts[$i].Hex }
        }

        It 'writes one interface block per host and interface: the same interface on two hosts is two interfaces' {
            $path = Join-Path $TestDrive 'blocks.pcapng'
            $FromHosts | Export-Pcap $path
            # Interface description blocks (type 1) in the file: one each for nodeA/eth0, nodeB/eth0, nodeA/lo.
            $bytes = [IO.File]::ReadAllBytes($path)
            $idbs = 0
            for ($at = 0; $at -lt $bytes.Length; $at += [BitConverter]::ToInt32($bytes, $at + 4)) {
                if ([BitConverter]::ToInt32($bytes, $at) -eq 1) { $idbs++ }
            }
            $idbs | Should -Be 3
        }

        It 'uses -ComputerName given by name for every packet, and host/unknown when a packet has no interface' {
            $path = Join-Path $TestDrive 'named.pcapng'
            $lo = New-TestPackets 2 | ForEach-Object { $_.Interface = 'lo'; $_ }
            $lo | Export-Pcap $path -ComputerName probe1
            New-TestPackets 1 | Export-Pcap $path -ComputerName probe2 -Append
            (Get-SniffedPacket -Path $path).Interface | Should -Be @('probe1/lo', 'probe1/lo', 'probe2/unknown')
        }

        It 'leaves the interface names as they are without a host' {
            $path = Join-Path $TestDrive 'local.pcapng'
            New-TestPackets 3 | ForEach-Object -Begin { $i = 0 } -Process { $_.Interface = @('eth0', 'eth0', 'lo')[$i++]; $_ } | Export-Pcap $path
            (Get-SniffedPacket -Path $path).Interface | Should -Be @('eth0', 'eth0', 'lo')
        }

        It 'names the interfaces of packets a Start-Job read after the job''s host (PSComputerName localhost)' {
            $source = Join-Path $TestDrive 'job-source.pcapng'
            New-TestPackets 3 | ForEach-Object { $_.Interface = 'lo'; $_ } | Export-Pcap $source
            $fromJob = @(Start-Job -ArgumentList $env:NETSOCK_MODULE, $source -ScriptBlock {
                param($module, $file)
                Import-Module $module
                Get-SniffedPacket -Path $file
            } | Receive-Job -Wait -AutoRemoveJob)
            $fromJob.Count | Should -Be 3
            $fromJob | ForEach-Object { $_ | Should -BeOfType ([NetSock.Packets.Packet]); $_.PSComputerName | Should -Be 'localhost' }
            $path = Join-Path $TestDrive 'job.pcapng'
            $fromJob | Export-Pcap $path
            (Get-SniffedPacket -Path $path).Interface | Should -Be @('localhost/lo', 'localhost/lo', 'localhost/lo')
        }

        It 'writes interface names tshark shows as frame.interface_name' -Skip:$NoTshark {
            $path = Join-Path $TestDrive 'tshark-hosts.pcapng'
            $FromHosts | Export-Pcap $path
            $lines = @(& tshark -r $path -T fields -E separator=',' -e frame.interface_name -e udp.dstport 2>$null)
            $LASTEXITCODE | Should -Be 0
            $lines | Should -Be @('nodeA/eth0,6001', 'nodeB/eth0,6002', 'nodeA/lo,6003', 'nodeB/eth0,6004', 'nodeA/eth0,6005')
        }
    }

    Context 'with -WhatIf and -Confirm' {
        BeforeEach {
            $path = Join-Path ([IO.Path]::GetTempPath()) "netsock-whatif-$([guid]::NewGuid()).pcap"
        }
        AfterEach {
            Remove-Item -LiteralPath $path -Force -Confirm:$false -ErrorAction Ignore
        }

        It 'writes no file and no packets with -WhatIf' {
            New-TestPackets 3 | Export-Pcap $path -WhatIf
            Test-Path -LiteralPath $path | Should -BeFalse
        }

        It 'leaves an existing file byte-identical with -Append -WhatIf' {
            New-TestPackets 2 | Export-Pcap $path
            $before = [Convert]::ToHexString([IO.File]::ReadAllBytes($path))
            New-TestPackets 3 | Export-Pcap $path -Append -WhatIf
            [Convert]::ToHexString([IO.File]::ReadAllBytes($path)) | Should -Be $before
            (Get-SniffedPacket -Path $path).Count | Should -Be 2
        }

        It 'writes normally with -Confirm:$false, even where $ConfirmPreference would ask' {
            $packets = New-TestPackets 3
            # In a child scope, so the preference does not reach AfterEach.
            & { $ConfirmPreference = 'Low'; $packets | Export-Pcap $path -Confirm:$false }
            Test-Path -LiteralPath $path | Should -BeTrue
            $back = Get-SniffedPacket -Path $path
            $back.Count | Should -Be 3
            for ($i = 0; $i -lt 3; $i++) {
                [Convert]::ToHexString($back[$i].Bytes) | Should -Be ([Convert]::ToHexString($packets[$i].Bytes))
            }
        }
    }

    Context 'when a file is missing or damaged' {
        It 'reports a missing file' {
            Get-SniffedPacket -Path (Join-Path $TestDrive 'nope.pcap') -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -Be "CaptureFileNotFound,$ReadCmd"
        }

        It 'emits every good packet before the damage, then an error naming the file and the offset' {
            $path = Join-Path $TestDrive 'whole.pcap'
            New-TestPackets | Export-Pcap $path
            $bytes = [IO.File]::ReadAllBytes($path)
            $cut = Join-Path $TestDrive 'cut.pcap'
            [IO.File]::WriteAllBytes($cut, $bytes[0..($bytes.Length - 10)])
            $good = Get-SniffedPacket -Path $cut -ErrorVariable err -ErrorAction SilentlyContinue
            $good.Count | Should -Be 4
            $err[0].FullyQualifiedErrorId | Should -Be "CaptureFileCorrupt,$ReadCmd"
            $err[0].Exception.Message | Should -Match ([regex]::Escape($cut))
            $err[0].Exception.Message | Should -Match 'offset \d+'
        }

        It 'emits all 100 good packets when the damage comes in the middle of a batch' {
            $path = Join-Path $TestDrive 'long.pcap'
            New-TestPackets 101 | Export-Pcap $path
            $bytes = [IO.File]::ReadAllBytes($path)
            $cut = Join-Path $TestDrive 'long-cut.pcap'
            [IO.File]::WriteAllBytes($cut, $bytes[0..($bytes.Length - 10)])
            $good = Get-SniffedPacket -Path $cut, $path -ErrorVariable err -ErrorAction SilentlyContinue
            $good.Count | Should -Be 201      # the damaged file's first 100, then the next file whole
            $good[99].Udp.DestinationPort | Should -Be 5100
            $good[100].Number | Should -Be 1
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -Be "CaptureFileCorrupt,$ReadCmd"
        }

        It 'refuses a pcap of another link type when appending, and leaves it as it was' {
            $path = Join-Path $TestDrive 'raw.pcap'
            New-TestPackets 1 | Export-Pcap $path
            $before = [Convert]::ToHexString([IO.File]::ReadAllBytes($path))
            $frame = New-Packet Ethernet -src 02:00:00:00:00:01 -dst 02:00:00:00:00:02 | New-Packet IPv4 -Source 127.0.0.1 -Destination 127.0.0.1
            { $frame | Export-Pcap $path -Append } | Should -Throw -ErrorId "CaptureFileLinkTypeMismatch,$Cmd"
            [Convert]::ToHexString([IO.File]::ReadAllBytes($path)) | Should -Be $before
        }

        It 'writes the packets of the file''s link type and an error for each of another' {
            $path = Join-Path $TestDrive 'mixed.pcap'
            $frame = New-Packet Ethernet -src 02:00:00:00:00:01 -dst 02:00:00:00:00:02 | New-Packet IPv4 -Source 127.0.0.1 -Destination 127.0.0.1
            $raw = New-TestPackets 2
            $raw[0], $frame, $raw[1] | Export-Pcap $path -ErrorVariable err -ErrorAction SilentlyContinue
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -Be "CaptureFileLinkTypeMismatch,$Cmd"
            (Import-Pcap $path).Udp.DestinationPort | Should -Be @(5001, 5002)
        }
    }

    Context 'when the path is not a file that can be written' {
        It 'says a directory is a directory' {
            $caught = Get-CaughtError { New-TestPackets 2 | Export-Pcap $TestDrive }
            $caught.ErrorId | Should -Be "CaptureFileIsDirectory,$Cmd"
            $caught.Category | Should -Be 'InvalidArgument'
            $caught.Message | Should -Match ([regex]::Escape("'$TestDrive'"))
            $caught.Message | Should -Match 'it is a directory'
        }

        It 'writes one error, not one per packet, for <Case>' -ForEach @(
            @{ Case = 'a missing directory'; ErrorId = 'CaptureFileNotFound'; Format = 'Pcap'; Existing = $false }
            @{ Case = 'a pcap file appended as pcapng'; ErrorId = 'CaptureFileFormatMismatch'; Format = 'PcapNg'; Existing = $true }
        ) {
            $path = if ($Existing) { Join-Path $TestDrive 'existing.pcap' } else { Join-Path $TestDrive 'no/such/dir/x.pcap' }
            if ($Existing) { New-TestPackets 1 | Export-Pcap $path }
            $packets = New-TestPackets 100
            $ev = $null
            try { $packets | Export-Pcap $path -Format $Format -Append -ErrorVariable ev } catch { }
            $records = @($ev | Get-ErrorRecord)
            $records.Count | Should -Be 1
            $records[0].FullyQualifiedErrorId | Should -Be "$ErrorId,$Cmd"
        }

        It 'says writing /proc/version fails, with no packet written, instead of succeeding silently' -Tag 'Root' -Skip:$NoRoot {
            # As root the kernel lets the file open and refuses the write: the error comes with the last flush.
            $caught = Get-CaughtError { New-TestPackets 3 | Export-Pcap /proc/version }
            $caught.ErrorId | Should -Be "CaptureFileIOFailed,$Cmd"
            $caught.Message | Should -Match "'/proc/version'"
            $caught.Message | Should -Match '0 packets were written whole'
        }
    }

    Context 'when the file system says no' -Tag 'Root' -Skip:$NoRoot {
        BeforeAll {
            # 64 KiB of tmpfs to fill, and one made read-only with a capture file on it.
            $script:Full = New-TestTmpfs -Size 64k
            $script:ReadOnly = New-TestTmpfs -Size 64k
            $script:Kept = Join-Path $ReadOnly 'kept.pcap'
            New-TestPackets 3 | Export-Pcap $Kept
            & mount -o remount,ro $ReadOnly
            if ($LASTEXITCODE -ne 0) { throw "mount -o remount,ro $ReadOnly failed." }
            # 600 packets of 244 bytes: more than the 64 KiB hold.
            $script:Big = 1..600 | ForEach-Object {
                New-Packet IPv4 -Source 127.0.0.1 -Destination 127.0.0.1 | New-Packet Udp -DestinationPort (5000 + $_) | New-Packet Raw -Load ('x' * 216)
            }
            New-TestPackets 1 | Export-Pcap (Join-Path $TestDrive 'warm.pcap')        # what loads once is loaded before fds are counted
        }
        AfterAll {
            Remove-TestTmpfs $Full
            Remove-TestTmpfs $ReadOnly
        }

        It 'stops at a full disk with one error naming the file and how many packets it holds whole, and the file holds exactly those (<Format>)' -ForEach @(
            @{ Format = 'Pcap' }, @{ Format = 'PcapNg' }
        ) {
            $path = Join-Path $Full "full.$Format"
            try {
                $fds = Get-OpenFileCount
                $ev = $null
                try { $Big | Export-Pcap $path -Format $Format -ErrorVariable ev } catch { }
                $records = @($ev | Get-ErrorRecord)
                $records.Count | Should -Be 1
                $records[0].FullyQualifiedErrorId | Should -Be "CaptureFileDiskFull,$Cmd"
                "$($records[0].CategoryInfo.Category)" | Should -Be 'ResourceUnavailable'
                $records[0].Exception.Message | Should -Match ([regex]::Escape("'$path'"))
                $records[0].Exception.Message | Should -Match 'no space is left'
                $count = [regex]::Match($records[0].Exception.Message, '(\d+) packets were written whole')
                $count.Success | Should -BeTrue -Because 'the message says how many packets were written whole'
                $written = [int]$count.Groups[1].Value
                $written | Should -BeGreaterThan 100
                $written | Should -BeLessThan 600
                # The file ends with a whole record: it reads without damage and holds exactly those packets, in order.
                $back = @(Import-Pcap $path -ErrorVariable readErrors)
                $readErrors | Should -BeNullOrEmpty
                $back.Count | Should -Be $written
                ($back.Udp.DestinationPort -join ',') | Should -Be ((5001..(5000 + $written)) -join ',')
                Get-OpenFileCount | Should -BeLessOrEqual $fds
                Get-OpenFile | Should -Not -Contain $path
            }
            finally {
                Remove-Item -LiteralPath $path -Force -ErrorAction Ignore
            }
        }

        It 'says the file system is read-only, for a new file and an existing one<Mode>, and leaves the existing one as it was' -ForEach @(
            @{ Mode = ''; Append = $false }, @{ Mode = ' with -Append'; Append = $true }
        ) {
            $before = [Convert]::ToHexString([IO.File]::ReadAllBytes($Kept))
            $fds = Get-OpenFileCount
            foreach ($path in (Join-Path $ReadOnly 'new.pcap'), $Kept) {
                $caught = Get-CaughtError { New-TestPackets 5 | Export-Pcap $path -Append:$Append }
                $caught.ErrorId | Should -Be "CaptureFileReadOnly,$Cmd"
                $caught.Category | Should -Be 'WriteError'
                $caught.Message | Should -Match ([regex]::Escape("'$path'"))
                $caught.Message | Should -Match 'read-only'
            }
            [Convert]::ToHexString([IO.File]::ReadAllBytes($Kept)) | Should -Be $before
            (Import-Pcap $Kept).Count | Should -Be 3
            Get-OpenFileCount | Should -BeLessOrEqual $fds
        }

        It 'says permission denied to a user who may not write or read the file, and reads the next file' {
            $dir = New-TestDirectory
            try {
                $locked = Join-Path $dir 'locked'
                $null = New-Item -ItemType Directory $locked
                $secret = Join-Path $dir 'secret.pcap'
                $open = Join-Path $dir 'open.pcap'
                New-TestPackets 2 | Export-Pcap $secret
                New-TestPackets 3 | Export-Pcap $open
                & chmod 755 $dir $locked
                & chmod 600 $secret
                & chmod 644 $open
                $result = Invoke-AsNobody -Arguments @{ Locked = "$locked/x.pcap"; Secret = $secret; Open = $open } -ScriptBlock {
                    $summary = { param($e) [pscustomobject]@{ ErrorId = $e.FullyQualifiedErrorId; Category = "$($e.CategoryInfo.Category)"; Message = $e.Exception.Message } }
                    $write = try { New-Packet IPv4 -Destination 127.0.0.1 | Export-Pcap $Arguments.Locked; $null } catch { & $summary $_ }
                    $read = @(Import-Pcap $Arguments.Secret, $Arguments.Open -ErrorVariable importErr -ErrorAction SilentlyContinue)
                    $sniffed = @(Get-SniffedPacket -Path $Arguments.Secret, $Arguments.Open -ErrorVariable sniffErr -ErrorAction SilentlyContinue)
                    [pscustomobject]@{
                        Write = $write; Read = $read.Count; ReadError = & $summary $importErr[0]; ReadErrors = $importErr.Count
                        Sniffed = $sniffed.Count; SniffError = & $summary $sniffErr[0]
                    }
                }
            }
            finally {
                Remove-Item -LiteralPath $dir -Recurse -Force
            }
            $result.Write.ErrorId | Should -Be "CaptureFileAccessDenied,$Cmd"
            $result.Write.Category | Should -Be 'PermissionDenied'
            $result.Write.Message | Should -Match 'permission denied'
            $result.Read | Should -Be 3
            $result.ReadErrors | Should -Be 1
            $result.ReadError.ErrorId | Should -Be 'CaptureFileAccessDenied,NetSock.Commands.ImportPcapCommand'
            $result.ReadError.Category | Should -Be 'PermissionDenied'
            $result.ReadError.Message | Should -Match ([regex]::Escape("'$secret'"))
            $result.Sniffed | Should -Be 3
            $result.SniffError.ErrorId | Should -Be "CaptureFileAccessDenied,$ReadCmd"
        }
    }

    Context 'when appending to a file a killed writer left' {
        BeforeAll {
            function New-KilledFile([string] $Name, [string] $Format) {
                # Five packets, then a sixth cut 10 bytes short: what a writer killed in its last record leaves.
                $path = Join-Path $TestDrive $Name
                New-TestPackets 6 | Export-Pcap $path -Format $Format
                $whole = (Get-Item $path).Length
                $bytes = [IO.File]::ReadAllBytes($path)
                [IO.File]::WriteAllBytes($path, $bytes[0..($bytes.Length - 11)])
                [pscustomobject]@{ Path = $path; LastStart = $whole - $(if ($Format -eq 'Pcap') { 16 } else { 32 }) - 36 }
            }
        }

        It 'refuses to append to <Format>, naming the offset where the broken record starts, and leaves the file as it was' -ForEach @(
            @{ Format = 'Pcap' }, @{ Format = 'PcapNg' }
        ) {
            $file = New-KilledFile "killed.$Format" $Format
            $before = [Convert]::ToHexString([IO.File]::ReadAllBytes($file.Path))
            $caught = Get-CaughtError { New-TestPackets 2 | Export-Pcap $file.Path -Append }
            $caught.ErrorId | Should -Be "CaptureFileCorrupt,$Cmd"
            $caught.Message | Should -Match "offset $($file.LastStart)\b"
            $caught.Message | Should -Match '-Repair'
            [Convert]::ToHexString([IO.File]::ReadAllBytes($file.Path)) | Should -Be $before
        }

        It 'with -Repair, cuts <Format> back to its last whole record and appends after it' -ForEach @(
            @{ Format = 'Pcap' }, @{ Format = 'PcapNg' }
        ) {
            $file = New-KilledFile "repaired.$Format" $Format
            $kept = [IO.File]::ReadAllBytes($file.Path)[0..($file.LastStart - 1)]
            $new = New-TestPackets 8 | Select-Object -Last 2
            $new | Export-Pcap $file.Path -Append -Repair
            $back = @(Import-Pcap $file.Path -ErrorVariable readErrors)
            $readErrors | Should -BeNullOrEmpty
            $back.Udp.DestinationPort | Should -Be @(5001, 5002, 5003, 5004, 5005, 5007, 5008)
            [Convert]::ToHexString([IO.File]::ReadAllBytes($file.Path)[0..($file.LastStart - 1)]) | Should -Be ([Convert]::ToHexString($kept))
        }
    }

    Context 'with a FIFO (mkfifo), as tcpdump -w and Wireshark use one' -Skip:$NoFifo {
        BeforeEach {
            $fifo = New-TestFifo
        }
        AfterEach {
            Remove-Item -LiteralPath $fifo -Force -ErrorAction Ignore
        }

        It 'writes live to tcpdump -r reading the FIFO' -Skip:$NoTcpdump {
            $reader = Start-ThreadJob -ArgumentList $fifo -ScriptBlock { param($f) & tcpdump -n -r $f 2>$null; "exit $LASTEXITCODE" }
            try {
                New-TestPackets 4 | Export-Pcap $fifo       # waits for tcpdump to open the FIFO
                $lines = @($reader | Wait-Job -Timeout 60 | Receive-Job)
            }
            finally { $reader | Remove-Job -Force }
            $lines[-1] | Should -Be 'exit 0'
            @($lines | Where-Object { $_ -match '127\.0\.0\.1\.\d+ > 127\.0\.0\.1\.500\d' }).Count | Should -Be 4
        }

        It 'writes live to Get-SniffedPacket -Path reading the FIFO in another process' {
            $reader = Start-Job -ArgumentList $env:NETSOCK_MODULE, $fifo -ScriptBlock {
                param($module, $f)
                Import-Module $module
                Get-SniffedPacket -Path $f | ForEach-Object { "$($_.Number) $($_.Udp.DestinationPort)" }
            }
            try {
                New-TestPackets 3 | Export-Pcap $fifo -Format PcapNg
                $lines = @($reader | Wait-Job -Timeout 60 | Receive-Job)
            }
            finally { $reader | Remove-Job -Force }
            $lines | Should -Be @('1 5001', '2 5002', '3 5003')
        }

        It 'ends at once when stopped while nobody opens the FIFO, and holds no descriptor of it after' {
            $stopped = Stop-WhileBlocked -Module $env:NETSOCK_MODULE -Script "New-Packet IPv4 -Destination 127.0.0.1 | Export-Pcap '$fifo'"
            $stopped.Returned | Should -BeTrue -Because 'Stop() returns instead of hanging in open(2)'
            $stopped.State | Should -Be 'Stopped' -Because 'the pipeline ended there, so no packet is written after the stop'
            Get-OpenFile | Should -Not -Contain $fifo
        }
    }
}
