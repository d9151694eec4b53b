# Pester 5 tests of how field values read: at the prompt (Out-String of the value alone), in table columns, in CSV and
# in JSON, a MAC is 02:00:00:00:00:01, TCP and IPv4 flags are Scapy's letters (SA, DF) with the number one property
# away, an address is its text, and a payload has its Text beside its bytes.

BeforeAll {
    Import-Module $env:NETSOCK_MODULE -Force

    function New-ArpRequest {
        New-Packet Ethernet -Destination ff:ff:ff:ff:ff:ff -Source 02:00:00:00:00:01 |
            New-Packet Arp -hwsrc 02:00:00:00:00:01 -psrc 198.18.0.2 -pdst 198.18.0.1
    }

    function New-WebRequest {
        New-Packet IPv4 -Source 127.0.0.1 -Destination 127.0.0.1 -Flags DF | New-Packet Tcp -DestinationPort 80 -Flags SA |
            New-Packet Raw -Load "GET / HTTP/1.1`r`n`r`n"
    }

    # What the prompt prints for a value: its formatted text, without the blank lines around it.
    function Get-Printed($Value) { ($Value | Out-String).Trim() }
}

Describe 'Field values' {
    Context 'at the prompt' {
        It 'prints a MAC address as its text, not a table of Value and IsBroadcast' {
            $p = New-ArpRequest
            Get-Printed $p.Arp.hwsrc | Should -BeExactly '02:00:00:00:00:01'
            Get-Printed $p.Ethernet.Destination | Should -BeExactly 'ff:ff:ff:ff:ff:ff'
            $p.Ethernet.Destination.IsBroadcast | Should -BeTrue
        }

        It 'prints TCP flags as Scapy''s letters, with the number one property away' {
            $p = New-WebRequest
            Get-Printed $p.Tcp.Flags | Should -BeExactly 'SA'
            $p.Tcp.Flags.Value | Should -Be 18
            $p.Tcp.Flags.Letters | Should -BeExactly 'SA'
            Get-Printed (New-Packet Tcp -Flags 0).Tcp.Flags | Should -BeExactly 'None'
        }

        It 'prints IPv4 flags the same way: Scapy''s names joined by +, the number in Value' {
            $p = New-WebRequest
            Get-Printed $p.IPv4.Flags | Should -BeExactly 'DF'
            $p.IPv4.Flags.Value | Should -Be 2
            $both = New-Packet IPv4 -Destination 127.0.0.1 -Flags 'MF+DF'
            Get-Printed $both.IPv4.Flags | Should -BeExactly 'MF+DF'
            $both.IPv4.Flags.Value | Should -Be 3
            $both.Hex.Substring(12, 4) | Should -Be '6000' -Because 'MF and DF are the two high bits after the reserved one'
            @($p.IPv4.Flags.PSObject.Properties.Name) | Should -Be @($p.Tcp.Flags.PSObject.Properties.Name)
        }

        It 'prints an IP address as its text' {
            Get-Printed (New-WebRequest).IPv4.src | Should -BeExactly '127.0.0.1'
        }

        It 'prints several values one per line' {
            $p = New-WebRequest
            (@($p.IPv4.Source, $p.IPv4.Flags, $p.Tcp.Flags, (New-ArpRequest).Arp.hwsrc) | Out-String).Trim() -split '\r?\n' |
                Should -Be @('127.0.0.1', 'DF', 'SA', '02:00:00:00:00:01')
        }

        It 'gives a payload''s Text beside its bytes' {
            $p = New-WebRequest
            $p.Raw.Text | Should -BeExactly "GET / HTTP/1.1`r`n`r`n"
            $p.Raw.Load.Count | Should -Be 18
            $p.Raw.Load[0] | Should -Be 71
        }
    }

    Context 'in table columns, CSV and JSON' {
        It 'shows the text in Format-Table columns' {
            $p = New-WebRequest
            $table = $p | Format-Table @{ n = 'IPFlags'; e = { $_.IPv4.Flags } }, @{ n = 'TcpFlags'; e = { $_.Tcp.Flags } }, @{ n = 'Mac'; e = { (New-ArpRequest).Arp.hwsrc } } | Out-String
            $table | Should -Match '(?m)^DF\s+SA\s+02:00:00:00:00:01\s*$'
        }

        It 'writes the MAC text and the flags letters to CSV, which New-Packet takes back' {
            $p = New-WebRequest
            $tcp = $p.Tcp | ConvertTo-Csv | ConvertFrom-Csv
            $tcp.Flags | Should -BeExactly 'SA'
            $ip = $p.IPv4 | ConvertTo-Csv | ConvertFrom-Csv
            $ip.Flags | Should -BeExactly 'DF'
            $arp = (New-ArpRequest).Arp | ConvertTo-Csv | ConvertFrom-Csv
            $arp.SenderHardwareAddress | Should -BeExactly '02:00:00:00:00:01'
            (New-Packet IPv4 -Destination 127.0.0.1 -Flags $ip.Flags | New-Packet Tcp -Flags $tcp.Flags).Tcp.Flags.Value | Should -Be 18
            (New-Packet Tcp -Flags ((New-Packet Tcp -Flags 0).Tcp.Flags.ToString())).Tcp.Flags.Value | Should -Be 0 -Because "'None' reads back as no flag"
        }

        It 'writes a packet''s timestamp with its fraction of a second to CSV and list columns, and keeps it a DateTimeOffset' {
            $p = New-WebRequest
            $p.Timestamp = [DateTimeOffset]::new(2024, 1, 2, 12, 0, 0, [TimeSpan]::Zero).AddTicks(12345)
            $row = $p | ConvertTo-Csv | ConvertFrom-Csv
            $row.Timestamp | Should -BeExactly '2024-01-02T12:00:00.0012345+00:00'
            ([DateTimeOffset]$row.Timestamp).UtcTicks | Should -Be $p.Timestamp.UtcTicks
            ($p | Select-Object Timestamp | ConvertTo-Csv | ConvertFrom-Csv).Timestamp | Should -BeExactly '2024-01-02T12:00:00.0012345+00:00'
            ($p | Format-List Timestamp | Out-String) | Should -Match 'Timestamp : 2024-01-02T12:00:00\.0012345\+00:00'
            $p.Timestamp | Should -BeOfType [DateTimeOffset]
            $p.Timestamp.ToString('HH:mm:ss.ffffff') | Should -BeExactly '12:00:00.001234'
            $p.Timestamp.ToUnixTimeMilliseconds() | Should -Be 1704196800001
            $p.Timestamp = $null
            $p.Timestamp | Should -BeNullOrEmpty
        }

        It 'gives TCP and IPv4 flags one JSON representation' {
            $p = New-WebRequest
            $tcp = $p.Tcp | ConvertTo-Json -Compress | ConvertFrom-Json
            $ip = $p.IPv4 | ConvertTo-Json -Compress | ConvertFrom-Json
            $tcp.Flags.Value | Should -Be 18
            $tcp.Flags.Letters | Should -BeExactly 'SA'
            $ip.Flags.Value | Should -Be 2
            $ip.Flags.Letters | Should -BeExactly 'DF'
            @($ip.Flags.PSObject.Properties.Name) | Should -Be @($tcp.Flags.PSObject.Properties.Name)
            $json = $p | ConvertTo-Json -WarningAction Stop | ConvertFrom-Json
            $json.Fields.IPv4.Flags | Should -BeExactly 'DF'
            $json.Fields.Tcp.Flags | Should -BeExactly 'SA'
        }

        It 'gives a packet''s fields in ConvertTo-Json at its default depth, layer by layer, as plain values and with no warning' {
            $p = New-Packet Ethernet -Source 02:00:00:00:00:01 -Destination 02:00:00:00:00:02 |
                New-Packet IPv4 -Source 198.18.0.1 -Destination 198.18.0.2 -TimeToLive 9 |
                New-Packet Tcp -SourcePort 1234 -DestinationPort 80 -Flags SA | New-Packet Raw -Load 'hi'
            $json = $p | ConvertTo-Json -WarningAction Stop
            $o = $json | ConvertFrom-Json
            @($o.Fields.PSObject.Properties.Name) | Should -Be @('Ethernet', 'IPv4', 'Tcp', 'Raw')
            $o.Fields.Ethernet.Source | Should -BeExactly '02:00:00:00:00:01'
            $o.Fields.IPv4.TimeToLive | Should -Be 9
            $o.Fields.IPv4.Destination | Should -BeExactly '198.18.0.2'
            $o.Fields.IPv4.Flags | Should -BeExactly ''
            $o.Fields.IPv4.Checksum | Should -BeNullOrEmpty
            $o.Fields.Tcp.Flags | Should -BeExactly 'SA'
            $o.Fields.Tcp.DestinationPort | Should -Be 80
            $o.Fields.Raw.Load | Should -BeExactly '6869'
            $o.Hex | Should -BeExactly $p.Hex
            $json | Should -Not -Match 'System\.'
            # The layers themselves stay $p.Layers; a layer that comes again is keyed Name#2.
            $p.Layers.Name | Should -Be @('Ethernet', 'IPv4', 'Tcp', 'Raw')
            $tunnel = New-Packet IPv4 -Source 198.18.0.1 -Destination 198.18.0.2 |
                New-Packet IPv4 -Source 198.18.0.3 -Destination 198.18.0.4 | New-Packet Udp
            $t = $tunnel | ConvertTo-Json -WarningAction Stop | ConvertFrom-Json
            @($t.Fields.PSObject.Properties.Name) | Should -Be @('IPv4', 'IPv4#2', 'Udp')
            $t.Fields.'IPv4#2'.Source | Should -BeExactly '198.18.0.3'
        }

        It 'gives a list of packets in ConvertTo-Json with one more level of depth' {
            $packets = @(New-WebRequest; New-WebRequest)
            $o = $packets | ConvertTo-Json -Depth 3 -WarningAction Stop | ConvertFrom-Json
            $o.Count | Should -Be 2
            $o[1].Fields.Tcp.Flags | Should -BeExactly 'SA'
        }
    }
}
