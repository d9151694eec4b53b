#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Builds the help that Get-Help reads from NetSock's platyPS markdown.
.DESCRIPTION
    Converts every docs/<Cmdlet>.md (platyPS schema 2.0.0) into one MAML file, <OutputPath>/NetSock.dll-Help.xml,
    and every docs/about_<Name>.md into <OutputPath>/about_<Name>.help.txt, as platyPS's New-ExternalHelp does.
    When the platyPS module is installed it is used; otherwise (or when it fails) the converter below does the work.
.EXAMPLE
    dotnet pwsh ./tools/Convert-Docs.ps1 -DocsPath docs -OutputPath out/NetSock/en-US
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $DocsPath,
    [Parameter(Mandatory)] [string] $OutputPath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$DocsPath = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($DocsPath)
$OutputPath = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($OutputPath)
if (-not (Test-Path $DocsPath -PathType Container)) { throw "The docs folder '$DocsPath' does not exist." }
$null = New-Item -ItemType Directory -Path $OutputPath -Force

$platyPS = Get-Module -ListAvailable -Name platyPS | Sort-Object Version -Descending | Select-Object -First 1
if ($platyPS) {
    try {
        Import-Module $platyPS -ErrorAction Stop
        $null = New-ExternalHelp -Path $DocsPath -OutputPath $OutputPath -Force -ErrorAction Stop
        Write-Verbose "Help built with platyPS $($platyPS.Version) into $OutputPath"
        return
    }
    catch { Write-Warning "platyPS $($platyPS.Version) failed ($_); using the built-in converter." }
}

function Read-MarkdownBlock([string] $Path) {
    # Splits a markdown file into front matter and a list of Heading / Code / Para blocks (fences are respected).
    $lines = (Get-Content -LiteralPath $Path -Raw) -replace "`r`n?", "`n" -split "`n"
    $meta = [ordered]@{}
    $i = 0
    if ($lines.Count -gt 0 -and $lines[0].Trim() -eq '---') {
        for ($i = 1; $i -lt $lines.Count -and $lines[$i].Trim() -ne '---'; $i++) {
            if ($lines[$i] -match '^\s*([^:]+?)\s*:\s*(.*?)\s*$') { $meta[$Matches[1]] = $Matches[2] }
        }
        $i++
    }
    $blocks = [System.Collections.Generic.List[object]]::new()
    $para = [System.Collections.Generic.List[string]]::new()
    $flush = { if ($para.Count) { $blocks.Add([pscustomobject]@{ Kind = 'Para'; Level = 0; Text = ''; Lines = @($para) }); $para.Clear() } }
    for (; $i -lt $lines.Count; $i++) {
        $line = $lines[$i]
        if ($line -match '^\s*```\s*([\w-]*)\s*$') {
            & $flush
            $lang = $Matches[1]; $code = [System.Collections.Generic.List[string]]::new()
            for ($i++; $i -lt $lines.Count -and $lines[$i] -notmatch '^\s*```\s*$'; $i++) { $code.Add($lines[$i]) }
            $blocks.Add([pscustomobject]@{ Kind = 'Code'; Level = 0; Text = $lang; Lines = @($code) })
        }
        elseif ($line -match '^(#{1,6})\s+(.*?)\s*#*\s*$') {
            & $flush
            $blocks.Add([pscustomobject]@{ Kind = 'Heading'; Level = $Matches[1].Length; Text = $Matches[2]; Lines = @() })
        }
        elseif ($line.Trim() -eq '') { & $flush }
        else { $para.Add($line) }
    }
    & $flush
    [pscustomobject]@{ Meta = $meta; Blocks = $blocks }
}

function Format-Inline([string] $Text) {
    # Markdown inline syntax to the plain text of MAML: links keep their text, escapes and emphasis go, code spans stay.
    $Text = $Text -replace '\[([^\]]+)\]\([^)]*\)', '$1' -replace '\*\*([^*]+)\*\*', '$1'
    $Text -replace '\\([\\<>\[\]()`*_#])', '$1'
}

function Join-ParagraphLine([string[]] $Lines) {
    # Joins the lines of a paragraph; list items stay on lines of their own.
    $out = [System.Collections.Generic.List[string]]::new()
    foreach ($line in $Lines) {
        $t = $line.Trim()
        if ($out.Count -eq 0 -or $t -match '^([-*+]|\d+\.)\s') { $out.Add($t) }
        else { $out[$out.Count - 1] += " $t" }
    }
    $out
}

function Get-BlockText($Block) {
    if ($Block.Kind -eq 'Code') { return $Block.Lines }
    Join-ParagraphLine $Block.Lines | ForEach-Object { Format-Inline $_ }
}

function ConvertFrom-CommandMarkdown([string] $Path) {
    $doc = Read-MarkdownBlock $Path
    $cmd = [ordered]@{ Name = $null; Synopsis = @(); Description = @(); Notes = @(); Sets = [System.Collections.Generic.List[string]]::new(); SyntaxOrder = @{}
        Examples = [System.Collections.Generic.List[object]]::new(); Parameters = [System.Collections.Generic.List[object]]::new()
        Inputs = [System.Collections.Generic.List[object]]::new(); Outputs = [System.Collections.Generic.List[object]]::new()
        Links = [System.Collections.Generic.List[object]]::new(); Online = "$($doc.Meta['online version'])"
        HelpFile = $doc.Meta['external help file'] ? $doc.Meta['external help file'] : 'NetSock.dll-Help.xml' }
    $section = $null; $item = $null
    foreach ($b in $doc.Blocks) {
        if ($b.Kind -eq 'Heading' -and $b.Level -eq 1) { $cmd.Name = $b.Text; continue }
        if ($b.Kind -eq 'Heading' -and $b.Level -eq 2) {
            $section = $b.Text.ToUpperInvariant(); $item = $null
            if ($section -notin 'SYNOPSIS', 'SYNTAX', 'DESCRIPTION', 'EXAMPLES', 'PARAMETERS', 'INPUTS', 'OUTPUTS', 'NOTES', 'RELATED LINKS') {
                throw "${Path}: unexpected section '## $($b.Text)'."
            }
            continue
        }
        if ($null -eq $section) { throw "${Path}: text before the first '## SYNOPSIS' section." }
        if ($b.Kind -eq 'Heading') {
            switch ($section) {
                'SYNTAX' { $cmd.Sets.Add(($b.Text -replace '\s*\(Default\)$', '')) }
                'EXAMPLES' { $item = [pscustomobject]@{ Title = $b.Text; Code = [System.Collections.Generic.List[string]]::new(); Remarks = [System.Collections.Generic.List[string]]::new() }; $cmd.Examples.Add($item) }
                'PARAMETERS' {
                    $item = [pscustomobject]@{ Name = $b.Text.TrimStart('-'); Description = [System.Collections.Generic.List[string]]::new(); Yaml = [System.Collections.Generic.List[object]]::new() }
                    if ($item.Name -ne 'CommonParameters') { $cmd.Parameters.Add($item) }
                }
                { $_ -in 'INPUTS', 'OUTPUTS' } { $item = [pscustomobject]@{ Type = $b.Text; Description = [System.Collections.Generic.List[string]]::new() }; $cmd[$section.Substring(0, 1) + $section.Substring(1).ToLowerInvariant()].Add($item) }
                default { throw "${Path}: unexpected heading '$($b.Text)' in section $section." }
            }
            continue
        }
        $text = @(Get-BlockText $b)
        switch ($section) {
            'SYNOPSIS' { $cmd.Synopsis += $text }
            'DESCRIPTION' { $cmd.Description += $text }
            'NOTES' { $cmd.Notes += $text }
            'SYNTAX' { if ($b.Kind -eq 'Code') { $cmd.SyntaxOrder[($cmd.Sets.Count ? $cmd.Sets[-1] : '')] = @([regex]::Matches(($b.Lines -join ' '), '(?<![\w-])-(\w+)').ForEach({ $_.Groups[1].Value })) } }
            'EXAMPLES' {
                if ($null -eq $item) { throw "${Path}: example text before the first '### Example' heading." }
                if ($b.Kind -eq 'Code') { $item.Code.Add(($b.Lines -join "`n")) } else { $item.Remarks.AddRange([string[]]$text) }
            }
            'PARAMETERS' {
                if ($null -eq $item -or $item.Name -eq 'CommonParameters') { continue }
                if ($b.Kind -eq 'Code' -and $b.Text -eq 'yaml') {
                    $yaml = [ordered]@{}
                    foreach ($l in $b.Lines) { if ($l -match '^\s*([^:]+?)\s*:\s*(.*?)\s*$') { $yaml[$Matches[1]] = $Matches[2] } }
                    $unknown = $yaml.Keys | Where-Object { $_ -notin 'Type', 'Parameter Sets', 'Aliases', 'Accepted values', 'Required', 'Position', 'Default value', 'Accept pipeline input', 'Accept wildcard characters', 'Applicable' }
                    if ($unknown) { throw "${Path}: unknown yaml key '$(@($unknown)[0])' in parameter -$($item.Name)." }
                    $item.Yaml.Add($yaml)
                }
                else { $item.Description.AddRange([string[]]$text) }
            }
            { $_ -in 'INPUTS', 'OUTPUTS' } { if ($item) { $item.Description.AddRange([string[]]$text) } }
            'RELATED LINKS' {
                foreach ($l in $b.Lines) {
                    if ($l -match '\[([^\]]+)\]\(([^)]*)\)') { $cmd.Links.Add([pscustomobject]@{ Text = $Matches[1]; Uri = $Matches[2] }) }
                    elseif ($l.Trim()) { $cmd.Links.Add([pscustomobject]@{ Text = $l.Trim(); Uri = '' }) }
                }
            }
        }
    }
    if (-not $cmd.Name) { throw "${Path}: no '# Command-Name' heading." }
    if (-not $cmd.Synopsis) { throw "${Path}: the SYNOPSIS of $($cmd.Name) is empty." }
    foreach ($p in $cmd.Parameters) { if (-not $p.Yaml.Count) { throw "${Path}: parameter -$($p.Name) has no yaml block." } }
    [pscustomobject]$cmd
}

function Get-YamlValue($Yaml, [string] $Key, [string] $Default) { if ($Yaml.Contains($Key) -and $Yaml[$Key]) { $Yaml[$Key] } else { $Default } }

function Test-InSet($Yaml, [string] $Set) {
    $sets = @((Get-YamlValue $Yaml 'Parameter Sets' '(All)') -split ',' | ForEach-Object Trim)
    '(All)' -in $sets -or $Set -in $sets -or -not $Set
}

$ns = @{ msh = 'http://msh'; maml = 'http://schemas.microsoft.com/maml/2004/10'; command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    dev = 'http://schemas.microsoft.com/maml/dev/2004/10'; MSHelp = 'http://msdn.microsoft.com/mshelp' }

function Write-Paragraphs($W, [string] $Prefix, [string] $Name, [string[]] $Text) {
    $W.WriteStartElement($Prefix, $Name, $ns[$Prefix])
    foreach ($t in $Text) { $W.WriteElementString('maml', 'para', $ns.maml, $t) }
    $W.WriteEndElement()
}

function Write-Parameter($W, $Param, $Yaml, [bool] $Syntax) {
    $type = Get-YamlValue $Yaml 'Type' ''
    $switch = $type -in 'SwitchParameter', 'System.Management.Automation.SwitchParameter'
    $W.WriteStartElement('command', 'parameter', $ns.command)
    $W.WriteAttributeString('required', (Get-YamlValue $Yaml 'Required' 'False').ToLowerInvariant())
    $W.WriteAttributeString('variableLength', 'true')
    $W.WriteAttributeString('globbing', (Get-YamlValue $Yaml 'Accept wildcard characters' 'False').ToLowerInvariant())
    $W.WriteAttributeString('pipelineInput', (Get-YamlValue $Yaml 'Accept pipeline input' 'False'))
    $W.WriteAttributeString('position', (Get-YamlValue $Yaml 'Position' 'Named').ToLowerInvariant())
    $W.WriteAttributeString('aliases', (Get-YamlValue $Yaml 'Aliases' 'none'))
    $W.WriteElementString('maml', 'name', $ns.maml, $Param.Name)
    Write-Paragraphs $W 'maml' 'description' $Param.Description
    $accepted = Get-YamlValue $Yaml 'Accepted values' ''
    if ($Syntax -and $accepted) {
        $W.WriteStartElement('command', 'parameterValueGroup', $ns.command)
        foreach ($v in $accepted -split ',') {
            $W.WriteStartElement('command', 'parameterValue', $ns.command)
            $W.WriteAttributeString('required', 'false'); $W.WriteAttributeString('command', 'variableLength', $ns.command, 'false')
            $W.WriteString($v.Trim()); $W.WriteEndElement()
        }
        $W.WriteEndElement()
    }
    if (-not ($Syntax -and $switch)) {
        $W.WriteStartElement('command', 'parameterValue', $ns.command)
        $W.WriteAttributeString('required', 'true'); $W.WriteAttributeString('variableLength', 'false')
        $W.WriteString($type); $W.WriteEndElement()
    }
    $W.WriteStartElement('dev', 'type', $ns.dev); $W.WriteElementString('maml', 'name', $ns.maml, $type); $W.WriteElementString('maml', 'uri', $ns.maml, ''); $W.WriteEndElement()
    $W.WriteElementString('dev', 'defaultValue', $ns.dev, (Get-YamlValue $Yaml 'Default value' ($switch ? 'False' : 'None')))
    $W.WriteEndElement()
}

function Write-Command($W, $Cmd) {
    $verb, $noun = $Cmd.Name -split '-', 2
    $W.WriteStartElement('command', 'command', $ns.command)
    foreach ($p in 'maml', 'command', 'dev', 'MSHelp') { $W.WriteAttributeString('xmlns', $p, $null, $ns[$p]) }
    $W.WriteStartElement('command', 'details', $ns.command)
    $W.WriteElementString('command', 'name', $ns.command, $Cmd.Name)
    $W.WriteElementString('command', 'verb', $ns.command, $verb)
    $W.WriteElementString('command', 'noun', $ns.command, $noun)
    Write-Paragraphs $W 'maml' 'description' $Cmd.Synopsis
    $W.WriteEndElement()
    Write-Paragraphs $W 'maml' 'description' $Cmd.Description

    # One syntaxItem per parameter set: the sets named under SYNTAX, else those the parameters' yaml names, else one.
    $sets = @($Cmd.Sets)
    if (-not $sets) { $sets = @($Cmd.Parameters | ForEach-Object { $_.Yaml } | ForEach-Object { (Get-YamlValue $_ 'Parameter Sets' '(All)') -split ',' } | ForEach-Object Trim | Where-Object { $_ -ne '(All)' } | Select-Object -Unique) }
    if (-not $sets) { $sets = @('') }
    $W.WriteStartElement('command', 'syntax', $ns.command)
    foreach ($set in $sets) {
        $W.WriteStartElement('command', 'syntaxItem', $ns.command)
        $W.WriteElementString('maml', 'name', $ns.maml, $Cmd.Name)
        # Parameters in the order of the set's syntax block; those it lacks follow, positional ones first.
        $order = @($Cmd.SyntaxOrder[$set])
        $inSet = foreach ($p in $Cmd.Parameters) {
            $yaml = $p.Yaml | Where-Object { Test-InSet $_ $set } | Select-Object -First 1
            if (-not $yaml) { continue }
            $position = ((Get-YamlValue $yaml 'Position' 'Named') -as [int]) ?? 999
            [pscustomobject]@{ Param = $p; Yaml = $yaml; Order = ($p.Name -in $order ? $order.IndexOf($p.Name) : 1000 + $position) }
        }
        foreach ($e in @($inSet | Sort-Object -Stable Order)) { Write-Parameter $W $e.Param $e.Yaml $true }
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    $W.WriteStartElement('command', 'parameters', $ns.command)
    foreach ($p in $Cmd.Parameters) { Write-Parameter $W $p $p.Yaml[0] $false }
    $W.WriteEndElement()
    foreach ($io in @(@('inputTypes', 'inputType', $Cmd.Inputs), @('returnValues', 'returnValue', $Cmd.Outputs))) {
        $W.WriteStartElement('command', $io[0], $ns.command)
        foreach ($t in $io[2]) {
            $W.WriteStartElement('command', $io[1], $ns.command)
            $W.WriteStartElement('dev', 'type', $ns.dev); $W.WriteElementString('maml', 'name', $ns.maml, $t.Type); $W.WriteEndElement()
            Write-Paragraphs $W 'maml' 'description' $t.Description
            $W.WriteEndElement()
        }
        $W.WriteEndElement()
    }
    $W.WriteStartElement('maml', 'alertSet', $ns.maml); Write-Paragraphs $W 'maml' 'alert' $Cmd.Notes; $W.WriteEndElement()

    $W.WriteStartElement('command', 'examples', $ns.command)
    foreach ($e in $Cmd.Examples) {
        $pad = [Math]::Max(0, [int][Math]::Floor((64 - $e.Title.Length - 2) / 2))
        $W.WriteStartElement('command', 'example', $ns.command)
        $W.WriteElementString('maml', 'title', $ns.maml, ('-' * $pad) + " $($e.Title) " + ('-' * $pad))
        $W.WriteElementString('dev', 'code', $ns.dev, ($e.Code -join "`n`n"))
        Write-Paragraphs $W 'dev' 'remarks' (@($e.Remarks | ForEach-Object { $_; '' }))   # blank paras keep remarks and examples apart, as in platyPS's MAML
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    $W.WriteStartElement('command', 'relatedLinks', $ns.command)
    $links = @(if ($Cmd.Online) { [pscustomobject]@{ Text = 'Online Version:'; Uri = $Cmd.Online } }) + @($Cmd.Links)
    foreach ($l in $links) {
        $uri = if ([uri]::IsWellFormedUriString($l.Uri, [UriKind]::Absolute)) { $l.Uri } else { '' }
        $W.WriteStartElement('maml', 'navigationLink', $ns.maml)
        $W.WriteElementString('maml', 'linkText', $ns.maml, $l.Text); $W.WriteElementString('maml', 'uri', $ns.maml, $uri)
        $W.WriteEndElement()
    }
    $W.WriteEndElement()
    $W.WriteEndElement()
}

function ConvertTo-AboutText([string] $Path) {
    # The plain text platyPS writes for an about topic: TOPIC, the lookup name, upper-case sections, text indented by 4 and wrapped at 80.
    $doc = Read-MarkdownBlock $Path
    $sb = [System.Text.StringBuilder]::new()
    $wrap = {
        param([string] $Text, [string] $Indent, [string] $Hanging)
        $line = $Indent
        foreach ($word in $Text -split '\s+' | Where-Object { $_ }) {
            if ($line.Trim() -and $line.Length + 1 + $word.Length -gt 80) { $null = $sb.AppendLine($line.TrimEnd()); $line = $Hanging }
            $line += ($line.Trim() ? ' ' : '') + $word
        }
        $null = $sb.AppendLine($line.TrimEnd())
    }
    for ($i = 0; $i -lt $doc.Blocks.Count; $i++) {
        $b = $doc.Blocks[$i]
        switch ($b.Kind) {
            'Heading' {
                if ($i -eq 0) { $null = $sb.AppendLine('TOPIC') }
                elseif ($i -eq 1 -and $b.Level -eq 2) { $null = $sb.AppendLine("    $($b.Text.ToLowerInvariant())").AppendLine() }
                elseif ($b.Level -eq 1) { $null = $sb.AppendLine($b.Text.ToUpperInvariant()) }
                elseif ($b.Level -eq 2) { $null = $sb.AppendLine($b.Text) }
                else { $null = $sb.AppendLine("    $($b.Text.ToUpperInvariant())") }
            }
            'Para' {
                foreach ($l in Join-ParagraphLine $b.Lines) {
                    $hanging = if ($l -match '^([-*+]|\d+\.)\s') { ' ' * (4 + $Matches[0].Length) } else { '    ' }
                    & $wrap (Format-Inline $l) '    ' $hanging
                }
                $null = $sb.AppendLine()
            }
            'Code' { foreach ($l in $b.Lines) { $null = $sb.AppendLine("    $l".TrimEnd()) }; $null = $sb.AppendLine() }
        }
    }
    [pscustomobject]@{ Name = ($doc.Blocks | Where-Object { $_.Kind -eq 'Heading' -and $_.Level -eq 2 } | Select-Object -First 1).Text; Text = $sb.ToString().TrimEnd() + "`n" }
}

$commands = @(Get-ChildItem -LiteralPath $DocsPath -Filter '*.md' | Where-Object Name -NotLike 'about_*' | Sort-Object Name |
    ForEach-Object { ConvertFrom-CommandMarkdown $_.FullName })
foreach ($group in $commands | Group-Object HelpFile) {
    $settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [System.Text.UTF8Encoding]::new($false) }
    $writer = [System.Xml.XmlWriter]::Create((Join-Path $OutputPath $group.Name), $settings)
    try {
        $writer.WriteStartDocument()
        $writer.WriteStartElement('helpItems', $ns.msh); $writer.WriteAttributeString('schema', 'maml')
        foreach ($cmd in $group.Group) { Write-Command $writer $cmd }
        $writer.WriteEndElement(); $writer.WriteEndDocument()
    }
    finally { $writer.Dispose() }
    Write-Verbose "Wrote $($group.Name): $($group.Group.Name -join ', ')"
}
foreach ($about in Get-ChildItem -LiteralPath $DocsPath -Filter 'about_*.md') {
    $topic = ConvertTo-AboutText $about.FullName
    $name = $topic.Name ? $topic.Name : $about.BaseName
    Set-Content -LiteralPath (Join-Path $OutputPath "$name.help.txt") -Value $topic.Text -NoNewline -Encoding utf8NoBOM
    Write-Verbose "Wrote $name.help.txt"
}
