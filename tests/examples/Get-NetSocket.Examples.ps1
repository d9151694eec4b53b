# What the examples of docs/Get-NetSocket.md say they do (run by tests/Examples.Tests.ps1).
@{
    1 = @{ Assert = {
            param($Run)
            $sockets = @($Run.Output | Where-Object { $_ -is [NetSock.Sockets.NetSocket] })
            $sockets.Count | Should -Be 2
            $sockets.AddressFamily | Should -Be @('InterNetwork', 'InterNetworkV6')
            $Run.Text | Should -Match 'Id\s+State\s+Family'
        }
    }
    2 = @{ Assert = {
            param($Run)
            $Run.Text | Should -Match 'State\s+: Open'
            $Run.Text | Should -Match 'LocalEndPoint\s+: 127\.0\.0\.1:\d+'
        }
    }
    3 = @{ Assert = {
            param($Run)
            @($Run.Output).Count | Should -Be 1
            $Run.Output[0].AddressFamily | Should -Be 'InterNetworkV6'
        }
    }
    4 = @{ Assert = {
            param($Run)
            $Run.Output | Should -Match '^Socket \d+ is closed: NetSocketNotFound,NetSock.Commands.GetNetSocketCommand$'
        }
    }
    5 = @{ Assert = {
            param($Run)
            @($Run.Output).Count | Should -Be 0
        }
    }
}
