# What the examples of docs/Get-CaptureInterface.md say they do (run by tests/Examples.Tests.ps1).
@{
    1 = @{ Assert = {
            param($Run)
            $interfaces = @($Run.Output | Where-Object { $_ -is [NetSock.Capture.CaptureInterface] })
            $interfaces.Count | Should -BeGreaterThan 1
            $interfaces.Name | Should -Contain 'lo'
            # Every interface of the host that has an address is listed.
            $named = [System.Net.NetworkInformation.NetworkInterface]::GetAllNetworkInterfaces() |
                Where-Object { $_.GetIPProperties().UnicastAddresses.Count } | ForEach-Object Name
            foreach ($name in $named) { $interfaces.Name | Should -Contain $name }
            # One row per interface, with these columns.
            $Run.Text | Should -Match 'Name\s+Up\s+Loopback\s+LinkType\s+MacAddress\s+Addresses'
            $Run.Text | Should -Match '(?m)^lo\s+True\s+True\s.*00:00:00:00:00:00\s+127\.0\.0\.1, ::1'
        }
    }
    2 = @{ Assert = {
            param($Run)
            $Run.Text | Should -Match 'Name\s+: lo\s'
            $Run.Text | Should -Match 'Addresses\s+: \{127\.0\.0\.1, ::1\}'
            $Run.Text | Should -Match 'MacAddress\s+: 00:00:00:00:00:00'
            $Run.Text | Should -Match 'IsUp\s+: True'
            $Run.Text | Should -Match 'IsLoopback\s+: True'
        }
    }
    3 = @{ Assert = {
            param($Run)
            @($Run.Output).Count | Should -Be 1
            # The first interface that is up, running, not loopback and has an address; lo on a host with none.
            $first = Get-CaptureInterface | Where-Object { $_.IsUp -and $_.IsRunning -and -not $_.IsLoopback -and $_.Addresses.Count } |
                Select-Object -First 1
            $expected = if ($first) { $first.Name } else { 'lo' }
            $Run.Output[0] | Should -Be $expected
            if ($first) {
                $net = [System.Net.NetworkInformation.NetworkInterface]::GetAllNetworkInterfaces() | Where-Object Name -EQ $expected
                $net.OperationalStatus | Should -Be 'Up'
                $net.NetworkInterfaceType | Should -Not -Be 'Loopback'
                $net.GetIPProperties().UnicastAddresses.Count | Should -BeGreaterThan 0
            }
        }
    }
    4 = @{ Assert = {
            param($Run)
            $names = @($Run.Output.Name)
            $names | Should -Contain 'lo'
            foreach ($name in $names) { $name | Should -BeLike 'l*' }
            # Every interface whose name starts with l.
            $all = @(Get-CaptureInterface | Where-Object Name -Like 'l*' | ForEach-Object Name)
            $names | Should -Be $all
            ($Run.Output | Where-Object Name -EQ 'lo').Addresses | ForEach-Object ToString | Should -Be @('127.0.0.1', '::1')
        }
    }
}
