using System.Net;
using System.Net.Sockets;
using NetSock.Packets;

namespace NetSock.Sockets;

/// <summary>
/// The course's sendto()/recvfrom() on UDP, Unix datagram and raw IP-protocol sockets (seed sections 4 and 5).
/// </summary>
public static class Datagrams
{
    /// <summary>The largest payload one datagram carries: UDP over IPv4 65,507, over IPv6 65,527; raw IPv4 65,515, raw IPv6 65,535.</summary>
    public static int MaximumPayload(NetSocket socket) => (socket.AddressFamily, socket.SocketType) switch
    {
        (AddressFamily.InterNetwork, SocketType.Dgram) => 65507,
        (AddressFamily.InterNetworkV6, SocketType.Dgram) => 65527,
        (AddressFamily.InterNetwork, SocketType.Raw) => 65515,
        (AddressFamily.InterNetworkV6, SocketType.Raw) => 65535,
        _ => int.MaxValue,      // Unix datagrams: the kernel's send buffer decides
    };

    /// <summary>
    /// A socket to send datagrams from, and where to: UDP to a host and port (IPv4 or IPv6, as the name resolves), raw IP
    /// of protocol N to a host (the kernel writes the IP header), or a Unix datagram path. The caller closes it.
    /// </summary>
    public static (NetSocket Socket, EndPoint Remote) OpenSender(string? host, int port, int? protocol, string? path, bool broadcast,
        SocketRegistry registry, Guid owner)
    {
        if (path is not null)
        {
            var peer = UnixPeer(path);
            return (SocketFactory.Open(new SocketSpec(AddressFamily.Unix, SocketType.Dgram), registry, owner), peer);
        }
        IPAddress address = StreamSockets.Resolve(host!, null, CancellationToken.None).GetAwaiter().GetResult()[0];
        var socket = SocketFactory.Open(new SocketSpec(address.AddressFamily, protocol is null ? SocketType.Dgram : SocketType.Raw, protocol), registry, owner);
        if (broadcast) socket.Socket.EnableBroadcast = true;
        return (socket, new IPEndPoint(address, protocol is null ? port : 0));
    }

    /// <summary>A host name or address and a port as an endpoint of the given family (a name resolves as for connect).</summary>
    public static IPEndPoint Resolve(string host, int port, AddressFamily family) =>
        new(StreamSockets.Resolve(host, family, CancellationToken.None).GetAwaiter().GetResult()[0], port);

    /// <summary>The endpoint of a Unix datagram socket at <paramref name="path"/>, or an error when nothing is bound there.</summary>
    public static EndPoint UnixPeer(string path) => UnixPaths.Peer(path,
        $"Nothing listens at '{path}': no Unix datagram socket exists there. Start a receiver first (Receive-Datagram -Path), or check the path.");

    /// <summary>
    /// NetSocketClosed for a closed socket, DatagramSocketIsStream for one that carries no datagrams (only UDP, raw, Unix
    /// datagram and AF_PACKET sockets do).
    /// </summary>
    public static void RequireDatagramSocket(NetSocket socket)
    {
        if (socket.State == NetSocketState.Closed)
            throw new NetSockException("NetSocketClosed", NetSockErrorKind.InvalidOperation, $"Socket {socket.Id} is closed. Open a new one.", socket);
        if (socket.SocketType == SocketType.Stream)
            throw new NetSockException("DatagramSocketIsStream", NetSockErrorKind.InvalidArgument,
                $"Socket {socket.Id} is a stream ({(socket.AddressFamily == AddressFamily.Unix ? "Unix stream" : "TCP")}) socket, which carries no datagrams. " +
                (socket.State == NetSocketState.Listening
                    ? "Accept its connections with Receive-TcpConnection, then read them with Receive-SocketData."
                    : "Use Send-SocketData and Receive-SocketData on it, or open a datagram socket (New-NetSocket -SocketType Dgram)."), socket);
    }

    /// <summary>
    /// A socket bound to receive datagrams: UDP on an address and port, raw IP of protocol N on an address, or a Unix
    /// datagram path; with a large receive buffer (4 MiB) so bursts are not dropped.
    /// </summary>
    public static NetSocket OpenReceiver(IPAddress? address, int port, int? protocol, string? path, SocketRegistry registry, Guid owner)
    {
        var spec = path is not null
            ? new SocketSpec(AddressFamily.Unix, SocketType.Dgram) { Path = path }
            : new SocketSpec((address ?? IPAddress.Loopback).AddressFamily, protocol is null ? SocketType.Dgram : SocketType.Raw, protocol)
            {
                LocalAddress = address ?? IPAddress.Loopback,
                LocalPort = protocol is null ? port : null,
                ReuseAddress = false,
            };
        var socket = SocketFactory.Open(spec, registry, owner);
        try
        {
            // 32 MiB past the sysctl limit where root may (SO_RCVBUFFORCE), else as much as rmem_max allows of 4 MiB.
            if (OperatingSystem.IsLinux() && Privilege.IsRoot)
                socket.Socket.SetRawSocketOption(1 /* SOL_SOCKET */, 33 /* SO_RCVBUFFORCE */, BitConverter.GetBytes(32 * 1024 * 1024));
            else
                socket.Socket.ReceiveBufferSize = 4 * 1024 * 1024;
        }
        catch (SocketException)
        {
            socket.Socket.ReceiveBufferSize = 4 * 1024 * 1024;
        }
        return socket;
    }

    /// <summary>sendto(): one datagram to <paramref name="remote"/> (null: the socket's connected peer).</summary>
    public static void SendTo(NetSocket socket, ReadOnlySpan<byte> data, EndPoint? remote)
    {
        RequireDatagramSocket(socket);
        int max = MaximumPayload(socket);
        if (data.Length > max)
            throw new NetSockException("DatagramTooLarge", NetSockErrorKind.InvalidArgument,
                $"A {Kind(socket)} datagram carries at most {max:N0} bytes; this payload has {data.Length:N0}. Send it in smaller pieces, or over a stream (Connect-TcpEndpoint).", data.Length);
        EndPoint? peer = remote ?? Peer(socket);     // read before sending: a refused send forgets the peer
        try
        {
            int sent = remote is null ? socket.Socket.Send(data) : socket.Socket.SendTo(data, SocketFlags.None, remote);
            socket.AddBytesSent(sent);
        }
        catch (SocketException e) when ((remote ?? peer) is UnixDomainSocketEndPoint unix
            && UnixPaths.PeerRefused(e, unix.ToString(), "Start a receiver there again (Receive-Datagram -Path), or remove the file if none will.") is { } explained)
        {
            throw explained;
        }
        catch (SocketException e)
        {
            throw e.SocketErrorCode switch
            {
                SocketError.AccessDenied => new NetSockException("DatagramBroadcastDenied", NetSockErrorKind.PermissionDenied,
                    $"Sending to {remote} was refused: a broadcast address needs -Broadcast (SO_BROADCAST).", remote, e),
                SocketError.MessageSize => new NetSockException("DatagramTooLarge", NetSockErrorKind.InvalidArgument,
                    $"The {data.Length:N0}-byte datagram is too large for the socket to {remote}: {e.Message}.", remote, e),
                SocketError.ConnectionRefused => new NetSockException("DatagramRefused", NetSockErrorKind.ConnectionError,
                    $"{peer} answered an earlier datagram with ICMP port unreachable: nothing listens there.", remote, e),
                SocketError.NetworkUnreachable or SocketError.HostUnreachable => new NetSockException("DatagramUnreachable", NetSockErrorKind.ConnectionError,
                    $"{remote} cannot be reached from this host: {e.Message}. Check the address and the routes.", remote, e),
                _ => new NetSockException("DatagramSendFailed", NetSockErrorKind.ConnectionError, $"Sending to {peer} failed: {e.Message}.", remote, e),
            };
        }
        catch (ObjectDisposedException e)
        {
            throw new NetSockException("NetSocketClosed", NetSockErrorKind.InvalidOperation, $"Socket {socket.Id} is closed. Open a new one.", socket, e);
        }
    }

    /// <summary>
    /// recvfrom(): the next datagram. What is already queued is read at once, without waiting; otherwise it waits up to
    /// <paramref name="timeout"/> (null: no limit) or until <paramref name="cancel"/>.
    /// </summary>
    public static async ValueTask<Datagram> ReceiveAsync(NetSocket socket, byte[] buffer, TimeSpan? timeout, CancellationToken cancel, System.Text.Encoding? encoding = null)
    {
        RequireDatagramSocket(socket);
        EndPoint any = AnyEndPoint(socket);
        int n;
        EndPoint? from;
        try
        {
            if (socket.Socket.Available > 0)
            {
                n = socket.Socket.ReceiveFrom(buffer, ref any);
                from = any;
            }
            else
            {
                using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancel);
                if (timeout is { } t && t > TimeSpan.Zero) limit.CancelAfter(t);
                try
                {
                    var result = await socket.Socket.ReceiveFromAsync(buffer, SocketFlags.None, any, limit.Token).ConfigureAwait(false);
                    n = result.ReceivedBytes;
                    from = result.RemoteEndPoint;
                }
                catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
                {
                    throw new NetSockException("DatagramTimeout", NetSockErrorKind.Timeout,
                        $"No datagram arrived on {socket.LocalEndPoint} within {timeout!.Value.TotalSeconds:0.###} s. Give a longer -Timeout, or -Timeout 0 to wait without limit.", socket);
                }
            }
        }
        catch (SocketException e)
        {
            throw new NetSockException("DatagramReceiveFailed", NetSockErrorKind.ConnectionError, $"Receiving on {socket.LocalEndPoint} failed: {e.Message}.", socket, e);
        }
        catch (ObjectDisposedException e)
        {
            throw new NetSockException("NetSocketClosed", NetSockErrorKind.InvalidOperation, $"Socket {socket.Id} is closed. Open a new one.", socket, e);
        }
        socket.AddBytesReceived(n);
        return Wrap(socket, buffer.AsSpan(0, n), from, DateTimeOffset.Now, encoding);
    }

    /// <summary>A datagram from received bytes; from a raw IPv4 socket the header is dissected and the payload follows it.</summary>
    internal static Datagram Wrap(NetSocket socket, ReadOnlySpan<byte> bytes, EndPoint? from, DateTimeOffset now, System.Text.Encoding? encoding)
    {
        if (socket.SocketType == SocketType.Raw && socket.AddressFamily == AddressFamily.InterNetwork && bytes.Length >= 20)
        {
            int headerLength = (bytes[0] & 0x0F) * 4;
            var packet = Packet.Dissect(bytes.ToArray(), LinkType.IPv4);
            byte[] payload = headerLength <= bytes.Length ? bytes[headerLength..].ToArray() : Array.Empty<byte>();
            return new Datagram(payload, from, socket.LocalEndPoint, now, packet, encoding);
        }
        return new Datagram(bytes.ToArray(), from, socket.LocalEndPoint, now, encoding: encoding);
    }

    /// <summary>The peer a connected socket sends to, as the kernel knows it.</summary>
    private static EndPoint? Peer(NetSocket socket)
    {
        try { return socket.Socket.RemoteEndPoint; }
        catch (Exception e) when (e is SocketException or ObjectDisposedException) { return socket.RemoteEndPoint; }
    }

    private static EndPoint AnyEndPoint(NetSocket socket) => socket.AddressFamily switch
    {
        AddressFamily.InterNetworkV6 => new IPEndPoint(IPAddress.IPv6Any, 0),
        AddressFamily.Unix => new UnixDomainSocketEndPoint("\0"),
        _ => new IPEndPoint(IPAddress.Any, 0),
    };

    private static string Kind(NetSocket socket) => socket.SocketType == SocketType.Raw
        ? $"raw {(socket.AddressFamily == AddressFamily.InterNetwork ? "IPv4" : "IPv6")}"
        : $"UDP over {(socket.AddressFamily == AddressFamily.InterNetwork ? "IPv4" : "IPv6")}";
}
