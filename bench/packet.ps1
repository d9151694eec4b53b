<#
.SYNOPSIS
    Packet throughput: operations per second of building and dissecting packets with NetSock, beside the same
    operations in Scapy, the tool a user would otherwise pick. Goal: NetSock's packet core at least 100 times Scapy.
.DESCRIPTION
    The core is measured by bench/PacketBench (dotnet run -c Release): each operation after a warm-up, the median of
    -Rounds rounds. Scapy is measured the same way in one python3 run, with time.perf_counter:
      build    bytes(IP(src='127.0.0.1', dst='127.0.0.1')/TCP()/(b'x'*32))
               vs Packet.FromLayers(IPv4 { Source, Destination = 127.0.0.1 }, Tcp, Raw 32 bytes).Bytes
      dissect  Ether(frame)[TCP].dport
               vs Packet.Dissect(frame).Get<Tcp>().DestinationPort, on the same Ether/IPv4/TCP/32-byte frame
      dns      Ether(frame)[DNS].an[1].rdata
               vs Packet.Dissect(frame).Get<Dns>().Answers[1].Value, on an Ether/IPv4/UDP DNS response whose names are
               compressed (a CNAME, then the A record of its target)
      dhcp     Ether(frame)[BOOTP].yiaddr
               vs Packet.Dissect(frame).Get<Bootp>().YourAddress, on an Ether/IPv4/UDP/BOOTP/DHCP offer with 8 options
    The cmdlets are measured in this pwsh: New-Packet -Count (reading each packet's .Bytes) and ConvertTo-Packet
    (reading .Tcp.DestinationPort, and .Dns.Answers[1].Value), goal 10x Scapy. Each operation is one row of $rows (Add-Row).
.EXAMPLE
    dotnet pwsh ./build.ps1 Bench
.EXAMPLE
    dotnet pwsh ./bench/packet.ps1 -ModulePath ./out/NetSock/NetSock.psd1 -Rounds 9
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [ValidateRange(3, 100)] [int] $Rounds = 7,
    # Length of one timed round, in seconds.
    [ValidateRange(0.1, 10)] [double] $Seconds = 0.5
)

$ErrorActionPreference = 'Stop'
$ModulePath = (Resolve-Path $ModulePath).Path
$Goal = 100

# One row per operation: NetSock's ops/s beside Scapy's, and the ratio against the goal.
$rows = [Collections.Generic.List[object]]::new()
function Add-Row([string] $Operation, [double] $NetSock, [Nullable[double]] $Scapy, [double] $RowGoal = $Goal) {
    $ratio = if ($Scapy) { $NetSock / $Scapy }
    $rows.Add([pscustomobject]@{
            Operation         = $Operation
            'NetSock (ops/s)' = '{0:N0}' -f $NetSock
            'Scapy (ops/s)'   = if ($Scapy) { '{0:N0}' -f $Scapy } else { 'n/a' }
            Ratio             = if ($ratio) { '{0:N0}x' -f $ratio } else { 'n/a' }
            Goal              = if (-not $ratio) { ">= ${RowGoal}x: n/a" } elseif ($ratio -ge $RowGoal) { ">= ${RowGoal}x: met" } else { ">= ${RowGoal}x: NOT met" }
        })
}

# NetSock's packet core, through its C# API (bench/PacketBench writes its figures and the frame it dissects as JSON).
$json = [IO.Path]::GetTempFileName()
try {
    $project = Join-Path $PSScriptRoot 'PacketBench'
    $output = & dotnet run -c Release --project $project -- --rounds $Rounds --seconds $Seconds.ToString([cultureinfo]::InvariantCulture) --json $json 2>&1
    if ($LASTEXITCODE -ne 0) {
        $output | Out-Host
        throw "bench/PacketBench failed with exit code $LASTEXITCODE."
    }
    $core = Get-Content $json -Raw | ConvertFrom-Json
}
finally {
    Remove-Item $json -ErrorAction Ignore
}
$coreBuild = @($core.results)[0].opsPerSecond
$coreDissect = @($core.results)[1].opsPerSecond
$coreDns = @($core.results)[2].opsPerSecond
$coreDhcp = @($core.results)[3].opsPerSecond

# Scapy, the tool a user would otherwise pick: python3-scapy from Debian, installed here when root.
Import-Module (Join-Path $PSScriptRoot 'BenchTools.psm1') -Force
$python = Get-ScapyPython

$scapyBench = @'
import json, statistics, sys, time
from scapy.all import Ether, IP, TCP, DNS, BOOTP, conf
import scapy

frame = bytes.fromhex(sys.argv[1])
rounds = int(sys.argv[2])
seconds = float(sys.argv[3])
dns_frame = bytes.fromhex(sys.argv[4])
dhcp_frame = bytes.fromhex(sys.argv[5])

def build():
    return bytes(IP(src='127.0.0.1', dst='127.0.0.1')/TCP()/(b'x'*32))

def dissect():
    return Ether(frame)[TCP].dport

def dissect_dns():
    return Ether(dns_frame)[DNS].an[1].rdata

def dissect_dhcp():
    return Ether(dhcp_frame)[BOOTP].yiaddr

assert len(build()) == 72, len(build())
assert dissect() == 80, dissect()
assert dissect_dns() == '198.18.0.80', dissect_dns()
assert dissect_dhcp() == '198.18.0.10', dissect_dhcp()

def measure(op):
    # Warm-up of a second, which also sizes a round; then the median of the rounds.
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < 1.0:
        op()
        n += 1
    per_round = max(50, int(n / (time.perf_counter() - start) * seconds))
    rates = []
    for _ in range(rounds):
        t = time.perf_counter()
        for _ in range(per_round):
            op()
        rates.append(per_round / (time.perf_counter() - t))
    return statistics.median(rates)

print(json.dumps({'scapy': scapy.VERSION, 'python': sys.version.split()[0],
                  'build': measure(build), 'dissect': measure(dissect), 'dns': measure(dissect_dns), 'dhcp': measure(dissect_dhcp)}))
'@
$scapy = $null
if ($python) {
    $text = & $python -c $scapyBench $core.frameHex $Rounds $Seconds.ToString([cultureinfo]::InvariantCulture) $core.dnsFrameHex $core.dhcpFrameHex 2>$null
    if ($LASTEXITCODE -ne 0) { throw "The Scapy benchmark failed with exit code $LASTEXITCODE (run it again without 2>`$null to see why)." }
    $scapy = $text | Select-Object -Last 1 | ConvertFrom-Json
}

Add-Row 'core: build IPv4/TCP/32-byte payload to bytes' $coreBuild $scapy.build
Add-Row 'core: dissect Ether/IPv4/TCP frame, read TCP dport' $coreDissect $scapy.dissect
Add-Row 'core: dissect a DNS response (compressed names), read its A record' $coreDns $scapy.dns
Add-Row 'core: dissect a DHCP offer, read BOOTP yiaddr' $coreDhcp $scapy.dhcp

# The cmdlets, as a script would use them, in this pwsh: New-Packet -Count streaming packets whose bytes are read, and
# ConvertTo-Packet dissecting frames from the pipeline. Goal: at least 10x Scapy.
Import-Module $ModulePath -Force
function Measure-Cmdlet([scriptblock] $Operation, [int] $Count) {
    # Median ops/s of -Rounds runs of $Count operations, after warm-up runs until the tiered JIT has settled (three
    # runs within 10 %, as PacketBench waits for the core; 20 s at most): PowerShell's own pipeline code is compiled
    # unoptimised first, and the first runs of a pipeline can be several times slower than the ones after.
    function Measure-Once { $sw = [Diagnostics.Stopwatch]::StartNew(); & $Operation $Count; $Count / $sw.Elapsed.TotalSeconds }
    $warm = [Diagnostics.Stopwatch]::StartNew()
    $last = [Collections.Generic.List[double]]::new()
    do {
        $last.Add((Measure-Once))
        if ($last.Count -gt 3) { $last.RemoveAt(0) }
    } until (($last.Count -eq 3 -and ($last | Measure-Object -Minimum).Minimum -ge 0.9 * ($last | Measure-Object -Maximum).Maximum) -or $warm.Elapsed.TotalSeconds -ge 20)
    $rates = foreach ($i in 1..$Rounds) { Measure-Once }
    @($rates | Sort-Object)[[int][math]::Floor($Rounds / 2)]
}
$tcp = New-Packet IPv4 -Source 127.0.0.1 -Destination 127.0.0.1 | New-Packet Tcp
$payload = 'x' * 32
$cmdletBuild = Measure-Cmdlet { param($n) $tcp | New-Packet Raw -Load $payload -Count $n | ForEach-Object { $null = $_.Bytes } } 20000
[object[]] $frames = @(, [Convert]::FromHexString($core.frameHex)) * 20000
$cmdletDissect = Measure-Cmdlet { param($n) $frames | ConvertTo-Packet | ForEach-Object { $null = $_.Tcp.DestinationPort } } $frames.Count
Add-Row 'cmdlets: New-Packet -Count, read .Bytes' $cmdletBuild $scapy.build -RowGoal 10
Add-Row 'cmdlets: ConvertTo-Packet, read .Tcp.DestinationPort' $cmdletDissect $scapy.dissect -RowGoal 10
[object[]] $dnsFrames = @(, [Convert]::FromHexString($core.dnsFrameHex)) * 20000
$cmdletDns = Measure-Cmdlet { param($n) $dnsFrames | ConvertTo-Packet | ForEach-Object { $null = $_.Dns.Answers[1].Value } } $dnsFrames.Count
Add-Row 'cmdlets: ConvertTo-Packet, read .Dns.Answers[1].Value' $cmdletDns $scapy.dns -RowGoal 10

($rows | Format-Table -AutoSize | Out-String -Width 200).TrimEnd() + [Environment]::NewLine | Out-Host
"NetSock: .NET {0}, median of {1} rounds of {2} s after a warm-up." -f $core.runtime, $Rounds, $Seconds
if ($scapy) {
    "Scapy {0} on Python {1}, measured the same way with time.perf_counter." -f $scapy.scapy, $scapy.python
    $short = @($rows | Where-Object Goal -like '*NOT met')
    "Goal: core at least ${Goal}x Scapy, cmdlets 10x: " + $(if ($short.Count -eq 0) { 'met' } else { "NOT met for $($short.Count) of $($rows.Count) operations" })
}
else {
    'Scapy is not installed (python3-scapy), so there is no ratio.'
}
