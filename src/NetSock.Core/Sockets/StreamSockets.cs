using System.Net;
using System.Net.Sockets;

namespace NetSock.Sockets;

/// <summary>
/// The course's stream sockets: listen, accept, connect, send, recv — on IPv4, IPv6 and Unix paths. Every wait takes a
/// timeout and a cancellation token; a timeout is a <see cref="NetSockException"/> of kind Timeout, a cancellation an
/// <see cref="OperationCanceledException"/>. A socket whose operation failed is closed (and so leaves the registry).
/// </summary>
public static class StreamSockets
{
    /// <summary>
    /// The backlog a listener gets when none is given: as many as the kernel allows (Linux clamps listen()'s argument to
    /// net.core.somaxconn, 4096 on current kernels), so a burst of clients waits in the queue instead of being dropped.
    /// </summary>
    public static int DefaultBacklog => int.MaxValue;

    /// <summary>
    /// socket() + bind() + listen(backlog), with SO_REUSEADDR on IP sockets so a port is free again at once; no
    /// <paramref name="backlog"/> means <see cref="DefaultBacklog"/>.
    /// </summary>
    public static NetSocket Listen(SocketSpec spec, int? backlog, SocketRegistry registry, Guid owner)
    {
        var socket = SocketFactory.Open(spec with { Type = SocketType.Stream, ReuseAddress = spec.Family != AddressFamily.Unix }, registry, owner);
        try
        {
            socket.Socket.Listen(backlog ?? DefaultBacklog);
            socket.SetState(NetSocketState.Listening);
            return socket;
        }
        catch (SocketException e)
        {
            socket.Close();
            throw new NetSockException("NetSocketListenFailed", NetSockErrorKind.InvalidOperation, $"Cannot listen on {socket.LocalEndPoint}: {e.Message}.", socket.LocalEndPoint, e);
        }
    }

    /// <summary>accept(): the next queued connection as a connected socket.</summary>
    public static async Task<NetSocket> AcceptAsync(NetSocket listener, SocketRegistry registry, Guid owner, TimeSpan? timeout, CancellationToken cancel)
    {
        if (listener.State != NetSocketState.Listening)
            throw new NetSockException("NetSocketNotListening", NetSockErrorKind.InvalidOperation,
                $"Socket {listener.Id} is {listener.State}, not listening. Accept connections on a socket from Start-TcpListener.", listener);
        var accepted = await Timed(t => listener.Socket.AcceptAsync(t).AsTask(), timeout, cancel,
            () => $"No connection arrived on {listener.LocalEndPoint} within {Seconds(timeout)}. Give a longer -Timeout, or -Timeout 0 to wait without limit.", listener, closeOnFailure: null).ConfigureAwait(false);
        var ns = new NetSocket(registry.NextId(), accepted, listener.AddressFamily, SocketType.Stream, listener.ProtocolNumber, NetSocketState.Connected, ownedPath: null);
        registry.Add(ns, owner);
        return ns;
    }

    /// <summary>connect() to a host name or address: every address the name resolves to is tried in turn, as nc and socat do.</summary>
    public static async Task<NetSocket> ConnectAsync(string host, int port, IPEndPoint? local, SocketRegistry registry, Guid owner, TimeSpan? timeout, CancellationToken cancel)
    {
        if (port is < 1 or > 65535)
            throw new NetSockException("NetSocketPortOutOfRange", NetSockErrorKind.InvalidArgument, $"Port {port} is out of range. Connect to a port from 1 to 65535.", port);
        IPAddress[] addresses = await Resolve(host, local?.AddressFamily, cancel).ConfigureAwait(false);
        NetSockException? last = null;
        foreach (var address in addresses)
        {
            var spec = new SocketSpec(address.AddressFamily, SocketType.Stream)
            {
                LocalAddress = local?.Address,
                LocalPort = local?.Port,
                ReuseAddress = local is not null,
            };
            var socket = SocketFactory.Open(spec, registry, owner);
            var remote = new IPEndPoint(address, port);
            try
            {
                await Timed(t => socket.Socket.ConnectAsync(remote, t).AsTask(), timeout, cancel,
                    () => $"Connecting to {Show(host, remote)} timed out after {Seconds(timeout)}: nothing answered. Check that a server listens there, or give a longer -Timeout (-Timeout 0 waits without limit).", remote, socket).ConfigureAwait(false);
                socket.SetState(NetSocketState.Connected);
                return socket;
            }
            catch (NetSockException e) when (e.ErrorId == "NetSocketConnectionRefused" && address != addresses[^1])
            {
                last = e;   // try the next address
            }
            catch (OperationCanceledException)
            {
                socket.Close();     // stopped mid-connect: nobody holds this socket yet
                throw;
            }
        }
        throw last ?? new NetSockException("NetSocketNameNotFound", NetSockErrorKind.NotFound, $"'{host}' has no address to connect to.", host);
    }

    /// <summary>connect() to a Unix stream socket path.</summary>
    public static async Task<NetSocket> ConnectUnixAsync(string path, SocketRegistry registry, Guid owner, TimeSpan? timeout, CancellationToken cancel)
    {
        var remote = UnixPaths.Peer(path,
            $"No Unix socket exists at '{path}'. Start a listener there first (Start-TcpListener -Path), or check the path.");
        var socket = SocketFactory.Open(new SocketSpec(AddressFamily.Unix, SocketType.Stream), registry, owner);
        try
        {
            await Timed(t => socket.Socket.ConnectAsync(remote, t).AsTask(), timeout, cancel,
                () => $"Connecting to '{path}' timed out after {Seconds(timeout)}. Give a longer -Timeout, or -Timeout 0 to wait without limit.", path, socket).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            socket.Close();
            throw;
        }
        catch (NetSockException e) when (e.InnerException is SocketException se
            && UnixPaths.PeerRefused(se, path, "Start the server again (Start-TcpListener -Path), or remove the file if no server will.") is { } explained)
        {
            throw explained;
        }
        socket.SetState(NetSocketState.Connected);
        return socket;
    }

    /// <summary>send() until every byte is written.</summary>
    public static async Task SendAsync(NetSocket socket, ReadOnlyMemory<byte> data, TimeSpan? timeout, CancellationToken cancel)
    {
        RequireConnected(socket, "send to");
        while (!data.IsEmpty)
        {
            // What the kernel takes at once is written on this thread; only a full send buffer waits asynchronously.
            int now;
            try
            {
                now = NativeSockets.SendNow(socket.Socket, data.Span);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                socket.Close();
                throw Explain(e, socket.RemoteEndPoint);
            }
            if (now > 0)
            {
                socket.AddBytesSent(now);
                data = data[now..];
                continue;
            }
            int sent = await Timed(t => socket.Socket.SendAsync(data, SocketFlags.None, t).AsTask(), timeout, cancel,
                () => $"Sending to {socket.RemoteEndPoint} timed out after {Seconds(timeout)}: the peer is not reading. Give a longer -Timeout, or -Timeout 0 to wait without limit.", socket.RemoteEndPoint, socket).ConfigureAwait(false);
            socket.AddBytesSent(sent);
            data = data[sent..];
        }
    }

    /// <summary>recv(): up to buffer.Length bytes, whatever arrives first; 0 when the peer has closed its side.</summary>
    public static async Task<int> ReceiveAsync(NetSocket socket, Memory<byte> buffer, TimeSpan? timeout, CancellationToken cancel)
    {
        RequireConnected(socket, "receive from");
        if (socket.Unread.Length > 0)
        {
            int k = Math.Min(buffer.Length, socket.Unread.Length);
            socket.Unread.AsMemory(0, k).CopyTo(buffer);
            socket.Unread = socket.Unread[k..];
            return k;
        }
        // Bytes already queued are read at once on this thread (no hop through the async machinery): bulk transfers
        // spend most reads here.
        if (socket.Socket.Available > 0)
        {
            try
            {
                int ready = socket.Socket.Receive(buffer.Span);
                socket.AddBytesReceived(ready);
                return ready;
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                socket.Close();
                throw Explain(e, socket.RemoteEndPoint);
            }
        }
        int n = await Timed(t => socket.Socket.ReceiveAsync(buffer, SocketFlags.None, t).AsTask(), timeout, cancel,
            () => $"Nothing arrived from {socket.RemoteEndPoint} within {Seconds(timeout)}. Give a longer -Timeout, or -Timeout 0 to wait without limit.", socket.RemoteEndPoint, socket).ConfigureAwait(false);
        socket.AddBytesReceived(n);
        return n;
    }

    /// <summary>
    /// send() until every byte is written, for a caller on its own thread (the cmdlets): what the kernel takes is written
    /// at once, and a full send buffer is waited on with poll() on this thread, not through the thread pool.
    /// </summary>
    public static void Send(NetSocket socket, ReadOnlyMemory<byte> data, TimeSpan? timeout, CancellationToken cancel)
    {
        if (!OperatingSystem.IsLinux())
        {
            SendAsync(socket, data, timeout, cancel).GetAwaiter().GetResult();
            return;
        }
        RequireConnected(socket, "send to");
        long deadline = Deadline(timeout);
        while (!data.IsEmpty)
        {
            int sent = Native(socket, () => NativeSockets.SendNow(socket.Socket, data.Span));
            if (sent > 0)
            {
                socket.AddBytesSent(sent);
                data = data[sent..];
            }
            else if (!Native(socket, () => NativeSockets.WaitReady(socket.Socket, NativeSockets.PollOut, deadline, cancel)))
            {
                socket.Close();
                throw new NetSockException("NetSocketTimeout", NetSockErrorKind.Timeout,
                    $"Sending to {socket.RemoteEndPoint} timed out after {Seconds(timeout)}: the peer is not reading. Give a longer -Timeout, or -Timeout 0 to wait without limit.", socket.RemoteEndPoint);
            }
        }
    }

    /// <summary>recv() for a caller on its own thread: up to buffer.Length bytes, 0 when the peer has closed its side.</summary>
    public static int Receive(NetSocket socket, Memory<byte> buffer, TimeSpan? timeout, CancellationToken cancel)
    {
        if (!OperatingSystem.IsLinux() || socket.Unread.Length > 0)
            return ReceiveAsync(socket, buffer, timeout, cancel).GetAwaiter().GetResult();
        RequireConnected(socket, "receive from");
        long deadline = Deadline(timeout);
        while (true)
        {
            int n = Native(socket, () => NativeSockets.ReceiveNow(socket.Socket, buffer.Span));
            if (n >= 0)
            {
                socket.AddBytesReceived(n);
                return n;
            }
            if (!Native(socket, () => NativeSockets.WaitReady(socket.Socket, NativeSockets.PollIn, deadline, cancel)))
            {
                socket.Close();
                throw new NetSockException("NetSocketTimeout", NetSockErrorKind.Timeout,
                    $"Nothing arrived from {socket.RemoteEndPoint} within {Seconds(timeout)}. Give a longer -Timeout, or -Timeout 0 to wait without limit.", socket.RemoteEndPoint);
            }
        }
    }

    /// <summary>A native socket call whose failure closes the socket and says what happened.</summary>
    private static T Native<T>(NetSocket socket, Func<T> call)
    {
        try
        {
            return call();
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            var explained = Explain(e, socket.RemoteEndPoint);
            socket.Close();
            throw explained;
        }
    }

    private static long Deadline(TimeSpan? timeout) =>
        timeout is { } t && t > TimeSpan.Zero && t != Timeout.InfiniteTimeSpan ? Environment.TickCount64 + (long)Math.Ceiling(t.TotalMilliseconds) : long.MaxValue;

    /// <summary>Puts bytes back in front of what the next receive returns (the rest of a read that was not handed out).</summary>
    public static void Unread(NetSocket socket, ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty) return;
        var joined = new byte[bytes.Length + socket.Unread.Length];
        bytes.CopyTo(joined);
        socket.Unread.CopyTo(joined, bytes.Length);
        socket.Unread = joined;
    }

    private static void RequireConnected(NetSocket socket, string what)
    {
        if (socket.State == NetSocketState.Connected) return;
        throw new NetSockException(socket.State == NetSocketState.Closed ? "NetSocketClosed" : "NetSocketNotConnected", NetSockErrorKind.InvalidOperation,
            $"Cannot {what} socket {socket.Id}: it is {socket.State}. Use a socket from Connect-TcpEndpoint or Receive-TcpConnection.", socket);
    }

    /// <summary>
    /// Runs one socket operation under a timeout and the caller's cancellation. A timeout, or a failure the OS reports,
    /// becomes a NetSockException and closes <paramref name="closeOnFailure"/>; the caller's cancellation passes through.
    /// </summary>
    private static async Task<T> Timed<T>(Func<CancellationToken, Task<T>> operation, TimeSpan? timeout, CancellationToken cancel,
        Func<string> timedOut, object? target, NetSocket? closeOnFailure)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        if (timeout is { } t && t > TimeSpan.Zero && t != Timeout.InfiniteTimeSpan) limit.CancelAfter(t);
        try
        {
            return await operation(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            closeOnFailure?.Close();
            throw new NetSockException("NetSocketTimeout", NetSockErrorKind.Timeout, timedOut(), target);
        }
        // The caller's cancellation (Ctrl+C) passes through and leaves the socket open: the caller decides.
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            closeOnFailure?.Close();
            throw Explain(e, target);
        }
    }

    private static Task Timed(Func<CancellationToken, Task> operation, TimeSpan? timeout, CancellationToken cancel,
        Func<string> timedOut, object? target, NetSocket? closeOnFailure) =>
        Timed(async t => { await operation(t).ConfigureAwait(false); return true; }, timeout, cancel, timedOut, target, closeOnFailure);

    private static NetSockException Explain(Exception e, object? target) => e switch
    {
        ObjectDisposedException => new("NetSocketClosed", NetSockErrorKind.InvalidOperation,
            $"The socket was closed{(target is null ? "" : $" ({target})")}. Open a new connection.", target, e),
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } => new("NetSocketConnectionRefused", NetSockErrorKind.ConnectionError,
            $"{target} refused the connection: nothing listens on that port. Start the server first, or check the port.", target, e),
        SocketException { SocketErrorCode: SocketError.ConnectionReset } => new("NetSocketConnectionReset", NetSockErrorKind.ConnectionError,
            $"The peer {target} reset the connection. Open a new connection.", target, e),
        SocketException { SocketErrorCode: SocketError.OperationAborted } => new("NetSocketClosed", NetSockErrorKind.InvalidOperation,
            $"The socket was closed while waiting{(target is null ? "" : $" on {target}")} (by Close-NetSocket or another runspace).", target, e),
        SocketException { SocketErrorCode: SocketError.Shutdown or SocketError.NotConnected or SocketError.ConnectionAborted } => new("NetSocketClosed", NetSockErrorKind.ConnectionError,
            $"The connection to {target} is closed ({((SocketException)e).Message}). Open a new connection.", target, e),
        SocketException { SocketErrorCode: SocketError.NetworkUnreachable or SocketError.HostUnreachable } se => new("NetSocketUnreachable", NetSockErrorKind.ConnectionError,
            $"{target} cannot be reached: {se.Message}. Check the address and the routes of this host.", target, e),
        SocketException se => new("NetSocketFailed", NetSockErrorKind.ConnectionError, $"{target}: {se.Message}.", target, e),
        _ => new("NetSocketFailed", NetSockErrorKind.ConnectionError, e.Message, target, e),
    };

    /// <summary>The longest host name DNS can carry: 255 characters (each label at most 63).</summary>
    public const int MaximumHostNameLength = 255;

    internal static async Task<IPAddress[]> Resolve(string host, AddressFamily? family, CancellationToken cancel)
    {
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal)) return new[] { literal };
        if (host.Length > MaximumHostNameLength)
            throw new NetSockException("NetSocketNameTooLong", NetSockErrorKind.InvalidArgument,
                $"The host name '{host[..40]}...' is {host.Length} characters long, but a DNS name has at most {MaximumHostNameLength} (and each dot-separated label at most 63). Check the name, or give an address such as 127.0.0.1 or ::1.", host);
        try
        {
            var all = await Dns.GetHostAddressesAsync(host, cancel).ConfigureAwait(false);
            var usable = all.Where(a => family is null || a.AddressFamily == family).ToArray();
            if (usable.Length > 0) return usable;
        }
        catch (Exception e) when (e is SocketException or ArgumentException)
        {
            // not found, or a name the resolver refuses (an empty label, a label over 63 characters)
        }
        throw new NetSockException("NetSocketNameNotFound", NetSockErrorKind.NotFound,
            $"The name '{host}' could not be resolved{(family is null ? "" : $" to an {(family == AddressFamily.InterNetwork ? "IPv4" : "IPv6")} address")}. Check the spelling, or give an address such as 127.0.0.1 or ::1.", host);
    }

    private static string Show(string host, IPEndPoint remote) => IPAddress.TryParse(host, out _) ? remote.ToString() : $"{host} ({remote})";

    private static string Seconds(TimeSpan? t) => t is { } v ? $"{v.TotalSeconds:0.###} s" : "the time allowed";
}
