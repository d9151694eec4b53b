# Packets and layers as data: layers and Scapy's field names as dynamic members, the flat Wireshark-style columns, what
# Select-Object *, CSV and JSON see, the pipeline cmdlets on layer fields, tab completion, and packets that cross a
# serialization boundary (Export-Clixml, Start-Job, remoting's serializer, thread jobs, Export-Csv) and come back live.
# Every address is loopback or in 198.18.0.0/15 / 2001:db8::/32; files go under the temp folder with GUID names.

BeforeAll {
    Import-Module $env:NETSOCK_MODULE -Force
    $script:ConvertCmd = 'NetSock.Commands.ConvertToPacketCommand'
    # Scapy: bytes(Ether(src='02:00:00:00:00:01', dst='02:00:00:00:00:02')/IP(src='198.18.0.1', dst='198.18.0.2')/UDP())
    $script:Frame = '02000000000202000000000108004500001c000100004011eea8c6120001c6120002003500350008734c'
    # The packet's own (declared) properties: all that CSV and JSON should show (Select-Object * adds the dynamic Layers).
    $script:PacketProperties = @('Fields', 'Length', 'LinkType', 'IsMalformed', 'MalformedReason', 'Timestamp',
        'TimestampNanoseconds', 'Interface', 'OriginalLength', 'CapturedLength', 'Number', 'SourceFile', 'Direction', 'Source', 'Destination',
        'Protocol', 'Info', 'Hex', 'Summary')

    function New-TcpPacket {
        New-Packet IPv4 -Source 198.18.0.1 -Destination 198.18.0.2 -TimeToLive 9 |
            New-Packet Tcp -SourcePort 1234 -DestinationPort 80 -Flags S |
            New-Packet Raw -Load 'hi'
    }

    function New-CapturedPacket {
        # A dissected Ethernet frame with every piece of capture metadata set, as Get-SniffedPacket gives them.
        $p = ConvertTo-Packet $Frame
        $p.Number = 7
        $p.Timestamp = [DateTimeOffset]::UnixEpoch.AddTicks(17000000001234567)      # as a capture gives it: the nanoseconds to the 100 ns tick
        $p.TimestampNanoseconds = 1700000000123456789
        $p.Interface = 'lo'
        $p.OriginalLength = 60
        $p
    }

    function Get-TempPath([string] $Extension) {
        Join-Path ([IO.Path]::GetTempPath()) "netsock-$([guid]::NewGuid())$Extension"
    }

    function Assert-SamePacket {
        # The rehydrated packet is a live Packet with the original's bytes and capture metadata (not its Timestamp: see
        # the separate test), and its layers decode.
        param($Actual, $Expected)
        $Actual | Should -BeOfType ([NetSock.Packets.Packet])
        $Actual.Hex | Should -Be $Expected.Hex
        $Actual.LinkType | Should -Be $Expected.LinkType
        $Actual.Number | Should -Be $Expected.Number
        $Actual.TimestampNanoseconds | Should -Be $Expected.TimestampNanoseconds
        $Actual.Interface | Should -Be $Expected.Interface
        $Actual.OriginalLength | Should -Be $Expected.OriginalLength
        $Actual.Layers.Name | Should -Be @($Expected.Layers.Name)
        $Actual.IPv4.Source | Should -Be ([ipaddress]'198.18.0.1')
        $Actual.Udp.DestinationPort | Should -Be 53
    }
}

Describe 'Packet and Layer as data' {
    Context 'layers as members of a packet' {
        It 'gives a layer by its name or alias, the same layer either way' {
            $p = ConvertTo-Packet $Frame
            $p.IPv4 | Should -BeOfType ([NetSock.Packets.Layers.IPv4])
            $p.Udp | Should -BeOfType ([NetSock.Packets.Layers.Udp])
            $p.Ether | Should -BeOfType ([NetSock.Packets.Layers.Ethernet])
            [object]::ReferenceEquals($p.IP, $p.IPv4) | Should -BeTrue
            [object]::ReferenceEquals($p.Ether, $p.Ethernet) | Should -BeTrue
            $p.IPv4.Destination | Should -Be ([ipaddress]'198.18.0.2')
        }

        It 'gives $null for a layer the packet does not have, under strict mode' {
            & {
                Set-StrictMode -Version 3
                $p = ConvertTo-Packet $Frame
                $p.Tcp | Should -BeNullOrEmpty
                $p.IPv6 | Should -BeNullOrEmpty
                $null -eq $p.Icmp | Should -BeTrue
            }
        }

        It 'throws under strict mode for a name that is no layer, and gives $null without it' {
            $p = ConvertTo-Packet $Frame
            { Set-StrictMode -Version 3; $p.NoSuchLayer } | Should -Throw -ExceptionType ([System.Management.Automation.PropertyNotFoundException])
            & { Set-StrictMode -Off; $null -eq $p.NoSuchLayer } | Should -BeTrue
        }

        It 'gives the bytes as $p.Bytes, a byte[] equal to GetBytes() and Hex' {
            $p = ConvertTo-Packet $Frame
            , $p.Bytes | Should -BeOfType ([byte[]])
            $p.Bytes.Length | Should -Be 42
            [Convert]::ToHexString($p.Bytes).ToLowerInvariant() | Should -Be $Frame
            [Convert]::ToHexString($p.GetBytes()).ToLowerInvariant() | Should -Be $Frame
            $p.Hex | Should -Be $Frame
        }
    }

    Context 'Scapy''s field names on a layer' {
        It 'reads fields by their Scapy names' {
            $p = ConvertTo-Packet $Frame
            $p.IPv4.ttl | Should -Be 64
            $p.IPv4.src | Should -Be ([ipaddress]'198.18.0.1')
            $p.IP.dst | Should -Be ([ipaddress]'198.18.0.2')
            $p.Udp.sport | Should -Be 53
            $p.Udp.chksum | Should -Be 0x734c
            "$($p.Ether.src)" | Should -Be '02:00:00:00:00:01'
        }

        It 'sets TimeToLive through ttl, converting the value, and the bytes follow' {
            $p = ConvertTo-Packet $Frame
            $p.IPv4.ttl = 9
            $p.IPv4.TimeToLive | Should -Be 9
            $p.IPv4.TimeToLive | Should -BeOfType ([byte])
            $p.Bytes[14 + 8] | Should -Be 9
            $p.IPv4.ttl = '12'
            $p.IPv4.TimeToLive | Should -Be 12
            $p.Hex.Substring((14 + 8) * 2, 2) | Should -Be '0c'
        }

        It 'converts text to the field''s type: an address, TCP flags' {
            $p = New-TcpPacket
            $p.IPv4.dst = '198.18.0.9'
            $p.IPv4.Destination | Should -BeOfType ([ipaddress])
            $p.IPv4.Destination | Should -Be ([ipaddress]'198.18.0.9')
            $p.Destination | Should -Be '198.18.0.9'
            $p.Tcp.flags = 'SA'
            "$($p.Tcp.Flags)" | Should -Be 'SA'
        }

        It 'refuses a value that does not fit the field, and leaves the field as it was' {
            $p = ConvertTo-Packet $Frame
            { $p.IPv4.ttl = 300 } | Should -Throw -ErrorId 'PacketFieldInvalid' -ExpectedMessage '*cannot be 300*from 0 to 255*'
            { $p.IPv4.ttl = 'abc' } | Should -Throw -ErrorId 'PacketFieldInvalid' -ExpectedMessage "*cannot be 'abc'*not a number*"
            $p.IPv4.TimeToLive | Should -Be 64
        }

        It 'throws for a field name the layer does not have' {
            $p = ConvertTo-Packet $Frame
            { Set-StrictMode -Version 3; $p.IPv4.nosuch } | Should -Throw '*nosuch*cannot be found*'
            { $p.IPv4.nosuch = 1 } | Should -Throw '*nosuch*cannot be found*'
        }
    }

    Context 'flat properties of a packet' {
        It 'has Wireshark''s Source, Destination, Protocol and Info, and Hex, Length, LinkType, Summary' {
            $p = New-TcpPacket
            $p.Source | Should -Be '198.18.0.1'
            $p.Destination | Should -Be '198.18.0.2'
            $p.Protocol | Should -Be 'TCP'
            $p.Info | Should -Be '1234 → 80 [SYN] Seq=0 Win=8192 Len=2'
            $p.Length | Should -Be 42
            $p.Hex | Should -Be ([Convert]::ToHexString($p.Bytes).ToLowerInvariant())
            $p.Hex | Should -Match '^45'
            $p.LinkType | Should -Be 'Raw'
            $p.Summary | Should -Match '^IP 198\.18\.0\.1 > 198\.18\.0\.2 ttl 9 / TCP 1234 > 80 \[S\] .* / Raw 2 bytes$'
            $p.Number | Should -BeNullOrEmpty
            $p.Timestamp | Should -BeNullOrEmpty
        }

        It 'takes Source and Destination from the innermost IP layer, IPv6 as well' {
            $p = New-Packet IPv6 -Source 2001:db8::1 -Destination 2001:db8::2 | New-Packet Udp -DestinationPort 5353
            $p.Source | Should -Be '2001:db8::1'
            $p.Destination | Should -Be '2001:db8::2'
            $p.Protocol | Should -Be 'UDP'
            $p.Info | Should -Be '53 → 5353 Len=0'
        }

        It 'takes the MAC addresses for a frame with no IP layer, and names its top layer but the payload as Protocol' {
            $p = ConvertTo-Packet ('020000000002020000000001' + '88b5' + '00010203')
            $p.Source | Should -Be '02:00:00:00:00:01'
            $p.Destination | Should -Be '02:00:00:00:00:02'
            $p.Protocol | Should -Be 'Ethernet'
        }

        It 'has Number, Timestamp and the other capture metadata settable' {
            $p = New-CapturedPacket
            $p.Number | Should -Be 7
            $p.Timestamp | Should -Be ([DateTimeOffset]::UnixEpoch.AddTicks(17000000001234567))
            $p.TimestampNanoseconds | Should -Be 1700000000123456789
            $p.Interface | Should -Be 'lo'
            $p.OriginalLength | Should -Be 60
            $p.LinkType | Should -Be 'Ethernet'
        }

        It 'has Layers, whose ToString is the layer names joined by /' {
            $p = New-TcpPacket
            $p.Layers.Count | Should -Be 3
            $p.Layers.Name | Should -Be @('IPv4', 'Tcp', 'Raw')
            $p.Layers.ToString() | Should -Be 'IPv4/Tcp/Raw'
        }

        It 'gives the layers as "IPv4/Tcp/Raw" where they are one value (the CSV cell Fields, a list view line)' {
            $p = New-TcpPacket
            ($p | ConvertTo-Csv | ConvertFrom-Csv).Fields | Should -Be 'IPv4/Tcp/Raw'
            ($p | Format-List | Out-String) | Should -Match 'Layers\s+: IPv4/Tcp/Raw'
        }
    }

    Context 'what Select-Object *, CSV and JSON see' {
        It 'Select-Object * of a packet gives its own properties: no Bytes, no column per layer' {
            $names = @((New-TcpPacket | Select-Object *).PSObject.Properties.Name)
            $names | Should -Not -Contain 'Bytes'
            $names | Should -Not -Contain 'IPv4'
            $names | Should -Not -Contain 'Tcp'
            $names | Should -Not -Contain 'Raw'
            $names | Sort-Object | Should -Be (@($PacketProperties) + 'Layers' | Sort-Object)
            (New-TcpPacket | Select-Object *).Layers.Name | Should -Be @('IPv4', 'Tcp', 'Raw')
        }

        It 'ConvertTo-Csv of a packet gives its own columns, Fields as the layer names and the bytes as Hex' {
            $p = New-TcpPacket
            $csv = @($p | ConvertTo-Csv)
            $csv.Count | Should -Be 2
            $csv[1] | Should -Not -Match 'System\.Byte\[\]'
            $row = $csv | ConvertFrom-Csv
            $columns = @($row.PSObject.Properties.Name)
            $columns | Sort-Object | Should -Be ($PacketProperties | Sort-Object)
            $row.Fields | Should -Be 'IPv4/Tcp/Raw'
            $row.Hex | Should -Be $p.Hex
            $row.Source | Should -Be '198.18.0.1'
            $row.Protocol | Should -Be 'TCP'
            $row.LinkType | Should -Be 'Raw'
        }

        It 'Export-Csv of packets writes one row each with the same columns' {
            $path = Get-TempPath '.csv'
            try {
                $packets = @(New-TcpPacket; ConvertTo-Packet $Frame)
                $packets | Export-Csv $path
                $text = Get-Content $path -Raw
                $text | Should -Not -Match 'System\.Byte\[\]'
                $rows = @(Import-Csv $path)
                $rows.Count | Should -Be 2
                @($rows[0].PSObject.Properties.Name) | Sort-Object | Should -Be ($PacketProperties | Sort-Object)
                $rows.Fields | Should -Be @('IPv4/Tcp/Raw', 'Ethernet/IPv4/Udp')
                $rows.Hex | Should -Be @($packets[0].Hex, $Frame)
            }
            finally { Remove-Item $path -ErrorAction Ignore }
        }

        It 'ConvertTo-Json of a packet gives its own properties, with the bytes as Hex and not as numbers' {
            $p = New-TcpPacket
            $json = $p | ConvertTo-Json -Depth 1 -WarningAction SilentlyContinue
            $o = $json | ConvertFrom-Json
            @($o.PSObject.Properties.Name) | Sort-Object | Should -Be ($PacketProperties | Sort-Object)
            $o.Hex | Should -Be $p.Hex
            $o.Source | Should -Be '198.18.0.1'
            $o.Info | Should -Be $p.Info
            $json | Should -Not -Match '"Bytes"'
        }

        It 'ConvertTo-Csv of a layer gives each field once, under its own name and not its Scapy alias' {
            $p = New-TcpPacket
            $row = $p.IPv4 | ConvertTo-Csv | ConvertFrom-Csv
            $columns = @($row.PSObject.Properties.Name)
            $columns | Should -Contain 'TimeToLive'
            $columns | Should -Contain 'Source'
            $columns | Should -Contain 'Destination'
            foreach ($alias in 'ttl', 'src', 'dst', 'ihl', 'tos', 'len', 'id', 'frag', 'proto', 'chksum') {
                $columns | Should -Not -Contain $alias
            }
            @($columns | Where-Object { $_ -eq 'TimeToLive' }).Count | Should -Be 1
            $row.TimeToLive | Should -Be '9'
            $row.Source | Should -Be '198.18.0.1'
            $tcp = $p.Tcp | ConvertTo-Csv | ConvertFrom-Csv
            @($tcp.PSObject.Properties.Name) | Should -Contain 'DestinationPort'
            @($tcp.PSObject.Properties.Name) | Should -Not -Contain 'dport'
            $tcp.DestinationPort | Should -Be '80'
        }

        It 'ConvertTo-Json of a layer gives each field once, under its own name' {
            $o = (New-TcpPacket).Tcp | ConvertTo-Json -Depth 1 -WarningAction SilentlyContinue | ConvertFrom-Json
            $names = @($o.PSObject.Properties.Name)
            $names | Should -Contain 'SourcePort'
            $names | Should -Not -Contain 'sport'
            $names | Should -Not -Contain 'dport'
            $names | Should -Not -Contain 'seq'
            $o.DestinationPort | Should -Be 80
        }

        It 'Select-Object * of a layer gives each field once, without the Scapy aliases' {
            $names = @((New-TcpPacket).IPv4 | Select-Object * | ForEach-Object { $_.PSObject.Properties.Name })
            $names | Should -Contain 'TimeToLive'
            $names | Should -Not -Contain 'ttl'
            $names | Should -Not -Contain 'src'
            $names | Should -Not -Contain 'dst'
        }
    }

    Context 'Where-Object, Sort-Object and Group-Object on layer fields' {
        BeforeAll {
            $script:Mixed = @(
                New-Packet IPv4 -Source 198.18.0.1 -Destination 198.18.0.2 -TimeToLive 30 | New-Packet Tcp -DestinationPort 80
                New-Packet IPv4 -Source 198.18.0.3 -Destination 198.18.0.2 -TimeToLive 10 | New-Packet Udp -DestinationPort 53
                New-Packet IPv4 -Source 198.18.0.1 -Destination 198.18.0.4 -TimeToLive 20 | New-Packet Tcp -DestinationPort 443
            )
        }

        It 'filters with Where-Object on { $_.IPv4.Source } and on a layer being there' {
            $from1 = @($Mixed | Where-Object { $_.IPv4.Source -eq [ipaddress]'198.18.0.1' })
            $from1.Count | Should -Be 2
            $from1.Tcp.DestinationPort | Should -Be @(80, 443)
            @($Mixed | Where-Object { $_.Udp }).IPv4.Source | Should -Be @([ipaddress]'198.18.0.3')
            @($Mixed | Where-Object { $_.IP.dst -eq [ipaddress]'198.18.0.2' }).Count | Should -Be 2
        }

        It 'filters with Where-Object on the flat properties' {
            @($Mixed | Where-Object Protocol -eq 'Tcp').Count | Should -Be 2
            @($Mixed | Where-Object Destination -eq '198.18.0.4').Tcp.DestinationPort | Should -Be 443
        }

        It 'sorts with Sort-Object on { $_.IPv4.TimeToLive } and { $_.IPv4.ttl }' {
            ($Mixed | Sort-Object { $_.IPv4.TimeToLive }).IPv4.TimeToLive | Should -Be @(10, 20, 30)
            ($Mixed | Sort-Object { $_.IPv4.ttl } -Descending).IPv4.TimeToLive | Should -Be @(30, 20, 10)
        }

        It 'groups with Group-Object on { $_.IPv4.Source }' {
            $groups = @($Mixed | Group-Object { $_.IPv4.Source } | Sort-Object Name)
            $groups.Name | Should -Be @('198.18.0.1', '198.18.0.3')
            $groups | ForEach-Object Count | Should -Be @(2, 1)
            $groups[0].Group.Tcp.DestinationPort | Should -Be @(80, 443)
            @($Mixed | Group-Object Protocol | Sort-Object Name).Name | Should -Be @('Tcp', 'Udp')
        }
    }

    Context 'tab completion' {
        BeforeAll {
            function Get-Completion([string] $Line) {
                @([System.Management.Automation.CommandCompletion]::CompleteInput($Line, $Line.Length, $null).CompletionMatches.CompletionText)
            }
        }

        BeforeEach {
            $global:p = New-TcpPacket
        }

        AfterEach {
            Remove-Variable -Name p -Scope Global -ErrorAction Ignore
        }

        # Layers ($p.IPv4) and Scapy's names ($p.IPv4.ttl) are dynamic members that are not listed, so that
        # Select-Object * shows each value once; completion offers the declared members, with no dynamic plumbing.
        It 'offers the packet''s own members after $p., not the dynamic-object plumbing' {
            $completions = Get-Completion '$p.'
            $completions | Should -Contain 'Source'
            $completions | Should -Contain 'Hex'
            $completions | Should -Contain 'Layers'
            @($completions | Where-Object { $_ -like 'TryGetMember*' -or $_ -like 'TrySetMember*' }).Count | Should -Be 0
        }

        It 'completes a layer''s own field names: $p.IPv4.Time to TimeToLive' {
            Get-Completion '$p.IPv4.Time' | Should -Contain 'TimeToLive'
            Get-Completion '$p.Tcp.Dest' | Should -Contain 'DestinationPort'
        }
    }

    Context 'packets that were serialized come back live' {
        It 'rehydrates a packet through remoting''s serializer (PSSerializer) with its bytes and metadata' {
            $p = New-CapturedPacket
            $xml = [System.Management.Automation.PSSerializer]::Serialize($p)
            $xml | Should -Match 'Deserialized|NetSock\.Packets\.Packet'
            $back = [System.Management.Automation.PSSerializer]::Deserialize($xml)
            Assert-SamePacket $back $p
            [object]::ReferenceEquals($back, $p) | Should -BeFalse
        }

        It 'rehydrates packets through Export-Clixml and Import-Clixml' {
            $path = Get-TempPath '.xml'
            try {
                $p = New-CapturedPacket
                $tcp = New-TcpPacket
                $p, $tcp | Export-Clixml $path
                $back = @(Import-Clixml $path)
                $back.Count | Should -Be 2
                Assert-SamePacket $back[0] $p
                $back[1] | Should -BeOfType ([NetSock.Packets.Packet])
                $back[1].Hex | Should -Be $tcp.Hex
                $back[1].LinkType | Should -Be 'Raw'
                $back[1].Tcp.Flags.ToString() | Should -Be 'S'
                $back[1].IPv4.ttl | Should -Be 9
            }
            finally { Remove-Item $path -ErrorAction Ignore }
        }

        It 'rehydrates a packet a Start-Job sends back with Receive-Job' {
            $p = New-CapturedPacket
            $job = Start-Job -ArgumentList $env:NETSOCK_MODULE, $Frame -ScriptBlock {
                param($module, $frame)
                Import-Module $module
                $q = ConvertTo-Packet $frame
                $q.Number = 7
                $q.Timestamp = [DateTimeOffset]::FromUnixTimeMilliseconds(1700000000123)
                $q.TimestampNanoseconds = 1700000000123456789
                $q.Interface = 'lo'
                $q.OriginalLength = 60
                $q
            }
            try {
                $null = Wait-Job $job -Timeout 120
                $job.State | Should -Be 'Completed'
                $back = @(Receive-Job $job)
            }
            finally { Remove-Job $job -Force }
            $back.Count | Should -Be 1
            Assert-SamePacket $back[0] $p
        }

        It 'keeps the Timestamp exactly (to the 100 ns tick) through <Name>' -ForEach @(
            @{ Name = 'PSSerializer' }
            @{ Name = 'Export-Clixml' }
        ) {
            $p = New-CapturedPacket
            $back = if ($Name -eq 'PSSerializer') {
                [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($p))
            }
            else {
                $path = Get-TempPath '.xml'
                try { $p | Export-Clixml $path; Import-Clixml $path }
                finally { Remove-Item $path -ErrorAction Ignore }
            }
            $back | Should -BeOfType ([NetSock.Packets.Packet])
            $back.Timestamp.ToString('o') | Should -Be $p.Timestamp.ToString('o')
        }

        It 'passes the very same packet to Start-ThreadJob and ForEach-Object -Parallel' {
            $p = New-CapturedPacket
            $job = Start-ThreadJob -ScriptBlock { $using:p }
            try { $fromThread = Receive-Job $job -Wait }
            finally { Remove-Job $job -Force }
            [object]::ReferenceEquals($fromThread, $p) | Should -BeTrue
            $fromParallel = $p | ForEach-Object -Parallel { $_ }
            [object]::ReferenceEquals($fromParallel, $p) | Should -BeTrue
        }

        It 'rebuilds a deserialized packet made without the module''s types, by ConvertTo-Packet and a cast' {
            $o = [pscustomobject]@{ Hex = $Frame; LinkType = 'Ethernet'; Number = 3 }
            $o.PSObject.TypeNames.Clear()
            $o.PSObject.TypeNames.Add('Deserialized.NetSock.Packets.Packet')
            $o.PSObject.TypeNames.Add('Deserialized.System.Object')
            $converted = $o | ConvertTo-Packet
            $converted | Should -BeOfType ([NetSock.Packets.Packet])
            $converted.Hex | Should -Be $Frame
            $converted.Number | Should -Be 3
            $converted.Udp.DestinationPort | Should -Be 53
            $cast = [NetSock.Packets.Packet]$o
            $cast | Should -BeOfType ([NetSock.Packets.Packet])
            $cast.LinkType | Should -Be 'Ethernet'
            $cast.IPv4.Destination | Should -Be ([ipaddress]'198.18.0.2')
        }

        It 'rebuilds a packet Import-Clixml read in a runspace without NetSock''s types' {
            $path = Get-TempPath '.xml'
            $ps = [powershell]::Create([initialsessionstate]::CreateDefault2())
            try {
                $p = New-CapturedPacket
                $p | Export-Clixml $path
                $null = $ps.AddCommand('Import-Clixml').AddParameter('Path', $path)
                $raw = @($ps.Invoke())
                $raw.Count | Should -Be 1
                $raw[0].PSObject.TypeNames[0] | Should -Be 'Deserialized.NetSock.Packets.Packet'
                $raw[0] -is [NetSock.Packets.Packet] | Should -BeFalse
                Assert-SamePacket (ConvertTo-Packet $raw[0]) $p
                Assert-SamePacket ([NetSock.Packets.Packet]$raw[0]) $p
            }
            finally {
                $ps.Dispose()
                Remove-Item $path -ErrorAction Ignore
            }
        }

        It 'rebuilds packets read from a pcap after Export-Csv and Import-Csv | ConvertTo-Packet' {
            $pcap = Get-TempPath '.pcap'
            $csv = Get-TempPath '.csv'
            try {
                @(
                    New-Packet IPv4 -Destination 127.0.0.1 | New-Packet Udp -SourcePort 1234 -DestinationPort 53 | New-Packet Raw -Load 'abc'
                    New-Packet IPv4 -Destination 127.0.0.1 | New-Packet Tcp -SourcePort 40000 -DestinationPort 80 -Flags S
                ) | Export-Pcap $pcap
                $captured = @(Get-SniffedPacket -Path $pcap)
                $captured | Export-Csv $csv
                $header = (Get-Content $csv -TotalCount 1) -split ',' | ForEach-Object { $_.Trim('"') }
                $header | Should -Contain 'Hex'
                $header | Should -Contain 'LinkType'
                $back = @(Import-Csv $csv | ConvertTo-Packet)
                $back.Count | Should -Be 2
                for ($i = 0; $i -lt 2; $i++) {
                    $back[$i] | Should -BeOfType ([NetSock.Packets.Packet])
                    $back[$i].Hex | Should -Be $captured[$i].Hex
                    $back[$i].LinkType | Should -Be $captured[$i].LinkType
                    $back[$i].Number | Should -Be $captured[$i].Number
                    $back[$i].TimestampNanoseconds | Should -Be $captured[$i].TimestampNanoseconds
                    $back[$i].OriginalLength | Should -Be $captured[$i].OriginalLength
                }
                $back.Number | Should -Be @(1, 2)
                $back[0].Udp.SourcePort | Should -Be 1234
                "$($back[1].Tcp.Flags)" | Should -Be 'S'
                $back.Protocol | Should -Be @('UDP', 'TCP')
            }
            finally {
                Remove-Item $pcap, $csv -ErrorAction Ignore
            }
        }

        It 'refuses an object that carries no packet, with an error and not a packet' {
            $out = [pscustomobject]@{ Name = 'not a packet' } | ConvertTo-Packet -ErrorVariable err -ErrorAction SilentlyContinue
            $out | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -Be "PacketInputInvalid,$ConvertCmd"
            { [NetSock.Packets.Packet][pscustomobject]@{ Name = 'not a packet' } } | Should -Throw
        }
    }
}
