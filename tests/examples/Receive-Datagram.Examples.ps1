# What the examples of docs/Receive-Datagram.md say they do (run by tests/Examples.Tests.ps1).
@{
    1 = @{ Assert = {
            param($Run)
            @($Run.Output).Count | Should -Be 2
            $Run.Output[0] | Should -BeExactly 'Hello, UDP server'
            $from = $Run.Output[1]
            $from | Should -BeOfType [System.Net.IPEndPoint]
            "$($from.Address)" | Should -Be '127.0.0.1'
            $from.Port | Should -BeGreaterThan 0
            $from.Port | Should -Not -Be 12345 -Because "the address is the client's, with the port the OS gave the client"
        }
    }
    2 = @{ Assert = {
            param($Run)
            $datagrams = @($Run.Output | Where-Object { $_ -is [NetSock.Sockets.Datagram] })
            $datagrams.Count | Should -Be 3 -Because 'it closes after the third datagram'
            $datagrams.Text | Should -Be @('datagram 1', 'datagram 2', 'datagram 3')
            $datagrams | ForEach-Object { "$($_.RemoteEndPoint.Address)" } | Should -Be @('127.0.0.1', '127.0.0.1', '127.0.0.1')
            $datagrams | ForEach-Object { $_.LocalEndPoint.ToString() } | Should -Be @('127.0.0.1:12345', '127.0.0.1:12345', '127.0.0.1:12345')
            $Run.Text | Should -Match 'Time\s+From\s+Length\s+Text'
            $Run.Text | Should -Match '\d\d:\d\d:\d\d\.\d{3} 127\.0\.0\.1:\d+\s+10 datagram 1'
        }
    }
    3 = @{ Root = $true; Assert = {
            param($Run)
            $Run.Output[0] | Should -BeExactly 'custom transport'
            $Run.Text | Should -Match 'Source\s+: 127\.0\.0\.1'
            $Run.Text | Should -Match 'Destination\s+: 127\.0\.0\.1'
            $Run.Text | Should -Match 'Protocol\s+: 102'
            $Run.Text | Should -Match 'TimeToLive\s+: 64'
            $Run.Text | Should -Match 'TotalLength\s+: 36' -Because 'a 20-byte header and a 16-byte payload'
            $Run.Output[-1] | Should -Match '^IP 127\.0\.0\.1 > 127\.0\.0\.1 .*/ Raw 16 bytes$'
        }
    }
    4 = @{ Assert = {
            param($Run)
            $temp = [IO.Path]::GetTempPath()
            $clientPath = Join-Path $temp "netsock-$PID-client.dgram"      # the example runs in this process
            $Run.Output[0] | Should -BeExactly "PING from $clientPath"
            $Run.Output[1] | Should -BeExactly 'PONG'
            @($Run.Output).Count | Should -Be 2
            Test-Path -LiteralPath $clientPath | Should -BeFalse -Because 'closing the sockets removes both files'
            Test-Path -LiteralPath (Join-Path $temp "netsock-$PID-server.dgram") | Should -BeFalse
        }
    }
    5 = @{ Assert = {
            param($Run)
            $Run.Output | Should -Be @('echo: one', 'echo: two', 'echo: three')
        }
    }
    6 = @{ Assert = {
            param($Run)
            $lines = $Run.Information -join ''      # Pester writes its summary in pieces (Write-Host -NoNewline)
            $lines | Should -Match '\[\+\] receives what was sent'
            $lines | Should -Match '\[\+\] fails after the timeout when nothing comes'
            $lines | Should -Match 'Tests Passed: 2, Failed: 0'
        }
    }
}
