<#
.SYNOPSIS
    Raw packet injection: packets per second of NetSock's Send-RawPacket flooding one IPv4/UDP packet with a 32-byte
    payload (60 bytes at IP), beside hping3 --flood and Scapy's send(), the tools a user would otherwise pick, counted
    where the packets arrive. Goal: NetSock at least as fast as hping3.
.DESCRIPTION
    One run of each sender, all with the same packet, IPv4/UDP to port -Port with 32 bytes of payload (hping3 fills its
    payload with 'X', the others with 'x'), toward a sink on a link of its own, made for the run and removed in finally:
      veth (default)  two network namespaces joined by a veth pair: the senders run in the first (198.18.0.1), the sink
                      is in the second (198.18.0.2). IPv6 is off in both and the sender has a permanent neighbour entry
                      for the sink, so no ARP or neighbour discovery crosses the link during a run.
      lo (-Link lo)   one network namespace with only its lo, sender and sink on 127.0.0.1.
    The sink is a UDP socket bound to the port (a /usr/bin/python3 that never reads it), so the kernel answers nothing
    (no ICMP port unreachable) and drops what does not fit in its buffer. The same python3 process is the counter: asked
    on its stdin, it reads its own namespace's counters and the time (time.monotonic) together:
      veth  the UDP datagrams that arrived in the sink's namespace, InDatagrams + NoPorts + InErrors of /proc/net/snmp
            (InErrors includes the buffer-full drops): exact, nothing else sends UDP in that namespace. Linux counts a
            queued datagram in InDatagrams only when it is read, so the sink fills its own buffer first (datagrams
            it sends itself until the kernel drops one, before any counting): from then on each datagram that
            arrives is a drop, counted at once.
      lo    the packets lo received (/proc/net/dev): exact too, nothing else uses that namespace's lo. UDP counters
            would not do on lo: Linux drops an IPv4 packet from 127.0.0.0/8 that comes in at layer 2 (an AF_PACKET
            frame: Send-RawPacket -Interface lo, and Scapy's send(), which writes frames with its L3PacketSocket) as a
            martian after lo has counted it and before UDP sees it.
    The senders, each in the sender's namespace (ip netns exec):
      NetSock L3   Send-RawPacket $p -Count -Count (1,000,000 by default): layer 3, a raw IP socket, copies sent in
                   batches with sendmmsg. Timed in a fresh child pwsh after Import-Module and after the packet is made,
                   with a Stopwatch around the one command (its start-up, socket open and JIT included); as
                   bench/capture.ps1 times its child, pwsh start-up and Import-Module are left out.
      NetSock L2   the same with -Interface (the veth end, or lo): layer 2, an AF_PACKET socket, an Ethernet header
                   put under the packet.
      hping3       hping3 --flood --udp -p P -d 32 <sink>, which runs until it is killed: after a 1 s warm-up the
                   sink's counter is read, again -Seconds later, then hping3 gets SIGINT and prints "N packets
                   transmitted". Its packets/s is the counter's increase over the time between the two readings
                   (steady state: its start-up is left out). hping3 comes from Debian (apt-get, when missing).
      Scapy        send(IP(dst=sink)/UDP(dport=P)/Raw(b'x'*32), count=-ScapyCount, verbose=0), timed with
                   time.perf_counter around the call only (Scapy sends 1,000 to 2,000 packets/s, so it sends fewer).
    For every row, packets/s is what reached the sink over the time measured (for NetSock and Scapy, the counter's
    increase from before the run to after it, over the time of the send); "Sent" is the sender's own count (NetSock's
    "Sent N packets.", hping3's "N packets transmitted", Scapy's count) beside what the counter saw.
    Needs root (raw sockets and namespaces); without it, the script says so and does nothing. Only addresses of the
    benchmarking range 198.18.0.0/15 in namespaces it creates, or 127.0.0.1 inside one, are used.
.EXAMPLE
    dotnet pwsh ./build.ps1 Bench
.EXAMPLE
    dotnet pwsh ./bench/send.ps1 -ModulePath ./out/NetSock/NetSock.psd1 -Link lo -Seconds 10
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    # Packets NetSock sends in each of its rows.
    [ValidateRange(1000, 1000000000)] [long] $Count = 1000000,
    # How long hping3's packets are counted, after its 1 s warm-up.
    [ValidateRange(1, 600)] [double] $Seconds = 5,
    # Packets Scapy sends (it is some 100 times slower).
    [ValidateRange(100, 10000000)] [int] $ScapyCount = 10000,
    [ValidateRange(1024, 65535)] [int] $Port = 47124,
    # The link between sender and sink: a veth pair between two namespaces, or the lo of one namespace.
    [ValidateSet('veth', 'lo')] [string] $Link = 'veth'
)

$ErrorActionPreference = 'Stop'
$ModulePath = (Resolve-Path $ModulePath).Path
$Goal = 1
if (-not $IsLinux -or (& id -u) -ne '0') { 'bench/send.ps1 skipped: sending raw packets and making network namespaces needs root on Linux.'; return }
if (-not (Get-Command ip -ErrorAction Ignore)) { throw 'bench/send.ps1 needs ip(8) (Debian''s iproute2) to make its namespaces.' }
$python = '/usr/bin/python3'
if (-not (Test-Path $python)) { throw "bench/send.ps1 needs $python (Debian's python3) for the sink." }

Import-Module (Join-Path $PSScriptRoot 'BenchTools.psm1') -Force
Install-BenchTool -Package hping3 -Test { [bool](Get-Command hping3 -ErrorAction Ignore) }
$hping3 = (Get-Command hping3 -ErrorAction Ignore).Source
$scapyPython = Get-ScapyPython

# The pwsh that runs this script, started the same way (dotnet pwsh.dll, or the pwsh apphost).
$pwsh = [Environment]::ProcessPath
$pre = @(if ((Split-Path $pwsh -Leaf) -like 'dotnet*') { Join-Path $PSHOME 'pwsh.dll' })

function Invoke-Ip {
    # Runs ip(8) with these arguments and throws with its message when it fails.
    $out = & ip @args 2>&1
    if ($LASTEXITCODE -ne 0) { throw "ip $($args -join ' ') failed (exit $LASTEXITCODE): $out" }
    $out
}

function Start-NetnsProcess([string] $Namespace, [string[]] $Command, [switch] $Stdin) {
    # A process in a namespace; ip netns exec runs it in place, so the Id is the command's own.
    $info = [Diagnostics.ProcessStartInfo]::new('ip')
    foreach ($a in @('netns', 'exec', $Namespace) + $Command) { $info.ArgumentList.Add($a) }
    $info.UseShellExecute = $false
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $info.RedirectStandardInput = [bool] $Stdin
    [Diagnostics.Process]::Start($info)
}

# The sink: binds the UDP port and never reads it; each line on stdin gets back "<packets counted> <monotonic time>".
$sinkCode = @'
import socket, sys, time
address, port, mode, device = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
sink = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sink.bind((address, port))
def udp():
    rows = [line.split() for line in open('/proc/net/snmp') if line.startswith('Udp:')]
    return dict(zip(rows[0][1:], map(int, rows[1][1:])))
# Linux counts a queued datagram in InDatagrams only when it is read, and this sink reads none: fill its buffer first,
# until the kernel drops one, so that from then on every datagram that arrives is a drop, counted in InErrors at once.
filler = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
errors = udp()['InErrors']
for _ in range(100000):
    filler.sendto(b'x' * 32, (address, port))
    if udp()['InErrors'] > errors:
        break
else:
    raise SystemExit('the sink buffer did not fill')
filler.close()
def counted():
    if mode == 'udp':        # UDP datagrams that arrived in this namespace: queued (read or not), refused, dropped
        u = udp()
        return u['InDatagrams'] + u['NoPorts'] + u['InErrors']
    for line in open('/proc/net/dev'):   # packets the device received
        name, _, rest = line.partition(':')
        if name.strip() == device:
            return int(rest.split()[1])
    raise SystemExit('no device ' + device)
print('ready', flush=True)
for _ in sys.stdin:
    print(counted(), repr(time.monotonic()), flush=True)
'@

function Read-Sink {
    # The sink's counter and the time it was read, in seconds.
    $script:sink.StandardInput.WriteLine('count')
    $script:sink.StandardInput.Flush()
    $line = $script:sink.StandardOutput.ReadLine()
    if (-not $line) { throw "The sink stopped: $($script:sink.StandardError.ReadToEnd())" }
    $n, $t = $line -split ' '
    [pscustomobject]@{ Count = [long]$n; Time = [double]::Parse($t, [cultureinfo]::InvariantCulture) }
}

function Measure-NetSock([string] $Interface) {
    # Send-RawPacket in a fresh pwsh in the sender's namespace; only the command is timed.
    $iface = if ($Interface) { "-Interface '$Interface'" } else { '' }
    $child = @"
`$ErrorActionPreference = 'Stop'
`$ProgressPreference = 'SilentlyContinue'
Import-Module '$ModulePath'
`$p = New-Packet IPv4 -Destination $destination | New-Packet Udp -DestinationPort $Port | New-Packet Raw -Load ('x' * 32)
`$sw = [Diagnostics.Stopwatch]::StartNew()
`$said = Send-RawPacket `$p -Count $Count $iface -Verbose 4>&1
`$sw.Stop()
`$sent = @(`$said | ForEach-Object { if ("`$_" -match '^Sent (\d+) packets') { `$Matches[1] } }) | Select-Object -Last 1
'{0} {1}' -f `$sent, `$sw.Elapsed.TotalSeconds.ToString([cultureinfo]::InvariantCulture)
"@
    $before = Read-Sink
    $out = & ip netns exec $sender $pwsh @pre -NoProfile -NonInteractive -Command $child
    if ($LASTEXITCODE -ne 0) { throw "The NetSock child pwsh failed with exit code $LASTEXITCODE." }
    Start-Sleep -Milliseconds 500      # what is still on its way to the sink
    $after = Read-Sink
    $sent, $time = ($out | Select-Object -Last 1) -split ' '
    $seconds = [double]::Parse($time, [cultureinfo]::InvariantCulture)
    $arrived = $after.Count - $before.Count
    [pscustomobject]@{ Sent = [long]$sent; Arrived = $arrived; Seconds = $seconds; Rate = $arrived / $seconds }
}

function Measure-Hping3 {
    $before = Read-Sink
    $process = Start-NetnsProcess $sender @($hping3, '--flood', '--udp', '-p', "$Port", '-d', '32', $destination)
    $stdout = $process.StandardOutput.ReadToEndAsync()
    $stderr = $process.StandardError.ReadToEndAsync()
    try {
        Start-Sleep -Seconds 1                    # warm-up: hping3 resolves and opens its sockets
        if ($process.HasExited) { throw "hping3 ended at once (exit code $($process.ExitCode)): $($stderr.Result) $($stdout.Result)" }
        $first = Read-Sink
        Start-Sleep -Milliseconds ([int]($Seconds * 1000))
        $second = Read-Sink
    }
    finally {
        if (-not $process.HasExited) { & kill -INT $process.Id }
        if (-not $process.WaitForExit(10000)) { $process.Kill() }
    }
    Start-Sleep -Milliseconds 500
    $after = Read-Sink
    $text = "$($stdout.Result)`n$($stderr.Result)"
    $sent = if ($text -match '(\d+) packets transmitted') { [long]$Matches[1] } else { throw "hping3 printed no 'packets transmitted' line: $text" }
    [pscustomobject]@{ Sent = $sent; Arrived = $after.Count - $before.Count; Seconds = $second.Time - $first.Time
        Rate = ($second.Count - $first.Count) / ($second.Time - $first.Time) }
}

function Measure-Scapy {
    $code = @'
import sys, time
from scapy.all import IP, UDP, Raw, send
destination, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
packet = IP(dst=destination)/UDP(dport=port)/Raw(b'x' * 32)
start = time.perf_counter()
send(packet, count=count, verbose=0)
print(repr(time.perf_counter() - start))
'@
    $before = Read-Sink
    $out = & ip netns exec $sender $scapyPython -c $code $destination $Port $ScapyCount 2>$null
    if ($LASTEXITCODE -ne 0) { throw "The Scapy sender failed with exit code $LASTEXITCODE (run it again without 2>`$null to see why)." }
    Start-Sleep -Milliseconds 500
    $after = Read-Sink
    $seconds = [double]::Parse(($out | Select-Object -Last 1), [cultureinfo]::InvariantCulture)
    $arrived = $after.Count - $before.Count
    [pscustomobject]@{ Sent = [long]$ScapyCount; Arrived = $arrived; Seconds = $seconds; Rate = $arrived / $seconds }
}

$tag = [guid]::NewGuid().ToString('n').Substring(0, 8)
$sender = "nsbench-$tag-a"
$sinkNs = if ($Link -eq 'veth') { "nsbench-$tag-b" } else { $sender }
$linkA = "vb$tag" + 'a'
$linkB = "vb$tag" + 'b'
$made = [Collections.Generic.List[string]]::new()
$sink = $null
try {
    # The link: namespaces with IPv6 off (no neighbour discovery, router solicitations or MLD on the link).
    foreach ($ns in @($sender, $sinkNs) | Select-Object -Unique) {
        $null = Invoke-Ip netns add $ns
        $made.Add($ns)
        $null = & ip netns exec $ns sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
        $null = Invoke-Ip -n $ns link set lo up
    }
    if ($Link -eq 'veth') {
        $destination = '198.18.0.2'
        $interface = $linkA
        $null = Invoke-Ip link add $linkA netns $sender type veth peer name $linkB netns $sinkNs
        $null = Invoke-Ip -n $sender addr add 198.18.0.1/24 dev $linkA
        $null = Invoke-Ip -n $sinkNs addr add 198.18.0.2/24 dev $linkB
        $null = Invoke-Ip -n $sender link set $linkA up
        $null = Invoke-Ip -n $sinkNs link set $linkB up
        $mac = ((Invoke-Ip -n $sinkNs -j link show dev $linkB) | ConvertFrom-Json)[0].address
        $null = Invoke-Ip -n $sender neigh replace 198.18.0.2 lladdr $mac dev $linkA nud permanent
        $deadline = [datetime]::UtcNow.AddSeconds(10)
        while (-not ((& ip -n $sender -o link show $linkA 2>$null) -match 'LOWER_UP')) {
            if ([datetime]::UtcNow -gt $deadline) { throw "$linkA did not come up within 10 s." }
            Start-Sleep -Milliseconds 20
        }
        $counting = 'udp'
        $where = "a veth pair between namespaces $sender (198.18.0.1, the senders) and $sinkNs (198.18.0.2, the sink)"
        $how = "the UDP datagrams that arrived in $sinkNs (InDatagrams + NoPorts + InErrors of its /proc/net/snmp)"
    }
    else {
        $destination = '127.0.0.1'
        $interface = 'lo'
        $counting = 'dev'
        $where = "the lo of namespace $sender, to 127.0.0.1"
        $how = 'the packets lo received in that namespace (/proc/net/dev; Linux drops the layer-2 ones from 127.0.0.0/8 as martians after counting them)'
    }

    $script:sink = Start-NetnsProcess $sinkNs @($python, '-u', '-c', $sinkCode, $destination, "$Port", $counting, $(if ($Link -eq 'veth') { $linkB } else { 'lo' })) -Stdin
    if ($sink.StandardOutput.ReadLine() -ne 'ready') { throw "The sink did not start: $($sink.StandardError.ReadToEnd())" }

    $rows = [ordered]@{}
    $rows["NetSock: Send-RawPacket `$p -Count $Count (layer 3)"] = Measure-NetSock
    $rows["NetSock: Send-RawPacket `$p -Count $Count -Interface $interface (layer 2)"] = Measure-NetSock -Interface $interface
    $hpingName = "hping3 --flood --udp -p $Port -d 32 $destination"
    $rows[$hpingName] = if ($hping3) { Measure-Hping3 }
    $scapyName = "Scapy: send(IP(dst='$destination')/UDP(dport=$Port)/Raw(b'x'*32), count=$ScapyCount)"
    $rows[$scapyName] = if ($scapyPython) { Measure-Scapy }

    $netsock = @($rows.Values)[0].Rate
    $layer2 = @($rows.Values)[1].Rate
    $hping = if ($rows[$hpingName]) { $rows[$hpingName].Rate }
    $table = foreach ($name in $rows.Keys) {
        $r = $rows[$name]
        [pscustomobject]@{
            Sender           = $name
            'Packets/s'      = if ($r) { '{0:N0}' -f $r.Rate } else { 'n/a' }
            Sent             = if ($r) { '{0:N0}' -f $r.Sent } else { '' }
            'Reached sink'   = if ($r) { '{0:N0}' -f $r.Arrived } else { '' }
            Seconds          = if ($r) { '{0:N2}' -f $r.Seconds } else { '' }
            'NetSock / this' = if (-not $r -or $name -like 'NetSock*') { '' }
                               elseif ($name -eq $hpingName) { '{0:N2}x (goal >= {1}x: {2}); layer 2: {3:N2}x' -f ($netsock / $r.Rate), $Goal, $(if ($netsock / $r.Rate -ge $Goal) { 'met' } else { 'NOT met' }), ($layer2 / $r.Rate) }
                               else { '{0:N1}x; layer 2: {1:N1}x' -f ($netsock / $r.Rate), ($layer2 / $r.Rate) }
        }
    }
    ($table | Format-Table -AutoSize | Out-String -Width 250).TrimEnd() + [Environment]::NewLine | Out-Host
    "One IPv4/UDP packet with a 32-byte payload (60 bytes at IP) to port $Port over $where; one run of each sender."
    "Counted where it arrives: $how, read before and after each run (hping3: after its 1 s warm-up and $Seconds s later)."
    "NetSock timed in a fresh pwsh around the one command (pwsh start-up and Import-Module left out); Scapy around send(); hping3 over the counting window."
    "NetSock layer 2 / layer 3: {0:N2}x." -f ($layer2 / $netsock)
    "Goal: NetSock (layer 3) at least hping3's packets/s: " +
    $(if (-not $hping) { 'n/a (hping3 is not installed)' } else { '{0:N2}x, {1}' -f ($netsock / $hping), $(if ($netsock / $hping -ge $Goal) { 'met' } else { 'NOT met' }) })
}
finally {
    if ($sink) {
        try { if (-not $sink.HasExited) { $sink.Kill() } } catch [InvalidOperationException] { }
        $sink.Dispose()
    }
    foreach ($ns in $made) { & ip netns del $ns 2>$null }
}
