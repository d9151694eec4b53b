BeforeAll {
    Import-Module $env:NETSOCK_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Netns.psm1') -Force
    $script:Cmd = 'NetSock.Commands.GetCaptureInterfaceCommand'
}

Describe 'Get-CaptureInterface' {
    Context 'on this host' {
        It 'lists the loopback interface with its addresses, up and marked loopback' {
            $lo = Get-CaptureInterface | Where-Object Name -eq 'lo'
            $lo | Should -Not -BeNullOrEmpty
            $lo.IsLoopback | Should -BeTrue
            $lo.IsUp | Should -BeTrue
            $lo.Addresses | Should -Contain ([ipaddress]'127.0.0.1')
            "$($lo.MacAddress)" | Should -Be '00:00:00:00:00:00'
        }

        It 'reads each interface''s link type when it may open the device' -Tag 'Root' -Skip:(-not (Test-IsRoot)) {
            (Get-CaptureInterface lo).LinkType | Should -Be 'Ethernet'
        }

        It 'finds interfaces by name with wildcards' {
            (Get-CaptureInterface 'l?').Name | Should -Be 'lo'
            (Get-CaptureInterface -Name 'lo').Name | Should -Be 'lo'
        }

        It 'reports an unknown name, lists the names, and still returns the known ones' {
            $found = Get-CaptureInterface 'no-such-nic', 'lo' -ErrorVariable err -ErrorAction SilentlyContinue
            $found.Name | Should -Be 'lo'
            $err[0].FullyQualifiedErrorId | Should -Be "CaptureInterfaceNotFound,$Cmd"
            $err[0].Exception.Message | Should -Match 'lo'
        }

        It 'names the default interface as Scapy''s conf.iface does: up, running, not loopback when one exists' {
            $default = Get-CaptureInterface -Default
            $all = Get-CaptureInterface
            $default.IsUp | Should -BeTrue
            if ($all | Where-Object { $_.IsUp -and $_.IsRunning -and -not $_.IsLoopback -and $_.Name -ne 'any' -and $_.Addresses }) {
                $default.IsLoopback | Should -BeFalse
            }
            else {
                $default.Name | Should -Be 'lo'
            }
        }

        It 'completes interface names for -Interface parameters' {
            $completions = [System.Management.Automation.CommandCompletion]::CompleteInput('Get-CaptureInterface l', 22, $null)
            $completions.CompletionMatches.CompletionText | Should -Contain 'lo'
        }
    }

    Context 'in a network namespace the test creates' {
        BeforeAll {
            $script:Netns = if (Test-IsRoot) { New-TestNetns }
        }
        AfterAll {
            if ($Netns) { Remove-TestNetns -Netns $Netns }
        }

        It 'sees the namespace''s veth with its lab address and MAC' -Tag 'Root' -Skip:(-not (Test-IsRoot)) {
            $seen = Invoke-NetnsPwsh -Namespace $Netns.A -Arguments @{ Link = $Netns.LinkA } -ScriptBlock {
                $nic = Get-CaptureInterface $Arguments.Link
                [pscustomobject]@{ Name = $nic.Name; Addresses = @($nic.Addresses | ForEach-Object ToString); Up = $nic.IsUp; Mac = "$($nic.MacAddress)"; Names = @(Get-CaptureInterface).Name }
            }
            $seen.Name | Should -Be $Netns.LinkA
            $seen.Addresses | Should -Contain '198.18.0.1'
            $seen.Up | Should -BeTrue
            $seen.Mac | Should -Match '^([0-9a-f]{2}:){5}[0-9a-f]{2}$'
            $seen.Names | Should -Not -Contain 'eth0'
        }
    }
}
