<#
.SYNOPSIS
    Bulk TCP transfer over loopback: GB/s of NetSock's cmdlets moving the same -Size bytes (2 GiB by default) as
    socat and Python, the tools a user would otherwise pick, side by side in one run. Goal: NetSock at least 0.9 times
    socat -b 1048576.
.DESCRIPTION
    Every row moves -Size bytes from a sender process to a receiver process over 127.0.0.1, in 1 MiB writes:
      NetSock       the receiver is this pwsh: Start-TcpListener -Port 0, Receive-TcpConnection, then
                    Receive-SocketData -UntilClosed -AsByteStream -MaximumBytes 1MB | ForEach-Object { $sum += $_.Length };
                    the sender is a child pwsh: Connect-TcpEndpoint, a reused 1 MiB byte[] sent -Size/1MiB times from
                    the pipeline (@(,$buffer) * $count | Send-SocketData $socket), then Close-NetSocket.
                    Timed from the accepted connection to the peer's close; the sum and BytesReceived are checked.
      socat -b 1M   socat -u -b 1048576 TCP-LISTEN:port,bind=127.0.0.1,reuseaddr OPEN:/dev/null, fed by
                    socat -u -b 1048576 OPEN:/dev/zero,readbytes=Size TCP:127.0.0.1:port. Timed from the sender's start
                    to both processes' exit. (head -c 2G /dev/zero | socat ... puts a pipe and a third process in the
                    way: on a 2-CPU machine that row measures the pipe, about 1.1 GB/s, not TCP.)
      socat         the same with socat's default 8 KiB buffer.
      Python        one python3 run per transfer: the parent listens, forks a sender that calls sendall() on a 1 MiB
                    bytes object, and times recv(1048576) from accept to EOF.
    Rounds are interleaved (one transfer of each tool per round) so that a busy moment of the machine hits every row;
    the first round is a warm-up and is not counted; each row shows the median of -Runs rounds.
    socat comes from Debian, installed here with apt-get when run as root.
.EXAMPLE
    dotnet pwsh ./build.ps1 Bench
.EXAMPLE
    dotnet pwsh ./bench/tcp.ps1 -ModulePath ./out/NetSock/NetSock.psd1 -Runs 5
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [ValidateRange(1, 50)] [int] $Runs = 3,
    # Bytes each transfer moves: a whole number of MiB, 2 GiB by default.
    [ValidateRange(1MB, 1TB)] [long] $Size = 2GB
)

$ErrorActionPreference = 'Stop'
$ModulePath = (Resolve-Path $ModulePath).Path
$Goal = 0.9
$Chunk = 1MB
if ($Size % $Chunk) { throw "-Size must be a whole number of MiB (1 MiB writes); $Size is not." }
$count = [int]($Size / $Chunk)

function Start-Child([string] $Exe, [string[]] $Arguments) {
    # A child process with its arguments passed one by one (no re-quoting).
    $info = [Diagnostics.ProcessStartInfo]::new($Exe)
    foreach ($a in $Arguments) { $info.ArgumentList.Add($a) }
    $info.UseShellExecute = $false
    [Diagnostics.Process]::Start($info)
}

function Wait-Child([Diagnostics.Process] $Process, [string] $What, [int] $Seconds = 600) {
    if (-not $Process.WaitForExit($Seconds * 1000)) {
        $Process.Kill()
        throw "$What did not finish within $Seconds s."
    }
    if ($Process.ExitCode -ne 0) { throw "$What failed with exit code $($Process.ExitCode)." }
}

function Get-FreePort {
    # A port the kernel hands out for 127.0.0.1; socat binds it with reuseaddr right after.
    $probe = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
    $probe.Start()
    try { $probe.LocalEndpoint.Port } finally { $probe.Stop() }
}

function Wait-Listening([int] $Port) {
    $deadline = [DateTime]::UtcNow.AddSeconds(10)
    while ([DateTime]::UtcNow -lt $deadline) {
        $listeners = [Net.NetworkInformation.IPGlobalProperties]::GetIPGlobalProperties().GetActiveTcpListeners()
        if ($listeners | Where-Object Port -eq $Port) { return }
        Start-Sleep -Milliseconds 10
    }
    throw "Nothing listens on 127.0.0.1:$Port after 10 s."
}

# NetSock: this pwsh receives through the cmdlets; a child pwsh (started the way this one was) sends through them.
Import-Module $ModulePath -Force
$pwsh = [Environment]::ProcessPath
$pre = @(if ((Split-Path $pwsh -Leaf) -like 'dotnet*') { Join-Path $PSHOME 'pwsh.dll' })
function Measure-NetSock([switch] $OutFile) {
    $listener = Start-TcpListener -Port 0
    $sender = $null
    try {
        $send = "`$ErrorActionPreference = 'Stop'; Import-Module '$ModulePath'; `$buffer = [byte[]]::new($Chunk); " +
        "`$socket = Connect-TcpEndpoint 127.0.0.1 $($listener.LocalPort); @(,`$buffer) * $count | Send-SocketData `$socket -Timeout 60; Close-NetSocket `$socket"
        $sender = Start-Child $pwsh ($pre + @('-NoProfile', '-NonInteractive', '-Command', $send))
        $socket = Receive-TcpConnection $listener -Timeout 60
        $sum = 0L
        $sw = [Diagnostics.Stopwatch]::StartNew()
        if ($OutFile) {
            Receive-SocketData $socket -OutFile /dev/null -MaximumBytes 1MB -Timeout 60
            $sum = $socket.BytesReceived
        }
        else {
            Receive-SocketData $socket -UntilClosed -AsByteStream -MaximumBytes 1MB -Timeout 60 | ForEach-Object { $sum += $_.Length }
        }
        $sw.Stop()
        $received = $socket.BytesReceived
        Close-NetSocket $socket
        Wait-Child $sender 'The NetSock sender'
        if ($sum -ne $Size -or $received -ne $Size) { throw "NetSock received $sum bytes in chunks ($received counted by the socket), not $Size." }
        $Size / $sw.Elapsed.TotalSeconds / 1e9
    }
    finally {
        Close-NetSocket $listener
        if ($sender -and -not $sender.HasExited) { $sender.Kill() }
    }
}

# socat, from Debian, installed here when root.
Import-Module (Join-Path $PSScriptRoot 'BenchTools.psm1') -Force
Install-BenchTool -Package socat -Test { Get-Command socat -ErrorAction Ignore }
$socat = (Get-Command socat -ErrorAction Ignore).Source
function Measure-Socat([string[]] $Buffer) {
    $port = Get-FreePort
    $receiver = Start-Child $socat (@('-u') + $Buffer + @("TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr", 'OPEN:/dev/null'))
    $sender = $null
    try {
        Wait-Listening $port
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $sender = Start-Child $socat (@('-u') + $Buffer + @("OPEN:/dev/zero,readbytes=$Size", "TCP:127.0.0.1:$port"))
        Wait-Child $sender 'The socat sender'
        Wait-Child $receiver 'The socat receiver'
        $sw.Stop()
        $Size / $sw.Elapsed.TotalSeconds / 1e9
    }
    finally {
        foreach ($p in $sender, $receiver) { if ($p -and -not $p.HasExited) { $p.Kill() } }
    }
}

# Python: sendall() and recv() with 1 MiB buffers, sender and receiver in two processes (fork).
$python = @('python3', '/usr/bin/python3') | Where-Object { Get-Command $_ -ErrorAction Ignore } | Select-Object -First 1
$pythonBench = @'
import json, os, socket, sys, time
size, chunk = int(sys.argv[1]), 1 << 20
listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.bind(('127.0.0.1', 0))
listener.listen(10)
port = listener.getsockname()[1]
pid = os.fork()
if pid == 0:
    listener.close()
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.connect(('127.0.0.1', port))
    data = bytes(chunk)
    for _ in range(size // chunk):
        s.sendall(data)
    s.close()
    os._exit(0)
conn, _ = listener.accept()
total, start = 0, time.perf_counter()
while True:
    b = conn.recv(chunk)
    if not b:
        break
    total += len(b)
seconds = time.perf_counter() - start
conn.close()
_, status = os.waitpid(pid, 0)
assert status == 0 and total == size, (status, total)
print(json.dumps({'seconds': seconds, 'bytes': total, 'python': sys.version.split()[0]}))
'@
$pythonVersion = $null
function Measure-Python {
    $text = & $python -c $pythonBench $Size
    if ($LASTEXITCODE -ne 0) { throw "The Python benchmark failed with exit code $LASTEXITCODE." }
    $r = $text | Select-Object -Last 1 | ConvertFrom-Json
    $script:pythonVersion = $r.python
    $r.bytes / $r.seconds / 1e9
}

$tools = [ordered]@{
    'NetSock: Send-SocketData -> Receive-SocketData -OutFile /dev/null' = { Measure-NetSock -OutFile }
    'NetSock: Send-SocketData -> Receive-SocketData -AsByteStream' = { Measure-NetSock }
}
if ($socat) {
    $tools['socat -b 1048576'] = { Measure-Socat @('-b', '1048576') }
    $tools['socat (default buffer, 8 KiB)'] = { Measure-Socat @() }
}
if ($python) { $tools['Python: sendall/recv, 1 MiB'] = { Measure-Python } }

$results = [ordered]@{}
foreach ($name in $tools.Keys) { $results[$name] = [Collections.Generic.List[double]]::new() }
foreach ($round in 0..$Runs) {
    foreach ($name in $tools.Keys) {
        $rate = & $tools[$name]
        if ($round -gt 0) { $results[$name].Add($rate) }
    }
}

function Get-Median([double[]] $Values) { @($Values | Sort-Object)[[int][math]::Floor($Values.Count / 2)] }
$median = [ordered]@{}
foreach ($name in $results.Keys) { $median[$name] = Get-Median $results[$name] }
$reference = if ($socat) { $median['socat -b 1048576'] }
$rows = foreach ($name in $median.Keys) {
    [pscustomobject]@{
        Tool             = $name
        'GB/s'           = '{0:N2}' -f $median[$name]
        Rounds           = ($results[$name] | ForEach-Object { $_.ToString('N2') }) -join ' '
        'vs socat -b 1M' = if ($reference) { '{0:N2}x' -f ($median[$name] / $reference) } else { 'n/a' }
    }
}

($rows | Format-Table -AutoSize | Out-String -Width 200).TrimEnd() + [Environment]::NewLine | Out-Host
"{0:N2} GiB per transfer over 127.0.0.1 in 1 MiB writes; median of {1} rounds after a warm-up round; {2} CPUs." -f ($Size / 1GB), $Runs, [Environment]::ProcessorCount
if ($python) { "Python $pythonVersion." }
if ($reference) {
    $ratio = $median[@($median.Keys)[0]] / $reference
    "Ratio NetSock / socat -b 1048576: {0:N2} (goal >= {1}): {2}" -f $ratio, $Goal, $(if ($ratio -ge $Goal) { 'met' } else { 'NOT met' })
}
else {
    'socat is not installed (Debian package socat), so there is no ratio.'
}
