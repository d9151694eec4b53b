<#
.SYNOPSIS
    How long `Import-Module NetSock` takes: the median of several fresh pwsh processes that import the built
    module, minus the median of bare pwsh starts; beside it, Python's `import scapy.all` minus a bare python3,
    the import a Scapy user pays. Goal: NetSock under 300 ms.
.EXAMPLE
    dotnet pwsh ./build.ps1 Bench
.EXAMPLE
    dotnet pwsh ./bench/import.ps1 -ModulePath ./out/NetSock/NetSock.psd1 -Runs 15
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [ValidateRange(3, 100)] [int] $Runs = 9
)

$ErrorActionPreference = 'Stop'
$ModulePath = (Resolve-Path $ModulePath).Path

function Measure-Median([string] $Exe, [string[]] $Arguments) {
    # Median wall time, in milliseconds, of $Runs runs after one warm-up run.
    $times = foreach ($i in 0..$Runs) {
        $sw = [Diagnostics.Stopwatch]::StartNew()
        & $Exe @Arguments | Out-Null
        if ($LASTEXITCODE -ne 0) { throw "'$Exe $Arguments' failed with exit code $LASTEXITCODE." }
        $sw.Stop()
        if ($i -gt 0) { $sw.Elapsed.TotalMilliseconds }
    }
    $sorted = @($times | Sort-Object)
    $sorted[[int][math]::Floor($sorted.Count / 2)]
}

# The pwsh that runs this script, started the same way (dotnet pwsh.dll, or the pwsh apphost).
$pwsh = [Environment]::ProcessPath
$pre = @(if ((Split-Path $pwsh -Leaf) -like 'dotnet*') { Join-Path $PSHOME 'pwsh.dll' })
$bare = Measure-Median $pwsh ($pre + @('-NoProfile', '-NonInteractive', '-Command', 'exit 0'))
$loaded = Measure-Median $pwsh ($pre + @('-NoProfile', '-NonInteractive', '-Command', "Import-Module '$ModulePath'; exit 0"))
$netsock = $loaded - $bare

$rows = @([pscustomobject]@{ Tool = 'NetSock: Import-Module'; 'Start (ms)' = [math]::Round($bare); 'Start+import (ms)' = [math]::Round($loaded); 'Import (ms)' = [math]::Round($netsock) })

function Test-Scapy([string] $Python) {
    if (-not (Get-Command $Python -ErrorAction Ignore)) { return $false }
    & $Python -c 'import scapy' 2>$null
    $LASTEXITCODE -eq 0
}

# Scapy, the tool a user would otherwise pick: python3-scapy from Debian, installed here when root.
# Debian's scapy lives in the system python3, so that one is asked first.
if (-not (Test-Scapy '/usr/bin/python3')) {
    if ($IsLinux -and (& id -u) -eq '0' -and (Get-Command apt-get -ErrorAction Ignore)) {
        $env:DEBIAN_FRONTEND = 'noninteractive'
        & apt-get update -qq | Out-Null
        & apt-get install -y -qq --no-install-recommends python3-scapy | Out-Null
    }
}
$python = @('/usr/bin/python3', 'python3') | Where-Object { Test-Scapy $_ } | Select-Object -First 1
if ($python) {
    $pyBare = Measure-Median $python @('-c', 'pass')
    $pyLoaded = Measure-Median $python @('-c', 'import scapy.all')
    $rows += [pscustomobject]@{ Tool = 'Scapy: import scapy.all'; 'Start (ms)' = [math]::Round($pyBare); 'Start+import (ms)' = [math]::Round($pyLoaded); 'Import (ms)' = [math]::Round($pyLoaded - $pyBare) }
}

$rows | Format-Table -AutoSize | Out-Host
"NetSock import: {0:N0} ms (median of {1} runs; goal < 300 ms): {2}" -f $netsock, $Runs, $(if ($netsock -lt 300) { 'met' } else { 'NOT met' })
if ($python) {
    "Ratio NetSock import / Scapy import: {0:N2}" -f ($netsock / [math]::Max(1, $pyLoaded - $pyBare))
}
else {
    'Scapy is not installed (python3-scapy), so there is no ratio.'
}
