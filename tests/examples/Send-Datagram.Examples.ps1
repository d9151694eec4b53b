# What the examples of docs/Send-Datagram.md say they do (run by tests/Examples.Tests.ps1).
@{
    1 = @{ Assert = {
            param($Run)
            @($Run.Output).Count | Should -Be 1
            $Run.Output[0] -match '^Hello, UDP server \(from 127\.0\.0\.1:(\d+)\)$' | Should -BeTrue -Because "the line is '$($Run.Output[0])'"
            [int]$Matches[1] | Should -Not -Be 12345 -Because 'the port is the one the OS chose for the client'
        }
    }
    2 = @{ Root = $true; Assert = {
            param($Run)
            $Run.Output[0] | Should -BeExactly 'custom transport' -Because 'Text holds the payload after the IP header'
            $Run.Text | Should -Match 'Source\s+: 127\.0\.0\.1'
            $Run.Text | Should -Match 'Destination\s+: 127\.0\.0\.1'
            $Run.Text | Should -Match 'Protocol\s+: 102'
            $Run.Text | Should -Match 'TimeToLive\s+: 64'
        }
    }
    3 = @{ Assert = {
            param($Run)
            $Run.Output | Should -Be @('first', 'second') -Because 'each command sends one datagram, and they arrive in order'
            $path = Join-Path ([IO.Path]::GetTempPath()) "netsock-$PID.dgram"      # the example runs in this process
            Test-Path -LiteralPath $path | Should -BeFalse -Because "closing the server's socket removes the file"
        }
    }
    4 = @{ Assert = {
            param($Run)
            @($Run.Output).Count | Should -Be 1
            $Run.Output[0] | Should -BeExactly 'PONG'
        }
    }
    5 = @{ Assert = {
            param($Run)
            @($Run.Output).Count | Should -Be 6
            $Run.Output[0..2] | Should -Be @(4, 4, 4) -Because '-PassThru writes the length of each datagram'
            $Run.Output[3..5] | Should -Be @('DEADBEEF', 'DEADBEEF', 'DEADBEEF') -Because 'the byte array is sent as it is, three times'
        }
    }
    6 = @{ Assert = {
            param($Run)
            $lines = $Run.Information -join ''      # Pester writes its summary in pieces (Write-Host -NoNewline)
            $lines | Should -Match '\[\+\] gets PONG back'
            $lines | Should -Match '\[\+\] fails after the timeout when nobody answers'
            $lines | Should -Match '\[\+\] refuses a payload too large for one datagram'
            $lines | Should -Match 'Tests Passed: 3, Failed: 0'
        }
    }
}
