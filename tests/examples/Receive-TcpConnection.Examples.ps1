# What the examples of docs/Receive-TcpConnection.md say they do (run by tests/Examples.Tests.ps1).
@{
    1 = @{ Assert = {
            param($Run)
            @($Run.Output).Count | Should -Be 3
            $Run.Output[0] -match '^Connection from 127\.0\.0\.1:(\d+)$' | Should -BeTrue -Because "the text is '$($Run.Output[0])'"
            [int]$Matches[1] | Should -Not -Be 12345 -Because "addr is the client's address and port"
            $Run.Output[1] | Should -BeExactly 'Hello, server'
            $Run.Output[2] | Should -BeExactly 'Hello, client'
        }
    }
    2 = @{ Assert = {
            param($Run)
            $Run.Text | Should -Match 'AddressFamily\s+: Unix\b'
            $Run.Text | Should -Match 'State\s+: Connected\b'
            $Run.Text | Should -Match 'LocalEndPoint\s+: \S*/netsock-\d+\.sock\b' -Because "its LocalEndPoint is the listener's path"
            $Run.Text | Should -Match '(?m)^RemoteEndPoint\s+:\s*$' -Because 'a client of a Unix socket has no path of its own'
        }
    }
    3 = @{ Assert = {
            param($Run)
            @($Run.Output).Count | Should -Be 2
            $Run.Output[0] | Should -Match '^127\.0\.0\.1:\d+ says: first client$'
            $Run.Output[1] | Should -Match '^127\.0\.0\.1:\d+ says: second client$'
        }
    }
    4 = @{ Assert = {
            param($Run)
            $host_ = $Run.Information -join ''
            $host_ | Should -Match '\[\+\] gives up after the timeout when nobody connects'
            $host_ | Should -Match '\[\+\] accepts a client'
            $host_ | Should -Match 'Tests Passed: 2,\s*Failed: 0,'
        }
    }
    5 = @{ Assert = {
            param($Run)
            $Run.Output | Should -Be (@('echo: ping, echo: pong') * 5) -Because 'each of the five connections gets its two lines echoed'
            @($Run.Verbose | Where-Object { $_ -match 'closed its side of the connection' }).Count | Should -Be 5 -Because 'each runspace closes its connection'
        }
    }
}
