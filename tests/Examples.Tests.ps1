# Every example in docs/*.md and in README.md is run, and asserted to do what its text says.
#
# An example is a ```powershell block: in docs/<Cmdlet>.md the block under each "### Example N: ..." heading, in
# README.md every ```powershell block in order (the tour: one runspace for the whole README, so a block may use what an
# earlier block made). Each runs in a runspace of its own with NetSock imported, in a temporary working folder, with
# $ErrorActionPreference = 'Stop' unless the assertions say an error is expected, and at most -TimeoutSeconds.
#
# What an example must do is written beside it, in tests/examples/<Page>.Examples.ps1, which returns a hashtable:
#   @{ 1 = @{ Assert = { param($Run) ... }; Root = $true; ExpectError = 'NetSocketAddressInUse'; TimeoutSeconds = 60 } ... }
# keyed by the example's number (README: '<heading> #n', the n-th block under that ## or ### heading, as
# 'Crafting packets #2'). $Run has Output (the objects), Text
# (Out-String -Width 250 of them), Errors (ErrorRecords), Information (host lines), Verbose, Warning and Elapsed.
# Root examples are skipped, with that reason, when the tests do not run as root. An example with no entry fails: an
# example whose claims nobody checks is not allowed.

BeforeDiscovery {
    $root = Split-Path $PSScriptRoot -Parent
    $isRoot = $IsLinux -and (& id -u) -eq '0'

    function Get-MarkdownExample([string] $Path, [switch] $Readme) {
        $lines = Get-Content -LiteralPath $Path
        $number = 0
        $title = $null
        $heading = ''
        $inHeading = 0
        for ($i = 0; $i -lt $lines.Count; $i++) {
            if ($Readme -and $lines[$i] -match '^#{2,3} (.+)$') { $heading = $Matches[1].Trim(); $inHeading = 0; continue }
            if (-not $Readme -and $lines[$i] -match '^### Example (\d+):\s*(.*)$') {
                $number = [int]$Matches[1]
                $title = $Matches[2]
                continue
            }
            if ($lines[$i] -notmatch '^```powershell\s*$') { continue }
            $start = $i + 1
            while ($i + 1 -lt $lines.Count -and $lines[$i + 1] -notmatch '^```\s*$') { $i++ }
            $code = $lines[$start..$i] -join "`n"
            $i++
            if ($Readme) { $inHeading++; $number = "$heading #$inHeading"; $title = $number }
            elseif (-not $title) { continue }       # a code block outside the EXAMPLES section
            [pscustomobject]@{ Number = $number; Title = $title; Code = $code; Line = $start }
            if (-not $Readme) { $title = $null }
        }
    }

    $pages = @(Get-ChildItem (Join-Path $root 'docs') -Filter '*.md' | Where-Object Name -NE 'about_NetSock.md' | ForEach-Object {
            @{ Page = $_.BaseName; Path = $_.FullName; Readme = $false }
        }) + @(@{ Page = 'README'; Path = (Join-Path $root 'README.md'); Readme = $true })
    $only = $env:NETSOCK_EXAMPLES      # e.g. 'Send-RawPacket,README': run only those pages
    if ($only) { $pages = @($pages | Where-Object { $_.Page -in ($only -split ',') }) }

    $cases = foreach ($page in $pages) {
        $sidecar = Join-Path $root "tests/examples/$($page.Page).Examples.ps1"
        $expect = if (Test-Path $sidecar) { & $sidecar } else { @{} }
        foreach ($example in Get-MarkdownExample $page.Path -Readme:$page.Readme) {
            $spec = $expect[$example.Number]
            @{
                Page = $page.Page; Number = $example.Number; Title = $example.Title; Code = $example.Code; Line = $example.Line
                Readme = $page.Readme; Spec = $spec
                Skip = [bool]($spec -and $spec['Root'] -and -not $isRoot)
            }
        }
    }
}

BeforeAll {
    $script:ModulePath = $env:NETSOCK_MODULE
    Import-Module $script:ModulePath -Force      # its views render the examples' output as text
    $PSStyle.OutputRendering = 'PlainText'
    $script:Shared = @{}     # README: one runspace for the whole tour

    # Examples that test with Pester (Invoke-Pester, Import-Module Pester) find it by name, as they do where Pester is
    # installed: the Pester running these tests, under a folder named Pester on PSModulePath for the examples' runspaces.
    $script:PSModulePathBefore = $env:PSModulePath
    $script:PesterLinkFolder = Join-Path ([IO.Path]::GetTempPath()) "netsock-example-pester-$([guid]::NewGuid().ToString('n'))"
    $null = New-Item -ItemType Directory $script:PesterLinkFolder
    $null = New-Item -ItemType SymbolicLink -Path (Join-Path $script:PesterLinkFolder 'Pester') -Target (Get-Module Pester).ModuleBase
    $env:PSModulePath = $script:PesterLinkFolder + [IO.Path]::PathSeparator + $env:PSModulePath

    function Invoke-Example([string] $Code, [hashtable] $Spec, [string] $Key, [switch] $Shared) {
        $timeout = if ($Spec -and $Spec['TimeoutSeconds']) { $Spec['TimeoutSeconds'] } else { 60 }
        $ps = if ($Shared -and $script:Shared[$Key]) { $script:Shared[$Key] } else {
            $folder = Join-Path ([IO.Path]::GetTempPath()) "netsock-example-$([guid]::NewGuid().ToString('n'))"
            $null = New-Item -ItemType Directory $folder
            $new = [powershell]::Create()
            $null = $new.AddScript("Set-Location -LiteralPath '$folder'; Import-Module '$script:ModulePath'; `$PSStyle.OutputRendering = 'PlainText'").Invoke()
            $new.Commands.Clear()
            $new | Add-Member -NotePropertyName Folder -NotePropertyValue $folder
            if ($Shared) { $script:Shared[$Key] = $new }
            $new
        }
        $ps.Streams.ClearStreams()
        $preference = if ($Spec -and $Spec['ExpectError']) { 'Continue' } else { 'Stop' }
        $null = $ps.AddScript("`$ErrorActionPreference = '$preference'; `$VerbosePreference = 'Continue'`n$Code")
        $output = [System.Management.Automation.PSDataCollection[psobject]]::new()
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $async = $ps.BeginInvoke([System.Management.Automation.PSDataCollection[psobject]]::new(), $output)
        $terminating = $null
        if (-not $async.AsyncWaitHandle.WaitOne([timespan]::FromSeconds($timeout))) {
            $ps.Stop()
            $terminating = "the example did not end within $timeout s"
        }
        else {
            try { $null = $ps.EndInvoke($async) } catch { $terminating = $_.Exception.InnerException ?? $_.Exception }
        }
        $ps.Commands.Clear()
        $text = ($output | Out-String -Width 250)
        $run = [pscustomobject]@{
            Output = @($output); Text = $text; Errors = @($ps.Streams.Error); Terminating = $terminating
            Information = @($ps.Streams.Information | ForEach-Object { "$($_.MessageData)" })
            Verbose = @($ps.Streams.Verbose | ForEach-Object Message); Warning = @($ps.Streams.Warning | ForEach-Object Message)
            Elapsed = $sw.Elapsed
        }
        if (-not $Shared) { Close-Example $ps }
        $run
    }

    function Close-Example($ps) {
        $null = $ps.AddScript('Get-NetSocket | Close-NetSocket; Get-Job | Remove-Job -Force').Invoke()
        $folder = $ps.Folder
        $ps.Dispose()
        Set-Location $HOME
        Remove-Item -LiteralPath $folder -Recurse -Force -ErrorAction Ignore
    }
}

AfterAll {
    foreach ($ps in $script:Shared.Values) { Close-Example $ps }
    $env:PSModulePath = $script:PSModulePathBefore
    [IO.Directory]::Delete((Join-Path $script:PesterLinkFolder 'Pester'))      # the link, not the Pester it points to
    [IO.Directory]::Delete($script:PesterLinkFolder)
}

Describe 'Example <Number> of <Page>: <Title>' -ForEach $cases {
    It 'runs and does what its text says' -Skip:$Skip {
        if (-not $Spec) { throw "No assertions for $Page example $Number (line $Line): add them to tests/examples/$Page.Examples.ps1." }
        if ($Spec['Skip']) { Set-ItResult -Skipped -Because $Spec['Skip']; return }
        $run = Invoke-Example -Code $Code -Spec $Spec -Key $Page -Shared:$Readme
        if ($Spec['ExpectError']) {
            $ids = @($run.Errors | ForEach-Object FullyQualifiedErrorId) + @($run.Terminating | Where-Object { $_ } | ForEach-Object { $_.ErrorRecord.FullyQualifiedErrorId })
            ($ids -join "`n") | Should -Match ([regex]::Escape($Spec['ExpectError'])) -Because 'the text says this error is written'
        }
        else {
            $run.Terminating | Should -BeNullOrEmpty -Because "the example must run to its end ($($run.Terminating))"
            @($run.Errors | ForEach-Object { "$_" }) | Should -BeNullOrEmpty -Because 'the example writes no error'
        }
        & $Spec['Assert'] $run
    }
}
