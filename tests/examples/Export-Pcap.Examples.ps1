# What the examples of docs/Export-Pcap.md say they do (run by tests/Examples.Tests.ps1).
@{
    1 = @{ Assert = {
            param($Run)
            # Three packets written as raw IP come back numbered 1 to 3, with an IPv4 header first.
            @($Run.Output).Count | Should -Be 3
            $Run.Output.Number | Should -Be @(1, 2, 3)
            foreach ($row in $Run.Output) { "$($row.LinkType)" | Should -Be 'Raw' }
            $Run.Output.Summary | Should -Be @(6001..6003 | ForEach-Object { "IP 127.0.0.1 > 127.0.0.1 ttl 64 / UDP 53 > $_ len 15 / Raw 7 bytes" })
            Test-Path (Join-Path ([IO.Path]::GetTempPath()) 'crafted.pcap') | Should -BeFalse
        }
    }
    2 = @{ Assert = {
            param($Run)
            # Both packets are in the file, and the file is pcapng (its Section Header Block type first).
            $Run.Output | Should -Be @(80, 443, '0A0D0D0A')
            Test-Path (Join-Path ([IO.Path]::GetTempPath()) 'growing.pcapng') | Should -BeFalse
        }
    }
    3 = @{ Root = $true; Assert = {
            param($Run)
            # -PassThru passes the five captured packets on, and the file holds them.
            $rows = @($Run.Output | Where-Object { $_ -isnot [int] })
            $rows.Number | Should -Be @(1, 2, 3, 4, 5)
            foreach ($row in $rows) { $row.Length | Should -Be 45 }
            $Run.Output[-1] | Should -Be 5
            @($Run.Output).Count | Should -Be 6
            Test-Path (Join-Path ([IO.Path]::GetTempPath()) 'lo.pcap') | Should -BeFalse
        }
    }
    4 = @{ Assert = {
            param($Run)
            # The append is refused as CaptureFileCorrupt; with -Repair the file holds 6001, 6002 and the new 6009.
            $Run.Output[0] | Should -Be 'CaptureFileCorrupt,NetSock.Commands.ExportPcapCommand'
            $Run.Output[1..3] | Should -Be @(6001, 6002, 6009)
            @($Run.Output).Count | Should -Be 4
            Test-Path (Join-Path ([IO.Path]::GetTempPath()) 'killed.pcap') | Should -BeFalse
        }
    }
    5 = @{ Assert = {
            param($Run)
            # The reader gets the three packets live from the FIFO, numbered, to ports 6101 to 6103.
            $Run.Output | Should -Be @('1: port 6101', '2: port 6102', '3: port 6103')
            Test-Path (Join-Path ([IO.Path]::GetTempPath()) 'live.fifo') | Should -BeFalse
        }
    }
}
