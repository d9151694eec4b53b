<#
.SYNOPSIS
    Capture throughput: packets per second of reading a pcap file to objects with NetSock's Get-SniffedPacket, beside
    tcpdump -r, tshark -r and Scapy's rdpcap(), the tools a user would otherwise pick; and, live on lo, how many packets
    NetSock and tcpdump each receive and drop from one fast UDP sender. Goals: NetSock at least 4 times tshark and at
    least half tcpdump.
.DESCRIPTION
    One file per run, made in a temp directory with NetSock's core writer: -Packets copies of one Ether/IPv4/UDP frame
    with a 32-byte payload (74 bytes), so that tcpdump, tshark and Scapy decode Ether/IP/UDP. Each reader is timed
    -Runs times and the median kept:
      NetSock  Get-SniffedPacket -Path f | Measure-Object, in a fresh child pwsh (started as bench/import.ps1 does),
               timed inside it with a Stopwatch, so pwsh start-up and Import-Module are left out
      floor    PowerShell alone: the same number of packets already in memory, Write-Output -InputObject $array |
               Measure-Object in a fresh child pwsh, timed the same way: what PowerShell's pipeline costs by itself
               (a cmdlet's WriteObject and Measure-Object's parameter binding, per object), with no file read
      tcpdump  tcpdump -r f -n > /dev/null            (wall time of the process)
      tshark   tshark -r f > /dev/null                (wall time of the process)
      Scapy    rdpcap(f, count=-ScapyPackets)         (time.perf_counter around the call only; Scapy reads some
                                                        4,000 packets/s, so it reads the first -ScapyPackets of the file)
    The live row (skipped with -NoLive, or when not root): -Senders python3 processes send UDP to 127.0.0.1:-Port as fast as they can for
    -LiveSeconds while `Get-SniffedPacket lo -Filter 'udp dst port P' -Statistics` (in a child pwsh) and
    `tcpdump -i lo -w /dev/null 'udp dst port P'` capture at once; each one's received and dropped counts are reported.
    Only loopback is used.
.EXAMPLE
    dotnet pwsh ./bench/capture.ps1 -ModulePath ./out/NetSock/NetSock.psd1
.EXAMPLE
    dotnet pwsh ./bench/capture.ps1 -ModulePath ./out/NetSock/NetSock.psd1 -Packets 200000 -NoLive
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [ValidateRange(1000, 100000000)] [int] $Packets = 1000000,
    [ValidateRange(1, 100)] [int] $Runs = 3,
    # How many packets of the file Scapy's rdpcap reads (it is some 50 times slower than tcpdump).
    [ValidateRange(1000, 100000000)] [int] $ScapyPackets = 100000,
    [ValidateRange(1, 600)] [double] $LiveSeconds = 5,
    [ValidateRange(1024, 65535)] [int] $Port = 47123,
    # Sending processes for the live row (together at least 100,000 packets/s).
    [ValidateRange(1, 64)] [int] $Senders = 3,
    [switch] $NoLive
)

$ErrorActionPreference = 'Stop'
$ModulePath = (Resolve-Path $ModulePath).Path
$TsharkGoal = 4
$TcpdumpGoal = 0.5

Import-Module (Join-Path $PSScriptRoot 'BenchTools.psm1') -Force
Install-BenchTool -Package tcpdump -Test { [bool](Get-Command tcpdump -ErrorAction Ignore) }
Install-BenchTool -Package tshark -Test { [bool](Get-Command tshark -ErrorAction Ignore) }
$tcpdump = (Get-Command tcpdump -ErrorAction Ignore).Source
$tshark = (Get-Command tshark -ErrorAction Ignore).Source
$python = Get-ScapyPython

# The pwsh that runs this script, started the same way (dotnet pwsh.dll, or the pwsh apphost).
$pwsh = [Environment]::ProcessPath
$pre = @(if ((Split-Path $pwsh -Leaf) -like 'dotnet*') { Join-Path $PSHOME 'pwsh.dll' })

function Get-Median([double[]] $Values) {
    $sorted = @($Values | Sort-Object)
    $sorted[[int][math]::Floor($sorted.Count / 2)]
}

function Measure-Process([string] $Command) {
    # Median wall time, in seconds, of $Runs runs of a shell command (its output goes to /dev/null in the shell).
    Get-Median @(foreach ($i in 1..$Runs) {
            $sw = [Diagnostics.Stopwatch]::StartNew()
            & /bin/sh -c $Command
            if ($LASTEXITCODE -ne 0) { throw "'$Command' failed with exit code $LASTEXITCODE." }
            $sw.Elapsed.TotalSeconds
        })
}

$dir = Join-Path ([IO.Path]::GetTempPath()) ("netsock-capture-" + [guid]::NewGuid().ToString('n'))
$null = New-Item -ItemType Directory $dir
try {
    # The file: $Packets copies of one Ether/IPv4/UDP/32-byte frame, written with the core API (Export-Pcap takes
    # packets from the pipeline, which would make the file slowly).
    Import-Module $ModulePath -Force
    $file = Join-Path $dir 'capture.pcap'
    $frame = (New-Packet Ether | New-Packet IPv4 -Source 127.0.0.1 -Destination 127.0.0.1 |
            New-Packet Udp -DestinationPort 5000 | New-Packet Raw -Load ('x' * 32)).Bytes
    $sw = [Diagnostics.Stopwatch]::StartNew()
    $writer = [NetSock.Capture.CaptureFileWriter]::Create($file, 'Pcap', 'Ethernet')
    try {
        $start = [DateTimeOffset]::Now.ToUnixTimeMilliseconds() * 1000000L
        for ($i = 0; $i -lt $Packets; $i++) { $writer.Write($frame, $start + $i * 1000L, $frame.Length, $null, $null) }
    }
    finally {
        $writer.Dispose()
    }
    "Wrote {0:N0} frames of {1} bytes ({2:N1} MB) in {3:N1} s." -f $Packets, $frame.Length, ((Get-Item $file).Length / 1MB), $sw.Elapsed.TotalSeconds | Out-Host

    # NetSock: a fresh pwsh per run; only the pipeline is timed.
    $child = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$ModulePath'
`$sw = [Diagnostics.Stopwatch]::StartNew()
`$n = (Get-SniffedPacket -Path '$file' | Measure-Object).Count
`$sw.Stop()
`$first = `$sw.Elapsed.TotalSeconds
`$sw.Restart()
`$null = (Get-SniffedPacket -Path '$file' | Measure-Object).Count
'{0} {1} {2}' -f `$n, `$first.ToString([cultureinfo]::InvariantCulture), `$sw.Elapsed.TotalSeconds.ToString([cultureinfo]::InvariantCulture)
"@
    $netsockTimes = foreach ($i in 1..$Runs) {
        $out = & $pwsh @pre -NoProfile -NonInteractive -Command $child
        if ($LASTEXITCODE -ne 0) { throw "The NetSock child pwsh failed with exit code $LASTEXITCODE." }
        $n, $t, $again = ($out | Select-Object -Last 1) -split ' '
        if ([long]$n -ne $Packets) { throw "Get-SniffedPacket read $n packets of $Packets." }
        [pscustomobject]@{ First = [double]::Parse($t, [cultureinfo]::InvariantCulture); Again = [double]::Parse($again, [cultureinfo]::InvariantCulture) }
    }
    # PowerShell's own floor: the same number of packets, already in memory (references to 64 read from the file), through
    # `Write-Output -InputObject $array | Measure-Object` in a fresh pwsh, timed the same way. No reader can go faster
    # than this pipeline carries objects; the difference is NetSock's reading and making of packets.
    $floorChild = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$ModulePath'
`$some = @(Get-SniffedPacket -Path '$file' -Count 64)
`$all = [object[]]::new($Packets)
for (`$i = 0; `$i -lt $Packets; `$i++) { `$all[`$i] = `$some[`$i % 64] }
`$sw = [Diagnostics.Stopwatch]::StartNew()
`$n = (Write-Output -InputObject `$all | Measure-Object).Count
'{0} {1}' -f `$n, `$sw.Elapsed.TotalSeconds.ToString([cultureinfo]::InvariantCulture)
"@
    $floorTimes = foreach ($i in 1..$Runs) {
        $out = & $pwsh @pre -NoProfile -NonInteractive -Command $floorChild
        if ($LASTEXITCODE -ne 0) { throw "The floor child pwsh failed with exit code $LASTEXITCODE." }
        [double]::Parse((($out | Select-Object -Last 1) -split ' ')[1], [cultureinfo]::InvariantCulture)
    }
    $floor = $Packets / (Get-Median $floorTimes)

    $netsock = $Packets / (Get-Median $netsockTimes.First)
    # The same pipeline run a second time in that session: the JIT has compiled and tiered up PowerShell's pipeline and
    # NetSock's reader by then (the first read of a fresh process runs much of it unoptimised). Shown, not judged.
    $netsockWarm = $Packets / (Get-Median $netsockTimes.Again)

    $tcpdumpRate = if ($tcpdump) { $Packets / (Measure-Process "'$tcpdump' -r '$file' -n > /dev/null 2>&1") }
    $tsharkRate = if ($tshark) { $Packets / (Measure-Process "'$tshark' -r '$file' > /dev/null 2>/dev/null") }

    $scapyRate = $null
    if ($python) {
        $scapyBench = @'
import statistics, sys, time
from scapy.all import rdpcap, UDP
path, count, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rates = []
for _ in range(runs):
    t = time.perf_counter()
    packets = rdpcap(path, count=count)
    rates.append(len(packets) / (time.perf_counter() - t))
    assert len(packets) == count and packets[0][UDP].dport == 5000, (len(packets), packets[0].summary())
print(statistics.median(rates))
'@
        $scapyCount = [math]::Min($ScapyPackets, $Packets)
        $text = & $python -c $scapyBench $file $scapyCount $Runs 2>$null
        if ($LASTEXITCODE -ne 0) { throw "The Scapy benchmark failed with exit code $LASTEXITCODE (run it again without 2>`$null to see why)." }
        $scapyRate = [double]::Parse(($text | Select-Object -Last 1), [cultureinfo]::InvariantCulture)
    }

    function Format-Ratio($Rate, [double] $Goal) {
        if (-not $Rate) { return 'n/a' }
        $ratio = $netsock / $Rate
        if ($Goal) { '{0:N2}x (goal >= {1}x: {2})' -f $ratio, $Goal, $(if ($ratio -ge $Goal) { 'met' } else { 'NOT met' }) }
        else { '{0:N1}x' -f $ratio }
    }
    $rows = @(
        [pscustomobject]@{ Reader = 'NetSock: Get-SniffedPacket -Path f | Measure-Object'; 'Packets/s' = '{0:N0}' -f $netsock; 'NetSock / this' = '' }
        [pscustomobject]@{ Reader = '  the same, run again in that session (JIT warm)'; 'Packets/s' = '{0:N0}' -f $netsockWarm; 'NetSock / this' = '{0:N2}x' -f ($netsock / $netsockWarm) }
        [pscustomobject]@{ Reader = "  PowerShell's floor: Write-Output -InputObject `$packetsInMemory | Measure-Object"; 'Packets/s' = '{0:N0}' -f $floor; 'NetSock / this' = '{0:N2}x' -f ($netsock / $floor) }
        [pscustomobject]@{ Reader = 'tcpdump -r f -n > /dev/null'; 'Packets/s' = if ($tcpdumpRate) { '{0:N0}' -f $tcpdumpRate } else { 'n/a' }; 'NetSock / this' = Format-Ratio $tcpdumpRate $TcpdumpGoal }
        [pscustomobject]@{ Reader = 'tshark -r f > /dev/null'; 'Packets/s' = if ($tsharkRate) { '{0:N0}' -f $tsharkRate } else { 'n/a' }; 'NetSock / this' = Format-Ratio $tsharkRate $TsharkGoal }
        [pscustomobject]@{ Reader = "Scapy: rdpcap(f, count=$([math]::Min($ScapyPackets, $Packets)))"; 'Packets/s' = if ($scapyRate) { '{0:N0}' -f $scapyRate } else { 'n/a' }; 'NetSock / this' = Format-Ratio $scapyRate 0 }
    )
    ($rows | Format-Table -AutoSize | Out-String -Width 200).TrimEnd() + [Environment]::NewLine | Out-Host
    "Reading {0:N0} Ether/IPv4/UDP frames, median of {1} runs; NetSock timed inside a fresh pwsh (start-up and import left out), tcpdump and tshark as whole processes." -f $Packets, $Runs
    $short = @($rows | Where-Object 'NetSock / this' -like '*NOT met*')
    $missing = -not ($tcpdumpRate -and $tsharkRate)
    "Goal: NetSock at least ${TsharkGoal}x tshark and ${TcpdumpGoal}x tcpdump: " +
    $(if ($missing) { 'n/a (tcpdump or tshark is not installed)' } elseif ($short.Count -eq 0) { 'met' } else { 'NOT met' })
    if ($tsharkRate) { "PowerShell's floor alone (no file read, no packet made) is {0:N2}x tshark." -f ($floor / $tsharkRate) }

    # Live, on lo: one sender, NetSock and tcpdump capturing at once.
    if (-not $NoLive) {
        if (-not $IsLinux -or (& id -u) -ne '0') { 'Live row skipped: capturing on lo needs root.'; return }
        $bpf = "udp dst port $Port"
        $settle = 3          # seconds for the capturers to start before the sender does
        $timeout = $settle + $LiveSeconds + 5
        $liveChild = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$ModulePath'
`$s = Get-SniffedPacket lo -Filter '$bpf' -Timeout $timeout -Statistics | Select-Object -Last 1
'{0} {1} {2} {3} {4}' -f `$s.Received, `$s.Delivered, `$s.KernelDropped, `$s.InterfaceDropped, 0
"@
        $nsOut = Join-Path $dir 'netsock-live.txt'
        $ns = Start-Process -FilePath $pwsh -ArgumentList ($pre + @('-NoProfile', '-NonInteractive', '-Command', $liveChild)) -RedirectStandardOutput $nsOut -RedirectStandardError (Join-Path $dir 'netsock-live.err') -PassThru
        $td = $null
        if ($tcpdump) {
            $psi = [Diagnostics.ProcessStartInfo]::new($tcpdump)
            foreach ($a in @('-i', 'lo', '-n', '-w', '/dev/null', $bpf)) { $psi.ArgumentList.Add($a) }
            $psi.RedirectStandardError = $true
            $psi.RedirectStandardOutput = $true
            $td = [Diagnostics.Process]::Start($psi)
            $tdErr = $td.StandardError.ReadToEndAsync()
        }
        Start-Sleep -Seconds $settle
        $sender = @'
import os, socket, sys, time
port, seconds, senders = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
# Several forked senders: one python3 sendto loop gives some 75,000 packets/s here while two captures run.
r, w = os.pipe()
start = time.perf_counter()
end = start + seconds
for _ in range(senders):
    if os.fork() == 0:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        payload, dest, n = b'x' * 32, ('127.0.0.1', port), 0
        while True:
            for _ in range(1000):
                s.sendto(payload, dest)
            n += 1000
            if time.perf_counter() >= end:
                break
        os.write(w, b'%d\n' % n)
        os._exit(0)
for _ in range(senders):
    os.wait()
os.close(w)
n = sum(int(x) for x in os.read(r, 1 << 16).split())
print(n, n / (time.perf_counter() - start))
'@
        $sent, $sendRate = (& /usr/bin/python3 -c $sender $Port $LiveSeconds $Senders) -split ' '
        Start-Sleep -Seconds 1
        $tdRow = $null
        if ($td) {
            & kill -INT $td.Id
            if (-not $td.WaitForExit(10000)) { $td.Kill() }
            $err = $tdErr.Result
            $received = if ($err -match '(\d+) packets received by filter') { [long]$Matches[1] }
            $dropped = if ($err -match '(\d+) packets dropped by kernel') { [long]$Matches[1] }
            $captured = if ($err -match '(\d+) packets captured') { [long]$Matches[1] }
            $tdRow = [pscustomobject]@{ Capturer = "tcpdump -i lo -w /dev/null '$bpf'"; Received = $received; Delivered = $captured; 'Kernel dropped' = $dropped; 'Queue dropped' = 'n/a' }
        }
        if (-not $ns.WaitForExit(($timeout + 30) * 1000)) { $ns.Kill(); throw 'The NetSock live capture did not end.' }
        $line = Get-Content $nsOut | Select-Object -Last 1
        if ($ns.ExitCode -ne 0 -or -not $line) { Get-Content (Join-Path $dir 'netsock-live.err') | Out-Host; throw "The NetSock live capture failed (exit code $($ns.ExitCode))." }
        $r, $d, $k, $i, $q = $line -split ' '
        $live = @([pscustomobject]@{ Capturer = "NetSock: Get-SniffedPacket lo -Filter '$bpf' -Statistics"; Received = [long]$r; Delivered = [long]$d; 'Kernel dropped' = [long]$k; 'Queue dropped' = [long]$q }) + @($tdRow | Where-Object { $_ })
        ''
        "Live on lo: {4} python3 senders sent {0:N0} UDP datagrams to 127.0.0.1:{1} in {2} s ({3:N0} packets/s), both capturing at once:" -f [long]$sent, $Port, $LiveSeconds, [double]::Parse($sendRate, [cultureinfo]::InvariantCulture), $Senders
        ($live | Select-Object *, @{ n = 'Missing (sent - delivered)'; e = { [long]$sent - $_.Delivered } } | Format-Table -AutoSize | Out-String -Width 200).TrimEnd() + [Environment]::NewLine | Out-Host
    }
}
finally {
    Remove-Item $dir -Recurse -Force -ErrorAction Ignore
}
