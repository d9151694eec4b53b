BeforeDiscovery {
    $NoRoot = -not ($IsLinux -and (& id -u) -eq '0')
}

BeforeAll {
    Import-Module $env:NETSOCK_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Cmd = 'NetSock.Commands.GetSniffedPacketCommand'

    function Start-Chatter {
        # A thread job that sends a UDP datagram to 127.0.0.1:<Port> every 100 ms for a few seconds, so a capture that
        # starts at any moment in that time sees traffic (no race with the capture's start).
        param([int] $Port, [string] $Text = 'chatter', [int] $Times = 50)
        Start-ThreadJob -ThrottleLimit 64 -ArgumentList $env:NETSOCK_MODULE, $Port, $Text, $Times -ScriptBlock {
            param($module, $port, $text, $times)
            Import-Module $module
            1..$times | ForEach-Object { Send-Datagram 127.0.0.1 $port "$text $_"; Start-Sleep -Milliseconds 100 }
        }
    }

    function Get-FreePort { Get-Random -Minimum 30000 -Maximum 60000 }
}

Describe 'Get-SniffedPacket' {
    AfterEach {
        Get-Job | Remove-Job -Force
    }

    Context 'capturing live on the loopback interface' {
        It 'captures the packets the filter selects, decoded, numbered and stamped, and stops at -Count' -Tag 'Root' -Skip:$NoRoot {
            $port = Get-FreePort
            $null = Start-Chatter -Port $port -Text 'seen'
            $null = Start-Chatter -Port ($port + 1) -Text 'filtered out'
            $packets = Get-SniffedPacket lo -Filter "udp dst port $port" -Count 3 -Timeout 15
            $packets.Count | Should -Be 3
            $packets.Number | Should -Be @(1, 2, 3)
            $packets | ForEach-Object {
                $_.Udp.DestinationPort | Should -Be $port
                [Text.Encoding]::UTF8.GetString($_.Raw.Load) | Should -Match '^seen \d+$'
                $_.Interface | Should -Be 'lo'
                $_.OriginalLength | Should -Be $_.Length
                $_.IPv4.Destination | Should -Be ([ipaddress]'127.0.0.1')
                ([DateTimeOffset]::Now - $_.Timestamp).TotalSeconds | Should -BeLessThan 60
            }
        }

        It 'stops at -Timeout, reports its counters with -Statistics, and releases the device for the next capture' -Tag 'Root' -Skip:$NoRoot {
            $port = Get-FreePort
            $out = Get-SniffedPacket lo -Filter "udp dst port $port" -Timeout 1 -Statistics
            $stats = $out | Where-Object { $_ -is [NetSock.Capture.CaptureStatistics] }
            $stats.Interface | Should -Be 'lo'
            $stats.Delivered | Should -Be 0
            $stats.KernelDropped | Should -Be 0
            $null = Start-Chatter -Port $port
            (Get-SniffedPacket lo -Filter "udp dst port $port" -Count 1 -Timeout 15).Udp.DestinationPort | Should -Be $port
        }

        It 'stops at once for Select-Object -First and releases the device' -Tag 'Root' -Skip:$NoRoot {
            $port = Get-FreePort
            $null = Start-Chatter -Port $port
            $first = Get-SniffedPacket lo -Filter "udp dst port $port" -Timeout 15 | Select-Object -First 1
            $first.Number | Should -Be 1
            (Get-SniffedPacket lo -Filter "udp dst port $port" -Count 2 -Timeout 15).Count | Should -Be 2
        }
    }

    Context 'capturing live on a veth in network namespaces the test creates' {
        BeforeAll {
            Import-Module (Join-Path $PSScriptRoot 'Netns.psm1') -Force
            $script:Netns = if (Test-IsRoot) { New-TestNetns }
        }
        AfterAll {
            if ($Netns) { Remove-TestNetns -Netns $Netns }
        }

        It 'captures on the veth in namespace B what namespace A sends, and only that' -Tag 'Root' -Skip:$NoRoot {
            $port = Get-FreePort
            $capture = Start-NetnsPwsh -Namespace $Netns.B -Arguments @{ Link = $Netns.LinkB; Port = $port } -ScriptBlock {
                Get-SniffedPacket $Arguments.Link -Filter "udp dst port $($Arguments.Port)" -Count 3 -Timeout 20 | ForEach-Object {
                    [pscustomobject]@{ Source = "$($_.IPv4.Source)"; Port = $_.Udp.DestinationPort; Text = [Text.Encoding]::UTF8.GetString($_.Raw.Load); Interface = $_.Interface; Ether = "$($_.Ethernet.Type)" }
                }
            }
            try {
                $sender = Start-NetnsPwsh -Namespace $Netns.A -Arguments @{ Port = $port } -ScriptBlock {
                    1..100 | ForEach-Object {
                        Send-Datagram 198.18.0.2 $Arguments.Port "over the veth $_"
                        Send-Datagram 198.18.0.2 ($Arguments.Port + 1) 'not this one'
                        Start-Sleep -Milliseconds 100
                    }
                    'sent'
                }
                $seen = Wait-NetnsPwsh $capture -TimeoutSeconds 40
            }
            finally {
                if ($sender) { Stop-NetnsPwsh $sender }
                Stop-NetnsPwsh $capture
            }
            @($seen).Count | Should -Be 3
            $seen | ForEach-Object {
                $_.Source | Should -Be '198.18.0.1'
                $_.Port | Should -Be $port
                $_.Text | Should -Match '^over the veth \d+$'
                $_.Interface | Should -Be $Netns.LinkB
                $_.Ether | Should -Be '2048'
            }
        }
    }

    Context 'when the input is bad' {
        It 'quotes libpcap''s message for a filter it cannot compile' -Tag 'Root' -Skip:$NoRoot {
            { Get-SniffedPacket lo -Filter 'udpx port' -Timeout 1 } | Should -Throw -ErrorId "CaptureFilterInvalid,$Cmd"
            $Error[0].Exception.Message | Should -Match "can't parse filter expression"
            (Get-SniffedPacket lo -Filter 'udp port 9' -Timeout 0.2 -Statistics).Interface | Should -Be 'lo'
        }

        It 'lists the interfaces for a name that is not one' {
            { Get-SniffedPacket no-such-nic -Timeout 1 } | Should -Throw -ErrorId "CaptureInterfaceNotFound,$Cmd"
            $Error[0].Exception.Message | Should -Match '\blo\b'
        }

        It 'says capture needs root or CAP_NET_RAW when run without privilege' -Tag 'Root' -Skip:$NoRoot {
            $result = Invoke-Unprivileged {
                try { Get-SniffedPacket lo -Timeout 1 -ErrorAction Stop; 'captured' }
                catch { [pscustomobject]@{ ErrorId = $_.FullyQualifiedErrorId; Category = "$($_.CategoryInfo.Category)"; Message = $_.Exception.Message } }
            }
            $result.ErrorId | Should -Be "CaptureNoPrivilege,$Cmd"
            $result.Category | Should -Be 'PermissionDenied'
            $result.Message | Should -Match 'needs root or CAP_NET_RAW'
        }
    }
}
