# What the examples of docs/Connect-TcpEndpoint.md say they do (run by tests/Examples.Tests.ps1).
@{
    1 = @{ Assert = {
            param($Run)
            # Exactly the bytes sent, without a newline (-NoNewline), each side receiving the other's message.
            $Run.Output | Should -Be @('Hello, server', 'Hello, client')
            $Run.Output | ForEach-Object { $_ | Should -BeOfType [string] }
        }
    }
    2 = @{ Assert = {
            param($Run)
            $endpoints = @($Run.Output)
            $endpoints.Count | Should -Be 3
            $endpoints | ForEach-Object { $_ | Should -BeOfType [System.Net.IPEndPoint] }
            $endpoints[0].Address | Should -Be ([ipaddress]::Loopback) -Because 'the client by name ends up on 127.0.0.1, where the listener is'
            $endpoints[0].Port | Should -BeGreaterThan 0
            # The accepted sockets' RemoteEndPoint: one client from 127.0.0.1, the other from 127.0.0.2 (-LocalAddress).
            @($endpoints[1..2] | ForEach-Object { "$($_.Address)" } | Sort-Object) | Should -Be @('127.0.0.1', '127.0.0.2')
            $endpoints[1..2].Port | Should -Not -Contain $endpoints[0].Port -Because 'the clients connect from ports of their own, not the server port'
        }
    }
    3 = @{ Assert = {
            param($Run)
            $rows = @($Run.Text -split '\r?\n' | Where-Object { $_ -match '^\s*\d+\s+Connected\s+127\.0\.0\.1:\d+\s+127\.0\.0\.1:(\d+)\s*$' } | ForEach-Object {
                    $null = $_ -match '127\.0\.0\.1:(\d+)\s*$'; [int]$Matches[1] })
            $rows.Count | Should -Be 2 -Because 'one connected client for each piped endpoint'
            @($rows | Select-Object -Unique).Count | Should -Be 2 -Because 'each client is connected to the port of its own listener'
        }
    }
    4 = @{ Assert = {
            param($Run)
            $Run.Output | Should -Be @('hello over a Unix socket')
        }
    }
    5 = @{ Assert = {
            param($Run)
            $Run.Output | Should -Be @('The server is ready: 220 lab.test ESMTP ready') -Because 'the banner line arrives without its end of line'
        }
    }
    6 = @{ Assert = {
            param($Run)
            $host_ = $Run.Information -join ''
            $host_ | Should -Match '\[\+\] reports a refused connection by its ErrorId'
            $host_ | Should -Match '\[\+\] connects to a listening port within 5 seconds'
            $host_ | Should -Match 'Tests Passed: 2,\s*Failed: 0,'
        }
    }
    7 = @{ Assert = {
            param($Run)
            $lines = @($Run.Output)
            $lines.Count | Should -Be 4 -Because 'each of the four clients gets its line back'
            $lines | Should -Match '^client on port \d+$'
            @($lines | Select-Object -Unique).Count | Should -Be 4 -Because 'each client sent its own port and gets its own line back'
            @($Run.Verbose | Where-Object { $_ -match 'closed its side of the connection' }).Count | Should -Be 4 -Because 'each runspace closed its connection after the echo'
        }
    }
}
