# Pester 5 tests of Get-PacketLayer (Scapy's ls()): the layers of the registry, the fields of a layer in wire order,
# lookup by alias and wildcard, the error for an unknown name, pipeline input and tab completion.

BeforeAll {
    Import-Module $env:NETSOCK_MODULE -Force
    $script:Cmd = 'NetSock.Commands.GetPacketLayerCommand'
}

Describe 'Get-PacketLayer' {
    Context 'without a name' {
        It 'lists every registered layer as a LayerInfo with its name, aliases and description' {
            $layers = @(Get-PacketLayer)
            $layers.Count | Should -Be ([NetSock.Packets.LayerRegistry]::All.Count)
            $layers[0] | Should -BeOfType [NetSock.Packets.LayerInfo]
            $layers.Name | Should -Contain 'IPv4'
            $layers.Name | Should -Contain 'Tcp'
            $layers.Name | Should -Contain 'Ethernet'
            $layers.Name | Should -Contain 'Udp'
            $layers.Name | Should -Contain 'Raw'
            ($layers | Where-Object Name -EQ 'IPv4').Aliases | Should -Be @('IP')
            ($layers | Where-Object Name -EQ 'Ethernet').Aliases | Should -Be @('Ether')
            $layers | ForEach-Object { $_.Description | Should -Not -BeNullOrEmpty }
        }

        It 'shows them as a table of name, aliases and description' {
            $text = Get-PacketLayer | Out-String -Width 200
            $text | Should -Match 'Name\s+Aliases\s+Description'
            $text | Should -Match 'IPv4\s+IP\s+Internet Protocol version 4'
        }
    }

    Context 'with a name' {
        It 'gives the fields of Tcp in wire order, with their Scapy aliases' {
            $fields = @(Get-PacketLayer Tcp)
            $fields[0] | Should -BeOfType [NetSock.Packets.LayerFieldInfo]
            $fields.Name | Should -Be @('SourcePort', 'DestinationPort', 'SequenceNumber', 'AcknowledgmentNumber', 'DataOffset',
                'Reserved', 'Flags', 'WindowSize', 'Checksum', 'UrgentPointer', 'Options')
            $fields.Alias[0..3] | Should -Be @('sport', 'dport', 'seq', 'ack')
            $fields | ForEach-Object { $_.Layer | Should -Be 'Tcp' }
            $fields | ForEach-Object { $_.Description | Should -Not -BeNullOrEmpty }
        }

        It 'gives each field''s short type, nullable for an auto field, and its default, auto for an auto field' {
            $fields = Get-PacketLayer Tcp
            $sport = $fields | Where-Object Name -EQ 'SourcePort'
            $sport.Type | Should -Be 'UInt16'
            $sport.Default | Should -Be '20'
            $sport.IsAuto | Should -BeFalse
            $checksum = $fields | Where-Object Name -EQ 'Checksum'
            $checksum.Type | Should -Be 'UInt16?'
            $checksum.Default | Should -Be 'auto'
            $checksum.IsAuto | Should -BeTrue
            ($fields | Where-Object Name -EQ 'Options').Type | Should -Be 'TcpOption[]'
            $source = Get-PacketLayer IPv4 | Where-Object Name -EQ 'Source'
            $source.Type | Should -Be 'IPAddress?'
            $source.Default | Should -Be 'auto'
            (Get-PacketLayer IPv4 | Where-Object Name -EQ 'Destination').Default | Should -Be '127.0.0.1'
        }

        It 'shows the fields as a table grouped by layer' {
            $text = Get-PacketLayer Udp | Out-String -Width 200
            $text | Should -Match 'Layer: Udp'
            $text | Should -Match 'Name\s+Alias\s+Type\s+Default\s+Description'
            $text | Should -Match 'SourcePort\s+sport\s+UInt16\s+53\s+Source port'
        }

        It 'finds a layer by an alias, case-insensitively' {
            $byAlias = Get-PacketLayer IP
            $byAlias.Layer | Select-Object -Unique | Should -Be 'IPv4'
            $byAlias.Name | Should -Be (Get-PacketLayer IPv4).Name
            (Get-PacketLayer ether).Layer | Select-Object -Unique | Should -Be 'Ethernet'
            (Get-PacketLayer tCP).Layer | Select-Object -Unique | Should -Be 'Tcp'
        }

        It 'takes wildcards, matched against names and aliases' {
            $layers = @(Get-PacketLayer 'IPv6*').Layer | Select-Object -Unique
            $layers | Should -Contain 'IPv6'
            $layers | Should -Contain 'IPv6Fragment'
            $layers | Should -Contain 'IPv6HopByHop'
            $layers | Should -Not -Contain 'IPv4'
            @(Get-PacketLayer 'Ethe*').Layer | Select-Object -Unique | Should -Be 'Ethernet'
            @(Get-PacketLayer 'NoSuch*' -ErrorVariable err).Count | Should -Be 0
            $err | Should -BeNullOrEmpty
        }

        It 'writes the non-terminating error PacketLayerNotFound, which lists the layers, for an unknown name, and goes on' {
            $out = @(Get-PacketLayer Bogus, Udp -ErrorVariable err -ErrorAction SilentlyContinue)
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -Be "PacketLayerNotFound,$Cmd"
            "$($err[0].CategoryInfo.Category)" | Should -Be 'ObjectNotFound'
            $err[0].TargetObject | Should -Be 'Bogus'
            $err[0].Exception.Message | Should -Match "'Bogus'"
            $err[0].Exception.Message | Should -Match 'IPv4, IPv6'
            $err[0].Exception.Message | Should -Match '\bTcp\b'
            $out.Layer | Select-Object -Unique | Should -Be 'Udp'
            { Get-PacketLayer Bogus -ErrorAction Stop } | Should -Throw -ErrorId "PacketLayerNotFound,$Cmd"
        }
    }

    Context 'from the pipeline' {
        It 'gives the fields of each layer of a packet piped by its Name property' {
            $p = New-Packet IPv4 -Destination 127.0.0.1 | New-Packet Tcp | New-Packet Raw -Load 'hi'
            $fields = @($p.Layers | Get-PacketLayer)
            $fields.Layer | Select-Object -Unique | Should -Be @('IPv4', 'Tcp', 'Raw')
            $fields.Count | Should -Be (@(Get-PacketLayer IPv4).Count + @(Get-PacketLayer Tcp).Count + @(Get-PacketLayer Raw).Count)
        }

        It 'takes layer names, and the LayerInfo objects it lists' {
            ('Udp', 'IP' | Get-PacketLayer).Layer | Select-Object -Unique | Should -Be @('Udp', 'IPv4')
            (Get-PacketLayer | Where-Object Name -Like 'Ud*' | Get-PacketLayer).Layer | Select-Object -Unique | Should -Be 'Udp'
        }
    }

    Context 'when completing -Name' {
        It 'offers layer names and aliases by prefix' {
            $completion = [System.Management.Automation.CommandCompletion]::CompleteInput('Get-PacketLayer Tc', 18, $null)
            $completion.CompletionMatches.CompletionText | Should -Contain 'Tcp'
            $ether = [System.Management.Automation.CommandCompletion]::CompleteInput('Get-PacketLayer -Name Eth', 25, $null)
            $ether.CompletionMatches.CompletionText | Should -Contain 'Ethernet'
            $ether.CompletionMatches.CompletionText | Should -Contain 'Ether'
        }
    }
}
