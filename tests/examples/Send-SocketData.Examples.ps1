# What the examples of docs/Send-SocketData.md say they do (run by tests/Examples.Tests.ps1).
@{
    1 = @{ Assert = {
            param($Run)
            # -NoNewline: the strings arrive exactly as sent, with no newline after them.
            $Run.Output | Should -BeExactly @('Hello, server', 'Hello, client')
        }
    }
    2 = @{ Assert = {
            param($Run)
            $Run.Output | Should -BeExactly @('0102FEFF', '0102FEFF') -Because '-PassThru emits the bytes sent, and the server received the same bytes, with no newline'
        }
    }
    3 = @{ Assert = {
            param($Run)
            $Run.Output | Should -BeExactly @('first line', 'second line', '42', 'GET / HTTP/1.0', 'Host: localhost', '')
        }
    }
    4 = @{ Assert = {
            param($Run)
            $host_ = $Run.Information -join ''
            $host_ | Should -Match '\[\+\] delivers 1 MiB intact within 10 seconds'
            $host_ | Should -Match 'Tests Passed: 1,\s*Failed: 0,'
        }
    }
    5 = @{ Assert = {
            param($Run)
            $lines = @($Run.Output)
            $lines.Count | Should -Be 3
            $lines | Should -Match '^\d+: ALPHA BETA$' -Because 'each client gets both of its lines back in upper case'
            @($lines | Select-Object -Unique).Count | Should -Be 3
        }
    }
}
