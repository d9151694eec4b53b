# What the examples of docs/Close-NetSocket.md say they do (run by tests/Examples.Tests.ps1).
@{
    1 = @{ Assert = {
            param($Run)
            @($Run.Output).Count | Should -Be 1
            "$($Run.Output[0])" | Should -Be 'Closed' -Because 'the object stays in the variable, in the Closed state'
        }
    }
    2 = @{ Assert = {
            param($Run)
            $Run.Verbose -join "`n" | Should -Match 'Close.*NetSocket \d+ InterNetworkV6/Stream/Tcp Open \[::1\]:\d+' -Because '-Verbose shows which socket is closed'
            @($Run.Output).Count | Should -Be 0 -Because 'the closed socket no longer appears in Get-NetSocket'
        }
    }
    3 = @{ Assert = {
            param($Run)
            $rows = @($Run.Text -split '\r?\n' | Where-Object { $_ -match '^\s*\d+\s+\w+\s+\w+\s' })
            $rows.Count | Should -Be 2 -Because '-WhatIf closed nothing, so the second pipeline still finds both sockets'
            $rows | Should -Match '^\s*\d+\s+Closed\s' -Because '-PassThru shows each socket in the Closed state'
            $rows[0] | Should -Match 'InterNetwork\s+127\.0\.0\.1:\d+'
            $rows[1] | Should -Match 'Unix\s+\S*netsock-\d+\.sock'
            $Run.Output[-1] | Should -BeFalse -Because 'closing the Unix socket removed its file'
            $Run.Output[-1] | Should -BeOfType [bool]
        }
    }
    4 = @{ Assert = {
            param($Run)
            @($Run.Output).Count | Should -Be 1
            $Run.Output[0] | Should -Match '^Working with 127\.0\.0\.1:\d+$'
            # The second Close-NetSocket writes no error: the harness fails an example that writes one.
        }
    }
}
