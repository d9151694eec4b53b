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

# Scapy, the tool a user would otherwise pick: python3-scapy from Debian, installed here when root.
Import-Module (Join-Path $PSScriptRoot 'BenchTools.psm1') -Force
$python = Get-ScapyPython
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
