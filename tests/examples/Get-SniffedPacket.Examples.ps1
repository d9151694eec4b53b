# What the examples of docs/Get-SniffedPacket.md say they do (run by tests/Examples.Tests.ps1).
@{
    1 = @{ Root = $true; Assert = {
            param($Run)
            # The first three datagrams, each decoded as Ethernet/IPv4/Udp/Raw.
            $packets = @($Run.Output | Where-Object { $_ -is [NetSock.Packets.Packet] })
            $packets.Count | Should -Be 3
            $packets.Number | Should -Be @(1, 2, 3)
            foreach ($p in $packets) {
                $p.Layers.Name | Should -Be @('Ethernet', 'IPv4', 'Udp', 'Raw')
                $p.Udp.DestinationPort | Should -Be 40999
                $p.Raw.Load | Should -Be @(1, 2, 3)
                "$($p.Interface)" | Should -Be 'lo'
            }
            $Run.Text | Should -Match 'Number\s+Timestamp\s+Source\s+Destination\s+Protocol\s+Length\s+Info'
            $Run.Text | Should -Match '127\.0\.0\.1\s+127\.0\.0\.1\s+UDP\s+45\s+\d+ → 40999 Len=3'
        }
    }
    2 = @{ Root = $true; Assert = {
            param($Run)
            # Fields are objects: the source an IP address, the port a number.
            @($Run.Output).Count | Should -Be 2
            $Run.Output.Number | Should -Be @(1, 2)
            foreach ($row in $Run.Output) {
                $row.Source | Should -BeOfType [ipaddress]
                $row.Source.ToString() | Should -Be '127.0.0.1'
                $row.Port | Should -Be 40998
                $row.Port.GetType().Name | Should -Not -Be 'String'
                $row.Timestamp | Should -BeOfType [datetimeoffset]
            }
        }
    }
    3 = @{ Root = $true; Assert = {
            param($Run)
            # Only the statistics object comes out: nothing matches.
            @($Run.Output).Count | Should -Be 1
            $stats = $Run.Output[0]
            $stats | Should -BeOfType ([NetSock.Capture.CaptureStatistics])
            $stats.Interface | Should -Be 'lo'
            $stats.Delivered | Should -Be 0
            $Run.Text | Should -Match 'Received\s+: \d+\s+KernelDropped\s+: \d+\s+InterfaceDropped\s+: \d+\s+Delivered\s+: 0'
        }
    }
    4 = @{ Root = $true; Assert = {
            param($Run)
            @($Run.Output).Count | Should -Be 1
            $Run.Output[0].Udp.DestinationPort | Should -Be 40997
            $Run.Output[0].Raw.Load | Should -Be @(7)
            # The capture was stopped by Select-Object, not by the timeout or a count: no closing statistics line.
            $Run.Verbose | Should -Be @("Capturing on lo with filter 'udp'.")
            # The device is released: a capture starts again at once.
            $again = Get-SniffedPacket lo -Filter 'udp port 9' -Timeout 1 -Statistics
            $again.Interface | Should -Be 'lo'
        }
    }
    5 = @{ Assert = {
            param($Run)
            # Reading the file with the BPF filter gives packet number 3, to port 5003.
            @($Run.Output).Count | Should -Be 1
            $Run.Output[0].Number | Should -Be 3
            $Run.Output[0].Port | Should -Be 5003
            Test-Path (Join-Path ([IO.Path]::GetTempPath()) 'example.pcap') | Should -BeFalse
        }
    }
    6 = @{ Assert = {
            param($Run)
            # The file named where the interface goes is read: packets 1 and 2, to 5101 and 5102, from positional.pcap.
            @($Run.Output).Count | Should -Be 2
            $Run.Output.Number | Should -Be @(1, 2)
            $Run.Output.Port | Should -Be @(5101, 5102)
            $Run.Output.File | Should -Be @('positional.pcap', 'positional.pcap')
            Test-Path (Join-Path ([IO.Path]::GetTempPath()) 'positional.pcap') | Should -BeFalse
        }
    }
}
