# One way to set a field: New-Packet's parameters, -Field, $p.IPv4.ttl = …, $p.IPv4.TimeToLive = … and $p.IPv4['ttl'] = …
# convert the same (numbers, '0x40', MAC and IP text, enum names), refuse the same (PacketFieldInvalid naming the field
# and what it takes), and $null returns a field to auto (or to its default, for a field that has no auto value).

BeforeAll {
    Import-Module $env:NETSOCK_MODULE -Force

    $script:Paths = @('New-Packet -Name', 'New-Packet -Field', '$p.Layer.alias =', '$p.Layer.Property =', '$p.Layer[name] =')

    # A packet of one $Layer whose field $Alias (Scapy's name; $Property is the declared one) was set to $Value by $Path.
    function Set-Field([string] $Path, [string] $Layer, [string] $Alias, [string] $Property, $Value) {
        switch ($Path) {
            'New-Packet -Name' { $named = @{ $Alias = $Value }; New-Packet $Layer @named }
            'New-Packet -Field' { New-Packet $Layer -Field @{ $Alias = $Value } }
            '$p.Layer.alias =' { $p = New-Packet $Layer; $p.$Layer.$Alias = $Value; $p }
            '$p.Layer.Property =' { $p = New-Packet $Layer; $p.$Layer.$Property = $Value; $p }
            '$p.Layer[name] =' { $p = New-Packet $Layer; $p.$Layer[$Alias] = $Value; $p }
        }
    }

    # What setting did on each path: the value it left, or the error's ErrorId (before the comma) and message.
    function Get-Outcome([string] $Layer, [string] $Alias, [string] $Property, $Value) {
        foreach ($path in $Paths) {
            try {
                $p = Set-Field $path $Layer $Alias $Property $Value
                [pscustomobject]@{ Path = $path; Value = "$($p.$Layer.$Property)"; ErrorId = $null; Message = $null }
            }
            catch {
                [pscustomobject]@{ Path = $path; Value = $null; ErrorId = ($_.FullyQualifiedErrorId -split ',')[0]; Message = $_.Exception.Message }
            }
        }
    }
}

Describe 'Setting a packet field' {
    Context 'every way converts the same' {
        It 'gives <Layer>.<Property> = <Expected> for <Value> on every path' -ForEach @(
            @{ Layer = 'IPv4'; Alias = 'ttl'; Property = 'TimeToLive'; Value = '0x40'; Expected = '64' }
            @{ Layer = 'IPv4'; Alias = 'ttl'; Property = 'TimeToLive'; Value = '17'; Expected = '17' }
            @{ Layer = 'IPv4'; Alias = 'ttl'; Property = 'TimeToLive'; Value = 17L; Expected = '17' }
            @{ Layer = 'IPv4'; Alias = 'dst'; Property = 'Destination'; Value = '198.18.0.9'; Expected = '198.18.0.9' }
            @{ Layer = 'IPv6'; Alias = 'dst'; Property = 'Destination'; Value = '2001:db8::9'; Expected = '2001:db8::9' }
            @{ Layer = 'Ethernet'; Alias = 'dst'; Property = 'Destination'; Value = '02-00-00-00-00-09'; Expected = '02:00:00:00:00:09' }
            @{ Layer = 'Ethernet'; Alias = 'type'; Property = 'Type'; Value = '0x86dd'; Expected = '34525' }
            @{ Layer = 'Tcp'; Alias = 'flags'; Property = 'Flags'; Value = 'SA'; Expected = 'SA' }
            @{ Layer = 'Tcp'; Alias = 'flags'; Property = 'Flags'; Value = 0x12; Expected = 'SA' }
            @{ Layer = 'Arp'; Alias = 'op'; Property = 'Operation'; Value = 'isat'; Expected = 'IsAt' }
            @{ Layer = 'Arp'; Alias = 'op'; Property = 'Operation'; Value = '2'; Expected = 'IsAt' }
            @{ Layer = 'Raw'; Alias = 'load'; Property = 'Load'; Value = 'hi'; Expected = '104 105' }
        ) {
            $outcomes = Get-Outcome $Layer $Alias $Property $Value
            $outcomes | ForEach-Object { "$($_.Path): $($_.Value)$($_.Message)" } | Should -Be ($Paths | ForEach-Object { "${_}: $Expected" })
        }

        It 'takes a value wrapped by the pipeline (a PSObject) as the value itself' {
            $wrapped = Write-Output 33 | Add-Member -NotePropertyName Note -NotePropertyValue 'x' -PassThru
            $wrapped | Should -BeOfType [int]
            (Get-Outcome IPv4 ttl TimeToLive $wrapped).Value | Should -Be @('33', '33', '33', '33', '33')
        }
    }

    Context 'every way refuses the same' {
        It 'refuses <Value> for <Layer>.<Property> with PacketFieldInvalid naming the field and <Takes>' -ForEach @(
            @{ Layer = 'IPv4'; Alias = 'ttl'; Property = 'TimeToLive'; Value = 300; Takes = 'from 0 to 255' }
            @{ Layer = 'IPv4'; Alias = 'ttl'; Property = 'TimeToLive'; Value = '0x100'; Takes = 'from 0 to 255' }
            @{ Layer = 'IPv4'; Alias = 'ttl'; Property = 'TimeToLive'; Value = -1; Takes = 'from 0 to 255' }
            @{ Layer = 'IPv4'; Alias = 'ttl'; Property = 'TimeToLive'; Value = 'abc'; Takes = 'from 0 to 255' }
            @{ Layer = 'IPv4'; Alias = 'ttl'; Property = 'TimeToLive'; Value = 2.5; Takes = 'from 0 to 255' }
            @{ Layer = 'Tcp'; Alias = 'dport'; Property = 'DestinationPort'; Value = 70000; Takes = 'from 0 to 65535' }
            @{ Layer = 'IPv4'; Alias = 'dst'; Property = 'Destination'; Value = '198.18.0.300'; Takes = 'an IP address' }
            @{ Layer = 'IPv4'; Alias = 'dst'; Property = 'Destination'; Value = '2001:db8::1'; Takes = 'must be an IPv4 address' }
            @{ Layer = 'Ethernet'; Alias = 'dst'; Property = 'Destination'; Value = '02:00:00:00:00'; Takes = 'a MAC address' }
            @{ Layer = 'IPv4'; Alias = 'version'; Property = 'Version'; Value = 16; Takes = 'from 0 to 15' }
            @{ Layer = 'Arp'; Alias = 'op'; Property = 'Operation'; Value = 'Hello'; Takes = 'WhoHas, IsAt' }
        ) {
            $outcomes = Get-Outcome $Layer $Alias $Property $Value
            $outcomes.ErrorId | Should -Be (@('PacketFieldInvalid') * 5) -Because ($outcomes | Out-String)
            $outcomes.Message | Select-Object -Unique | Should -HaveCount 1 -Because 'every path says the same'
            $outcomes[0].Message | Should -BeLike "$Layer.$Property cannot be *"
            $outcomes[0].Message | Should -BeLike "*$Takes*"
        }

        It 'says so through Should -Throw -ErrorId on a member set as on New-Packet' {
            $p = New-Packet IPv4 -ttl 9
            { $p.IPv4.ttl = 300 } | Should -Throw -ErrorId 'PacketFieldInvalid'
            { $p.IPv4['ttl'] = 300 } | Should -Throw -ErrorId 'PacketFieldInvalid'
            { New-Packet IPv4 -ttl 300 } | Should -Throw -ErrorId 'PacketFieldInvalid,NetSock.Commands.NewPacketCommand'
            $p.IPv4.TimeToLive | Should -Be 9 -Because 'a refused value leaves the field as it was'
        }
    }

    Context '$null returns a field to auto' {
        It 'makes a checksum set by hand auto again on every path: the packet has the computed one' {
            $auto = New-Packet IPv4 -Destination 127.0.0.1 | New-Packet Tcp
            foreach ($set in @(
                    { param($p) $p.Tcp.chksum = $null }
                    { param($p) $p.Tcp.Checksum = $null }
                    { param($p) $p.Tcp['chksum'] = $null })) {
                $p = New-Packet IPv4 -Destination 127.0.0.1 | New-Packet Tcp -chksum 0xbeef
                $p.Tcp.Checksum | Should -Be 0xbeef
                & $set $p
                $p.Tcp.Checksum | Should -BeNullOrEmpty
                $p.Rebuilt().Tcp.Checksum | Should -Be $auto.Rebuilt().Tcp.Checksum
                $p.Rebuilt().Tcp.Checksum | Should -Not -Be 0xbeef
            }
            (New-Packet Tcp -chksum $null).Tcp.Checksum | Should -BeNullOrEmpty
            (New-Packet Tcp -Field @{ chksum = $null }).Tcp.Checksum | Should -BeNullOrEmpty
        }

        It 'sets ttl = $null back to its default, 64, on every path (it has no auto value)' {
            $outcomes = Get-Outcome IPv4 ttl TimeToLive $null
            $outcomes.Value | Should -Be @('64', '64', '64', '64', '64')
            $p = New-Packet IPv4 -ttl 5
            $p.IPv4.ttl = $null
            $p.IPv4.ttl | Should -Be 64
            $p.Bytes[8] | Should -Be 64
        }

        It 'makes a dissected packet rebuild its bytes with the auto value' {
            $p = ConvertTo-Packet (New-Packet IPv4 -Destination 127.0.0.1 -ttl 5 -chksum 0x1234 | New-Packet Udp).Bytes -LinkType Raw
            $p.IPv4.Checksum | Should -Be 0x1234
            $p.IPv4.chksum = $null
            $rebuilt = ConvertTo-Packet $p.Bytes -LinkType Raw
            $rebuilt.IPv4.Checksum | Should -Not -Be 0x1234
            $rebuilt.IPv4.Checksum | Should -Be (New-Packet IPv4 -Destination 127.0.0.1 -ttl 5 | New-Packet Udp).Rebuilt().IPv4.Checksum
        }
    }
}
