#!/usr/bin/env pwsh
<#
.SYNOPSIS
    The one entry point of NetSock's build: Build, Docs, Test, Shell, Demo, Bench, Package, Clean.
.DESCRIPTION
    Run from the repository root with the pinned pwsh:
        dotnet tool restore && dotnet pwsh ./build.ps1 Test
    Everything the project needs is installed from its own files: the .NET packages by restore,
    Pester from NuGet into out/packages, libpcap from Debian (apt-get, when run as root).
.EXAMPLE
    dotnet pwsh ./build.ps1 Build
.EXAMPLE
    dotnet pwsh ./build.ps1 Test -Configuration Debug
#>
[CmdletBinding()]
param(
    # One or more tasks, run in order.
    [Parameter(Position = 0)]
    [ArgumentCompleter({ param($c, $p, $word) 'Build', 'Docs', 'Test', 'Shell', 'Demo', 'Bench', 'Package', 'Clean' | Where-Object { $_ -like "$word*" } })]
    [string[]] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Pester tests to run (paths or wildcards, such as tests/Foo.Tests.ps1); default: all of tests/ and docs/examples/.
    [string[]] $PesterPath,

    # Skip the xunit part of Test (quick Pester iterations).
    [switch] $SkipXunit,

    # Shell: run this command in the child pwsh and exit, instead of an interactive session (scripts, tests).
    [string] $Command,

    # Shell, Package: use the module already built in out/NetSock instead of building it first.
    [switch] $NoBuild,

    # Package: the folder NetSock.<version>.nupkg is written to (default: out/package).
    [string] $PackagePath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$Root = $PSScriptRoot
$Out = Join-Path $Root 'out'
$ModuleDir = Join-Path $Out 'NetSock'
$PesterVersion = '5.7.1'

$Tasks = [ordered]@{
    Build = 'assemble the importable module in out/NetSock (help built from docs/)'
    Docs  = 'build the MAML help and about topic from docs/ into en-US/ (committed beside the docs)'
    Test  = 'build, run the xunit tests of the core, the Pester tests of the cmdlets and the samples in docs/examples, print "N passed, N failed, N skipped"'
    Shell = 'start an interactive pwsh with out/ on PSModulePath and NetSock imported by name (jobs and -Parallel find it too)'
    Demo  = 'a short scripted tour of NetSock on loopback'
    Bench = 'run the benchmarks under bench/ (not part of Test)'
    Package = 'build NetSock.<version>.nupkg from out/NetSock (what Install-PSResource installs) into out/package'
    Clean = 'remove build output (out/, bin/, obj/)'
}

function Write-Step([string] $Text) { Write-Host "==> $Text" -ForegroundColor Cyan }

function Invoke-Native {
    # Runs a native command and stops the build when it fails.
    param([string] $Command, [string[]] $Arguments)
    & $Command @Arguments
    if ($LASTEXITCODE -ne 0) { throw "'$Command $($Arguments -join ' ')' failed with exit code $LASTEXITCODE." }
}

function Invoke-Pwsh {
    # A child pwsh started the way this one was (the dotnet tool runs pwsh.dll under dotnet).
    param([string[]] $Arguments)
    $exe = [Environment]::ProcessPath
    $pre = @(if ((Split-Path $exe -Leaf) -like 'dotnet*') { Join-Path $PSHOME 'pwsh.dll' })
    Invoke-Native $exe ($pre + $Arguments)
}

function Test-IsRoot { $IsLinux -and (& id -u) -eq '0' }

function Install-DebianPackage {
    # Installs Debian packages when missing: with apt-get as root, otherwise an error naming what to install.
    param([string[]] $Package, [string] $Reason)
    $missing = @($Package | Where-Object { -not (Test-DebianPackage $_) })
    if (-not $missing) { return }
    if (-not (Test-IsRoot)) {
        throw "$Reason needs the Debian package(s) $($missing -join ', '). Install them with: sudo apt-get install -y $($missing -join ' ')"
    }
    Write-Step "Installing $($missing -join ', ') from Debian ($Reason)"
    $env:DEBIAN_FRONTEND = 'noninteractive'
    Invoke-Native apt-get @('update', '-qq')
    Invoke-Native apt-get (@('install', '-y', '-qq', '--no-install-recommends') + $missing)
}

function Test-DebianPackage([string] $Name) {
    $status = & dpkg-query -W -f '${Status}' $Name 2>$null
    $LASTEXITCODE -eq 0 -and "$status" -match 'install ok installed'
}

function Install-Libpcap {
    if (-not $IsLinux) { return }   # Windows uses Npcap and macOS ships libpcap; SharpPcap finds them.
    if (Get-Command dpkg-query -ErrorAction Ignore) {
        Install-DebianPackage -Package 'libpcap0.8' -Reason 'Packet capture (SharpPcap)'
    }
    elseif (-not (& ldconfig -p | Select-String 'libpcap\.so')) {
        throw 'Packet capture needs libpcap (libpcap.so.0.8 or libpcap.so.1). Install your distribution''s libpcap package.'
    }
}

function Get-PesterModulePath {
    $psd1 = Join-Path $Out "packages/pester/$PesterVersion/tools/Pester.psd1"
    if (-not (Test-Path $psd1)) {
        Write-Step "Restoring Pester $PesterVersion from NuGet"
        Invoke-Native dotnet @('restore', (Join-Path $Root 'tools/Pester.csproj'), '--verbosity', 'quiet')
    }
    if (-not (Test-Path $psd1)) { throw "Pester was restored but $psd1 is missing." }
    $psd1
}

function Invoke-Build {
    Install-Libpcap
    Write-Step "Building NetSock ($Configuration)"
    Invoke-Native dotnet @('build', (Join-Path $Root 'src/NetSock/NetSock.csproj'), '-c', $Configuration, '--nologo', '-v', 'quiet', '-clp:NoSummary;ErrorsOnly')
    $bin = Join-Path $Root "src/NetSock/bin/$Configuration/net8.0"
    # NetSock's own assemblies precompiled where the build can (linux-x64), the portable IL build elsewhere.
    $own = Get-ReadyToRunFolder $bin
    if (-not $own) { $own = $bin }

    if (Test-Path $ModuleDir) { Remove-Item $ModuleDir -Recurse -Force }
    $null = New-Item -ItemType Directory -Path $ModuleDir
    # NetSock's own assemblies beside the manifest; third-party ones in deps/, loaded into their own AssemblyLoadContext.
    $deps = New-Item -ItemType Directory -Path (Join-Path $ModuleDir 'deps')
    Copy-Item (Join-Path $own 'NetSock.dll'), (Join-Path $own 'NetSock.Core.dll') $ModuleDir
    Get-ChildItem $bin -Filter '*.dll' | Where-Object Name -notin 'NetSock.dll', 'NetSock.Core.dll' | Copy-Item -Destination $deps
    Copy-Item (Join-Path $bin 'runtimes') $deps -Recurse -ErrorAction Ignore
    Copy-Item (Join-Path $bin '*.ps1xml') $ModuleDir
    Copy-Item (Join-Path $bin '*.psm1'), (Join-Path $bin '*.ps1') $ModuleDir
    Copy-Item (Join-Path $Root 'NetSock.psd1'), (Join-Path $Root 'LICENSE') $ModuleDir
    & (Join-Path $Root 'tools/Convert-Docs.ps1') -DocsPath (Join-Path $Root 'docs') -OutputPath (Join-Path $ModuleDir 'en-US')

    if (Get-ChildItem $ModuleDir -Recurse -Filter 'System.Management.Automation.dll') {
        throw 'The built module contains System.Management.Automation.dll: PowerShellStandard.Library must stay a compile-time-only reference.'
    }
    Write-Host "Module ready: $ModuleDir"
}

function Get-ReadyToRunFolder {
    <#
        Compiles NetSock.dll and NetSock.Core.dll of $Bin ReadyToRun for linux-x64 (tools/ReadyToRun: crossgen through
        the SDK, against the .NET runtime of pwsh 7.6) and returns the folder that holds them; $null where that does not
        apply (another OS or CPU: the IL build is shipped as it is) or fails (a warning says why; the IL build is shipped).
        The images keep their IL, so the module still loads everywhere: pwsh on .NET 8, macOS, Windows, arm64 compile it.
    #>
    param([string] $Bin)
    if (-not $IsLinux -or [Runtime.InteropServices.RuntimeInformation]::OSArchitecture -ne 'X64') { return $null }
    $r2r = Join-Path $Out 'r2r'
    Write-Step 'Compiling NetSock.dll and NetSock.Core.dll ReadyToRun (linux-x64)'
    try {
        Invoke-Native dotnet @('publish', (Join-Path $Root 'tools/ReadyToRun/ReadyToRun.csproj'), '-c', 'Release', '-o', $r2r,
            "-p:NetSockBin=$Bin$([IO.Path]::DirectorySeparatorChar)", "-p:PowerShellHome=$PSHOME", '--nologo', '-v', 'quiet', '-clp:NoSummary;ErrorsOnly')
        $r2r
    }
    catch {
        Write-Warning "NetSock is shipped as IL only (slower first commands): the ReadyToRun compilation failed: $_"
        $null
    }
}

function Invoke-Docs {
    Write-Step 'Building help from docs/ into en-US/'
    & (Join-Path $Root 'tools/Convert-Docs.ps1') -DocsPath (Join-Path $Root 'docs') -OutputPath (Join-Path $Root 'en-US')
    Get-ChildItem (Join-Path $Root 'en-US') | ForEach-Object { Write-Host "  $($_.Name)" }
}

function Invoke-Xunit {
    Write-Step 'Running xunit tests of the core'
    $results = Join-Path $Out 'test-results'
    $trx = Join-Path $results 'xunit.trx'
    Remove-Item $trx -ErrorAction Ignore
    & dotnet test (Join-Path $Root 'tests/NetSock.Core.Tests/NetSock.Core.Tests.csproj') -c $Configuration --nologo `
        --logger 'console;verbosity=normal' --logger 'trx;LogFileName=xunit.trx' --results-directory $results | Out-Host
    $exit = $LASTEXITCODE
    if (-not (Test-Path $trx)) {
        Write-Host "xunit produced no results (dotnet test exit code $exit): counted as one failure." -ForegroundColor Red
        return [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0 }
    }
    $counters = ([xml](Get-Content $trx -Raw)).TestRun.ResultSummary.Counters
    [pscustomobject]@{
        Passed  = [int]$counters.passed
        Failed  = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
        Skipped = [int]$counters.notExecuted
    }
}

function Invoke-PesterTests {
    Write-Step 'Running Pester tests of the cmdlets'
    Import-Module (Get-PesterModulePath) -Force
    $env:NETSOCK_MODULE = Join-Path $ModuleDir 'NetSock.psd1'
    $config = New-PesterConfiguration
    # 'a,b' arrives as one string when build.ps1 runs with -File; split it.
    # All: the tests, and the sample suite of docs/examples (it must keep working as users copy it).
    $config.Run.Path = if ($PesterPath) { @($PesterPath -split ',' | ForEach-Object Trim) } else { @((Join-Path $Root 'tests'), (Join-Path $Root 'docs/examples')) }
    $config.Run.PassThru = $true
    $config.Run.Exit = $false
    $config.Output.Verbosity = 'Detailed'
    $config.TestResult.Enabled = $true
    $config.TestResult.OutputPath = Join-Path $Out 'test-results/pester.xml'
    $run = Invoke-Pester -Configuration $config
    if (-not $run) {
        Write-Host 'Pester returned no result: counted as one failure.' -ForegroundColor Red
        return [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0 }
    }
    [pscustomobject]@{
        Passed  = $run.PassedCount
        Failed  = $run.FailedCount + $run.FailedBlocksCount + $run.FailedContainersCount
        Skipped = $run.SkippedCount + $run.NotRunCount
    }
}

function Invoke-Test {
    $parts = @()
    try {
        Invoke-Build
    }
    catch {
        Write-Host "Build failed: $_" -ForegroundColor Red
        Write-Host '0 passed, 1 failed, 0 skipped'
        exit 1
    }
    # Interop peers the tests compare against: installed when root, otherwise those tests skip and say why.
    if ((Test-IsRoot) -and (Get-Command dpkg-query -ErrorAction Ignore)) {
        try { Install-DebianPackage -Package 'python3-scapy', 'socat' -Reason 'The interop tests (Scapy corpus, socat peers)' }
        catch { Write-Warning "The interop peers could not be installed, so their tests will skip: $_" }
    }
    if (-not $SkipXunit) { $parts += Invoke-Xunit }
    $parts += Invoke-PesterTests
    $passed = ($parts | Measure-Object Passed -Sum).Sum
    $failed = ($parts | Measure-Object Failed -Sum).Sum
    $skipped = ($parts | Measure-Object Skipped -Sum).Sum
    Write-Host ''
    Write-Host "$passed passed, $failed failed, $skipped skipped"
    if ($failed -gt 0) { exit 1 }
}

function Get-ShellModulePath {
    # PSModulePath of the Shell task: out/ (which holds the built NetSock folder) first, so that child processes and
    # runspaces (Start-Job, & pwsh, ForEach-Object -Parallel) import NetSock by name.
    ($Out, $env:PSModulePath | Where-Object { $_ }) -join [IO.Path]::PathSeparator
}

function Invoke-Shell {
    if (-not $NoBuild) { Invoke-Build }
    $env:PSModulePath = Get-ShellModulePath
    if ($Command) {
        Invoke-Pwsh @('-NoLogo', '-NoProfile', '-NonInteractive', '-Command', "Import-Module NetSock; $Command")
        return
    }
    Invoke-Pwsh @('-NoLogo', '-NoExit', '-Command', "Import-Module NetSock; Write-Host 'NetSock loaded: Get-Command -Module NetSock lists its cmdlets.'")
}

function Invoke-Demo {
    Invoke-Build
    & (Join-Path $Root 'tools/Demo.ps1') -ModulePath (Join-Path $ModuleDir 'NetSock.psd1')
}

function Invoke-Bench {
    Invoke-Build
    foreach ($script in Get-ChildItem (Join-Path $Root 'bench') -Filter '*.ps1' | Sort-Object Name) {
        Write-Step "Benchmark $($script.BaseName)"
        & $script.FullName -ModulePath (Join-Path $ModuleDir 'NetSock.psd1')
    }
}

function Invoke-Package {
    <#
        NetSock.<version>.nupkg from out/NetSock, with Compress-PSResource (PSResourceGet, shipped with pwsh 7.4 and
        later): what Publish-PSResource would put in a repository and Install-PSResource installs. The manifest's
        PrivateData.PSData (ProjectUri, LicenseUri, ReleaseNotes) becomes the package's metadata.
    #>
    if (-not $NoBuild) { Invoke-Build }
    if (-not (Test-Path (Join-Path $ModuleDir 'NetSock.psd1'))) { throw "There is no built module in $ModuleDir to package: run the Build task first." }
    $destination = if ($PackagePath) { $PackagePath } else { Join-Path $Out 'package' }
    $null = New-Item -ItemType Directory -Path $destination -Force
    $version = (Import-PowerShellDataFile (Join-Path $ModuleDir 'NetSock.psd1')).ModuleVersion
    $nupkg = Join-Path $destination "NetSock.$version.nupkg"
    Remove-Item $nupkg -ErrorAction Ignore
    Write-Step "Packaging $ModuleDir"
    Import-Module Microsoft.PowerShell.PSResourceGet -ErrorAction Stop
    Compress-PSResource -Path $ModuleDir -DestinationPath $destination
    if (-not (Test-Path $nupkg)) { throw "Compress-PSResource wrote no $nupkg." }
    Write-Host "Package ready: $nupkg"
}

function Invoke-Clean {
    foreach ($dir in @($Out) + @(Get-ChildItem $Root -Directory -Recurse -Include bin, obj | Where-Object FullName -notlike "$Out*")) {
        if (Test-Path $dir) { Remove-Item $dir -Recurse -Force; Write-Host "Removed $dir" }
    }
}

foreach ($name in $Task) {
    if (-not $Tasks.Contains($name)) {
        $list = ($Tasks.GetEnumerator() | ForEach-Object { '  {0,-6} {1}' -f $_.Key, $_.Value }) -join [Environment]::NewLine
        Write-Error -ErrorId 'BuildUnknownTask' -Category InvalidArgument -TargetObject $name `
            -Message "Unknown task '$name'. The tasks are:$([Environment]::NewLine)$list" -ErrorAction Continue
        exit 2
    }
}
foreach ($name in $Task) {
    & "Invoke-$name"
}
