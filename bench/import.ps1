<#
.SYNOPSIS
    The first command, in a fresh process: how long `Import-Module NetSock` takes and how fast the first packet
    pipeline runs before the JIT has warmed up, beside Scapy's `import scapy.all` and first `raw(IP()/TCP())`.
    Goals: import under 150 ms; the cold pipeline at least 10 times Scapy's cold rate.
.DESCRIPTION
    Every figure is the median of -Runs fresh processes (after one warm-up process that is not counted):
      start+import  wall time of `pwsh -Command "Import-Module NetSock; exit 0"` minus that of a bare pwsh start
                    (`exit 0`); for Scapy, `python3 -c "import scapy.all"` minus `python3 -c pass`.
      Import-Module the Import-Module call itself, timed inside each fresh pwsh (Stopwatch); for Scapy, the
                    `import scapy.all` statement timed inside each fresh python3 (time.perf_counter).
      cold pipeline in that fresh pwsh, right after the import, the first run of the three-stage pipeline
                    New-Packet IPv4 -Count N | New-Packet Tcp | New-Packet Raw -Load <32 bytes> | ForEach-Object { $_.Bytes }
                    in packets per second (N = -Count, 50,000), and the same pipeline run again at once (warmer);
                    for Scapy, in that fresh python3, the first -ScapyCount builds of
                    raw(IP(src, dst)/TCP()/(b'x'*32)) from the first one on, and the first raw(IP()/TCP()) alone.
    NetSock.dll and NetSock.Core.dll are ReadyToRun images on linux-x64 (build.ps1 Build): the cold pipeline runs
    precompiled code of NetSock's own, and what remains is PowerShell's (the pwsh of the dotnet tool is IL only) and
    the JIT's tiering.
.EXAMPLE
    dotnet pwsh ./build.ps1 Bench
.EXAMPLE
    dotnet pwsh ./bench/import.ps1 -ModulePath ./out/NetSock/NetSock.psd1 -Runs 15
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [ValidateRange(3, 100)] [int] $Runs = 7,
    # Packets of the cold pipeline.
    [ValidateRange(1000, 1000000)] [int] $Count = 50000,
    # Packets Scapy builds from cold (it has no JIT: its rate is flat after the first few).
    [ValidateRange(100, 1000000)] [int] $ScapyCount = 5000
)

$ErrorActionPreference = 'Stop'
$ModulePath = (Resolve-Path $ModulePath).Path
$ImportGoal = 150
$ColdGoal = 10

function Get-Median([double[]] $Values) { @($Values | Sort-Object)[[int][math]::Floor($Values.Count / 2)] }

function Measure-Process([string] $Exe, [string[]] $Arguments) {
    # Median wall time (ms) of -Runs fresh processes after one warm-up process, and what each of them printed last.
    $runs = foreach ($i in 0..$Runs) {
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $output = & $Exe @Arguments
        if ($LASTEXITCODE -ne 0) { throw "'$Exe $Arguments' failed with exit code $LASTEXITCODE." }
        $sw.Stop()
        if ($i -gt 0) { [pscustomobject]@{ Ms = $sw.Elapsed.TotalMilliseconds; Last = @($output)[-1] } }
    }
    [pscustomobject]@{ Ms = Get-Median $runs.Ms; Reports = @($runs | ForEach-Object { if ($_.Last) { $_.Last | ConvertFrom-Json } }) }
}

# The pwsh that runs this script, started the same way (dotnet pwsh.dll, or the pwsh apphost).
$pwsh = [Environment]::ProcessPath
$pre = @(if ((Split-Path $pwsh -Leaf) -like 'dotnet*') { Join-Path $PSHOME 'pwsh.dll' })
$pwshArgs = $pre + @('-NoProfile', '-NonInteractive', '-Command')
$probe = @"
`$sw = [Diagnostics.Stopwatch]::StartNew()
Import-Module '$ModulePath'
`$import = `$sw.Elapsed.TotalMilliseconds
`$payload = 'x' * 32
`$rates = foreach (`$i in 1..2) {
    `$sw.Restart()
    New-Packet IPv4 -Source 127.0.0.1 -Destination 127.0.0.1 -Count $Count | New-Packet Tcp | New-Packet Raw -Load `$payload | ForEach-Object { `$null = `$_.Bytes }
    $Count / `$sw.Elapsed.TotalSeconds
}
@{ import = `$import; cold = `$rates[0]; second = `$rates[1] } | ConvertTo-Json -Compress
"@
$bare = Measure-Process $pwsh ($pwshArgs + 'exit 0')
$loaded = Measure-Process $pwsh ($pwshArgs + "Import-Module '$ModulePath'; exit 0")
$first = Measure-Process $pwsh ($pwshArgs + $probe)
$netsock = [pscustomobject]@{
    StartImport = $loaded.Ms - $bare.Ms
    Import      = Get-Median $first.Reports.import
    Cold        = Get-Median $first.Reports.cold
    Second      = Get-Median $first.Reports.second
}

# Scapy, the tool a user would otherwise pick: python3-scapy from Debian, installed here when root.
Import-Module (Join-Path $PSScriptRoot 'BenchTools.psm1') -Force
$python = Get-ScapyPython
$scapy = $null
if ($python) {
    $scapyProbe = @"
import json, time
t = time.perf_counter()
import scapy.all
from scapy.all import IP, TCP, raw
imported = time.perf_counter() - t
t = time.perf_counter()
raw(IP()/TCP())
first = time.perf_counter() - t
payload = b'x' * 32
t = time.perf_counter()
for _ in range($ScapyCount):
    raw(IP(src='127.0.0.1', dst='127.0.0.1')/TCP()/payload)
cold = $ScapyCount / (time.perf_counter() - t)
print(json.dumps({'import': imported * 1000, 'first': first * 1000, 'cold': cold, 'version': scapy.all.conf.version}))
"@
    $pyBare = Measure-Process $python @('-c', 'pass')
    $pyLoaded = Measure-Process $python @('-c', 'import scapy.all')
    $pyFirst = Measure-Process $python @('-c', $scapyProbe)
    $scapy = [pscustomobject]@{
        StartImport = $pyLoaded.Ms - $pyBare.Ms
        Import      = Get-Median $pyFirst.Reports.import
        First       = Get-Median $pyFirst.Reports.first
        Cold        = Get-Median $pyFirst.Reports.cold
        Version     = $pyFirst.Reports[0].version
    }
}

$na = 'n/a'
@(
    [pscustomobject]@{ Measure = 'start+import minus bare start (ms)'; NetSock = '{0:N0}' -f $netsock.StartImport; Scapy = if ($scapy) { '{0:N0}' -f $scapy.StartImport } else { $na } }
    [pscustomobject]@{ Measure = 'import, timed in the fresh process (ms)'; NetSock = '{0:N0}' -f $netsock.Import; Scapy = if ($scapy) { '{0:N0}' -f $scapy.Import } else { $na } }
    [pscustomobject]@{ Measure = 'first raw(IP()/TCP()) (ms)'; NetSock = $na; Scapy = if ($scapy) { '{0:N1}' -f $scapy.First } else { $na } }
    [pscustomobject]@{ Measure = "cold: first $Count (NetSock) / $ScapyCount (Scapy) IP/TCP/32-byte packets built (packets/s)"; NetSock = '{0:N0}' -f $netsock.Cold; Scapy = if ($scapy) { '{0:N0}' -f $scapy.Cold } else { $na } }
    [pscustomobject]@{ Measure = "the same pipeline run again at once (packets/s)"; NetSock = '{0:N0}' -f $netsock.Second; Scapy = $na }
) | Format-Table -AutoSize | Out-String -Width 200 | Out-Host

"Medians of $Runs fresh processes each; bare starts: pwsh {0:N0} ms, python3 {1}." -f $bare.Ms, $(if ($scapy) { '{0:N0} ms' -f $pyBare.Ms } else { $na })
"NetSock import: {0:N0} ms in the fresh process, {1:N0} ms start+import minus bare start (goal < $ImportGoal ms): {2}" -f $netsock.Import, $netsock.StartImport, $(if ([math]::Max($netsock.Import, $netsock.StartImport) -lt $ImportGoal) { 'met' } else { 'NOT met' })
if ($scapy) {
    $ratio = $netsock.Cold / $scapy.Cold
    "Cold pipeline: NetSock {0:N0} packets/s, Scapy {1} {2:N0} packets/s: {3:N1}x (goal >= ${ColdGoal}x): {4}" -f $netsock.Cold, $scapy.Version, $scapy.Cold, $ratio, $(if ($ratio -ge $ColdGoal) { 'met' } else { 'NOT met' })
}
else {
    'Scapy is not installed (python3-scapy), so there is no ratio.'
}
