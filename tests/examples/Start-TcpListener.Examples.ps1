# What the examples of docs/Start-TcpListener.md say they do (run by tests/Examples.Tests.ps1).
@{
    1 = @{ Assert = {
            param($Run)
            @($Run.Output).Count | Should -Be 3
            $Run.Output[0] | Should -BeOfType [System.Net.IPEndPoint]
            $Run.Output[0].Address | Should -Be ([ipaddress]::Loopback) -Because "RemoteEndPoint is the client's address, accept()'s second value"
            $Run.Output[0].Port | Should -Not -Be 12345 -Because "it is the client's port, not the server's"
            $Run.Output[1] | Should -BeExactly 'Hello, server'
            $Run.Output[2] | Should -BeExactly 'Hello, client'
        }
    }
    2 = @{ Assert = {
            param($Run)
            @($Run.Output).Count | Should -Be 1
            $Run.Output[0] -match '^Listening on \[::1\]:(\d+), port (\d+)$' | Should -BeTrue -Because "the text is '$($Run.Output[0])'"
            $Matches[1] | Should -Be $Matches[2]
            [int]$Matches[2] | Should -BeGreaterThan 0 -Because 'the kernel picked a free port for -Port 0'
        }
    }
    3 = @{ Assert = {
            param($Run)
            @($Run.Output).Count | Should -Be 3
            $Run.Output[0] | Should -BeTrue -Because 'the socket file exists while the listener is open'
            $Run.Output[1] | Should -BeExactly 'over a file, not the network'
            $Run.Output[2] | Should -BeFalse -Because 'closing the listener removed the socket file'
            $Run.Output[2] | Should -BeOfType [bool]
        }
    }
    4 = @{ Assert = {
            param($Run)
            $Run.Output | Should -Be @('250 HELO lab', '250 QUIT')
        }
    }
    5 = @{ Assert = {
            param($Run)
            $host_ = $Run.Information -join ''
            $host_ | Should -Match '\[\+\] keeps its port while it listens'
            $host_ | Should -Match '\[\+\] accepts a client within 5 seconds'
            $host_ | Should -Match 'Tests Passed: 2,\s*Failed: 0,'
        }
    }
    6 = @{ Assert = {
            param($Run)
            $lines = @($Run.Output)
            $lines.Count | Should -Be 3 -Because 'each of the three clients gets its echo'
            $lines | Should -Match '^echo: hello from socket \d+$'
            @($lines | Select-Object -Unique).Count | Should -Be 3 -Because 'each client gets back the line it sent, with its own Id'
        }
    }
}
