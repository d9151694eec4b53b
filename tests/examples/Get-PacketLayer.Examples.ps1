# What the examples of docs/Get-PacketLayer.md say they do (run by tests/Examples.Tests.ps1).
@{
    1 = @{ Assert = {
            param($Run)
            $layers = @($Run.Output | Where-Object { $_ -is [NetSock.Packets.LayerInfo] })
            $layers.Count | Should -Be @($Run.Output).Count
            $layers.Count | Should -BeGreaterThan 10 -Because 'one row per layer type'
            ($layers.Name | Sort-Object -Unique).Count | Should -Be $layers.Count
            foreach ($name in 'Ethernet', 'IPv4', 'IPv6', 'Tcp', 'Udp', 'Icmp', 'Raw') { $layers.Name | Should -Contain $name }
            $ipv4 = $layers | Where-Object Name -EQ 'IPv4'
            $ipv4.Aliases | Should -Contain 'IP'
            $ipv4.Description | Should -Be 'Internet Protocol version 4'
            $Run.Text | Should -Match 'Name\s+Aliases\s+Description'
            $Run.Text | Should -Match '(?m)^IPv4\s+IP\s+Internet Protocol version 4\s*$'
        }
    }
    2 = @{ Assert = {
            param($Run)
            $fields = @($Run.Output | Where-Object { $_ -is [NetSock.Packets.LayerFieldInfo] })
            $fields.Count | Should -Be @($Run.Output).Count
            $fields.Layer | Sort-Object -Unique | Should -Be 'Tcp'
            # The TCP header, in wire order (RFC 9293), and Scapy's names for its fields.
            $fields.Name | Should -Be @('SourcePort', 'DestinationPort', 'SequenceNumber', 'AcknowledgmentNumber', 'DataOffset',
                'Reserved', 'Flags', 'WindowSize', 'Checksum', 'UrgentPointer', 'Options')
            $fields[0..2].Alias | Should -Be @('sport', 'dport', 'seq')
            foreach ($auto in @(@{ Name = 'DataOffset'; Type = 'Byte?' }, @{ Name = 'Checksum'; Type = 'UInt16?' })) {
                $field = $fields | Where-Object Name -EQ $auto.Name
                "$($field.Type)" | Should -Be $auto.Type
                "$($field.Default)" | Should -Be 'auto'
            }
            $fields | ForEach-Object { $_.Description | Should -Not -BeNullOrEmpty }
            $Run.Text | Should -Match 'Name\s+Alias\s+Type\s+Default\s+Description'
            $Run.Text | Should -Match '(?m)^DataOffset\s+dataofs\s+Byte\?\s+auto\s'
            $Run.Text | Should -Match '(?m)^Checksum\s+chksum\s+UInt16\?\s+auto\s'
        }
    }
    3 = @{ Assert = {
            param($Run)
            $rows = @($Run.Text -split "`r?`n" | Where-Object { $_ -match '^(\w+)\s+(src|dst|ttl)\s' } | ForEach-Object { $_ -replace '\s+', ' ' })
            $rows | Should -Be @('TimeToLive ttl Byte 64', 'Source src IPAddress? auto', 'Destination dst IPAddress 127.0.0.1') -Because "the three IPv4 fields whose Scapy names are src, dst and ttl"
            $Run.Text | Should -Match 'Name\s+Alias\s+Type\s+Default'
            $Run.Output[-1] | Should -Be 5 -Because '-ttl 5 set the TimeToLive of the IPv4 layer'
        }
    }
    4 = @{ Assert = {
            param($Run)
            $lines = @($Run.Text -split "`r?`n" | Where-Object { $_.Trim() })
            $lines[0] | Should -Match '^Layer\s+Name\s+Alias\s+Default\s*$'
            $layers = @($lines | Select-Object -Skip 2 | ForEach-Object { ($_ -split '\s+')[0] })
            $layers | Should -Not -BeNullOrEmpty
            $layers | ForEach-Object { $_ | Should -BeLike 'IPv6*' }
            $layers | Sort-Object -Unique | Should -Be @('IPv6', 'IPv6DestinationOptions', 'IPv6Fragment', 'IPv6HopByHop', 'IPv6Routing')
            $Run.Text | Should -Match '(?m)^IPv6\s+HopLimit\s+hlim\s+64\s*$'
            $Run.Text | Should -Match '(?m)^IPv6Fragment\s+FragmentOffset\s+offset\s+0\s*$'
        }
    }
    5 = @{ Assert = {
            param($Run)
            $fields = @($Run.Output | Where-Object { $_ -is [NetSock.Packets.LayerFieldInfo] })
            $fields.Count | Should -Be @($Run.Output).Count
            $fields.Layer | Select-Object -Unique | Should -Be @('Ethernet', 'IPv4', 'Udp')
            ($fields | Where-Object Layer -EQ 'Udp').Name | Should -Be @('SourcePort', 'DestinationPort', 'Length', 'Checksum')
            ($fields | Where-Object Layer -EQ 'Ethernet').Name | Should -Be @('Destination', 'Source', 'Type')
            $Run.Text | Should -Match '(?s)Layer: Ethernet.+Layer: IPv4.+Layer: Udp' -Because 'a table per layer'
        }
    }
    6 = @{ Assert = {
            param($Run)
            $fields = @($Run.Output | Where-Object { $_.PSObject.Properties['Layer'] })
            $fields.Layer | Sort-Object -Unique | Should -Be 'Udp' -Because 'the fields of Udp are still listed'
            $fields.Name | Should -Be @('SourcePort', 'DestinationPort', 'Length', 'Checksum')
            $strings = @($Run.Output | Where-Object { $_ -is [string] })
            $strings.Count | Should -Be 2 -Because 'one error, for Bogus'
            $strings[0] | Should -Be 'PacketLayerNotFound,NetSock.Commands.GetPacketLayerCommand'
            $strings[1] | Should -Match "'Bogus'"
            foreach ($name in 'Ethernet', 'IPv4', 'IPv6', 'Tcp', 'Udp') { $strings[1] | Should -Match "\b$name\b" -Because 'the message lists the layers' }
        }
    }
}
