# Pester 5 tests of NetSock's help: what Get-Help shows for every exported command (built from docs/ into en-US/),
# and whether docs/<Cmdlet>.md still matches the cmdlet's real parameter sets and parameters.
# Run with NETSOCK_MODULE set to the built module's manifest (build.ps1 Test does that).

BeforeDiscovery {
    $modulePath = if ($env:NETSOCK_MODULE) { $env:NETSOCK_MODULE } else { Join-Path $PSScriptRoot '../out/NetSock/NetSock.psd1' }
    $module = Import-Module $modulePath -Force -PassThru
    $common = [System.Management.Automation.PSCmdlet]::CommonParameters
    # The cmdlets, and the functions (Register-NetSockShouldOperator) whose help is built from docs/ the same way.
    $cmdlets = foreach ($name in @($module.ExportedCmdlets.Keys) + @($module.ExportedFunctions.Keys) | Sort-Object) {
        $command = Get-Command $name
        @{
            Name          = $name
            Parameters    = @($command.Parameters.Keys | Where-Object { $_ -notin $common } | Sort-Object)
            ParameterSets = @($command.ParameterSets.Name)
        }
    }
    $docPages = @(Get-ChildItem (Join-Path $PSScriptRoot '../docs') -Filter '*.md' | ForEach-Object { @{ Page = $_.Name; Path = $_.FullName } })
}

BeforeAll {
    $modulePath = if ($env:NETSOCK_MODULE) { $env:NETSOCK_MODULE } else { Join-Path $PSScriptRoot '../out/NetSock/NetSock.psd1' }
    Import-Module $modulePath -Force
    $DocsPath = Join-Path $PSScriptRoot '../docs'
    $CommonParameters = [System.Management.Automation.PSCmdlet]::CommonParameters

    function Get-DocPage([string] $Path) {
        # Reads a platyPS page: its SYNTAX blocks (set name, default mark, parameter names) and its PARAMETERS yaml blocks.
        $syntax = [System.Collections.Generic.List[object]]::new()
        $parameters = [ordered]@{}
        $section = ''; $code = $null; $current = $null; $parameter = $null
        foreach ($line in Get-Content -LiteralPath $Path) {
            if ($null -ne $code) {
                if ($line -notmatch '^\s*```') { $code.Add($line); continue }
                if ($section -eq 'SYNTAX') {
                    if (-not $current) { $current = [pscustomobject]@{ Name = ''; IsDefault = $false; Parameters = @() }; $syntax.Add($current) }
                    $current.Parameters = @([regex]::Matches(($code -join ' '), '(?<![\w-])-(\w+)') | ForEach-Object { $_.Groups[1].Value })
                    $current = $null
                }
                elseif ($section -eq 'PARAMETERS' -and $parameter) {
                    $yaml = @{}
                    foreach ($l in $code) { if ($l -match '^\s*([^:]+?)\s*:\s*(.*?)\s*$') { $yaml[$Matches[1]] = $Matches[2] } }
                    $parameters[$parameter].Add($yaml)
                }
                $code = $null
                continue
            }
            if ($line -match '^\s*```') { $code = [System.Collections.Generic.List[string]]::new(); continue }
            if ($line -match '^## (.+?)\s*$') { $section = $Matches[1].ToUpperInvariant(); continue }
            if ($line -match '^### (.+?)\s*$') {
                $heading = $Matches[1]
                if ($section -eq 'SYNTAX') {
                    $current = [pscustomobject]@{ Name = $heading -replace '\s*\(Default\)$'; IsDefault = $heading -match '\(Default\)$'; Parameters = @() }
                    $syntax.Add($current)
                }
                elseif ($section -eq 'PARAMETERS' -and $heading -like '-*') {
                    $parameter = $heading.TrimStart('-'); $parameters[$parameter] = [System.Collections.Generic.List[object]]::new()
                }
                else { $parameter = $null }
            }
        }
        [pscustomobject]@{ Syntax = $syntax; Parameters = $parameters }
    }

    function Get-PipelineInputText([System.Management.Automation.CommandParameterInfo] $Parameter) {
        $kinds = @(if ($Parameter.ValueFromPipeline) { 'ByValue' }; if ($Parameter.ValueFromPipelineByPropertyName) { 'ByPropertyName' })
        if ($kinds) { "True ($($kinds -join ', '))" } else { 'False' }
    }
}

Describe 'The help of <Name>' -ForEach $cmdlets {
    BeforeAll {
        $command = Get-Command $Name
        $help = Get-Help $Name -Full
        $docFile = Join-Path $DocsPath "$Name.md"
        $doc = if (Test-Path $docFile) { Get-DocPage $docFile }
    }

    It 'comes from a markdown page in docs/' {
        $docFile | Should -Exist
    }

    It 'gives a synopsis written by hand, not the generated syntax' {
        "$($help.Synopsis)".Trim() | Should -Not -BeNullOrEmpty
        "$($help.Synopsis)".Trim() | Should -Not -Match "^$([regex]::Escape($Name))(\s|$)"
    }

    It 'gives a description' {
        ($help.description.Text -join '').Trim() | Should -Not -BeNullOrEmpty
    }

    It 'shows at least two examples' {
        $examples = @($help.examples.example | Where-Object { $_ })
        $examples.Count | Should -BeGreaterOrEqual 2
        foreach ($example in $examples) { "$($example.code)".Trim() | Should -Not -BeNullOrEmpty }
    }

    It 'describes the -<_> parameter' -ForEach $Parameters {
        $parameterHelp = @($help.parameters.parameter) | Where-Object name -EQ $_
        $parameterHelp | Should -Not -BeNullOrEmpty -Because "Get-Help $Name -Parameter $_ should find the parameter"
        ($parameterHelp.description.Text -join '').Trim() | Should -Not -BeNullOrEmpty
    }

    It 'names the parameter sets of the cmdlet in the markdown syntax, with the default one marked (Default)' {
        $real = @($command.ParameterSets)
        if ($real.Count -eq 1) {
            # platyPS writes a single parameter set as one syntax block without a heading.
            $doc.Syntax.Count | Should -Be 1
            $doc.Syntax[0].Name | Should -BeIn @('', $real[0].Name)
        }
        else {
            @($doc.Syntax.Name | Sort-Object) | Should -Be @($real.Name | Sort-Object)
            @($doc.Syntax | Where-Object IsDefault).Name | Should -Be @($real | Where-Object IsDefault).Name
        }
    }

    It 'lists in the markdown syntax of the <_> set the parameters that set has' -ForEach $ParameterSets {
        $set = $command.ParameterSets | Where-Object Name -EQ $_
        $block = if ($doc.Syntax.Count -eq 1 -and $command.ParameterSets.Count -eq 1) { $doc.Syntax[0] } else { $doc.Syntax | Where-Object Name -EQ $_ }
        $block | Should -Not -BeNullOrEmpty -Because "docs/$Name.md should have a '### $_' syntax block"
        @($block.Parameters | Sort-Object) | Should -Be @($set.Parameters.Name | Where-Object { $_ -notin $CommonParameters } | Sort-Object)
    }

    It 'documents each parameter with the sets, aliases, position, mandatory flag and pipeline input the cmdlet declares' {
        $problems = [System.Collections.Generic.List[string]]::new()
        foreach ($extra in $doc.Parameters.Keys | Where-Object { -not $command.Parameters.ContainsKey($_) }) { $problems.Add("-$extra is documented but the cmdlet has no such parameter") }
        foreach ($set in $command.ParameterSets) {
            foreach ($parameter in $set.Parameters | Where-Object Name -NotIn $CommonParameters) {
                $name = $parameter.Name
                if (-not $doc.Parameters.Contains($name)) { $problems.Add("-$name has no '### -$name' section"); continue }
                $yaml = $doc.Parameters[$name] | Where-Object { $sets = $_['Parameter Sets'] -split ',\s*'; '(All)' -in $sets -or $set.Name -in $sets } | Select-Object -First 1
                if (-not $yaml) { $problems.Add("-${name}: no yaml block covers the $($set.Name) set"); continue }
                $expected = @{
                    'Required'              = "$($parameter.IsMandatory)"
                    'Position'              = if ($parameter.Position -lt 0) { 'Named' } else { "$($parameter.Position)" }
                    'Accept pipeline input' = Get-PipelineInputText $parameter
                    'Aliases'               = (@($parameter.Aliases | Sort-Object) -join ', ')
                }
                $actual = @{
                    'Required'              = $yaml['Required']
                    'Position'              = $yaml['Position']
                    'Accept pipeline input' = $yaml['Accept pipeline input']
                    'Aliases'               = (@("$($yaml['Aliases'])" -split ',\s*' | Where-Object { $_ } | Sort-Object) -join ', ')
                }
                foreach ($key in $expected.Keys) {
                    if ($actual[$key] -ne $expected[$key]) { $problems.Add("-$name in the $($set.Name) set: '$key' is '$($actual[$key])' in the docs, '$($expected[$key])' in the cmdlet") }
                }
            }
        }
        $problems | Should -BeNullOrEmpty
    }
}

Describe 'The about_NetSock topic' {
    It 'is found by Get-Help' {
        $topic = Get-Help about_NetSock | Out-String
        $topic | Should -Match 'about_NetSock'
        $topic | Should -Match 'SHORT DESCRIPTION'
        $topic | Should -Match 'New-NetSocket'
    }
}

Describe 'The code in docs/<Page>' -ForEach $docPages {
    It 'targets only loopback or the lab ranges 198.18.0.0/15 and 2001:db8::/32' {
        $text = Get-Content -LiteralPath $Path -Raw
        $code = ([regex]::Matches($text, '(?ms)^\s*```(?!yaml)[^\n]*\n(.*?)^\s*```') | ForEach-Object { $_.Groups[1].Value }) -join "`n"
        $candidates = @([regex]::Matches($code, '(?<![\w.:])(\d{1,3}(\.\d{1,3}){3}(?![\w.])|[0-9A-Fa-f]{0,4}(:[0-9A-Fa-f]{0,4}){2,7}(?![\w.:]))') | ForEach-Object Value) |
            Where-Object { $_ -match '\d' }
        $forbidden = foreach ($candidate in $candidates) {
            $address = $null
            if (-not [System.Net.IPAddress]::TryParse($candidate, [ref] $address)) { continue }
            $bytes = $address.GetAddressBytes()
            $allowed = [System.Net.IPAddress]::IsLoopback($address) -or
                ($bytes.Count -eq 4 -and $bytes[0] -eq 198 -and ($bytes[1] -band 0xFE) -eq 18) -or
                ($bytes.Count -eq 16 -and $bytes[0] -eq 0x20 -and $bytes[1] -eq 0x01 -and $bytes[2] -eq 0x0D -and $bytes[3] -eq 0xB8)
            if (-not $allowed) { $candidate }
        }
        $forbidden | Should -BeNullOrEmpty
    }
}

Describe 'The committed en-US folder' {
    It 'holds the help that docs/ builds today (run ./build.ps1 Docs after editing docs/)' {
        $root = Join-Path $PSScriptRoot '..'
        & (Join-Path $root 'tools/Convert-Docs.ps1') -DocsPath (Join-Path $root 'docs') -OutputPath (Join-Path $TestDrive 'en-US')
        foreach ($file in Get-ChildItem (Join-Path $TestDrive 'en-US')) {
            $committed = Join-Path $root "en-US/$($file.Name)"
            $committed | Should -Exist
            Get-Content -LiteralPath $committed -Raw | Should -BeExactly (Get-Content -LiteralPath $file.FullName -Raw) -Because "en-US/$($file.Name) must be rebuilt from docs/"
        }
    }
}
