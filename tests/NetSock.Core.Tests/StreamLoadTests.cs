using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using NetSock.Sockets;
using Xunit.Abstractions;

namespace NetSock.Tests;

/// <summary>
/// Load on the stream core: 1,000 clients connect at once to one loopback listener, each sends 64 KiB of its own
/// pseudo-random bytes and checks the echo byte for byte (no client sends before all 1,000 are connected, so they
/// really are concurrent). Nothing may be lost, every socket must be closed at the end
/// (the registry is empty), and the whole run is bounded by one CancellationToken, so a stuck connection fails the
/// test instead of hanging it.
/// </summary>
public sealed class StreamLoadTests : IDisposable
{
    private const int Clients = 1000;
    private const int BytesPerClient = 64 * 1024;
    private const int Backlog = 1024;
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);

    private readonly SocketRegistry _registry = new();
    private readonly Guid _owner = Guid.NewGuid();
    private readonly ITestOutputHelper _output;
    private readonly TaskCompletionSource _allConnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _connected;
    private int _openWhenAllConnected;

    public StreamLoadTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => _registry.CloseOwnedBy(_owner);

    private sealed record ClientResult(int Index, int Received, bool Identical);

    [Fact]
    public async Task AThousandConcurrentClientsEachGetTheir64KiBEchoedByteForByteAndNoSocketIsLeftOpen()
    {
        using var deadline = new CancellationTokenSource(Limit);
        var clock = Stopwatch.StartNew();
        var listener = StreamSockets.Listen(
            new SocketSpec(AddressFamily.InterNetwork, SocketType.Stream) { LocalAddress = IPAddress.Loopback, LocalPort = 0 },
            Backlog, _registry, _owner);
        int port = listener.LocalPort;

        var server = Task.Run(() => ServeAsync(listener, deadline.Token));
        var clients = Enumerable.Range(0, Clients).Select(i => Task.Run(() => ClientAsync(i, port, deadline.Token))).ToArray();

        // WaitAsync: even an operation that ignored the token could not keep the test past the limit.
        ClientResult[] results = await Task.WhenAll(clients).WaitAsync(Limit + TimeSpan.FromSeconds(10));
        long echoed = await server.WaitAsync(Limit + TimeSpan.FromSeconds(10));
        listener.Close();
        clock.Stop();

        Assert.Equal(Clients, results.Length);
        Assert.True(_openWhenAllConnected >= Clients + 1, $"only {_openWhenAllConnected} sockets were open when the last client connected");
        Assert.Empty(results.Where(r => r.Received != BytesPerClient).Select(r => $"client {r.Index} got {r.Received} bytes back"));
        Assert.Empty(results.Where(r => !r.Identical).Select(r => $"client {r.Index} got other bytes back"));
        Assert.Equal((long)Clients * BytesPerClient, echoed);
        Assert.Equal((long)Clients * BytesPerClient, results.Sum(r => (long)r.Received));
        Assert.Empty(_registry.List());
        Assert.True(clock.Elapsed < Limit, $"took {clock.Elapsed}");
        _output.WriteLine($"{_openWhenAllConnected} sockets open at once; {Clients} clients x {BytesPerClient / 1024} KiB echoed in {clock.Elapsed.TotalSeconds:0.00} s " +
                          $"({2.0 * Clients * BytesPerClient / clock.Elapsed.TotalSeconds / 1e6:0.0} MB/s both ways) on {Environment.ProcessorCount} cores");
    }

    /// <summary>accept() each client and echo what it sends until it shuts down its side; returns the bytes echoed.</summary>
    private async Task<long> ServeAsync(NetSocket listener, CancellationToken cancel)
    {
        var echoes = new List<Task<long>>(Clients);
        for (int i = 0; i < Clients; i++)
        {
            var connection = await StreamSockets.AcceptAsync(listener, _registry, _owner, timeout: null, cancel);
            echoes.Add(Task.Run(() => EchoAsync(connection, cancel)));
        }
        return (await Task.WhenAll(echoes)).Sum();
    }

    private static async Task<long> EchoAsync(NetSocket connection, CancellationToken cancel)
    {
        var buffer = new byte[16 * 1024];
        long total = 0;
        try
        {
            while (true)
            {
                int n = await StreamSockets.ReceiveAsync(connection, buffer, timeout: null, cancel);
                if (n == 0) return total;
                await StreamSockets.SendAsync(connection, buffer.AsMemory(0, n), timeout: null, cancel);
                total += n;
            }
        }
        finally
        {
            connection.Close();
        }
    }

    /// <summary>connect(), send 64 KiB while reading the echo, shut down the sending side, read to the server's close.</summary>
    private async Task<ClientResult> ClientAsync(int index, int port, CancellationToken cancel)
    {
        var data = new byte[BytesPerClient];
        new Random(index).NextBytes(data);
        BinaryPrimitives.WriteInt32LittleEndian(data, index);      // no two clients send the same bytes

        var socket = await StreamSockets.ConnectAsync("127.0.0.1", port, local: null, _registry, _owner, timeout: null, cancel);
        try
        {
            if (Interlocked.Increment(ref _connected) == Clients)
            {
                _openWhenAllConnected = _registry.List().Count;
                _allConnected.TrySetResult();
            }
            await _allConnected.Task.WaitAsync(cancel);
            var sending = Task.Run(async () =>
            {
                await StreamSockets.SendAsync(socket, data, timeout: null, cancel);
                socket.Socket.Shutdown(SocketShutdown.Send);
            });
            var echo = new byte[BytesPerClient + 4096];               // room to notice bytes that should not be there
            int received = 0;
            while (received < echo.Length)
            {
                int n = await StreamSockets.ReceiveAsync(socket, echo.AsMemory(received), timeout: null, cancel);
                if (n == 0) break;
                received += n;
            }
            await sending;
            return new ClientResult(index, received, received == BytesPerClient && echo.AsSpan(0, received).SequenceEqual(data));
        }
        finally
        {
            socket.Close();
        }
    }
}
