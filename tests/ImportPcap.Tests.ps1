BeforeDiscovery {
    $NoFifo = -not ($IsLinux -and (Get-Command mkfifo -ErrorAction Ignore))
}

BeforeAll {
    Import-Module $env:NETSOCK_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'CaptureFileHelpers.psm1') -Force
    $script:Cmd = 'NetSock.Commands.ImportPcapCommand'
    function New-TestPackets([int] $Count = 3, [int] $FirstPort = 5001) {
        0..($Count - 1) | ForEach-Object {
            $p = New-Packet IPv4 -Source 127.0.0.1 -Destination 127.0.0.1 | New-Packet Udp -DestinationPort ($FirstPort + $_) | New-Packet Raw -Load "packet $_"
            $p.TimestampNanoseconds = 1700000000000000000 + $_ * 1000
            $p
        }
    }
    $script:A = Join-Path $TestDrive 'a.pcap'
    $script:B = Join-Path $TestDrive 'b.pcapng'
    $script:Odd = Join-Path $TestDrive 'odd[1].pcap'
    $script:SentA = New-TestPackets 3 5001
    $SentA | Export-Pcap $A
    New-TestPackets 2 6001 | Export-Pcap $B
    New-TestPackets 1 7001 | Export-Pcap $Odd
}

Describe 'Import-Pcap' {
    Context 'reading files' {
        It 'reads what Export-Pcap wrote, byte for byte, numbered, stamped, with the file it came from' {
            $back = @(Import-Pcap $A)
            $back.Count | Should -Be 3
            $back.Number | Should -Be @(1, 2, 3)
            $back.SourceFile | Should -Be @($A, $A, $A)
            $back.TimestampNanoseconds | Should -Be $SentA.TimestampNanoseconds
            for ($i = 0; $i -lt 3; $i++) { $back[$i].Hex | Should -Be $SentA[$i].Hex }
            $back[0] | Should -BeOfType ([NetSock.Packets.Packet])
        }

        It 'reads several files, by name and by wildcard, each packet carrying its SourceFile' {
            $back = @(Import-Pcap $A, $B)
            $back.Udp.DestinationPort | Should -Be @(5001, 5002, 5003, 6001, 6002)
            $back.SourceFile | Should -Be @($A, $A, $A, $B, $B)
            $wild = @(Import-Pcap (Join-Path $TestDrive '*.pcapng'))
            $wild.SourceFile | Should -Be @($B, $B)
        }

        It 'takes files from Get-ChildItem by PSPath, and a name with wildcard characters by -LiteralPath' {
            $back = @(Get-ChildItem $TestDrive -Filter '*.pcap*' | Sort-Object Name | Import-Pcap)
            ($back.Udp.DestinationPort | Sort-Object) | Should -Be @(5001, 5002, 5003, 6001, 6002, 7001)
            $literal = @(Import-Pcap -LiteralPath $Odd)
            $literal.Udp.DestinationPort | Should -Be 7001
            $literal.SourceFile | Should -Be $Odd
        }

        It 'takes paths from the pipeline' {
            @($A, $B | Import-Pcap).Count | Should -Be 5
        }

        It 'stops at -Count across files, and keeps what -Filter selects' {
            (Import-Pcap $A, $B -Count 4).Udp.DestinationPort | Should -Be @(5001, 5002, 5003, 6001)
            (Import-Pcap $A, $B -Filter 'udp dst port 5002 or udp dst port 6002').Number | Should -Be @(2, 2)
        }

        It 'keeps SourceFile through serialization (a job brings the packets back)' {
            $fromJob = @(Start-Job -ArgumentList $env:NETSOCK_MODULE, $B -ScriptBlock {
                    param($module, $file)
                    Import-Module $module
                    Import-Pcap $file
                } | Receive-Job -Wait -AutoRemoveJob)
            $fromJob.Count | Should -Be 2
            foreach ($p in $fromJob) {
                $p | Should -BeOfType ([NetSock.Packets.Packet])
                $p.SourceFile | Should -Be $B
            }
        }

        It 'writes back a byte-identical file (rdpcap then wrpcap)' {
            $copy = Join-Path $TestDrive 'copy.pcap'
            Import-Pcap $A | Export-Pcap $copy
            [Convert]::ToHexString([IO.File]::ReadAllBytes($copy)) | Should -Be ([Convert]::ToHexString([IO.File]::ReadAllBytes($A)))
        }
    }

    Context 'when a file cannot be read' {
        It 'writes an error for each bad file and reads the others: missing, a directory, not a capture file, damaged' {
            $text = Join-Path $TestDrive 'notes.txt'
            Set-Content $text 'hello'
            $cut = Join-Path $TestDrive 'cut.pcap'
            $bytes = [IO.File]::ReadAllBytes($A)
            [IO.File]::WriteAllBytes($cut, $bytes[0..($bytes.Length - 5)])
            $back = @(Import-Pcap (Join-Path $TestDrive 'missing.pcap'), $TestDrive, $text, $cut, $B -ErrorVariable err -ErrorAction SilentlyContinue)
            $back.Udp.DestinationPort | Should -Be @(5001, 5002, 6001, 6002)
            $err.FullyQualifiedErrorId | Should -Be @(
                "CaptureFileNotFound,$Cmd", "CaptureFileIsDirectory,$Cmd", "CaptureFileUnknownFormat,$Cmd", "CaptureFileCorrupt,$Cmd")
            "$($err[0].CategoryInfo.Category)" | Should -Be 'ObjectNotFound'
            $err[0].Exception.Message | Should -Match 'does not exist'
            $err[1].Exception.Message | Should -Match 'it is a directory'
        }

        It 'ends the command for a filter libpcap cannot compile' {
            { Import-Pcap $A -Filter 'udpx port' } | Should -Throw -ErrorId "CaptureFilterInvalid,$Cmd"
        }
    }

    Context 'reading a FIFO (mkfifo)' -Skip:$NoFifo {
        BeforeEach {
            $fifo = New-TestFifo
        }
        AfterEach {
            Remove-Item -LiteralPath $fifo -Force -ErrorAction Ignore
        }

        It 'reads what Export-Pcap writes to the FIFO from another process' {
            $writer = Start-Job -ArgumentList $env:NETSOCK_MODULE, $fifo, $A -ScriptBlock {
                param($module, $f, $source)
                Import-Module $module
                Import-Pcap $source | Export-Pcap $f
            }
            try {
                $back = @(Import-Pcap $fifo)
                $null = $writer | Wait-Job -Timeout 60
                $writer.State | Should -Be 'Completed'
            }
            finally { $writer | Remove-Job -Force }
            $back.Udp.DestinationPort | Should -Be @(5001, 5002, 5003)
            $back.SourceFile | Should -Be @($fifo, $fifo, $fifo)
        }
    }
}
