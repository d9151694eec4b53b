# What the examples of docs/New-NetSocket.md say they do (run by tests/Examples.Tests.ps1).
@{
    1 = @{ Assert = {
            param($Run)
            $Run.Text | Should -Match 'AddressFamily\s+: InterNetwork\b'
            $Run.Text | Should -Match 'SocketType\s+: Stream\b'
            $Run.Text | Should -Match 'Protocol\s+: Tcp\b' -Because 'the operating system picks TCP when the protocol is left out'
            $Run.Text | Should -Match 'State\s+: Open\b' -Because 'the socket is opened without binding it'
        }
    }
    2 = @{ Assert = {
            param($Run)
            @($Run.Output).Count | Should -Be 1
            $Run.Output[0] -match '^Bound to 127\.0\.0\.1:(\d+); the kernel chose port (\d+)$' | Should -BeTrue -Because "the text is '$($Run.Output[0])'"
            $Matches[1] | Should -Be $Matches[2] -Because 'LocalEndPoint and LocalPort show the same port'
            [int]$Matches[2] | Should -BeGreaterThan 0 -Because 'port 0 asks for a free port, which the property shows'
        }
    }
    3 = @{ Assert = {
            param($Run)
            @($Run.Output).Count | Should -Be 1
            $Run.Output[0] | Should -BeOfType [System.Net.IPEndPoint]
            $Run.Output[0].Address | Should -Be ([ipaddress]::IPv6Loopback)
            $Run.Output[0].Port | Should -BeGreaterThan 0
        }
    }
    4 = @{ Root = $true; Assert = {
            param($Run)
            $Run.Text | Should -Match 'AddressFamily\s+: InterNetwork\b'
            $Run.Text | Should -Match 'SocketType\s+: Raw\b'
            $Run.Text | Should -Match 'ProtocolNumber\s+: 102\b'
            $Run.Text | Should -Match 'LocalEndPoint\s+: 127\.0\.0\.1:102\b' -Because 'bound to 127.0.0.1; Linux reports the protocol number as the port'
        }
    }
    5 = @{ Assert = {
            param($Run)
            $Run.Output | Should -Be @($true, $false) -Because 'the socket file exists while the socket is open and is removed by Close-NetSocket'
        }
    }
    6 = @{ Root = $true; Assert = {
            param($Run)
            $Run.Text | Should -Match 'AddressFamily\s+: Packet\b'
            $Run.Text | Should -Match 'SocketType\s+: Raw\b'
            $Run.Text | Should -Match 'Protocol\s+: All\b' -Because 'ETH_P_ALL: every EtherType'
            $Run.Text | Should -Match 'ProtocolNumber\s+: 3\b' -Because 'ETH_P_ALL is 0x0003 in host order'
        }
    }
    7 = @{ Assert = {
            param($Run)
            @($Run.Output).Count | Should -Be 1
            $Run.Output[0] | Should -Match '^NetSocketAddressInUse,' -Because 'the second bind() to a held port throws NetSocketAddressInUse'
        }
    }
}
