<#
.SYNOPSIS
    A burst of TCP clients against the README's multi-client NetSock server, beside socat's forking echo server:
    clients served, reset and timed out, and the time to serve them all, with the ratio.
.DESCRIPTION
    The same client burst (tests/ServerBurst.ps1: -Clients connect at once on 127.0.0.1, each sends -Bytes of its own
    pseudo-random bytes, shuts down its sending side and checks the echo byte for byte; -Idle clients connect first
    and say nothing) against:
      NetSock  Start-TcpListener (default backlog: net.core.somaxconn) | Receive-TcpConnection | ForEach-Object
               -Parallel -ThrottleLimit 64, each client read with -Timeout 5 and echoed (the README's pattern).
      socat    socat -t 30 TCP-LISTEN:P,bind=127.0.0.1,fork,reuseaddr,backlog=4096 EXEC:cat — a process per client (-t 30: socat's default
               waits only 0.5 s after a client's half-close for cat's last bytes, which loses echoes under load), what a
               shell user would write (socat from Debian, installed with apt-get when missing and root).
    Each row is one burst; the time is from the first connect to the last echo. Not part of Test (the bounded test is
    tests/ServerBurst.Tests.ps1: 1,000 clients).
.EXAMPLE
    dotnet pwsh ./bench/server-load.ps1 -ModulePath ./out/NetSock/NetSock.psd1 -Clients 3000
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [int] $Clients = 3000,
    [int] $Idle = 5,
    [int] $Bytes = 4096,
    [int] $ThrottleLimit = 64
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath -Force
. (Join-Path $PSScriptRoot '../tests/ServerBurst.ps1')

function Format-Row([string] $Name, $Run, [int] $Total) {
    [pscustomobject]@{
        Server    = $Name
        Clients   = $Total
        Echoed    = $Run.Echoed
        Reset     = $Run.Reset
        TimedOut  = $Run.TimedOut
        Wrong     = $Run.Wrong
        Seconds   = [math]::Round($Run.Seconds, 2)
        'Clients/s' = [math]::Round($Run.Echoed / [math]::Max($Run.Seconds, 0.001), 0)
    }
}

$rows = @()
$server = Start-TcpListener
try {
    $netsock = Invoke-ServerBurst -Server $server -Clients $Clients -Idle $Idle -Bytes $Bytes -ThrottleLimit $ThrottleLimit -LimitSeconds 600
}
finally { $server | Close-NetSocket }
$rows += Format-Row 'NetSock (README pattern)' $netsock $Clients

if (-not (Get-Command socat -ErrorAction Ignore) -and (& id -u) -eq '0') {
    $env:DEBIAN_FRONTEND = 'noninteractive'
    apt-get install -y -qq socat | Out-Null
}
if (Get-Command socat -ErrorAction Ignore) {
    $probe = Start-TcpListener; $port = $probe.LocalPort; $probe | Close-NetSocket
    $socat = Start-Process socat -ArgumentList '-t', '30', "TCP-LISTEN:$port,bind=127.0.0.1,fork,reuseaddr,backlog=4096", 'EXEC:cat' -PassThru
    try {
        Start-Sleep -Milliseconds 300
        $run = [NetSockTests.BurstClients]::Start($port, $Clients, 0, $Bytes, 600).GetAwaiter().GetResult()
        $rows += Format-Row 'socat fork EXEC:cat' $run $Clients
    }
    finally { Stop-Process -Id $socat.Id -ErrorAction Ignore; Get-Process socat -ErrorAction Ignore | Where-Object { $_.Parent.Id -eq $socat.Id } | Stop-Process }
}
else { Write-Warning 'socat is not installed (apt-get install socat): its row is left out.' }

$rows | Format-Table -AutoSize | Out-Host
if ($rows.Count -eq 2) {
    $ratio = $rows[0].'Clients/s' / [math]::Max($rows[1].'Clients/s', 1)
    Write-Host ('NetSock / socat, clients served per second: {0:N2}x (NetSock also timed out {1} idle clients of its own)' -f $ratio, $Idle)
}
