<#
.SYNOPSIS
    UDP receive on loopback: -Count datagrams of -Size bytes (200,000 of 32 bytes by default) sent by one Python sender
    to `Receive-Datagram` and to Python's recvfrom loop, the tool a user would otherwise pick; received/s and datagrams
    lost for each, side by side, with the ratio NetSock / Python. Goals: NetSock's received/s at least 10 times
    Python's, and no datagram lost when the sender runs at Python's send rate.
.DESCRIPTION
    The sender is the same for every row: a /usr/bin/python3 sendto() loop on one socket to 127.0.0.1:port, started
    first, which waits until the receiver has bound the port (it watches /proc/net/udp), so nothing is sent before the
    receiver is there. Runs:
      full rate    the sender's sendto() loop as fast as it goes (Python's send rate).
      paced        the sender paced, in bursts of 100, at the rate the Python receiver reached in the full-rate run.
      queued       (root only) the receiver's socket is bound with SO_RCVBUFFORCE 256 MiB and the sender puts all
                   -Count datagrams in its queue before the receiver reads one: how fast each receiver drains its queue
                   when the sender does not share the CPUs with it, that is the receiver's own capacity.
    Receivers:
      NetSock      this pwsh: Receive-Datagram -LocalPort P -Count N -Timeout 2 | ForEach-Object { count, keep first
                   and last }; the stream ends at -Count or, when datagrams were lost, with the DatagramTimeout error
                   2 s after the last one, which is caught. The count is exact: the sink counts every object. The
                   queued run binds with New-NetSocket and reads with Receive-Datagram -Socket. One warm-up
                   run of 20,000 datagrams first, not counted (JIT).
      Python       /usr/bin/python3: socket(AF_INET, SOCK_DGRAM), bind, settimeout(2), recvfrom(65535) in a loop,
                   with the default receive buffer, as the course writes it (NetSock asks for 4 MiB).
    received/s is the count over the time from the first datagram to the last one, measured by the receiver
    (Datagram.Timestamp; time.perf_counter), so the 2 s timeout at the end is not counted. Lost = sent - received;
    the kernel's own count of datagrams dropped for a full receive buffer (RcvbufErrors in /proc/net/snmp, for the
    whole machine) is shown beside it. No receiver can receive faster than the sender sends: at full rate the ratio is
    bounded by the sender, and the queued run shows what each receiver could take.
.EXAMPLE
    dotnet pwsh ./build.ps1 Bench
.EXAMPLE
    dotnet pwsh ./bench/udp.ps1 -ModulePath ./out/NetSock/NetSock.psd1 -Runs 3
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [ValidateRange(1000, 10000000)] [int] $Count = 200000,
    [ValidateRange(1, 1472)] [int] $Size = 32,
    # Rounds of each run; each row shows the round with the median received/s, and Rounds lists them all.
    [ValidateRange(1, 25)] [int] $Runs = 1
)

$ErrorActionPreference = 'Stop'
$ModulePath = (Resolve-Path $ModulePath).Path
$Goal = 10
if (-not $IsLinux) { throw 'bench/udp.ps1 runs on Linux: the sender watches /proc/net/udp and the kernel counters come from /proc/net/snmp.' }
$python = '/usr/bin/python3'
if (-not (Test-Path $python)) { throw "bench/udp.ps1 needs $python (Debian's python3) for the sender and the Python receiver." }
$isRoot = (& id -u) -eq '0'

$senderCode = @'
import json, socket, sys, time
port, count, size, rate = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
needle = '0100007F:%04X' % port            # 127.0.0.1:port in /proc/net/udp
deadline = time.time() + 30
while True:
    with open('/proc/net/udp') as f:
        if any(line.split()[1] == needle for line in f.readlines()[1:]):
            break
    if time.time() > deadline:
        sys.exit('nothing bound 127.0.0.1:%d within 30 s' % port)
    time.sleep(0.002)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
payload, address, sendto = b'x' * size, ('127.0.0.1', port), s.sendto
start = time.perf_counter()
if rate <= 0:
    for _ in range(count):
        sendto(payload, address)
else:
    step, due, sent = 100 / rate, start, 0
    while sent < count:
        for _ in range(min(100, count - sent)):
            sendto(payload, address)
        sent += min(100, count - sent)
        due += step
        wait = due - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
seconds = time.perf_counter() - start
print(json.dumps({'sent': count, 'seconds': seconds}))
'@

$receiverCode = @'
import json, socket, sys, time
port, count, force = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
if force:
    s.setsockopt(socket.SOL_SOCKET, 33, force)     # SO_RCVBUFFORCE (root)
s.bind(('127.0.0.1', port))
if force:
    sys.stdin.readline()                         # queued run: read only once the sender is done
s.settimeout(2)
received, first, last = 0, 0.0, 0.0
try:
    while received < count:
        s.recvfrom(65535)
        last = time.perf_counter()
        if received == 0:
            first = last
        received += 1
except socket.timeout:
    pass
print(json.dumps({'received': received, 'seconds': last - first,
                  'rcvbuf': s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF), 'python': sys.version.split()[0]}))
'@

function Start-Child([string[]] $Arguments, [switch] $Stdin) {
    # A python3 child with its arguments passed one by one, stdout (and stdin when asked) redirected.
    $info = [Diagnostics.ProcessStartInfo]::new($python)
    foreach ($a in $Arguments) { $info.ArgumentList.Add($a) }
    $info.UseShellExecute = $false
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardInput = [bool] $Stdin
    [Diagnostics.Process]::Start($info)
}

function Wait-Child([Diagnostics.Process] $Process, [string] $What) {
    $output = $Process.StandardOutput.ReadToEndAsync()
    if (-not $Process.WaitForExit(120000)) { $Process.Kill(); throw "$What did not finish within 120 s." }
    if ($Process.ExitCode -ne 0) { throw "$What failed with exit code $($Process.ExitCode)." }
    $output.GetAwaiter().GetResult() | ConvertFrom-Json
}

function Start-Sender([int] $Port, [int] $N, [double] $Rate) {
    Start-Child @('-c', $senderCode, $Port, $N, $Size, $Rate.ToString([cultureinfo]::InvariantCulture))
}

function Get-FreePort {
    # A UDP port the kernel hands out for 127.0.0.1, released for the receiver to bind.
    $probe = [Net.Sockets.Socket]::new('InterNetwork', 'Dgram', 'Udp')
    try { $probe.Bind([Net.IPEndPoint]::new([Net.IPAddress]::Loopback, 0)); $probe.LocalEndPoint.Port } finally { $probe.Dispose() }
}

function Get-RcvbufErrors {
    # The kernel's count of UDP datagrams dropped because a receive buffer was full (whole machine).
    $udp = @(Get-Content /proc/net/snmp | Where-Object { $_ -like 'Udp:*' })
    $names = $udp[0] -split '\s+'
    [long](($udp[1] -split '\s+')[[array]::IndexOf($names, 'RcvbufErrors')])
}

Import-Module $ModulePath -Force
# What the kernel grants Receive-Datagram's socket, which asks for 4 MiB (Linux doubles it, up to net.core.rmem_max x 2).
$probe = [Net.Sockets.Socket]::new('InterNetwork', 'Dgram', 'Udp')
try { $probe.ReceiveBufferSize = 4MB; $netsockRcvbuf = $probe.ReceiveBufferSize } finally { $probe.Dispose() }

function Receive-NetSock([int] $Port, [int] $N, $Socket) {
    # Counts every Datagram object Receive-Datagram writes; keeps the first and the last for their timestamps.
    $script:n = 0; $script:first = $null; $script:last = $null
    $sink = { if ($script:n++ -eq 0) { $script:first = $_ }; $script:last = $_ }
    try {
        if ($Socket) { Receive-Datagram -Socket $Socket -Count $N -Timeout 2 | ForEach-Object $sink }
        else { Receive-Datagram -LocalPort $Port -Count $N -Timeout 2 | ForEach-Object $sink }
    }
    catch {
        if ($_.FullyQualifiedErrorId -notlike 'DatagramTimeout,*') { throw }
    }
    $seconds = if ($script:n -gt 1) { ($script:last.Timestamp - $script:first.Timestamp).TotalSeconds } else { 0 }
    [pscustomobject]@{ received = $script:n; seconds = $seconds }
}

function Measure-NetSock([double] $Rate, [switch] $Queued, [int] $N = $Count) {
    $port = Get-FreePort
    $drops = Get-RcvbufErrors
    if ($Queued) {
        $socket = New-NetSocket AF_INET SOCK_DGRAM -LocalAddress 127.0.0.1 -LocalPort $port
        try {
            $socket.Socket.SetRawSocketOption(1, 33, [BitConverter]::GetBytes([int] 256MB))    # SO_RCVBUFFORCE
            $sent = Wait-Child (Start-Sender $port $N 0) 'The sender'
            $r = Receive-NetSock -N $N -Socket $socket
            $rcvbuf = $socket.Socket.ReceiveBufferSize
        }
        finally { Close-NetSocket $socket }
    }
    else {
        $sender = Start-Sender $port $N $Rate
        try { $r = Receive-NetSock -Port $port -N $N }
        finally { if (-not $sender.HasExited) { $null = $sender.WaitForExit(10000) } }
        $sent = Wait-Child $sender 'The sender'
        $rcvbuf = $script:netsockRcvbuf
    }
    [pscustomobject]@{ Sent = $sent.sent; SendRate = $sent.sent / $sent.seconds; Received = $r.received; Seconds = $r.seconds
        Drops = (Get-RcvbufErrors) - $drops; Rcvbuf = $rcvbuf }
}

$pythonVersion = $null
function Measure-Python([double] $Rate, [switch] $Queued, [int] $N = $Count) {
    $port = Get-FreePort
    $drops = Get-RcvbufErrors
    $force = if ($Queued) { 256MB } else { 0 }
    $receiver = Start-Child @('-c', $receiverCode, $port, $N, $force) -Stdin:$Queued
    try {
        $sent = Wait-Child (Start-Sender $port $N $Rate) 'The sender'
        if ($Queued) { $receiver.StandardInput.WriteLine('go'); $receiver.StandardInput.Close() }
        $r = Wait-Child $receiver 'The Python receiver'
    }
    finally { if (-not $receiver.HasExited) { $receiver.Kill() } }
    $script:pythonVersion = $r.python
    [pscustomobject]@{ Sent = $sent.sent; SendRate = $sent.sent / $sent.seconds; Received = $r.received; Seconds = $r.seconds
        Drops = (Get-RcvbufErrors) - $drops; Rcvbuf = $r.rcvbuf }
}

function Get-Median([object[]] $Results) {
    # The round whose received/s is the median.
    @($Results | Sort-Object { if ($_.Seconds -gt 0) { $_.Received / $_.Seconds } else { 0 } })[[int][math]::Floor($Results.Count / 2)]
}
function Get-Rate($Result) { if ($Result.Seconds -gt 0) { $Result.Received / $Result.Seconds } else { 0 } }

# Warm-up: the first Receive-Datagram of the process pays for JIT compilation.
$null = Measure-NetSock -Rate 0 -N 20000

$byRun = [ordered]@{}
$full = @{ NetSock = @(); Python = @() }
foreach ($i in 1..$Runs) {
    $full.Python += Measure-Python -Rate 0
    $full.NetSock += Measure-NetSock -Rate 0
}
$byRun['full rate'] = @{ NetSock = Get-Median $full.NetSock; Python = Get-Median $full.Python; All = $full }
$pace = [math]::Round((Get-Rate $byRun['full rate'].Python))
$paced = @{ NetSock = @(); Python = @() }
foreach ($i in 1..$Runs) {
    $paced.Python += Measure-Python -Rate $pace
    $paced.NetSock += Measure-NetSock -Rate $pace
}
$byRun["paced at $('{0:N0}' -f $pace)/s"] = @{ NetSock = Get-Median $paced.NetSock; Python = Get-Median $paced.Python; All = $paced }
if ($isRoot) {
    $queued = @{ NetSock = @(); Python = @() }
    foreach ($i in 1..$Runs) {
        $queued.Python += Measure-Python -Queued
        $queued.NetSock += Measure-NetSock -Queued
    }
    $byRun['queued (capacity)'] = @{ NetSock = Get-Median $queued.NetSock; Python = Get-Median $queued.Python; All = $queued }
}

$rows = foreach ($run in $byRun.Keys) {
    $pythonRate = Get-Rate $byRun[$run].Python
    foreach ($receiver in 'NetSock', 'Python') {
        $r = $byRun[$run][$receiver]
        $rate = Get-Rate $r
        [pscustomobject]@{
            Run                = $run
            Receiver           = if ($receiver -eq 'NetSock') { 'NetSock Receive-Datagram' } else { 'Python recvfrom loop' }
            'Sent/s'           = '{0:N0}' -f $r.SendRate
            Received           = '{0:N0}' -f $r.Received
            'Received/s'       = '{0:N0}' -f $rate
            Lost               = '{0:N0} ({1:N1}%)' -f ($r.Sent - $r.Received), (100 * ($r.Sent - $r.Received) / $r.Sent)
            'Kernel drops'     = '{0:N0}' -f $r.Drops
            'SO_RCVBUF'        = '{0:N0} KiB' -f ($r.Rcvbuf / 1KB)
            'NetSock / Python' = if ($receiver -eq 'NetSock' -and $pythonRate -gt 0) { '{0:N2}x' -f ($rate / $pythonRate) } else { '' }
            Rounds             = if ($Runs -gt 1) { ($byRun[$run].All[$receiver] | ForEach-Object { '{0:N0}/s ({1:N0} lost)' -f (Get-Rate $_), ($_.Sent - $_.Received) }) -join ', ' } else { '' }
        }
    }
}

($rows | Format-Table -AutoSize | Out-String -Width 250).TrimEnd() + [Environment]::NewLine | Out-Host
"{0:N0} datagrams of {1} bytes per run on 127.0.0.1, one /usr/bin/python3 sender (Python {2}); {3} round(s) per run, the median shown." -f $Count, $Size, $pythonVersion, $Runs
"Kernel drops: RcvbufErrors in /proc/net/snmp during the run, for the whole machine."
$f = $byRun['full rate']
$ratio = (Get-Rate $f.NetSock) / [math]::Max(1, (Get-Rate $f.Python))
$fullLoss = $f.NetSock.Sent - $f.NetSock.Received
$pacedRun = $byRun[@($byRun.Keys)[1]]
$pacedLoss = $pacedRun.NetSock.Sent - $pacedRun.NetSock.Received
"Goal: received/s at least ${Goal}x Python's at full rate: {0:N2}x, {1}" -f $ratio, $(if ($ratio -ge $Goal) { 'met' } else { 'NOT met' })
"Goal: no loss at Python's send rate: {0:N0} lost at full rate, {1:N0} paced: {2}" -f $fullLoss, $pacedLoss, $(if ($fullLoss -eq 0 -and $pacedLoss -eq 0) { 'met' } else { 'NOT met' })
if ($byRun.Contains('queued (capacity)')) {
    $q = $byRun['queued (capacity)']
    "Capacity with the queue full (no sender on the CPUs): NetSock / Python {0:N2}x. No receiver outruns its sender: at full rate the ratio is bounded by Python's send rate over Python's receive rate." -f ((Get-Rate $q.NetSock) / [math]::Max(1, (Get-Rate $q.Python)))
}
