# What the examples of docs/Receive-SocketData.md say they do (run by tests/Examples.Tests.ps1).
@{
    1 = @{ Assert = {
            param($Run)
            $Run.Output | Should -BeExactly @('Hello, server', 'Hello, client')
            $Run.Output | ForEach-Object { $_ | Should -BeOfType [string] -Because 'the data is decoded as UTF-8 text' }
        }
    }
    2 = @{ Assert = {
            param($Run)
            $Run.Output | Should -BeExactly @('first: 0 1 2 3; rest: 4 5 6 7 8 9') -Because 'a read of at most 4 bytes leaves the other 6 for the next read'
        }
    }
    3 = @{ Assert = {
            param($Run)
            $Run.Output | Should -BeExactly @('one', 'two', 'three', 'The connection is still Connected', 'four')
        }
    }
    4 = @{ Assert = {
            param($Run)
            # 'line 1' .. 'line 1000', each with LF: 6 * 1000 characters plus 2893 digits.
            $Run.Output | Should -BeExactly @("Received 8893 characters; the last line is 'line 1000'")
            $Run.Verbose -join "`n" | Should -Match 'closed its side of the connection' -Because '-Verbose reports the close'
        }
    }
    5 = @{ Assert = {
            param($Run)
            $host_ = $Run.Information -join ''
            $host_ | Should -Match '\[\+\] answers PING with PONG'
            $host_ | Should -Match '\[\+\] fails after the timeout when nothing comes, and closes the socket'
            $host_ | Should -Match 'Tests Passed: 2,\s*Failed: 0,'
        }
    }
    6 = @{ Assert = {
            param($Run)
            $lines = @($Run.Output)
            $lines.Count | Should -Be 3
            $lines | Should -Match '^echo: hello from socket \d+$'
            @($lines | Select-Object -Unique).Count | Should -Be 3 -Because 'each client gets back its own line'
            @($Run.Verbose | Where-Object { $_ -match 'closed its side of the connection' }).Count | Should -Be 3 -Because 'each client reads until the server closes'
        }
    }
    7 = @{ Assert = {
            param($Run)
            $Run.Output | Should -Be @(4194304) -Because 'every byte of the 4 MiB arrived, and -OutFile emits nothing'
            $Run.Verbose -join "`n" | Should -Match 'Wrote 4,194,304 bytes to \S*netsock-example-[0-9a-f]+/received\.bin' -Because 'received.bin is written in the current folder'
            $Run.Verbose -join "`n" | Should -Match 'closed its side of the connection' -Because 'it returns when the sender closes'
        }
    }
}
