BeforeDiscovery {
    $NoTcpdump = -not (Get-Command tcpdump -ErrorAction Ignore)
    $NoTshark = -not (Get-Command tshark -ErrorAction Ignore)
}

BeforeAll {
    Import-Module $env:NETSOCK_MODULE -Force
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

        It 'refuses a pcap of another link type when appending' {
            $path = Join-Path $TestDrive 'raw.pcap'
            New-TestPackets 1 | Export-Pcap $path
            $frame = New-Packet Ethernet -src 02:00:00:00:00:01 -dst 02:00:00:00:00:02 | New-Packet IPv4 -Source 127.0.0.1 -Destination 127.0.0.1
            $frame | Export-Pcap $path -Append -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -Be "CaptureFileLinkTypeMismatch,$Cmd"
        }
    }
}
