# A burst of TCP clients against a NetSock server written as the README writes a multi-client server; shared by
# tests/ServerBurst.Tests.ps1 (bounded) and bench/server-load.ps1 (longer, beside socat). Dot-source it.

if (-not ('NetSockTests.BurstClients' -as [type])) {
    Add-Type -TypeDefinition @'
using System;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace NetSockTests
{
    /// <summary>What a burst of clients saw.</summary>
    public sealed class BurstResult
    {
        public int Echoed, Reset, TimedOut, Wrong, IdleClosedByServer;
        public string FirstProblem;
        public double Seconds;
    }

    /// <summary>
    /// Clients that connect at once: idle ones first (they connect and say nothing), then active ones that each send
    /// their own pseudo-random bytes, shut down their sending side and read the echo to the end.
    /// </summary>
    public static class BurstClients
    {
        public static Task<BurstResult> Start(int port, int clients, int idle, int bytes, int limitSeconds)
        {
            return Task.Run(() => RunAsync(port, clients, idle, bytes, limitSeconds));
        }

        private static async Task<BurstResult> RunAsync(int port, int clients, int idle, int bytes, int limitSeconds)
        {
            var result = new BurstResult();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(limitSeconds));
            var idleTasks = Enumerable.Range(0, idle).Select(_ => IdleAsync(port, result, limit.Token)).ToArray();
            var active = Enumerable.Range(0, clients).Select(i => Task.Run(() => ActiveAsync(i, port, bytes, result, limit.Token))).ToArray();
            await Task.WhenAll(active.Concat(idleTasks));
            result.Seconds = clock.Elapsed.TotalSeconds;
            return result;
        }

        private static void Problem(BurstResult r, string text)
        {
            Interlocked.CompareExchange(ref r.FirstProblem, text, null);
        }

        private static async Task IdleAsync(int port, BurstResult r, CancellationToken limit)
        {
            using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await s.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), limit);
            try
            {
                if (await s.ReceiveAsync(new byte[16], SocketFlags.None, limit) == 0) Interlocked.Increment(ref r.IdleClosedByServer);
            }
            catch (Exception) { }
        }

        private static async Task ActiveAsync(int index, int port, int bytes, BurstResult r, CancellationToken limit)
        {
            var sent = new byte[bytes];
            new Random(index).NextBytes(sent);
            var got = new byte[bytes + 1];
            int n = 0;
            try
            {
                using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await s.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), limit);
                for (int at = 0; at < bytes; ) at += await s.SendAsync(sent.AsMemory(at), SocketFlags.None, limit);
                s.Shutdown(SocketShutdown.Send);
                int k;
                while (n <= bytes && (k = await s.ReceiveAsync(got.AsMemory(n), SocketFlags.None, limit)) > 0) n += k;
                if (n == bytes && got.AsSpan(0, bytes).SequenceEqual(sent)) Interlocked.Increment(ref r.Echoed);
                else { Interlocked.Increment(ref r.Wrong); Problem(r, "client " + index + " got " + n + " bytes back"); }
            }
            catch (OperationCanceledException)
            {
                Interlocked.Increment(ref r.TimedOut);
                Problem(r, "client " + index + " timed out after " + n + " bytes");
            }
            catch (SocketException e)
            {
                Interlocked.Increment(ref r.Reset);
                Problem(r, "client " + index + ": " + e.SocketErrorCode + " after " + n + " bytes");
            }
        }
    }
}
'@
}

function Invoke-ServerBurst {
    <#
    .SYNOPSIS
        Starts -Clients active and -Idle idle clients at once against -Server, serves them with the README's
        multi-client pattern (Receive-TcpConnection | ForEach-Object -Parallel with a throttle and a per-client
        -Timeout), and returns what the clients saw plus the server's warnings.
    #>
    param(
        [Parameter(Mandatory)] $Server,
        [int] $Clients = 1000,
        [int] $Idle = 0,
        [int] $Bytes = 4096,
        [int] $ThrottleLimit = 64,
        [int] $LimitSeconds = 180
    )
    $clientsTask = [NetSockTests.BurstClients]::Start($Server.LocalPort, $Clients, $Idle, $Bytes, $LimitSeconds)
    $module = Join-Path (Get-Module NetSock).ModuleBase 'NetSock.psd1'
    # The README's pattern: each client in a runspace of its own, at most -ThrottleLimit at once; a client that says
    # nothing within 5 seconds is a warning and its slot is freed; the socket is closed however its turn ends.
    $warnings = Receive-TcpConnection $Server -Count ($Clients + $Idle) -Timeout 60 | ForEach-Object -ThrottleLimit $ThrottleLimit -Parallel {
        Import-Module $using:module
        $client = $_
        try { Receive-SocketData $client -UntilClosed -AsByteStream -Timeout 5 | Send-SocketData $client }
        catch { Write-Warning "$($client.RemoteEndPoint): $($_.Exception.Message)" }
        finally { Close-NetSocket $client }
    } 3>&1
    $result = $clientsTask.GetAwaiter().GetResult()
    [pscustomobject]@{
        Echoed             = $result.Echoed
        Reset              = $result.Reset
        TimedOut           = $result.TimedOut
        Wrong              = $result.Wrong
        IdleClosedByServer = $result.IdleClosedByServer
        FirstProblem       = $result.FirstProblem
        Seconds            = $result.Seconds
        Warnings           = @($warnings | Where-Object { $_ -is [System.Management.Automation.WarningRecord] } | ForEach-Object Message)
    }
}
