# Tab completion across the module: layer names, each layer's fields (New-Packet's parameters), interfaces, socket Ids.
# CommandCompletion.CompleteInput is what the console's Tab calls.

BeforeDiscovery {
    $NoRoot = -not ($IsLinux -and (& id -u) -eq '0')
}

BeforeAll {
    Import-Module $env:NETSOCK_MODULE -Force

    function Get-Completion([string] $Line) {
        @([System.Management.Automation.CommandCompletion]::CompleteInput($Line, $Line.Length, $null).CompletionMatches | ForEach-Object CompletionText)
    }
}

Describe 'Tab completion' {
    It 'completes layer names and Scapy''s layer aliases for New-Packet and Get-PacketLayer' {
        Get-Completion 'New-Packet Ud' | Should -Contain 'Udp'
        Get-Completion 'New-Packet Eth' | Should -Contain 'Ethernet'
        Get-Completion 'New-Packet Ethe' | Should -Contain 'Ether'
        Get-Completion 'Get-PacketLayer IPv6E' | Should -Contain 'IPv6ExtHdrFragment'
        Get-Completion 'New-Packet Zz' | Should -BeNullOrEmpty
    }

    It 'completes a layer''s fields, and their Scapy names, as New-Packet parameters' {
        Get-Completion 'New-Packet IPv4 -Time' | Should -Contain '-TimeToLive'
        Get-Completion 'New-Packet IPv4 -tt' | Should -Contain '-ttl'
        Get-Completion 'New-Packet Tcp -Dest' | Should -Contain '-DestinationPort'
        Get-Completion 'New-Packet Tcp -Dest' | Should -Not -Contain '-TimeToLive'
    }

    It 'completes TCP flag letters after -Flags, not file names' {
        $flags = Get-Completion 'New-Packet Tcp -Flags '
        $flags | Should -Contain 'S'
        $flags | Should -Contain 'SA'
        $flags | Should -Contain 'PA'
        $flags | ForEach-Object { $_ | Should -MatchExactly '^[FSRPAUECN]+$' -Because 'flag letters only, no file names' }
        Get-Completion 'New-Packet Tcp -flags F' | Should -Contain 'FA'
        Get-Completion 'New-Packet IPv4 | New-Packet Tcp -dport 80 -Flags R' | Should -Contain 'RA'
    }

    It 'completes ICMP type names after Icmp -Type (each to its number) and IcmpV6 -Type, not file names' {
        $line = 'New-Packet Icmp -Type echo'
        $found = [System.Management.Automation.CommandCompletion]::CompleteInput($line, $line.Length, $null).CompletionMatches
        @($found.ListItemText) | Should -Be @('echo-reply', 'echo-request')
        @($found.CompletionText) | Should -Be @('0', '8')
        $all = Get-Completion 'New-Packet Icmp -Type '
        $all | Should -Contain '11'
        $all | ForEach-Object { $_ | Should -Match '^\d+$' -Because 'ICMP types only, no file names' }
        Get-Completion 'New-Packet IcmpV6 -type neighbor-s' | Should -Be '135'
    }

    It 'completes interface names for <Command>' -ForEach @(
        @{ Command = 'Get-SniffedPacket -Interface ' }
        @{ Command = 'Send-RawPacket -Interface ' }
        @{ Command = 'Get-CaptureInterface ' }
    ) {
        Get-Completion "$Command" | Should -Contain 'lo'
        Get-Completion "${Command}l" | Should -Contain 'lo'
    }

    It 'completes the Ids of the open sockets for Close-NetSocket and Get-NetSocket' {
        $s = New-NetSocket -LocalPort 0
        try {
            $id = "$($s.Id)"
            Get-Completion 'Close-NetSocket -Id ' | Should -Contain $id
            Get-Completion 'Get-NetSocket -Id ' | Should -Contain $id
        }
        finally {
            Close-NetSocket $s
        }
        Get-Completion 'Close-NetSocket -Id ' | Should -Not -Contain $id
    }
}

Describe 'Send-RawPacket progress' {
    It 'reports Write-Progress on a long send, and completes it at the end' -Tag 'Root' -Skip:$NoRoot {
        # A runspace of its own collects the progress records (the progress stream cannot be redirected).
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$env:NETSOCK_MODULE'; New-Packet IPv4 -Destination 127.0.0.1 | New-Packet Udp -DestinationPort 9 | Send-RawPacket -Count 1000000")
            $null = $ps.Invoke()
            $ps.HadErrors | Should -BeFalse
            $records = @($ps.Streams.Progress | Where-Object Activity -EQ 'Send-RawPacket')
            $records.Count | Should -BeGreaterThan 1
            $records[0].StatusDescription | Should -Match '^[\d,.]+ of 1,000,000 packets sent$'
            $records[-1].RecordType | Should -Be 'Completed'
        }
        finally {
            $ps.Dispose()
        }
    }
}
