# What the examples of docs/Register-NetSockShouldOperator.md say they do (run by tests/Examples.Tests.ps1).
@{
    1 = @{ Assert = {
            param($Run)
            $result = @($Run.Output | Where-Object { $_.PSObject.TypeNames -contains 'Pester.Run' })
            $result.Count | Should -Be 1
            $result[0].PassedCount | Should -Be 2 -Because 'both checks pass against the listener'
            $result[0].FailedCount | Should -Be 0
        }
    }
    2 = @{ Assert = {
            param($Run)
            $ops = @($Run.Output)
            @($ops | ForEach-Object Name) | Should -Contain 'BeListening'
            @($ops | ForEach-Object Name) | Should -Contain 'SendPacket'
            @($ops | ForEach-Object Name) | Should -Contain 'HaveField'
            @($ops | ForEach-Object Name) | Should -Contain 'HaveLayer'
        }
    }
    3 = @{ Root = $true; Assert = {
            param($Run)
            $Run.Output[-1] | Should -Match '^Ethernet 00:00:00:00:00:00 > 00:00:00:00:00:00 type 0x0800 / IP 127\.0\.0\.1 > 127\.0\.0\.1 .*/ TCP \d+ > \d+ \[SA\]' -Because 'the SYN-ACK answered the SYN'
        }
    }
    4 = @{ Root = $true; TimeoutSeconds = 30; Assert = {
            param($Run)
            $Run.Output | Should -Be 'checked'
        }
    }
}
