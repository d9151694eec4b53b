# What the examples of docs/Import-Pcap.md say they do (run by tests/Examples.Tests.ps1).
@{
    1 = @{ Assert = {
            param($Run)
            # The three packets come back numbered 1 to 3, to ports 7001 to 7003, with their payloads.
            @($Run.Output).Count | Should -Be 3
            $Run.Output.Number | Should -Be @(1, 2, 3)
            $Run.Output.Port | Should -Be @(7001, 7002, 7003)
            $Run.Output.Text | Should -Be @('hello 1', 'hello 2', 'hello 3')
            Test-Path (Join-Path ([IO.Path]::GetTempPath()) 'import.pcap') | Should -BeFalse
        }
    }
    2 = @{ Assert = {
            param($Run)
            # Grouped by SourceFile: three packets from dns.pcapng, two from web.pcap.
            @($Run.Output).Count | Should -Be 2
            $Run.Output.Name | Should -Be @('dns.pcapng', 'web.pcap')
            ($Run.Output | ForEach-Object Count) | Should -Be @(3, 2)
            Test-Path (Join-Path ([IO.Path]::GetTempPath()) 'import-many') | Should -BeFalse
        }
    }
    3 = @{ Assert = {
            param($Run)
            # Packets 2 and 4 of a.pcap, then packet 2 of b.pcap, where -Count 3 stops.
            @($Run.Output).Count | Should -Be 3
            $Run.Output.Number | Should -Be @(2, 4, 2)
            $Run.Output.File | Should -Be @('a.pcap', 'a.pcap', 'b.pcap')
            Test-Path (Join-Path ([IO.Path]::GetTempPath()) 'import-filter') | Should -BeFalse
        }
    }
}
