using System.Net;
using System.Net.Sockets;

namespace NetSock.Sockets;

/// <summary>Where a socket is in its life.</summary>
public enum NetSocketState
{
    Open,
    Listening,
    Connected,
    Closed,
}

/// <summary>
/// A socket of any family, type and protocol the OS supports, with the state, endpoints and byte counters
/// a user wants to see. Wraps a <see cref="System.Net.Sockets.Socket"/>, reachable as <see cref="Socket"/>.
/// </summary>
public sealed class NetSocket : IDisposable
{
    private long _bytesSent;
    private long _bytesReceived;
    private NetSocketState _state;
    private EndPoint? _localEndPoint;
    private EndPoint? _remoteEndPoint;
    private readonly string? _ownedPath;
    private readonly object _gate = new();

    internal NetSocket(int id, Socket socket, AddressFamily family, SocketType type, int protocol, NetSocketState state, string? ownedPath)
    {
        Id = id;
        Socket = socket;
        AddressFamily = family;
        SocketType = type;
        ProtocolNumber = protocol;
        _state = state;
        _ownedPath = ownedPath;
        Created = DateTime.Now;
        RefreshEndPoints();
    }

    /// <summary>Raised once, after the socket has been closed.</summary>
    public event EventHandler? Closed;

    public int Id { get; }
    public AddressFamily AddressFamily { get; }
    public SocketType SocketType { get; }

    /// <summary>IP protocol number, or the EtherType (host order) for an AF_PACKET socket.</summary>
    public int ProtocolNumber { get; }

    public string Protocol => SocketSymbols.ProtocolName(ProtocolNumber, AddressFamily);
    public NetSocketState State => _state;
    public EndPoint? LocalEndPoint => _localEndPoint;
    public EndPoint? RemoteEndPoint => _remoteEndPoint;
    public long BytesSent => Interlocked.Read(ref _bytesSent);
    public long BytesReceived => Interlocked.Read(ref _bytesReceived);
    public DateTime Created { get; }

    /// <summary>The underlying .NET socket, for what NetSock does not wrap.</summary>
    public Socket Socket { get; }

    /// <summary>The port of an IP socket's local endpoint (0 before bind).</summary>
    public int LocalPort => (_localEndPoint as IPEndPoint)?.Port ?? 0;

    /// <summary>Bytes read from the kernel but not yet handed out (the rest of a line read), served first by the next receive.</summary>
    internal byte[] Unread { get; set; } = Array.Empty<byte>();

    public void AddBytesSent(long n) => Interlocked.Add(ref _bytesSent, n);
    public void AddBytesReceived(long n) => Interlocked.Add(ref _bytesReceived, n);

    /// <summary>Moves to a new state and re-reads the endpoints the kernel assigned (ephemeral ports, accepted peers).</summary>
    public void SetState(NetSocketState state)
    {
        lock (_gate)
        {
            if (_state == NetSocketState.Closed) return;
            _state = state;
            RefreshEndPoints();
        }
    }

    internal void RefreshEndPoints()
    {
        try
        {
            _localEndPoint = Socket.LocalEndPoint ?? _localEndPoint;
            _remoteEndPoint = Socket.Connected ? Socket.RemoteEndPoint ?? _remoteEndPoint : _remoteEndPoint;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Endpoints of a socket the OS has already torn down keep their last known value.
        }
    }

    /// <summary>Closes the socket; closing a closed socket does nothing. A Unix socket file this socket created is removed.</summary>
    public void Close()
    {
        lock (_gate)
        {
            if (_state == NetSocketState.Closed) return;
            RefreshEndPoints();
            _state = NetSocketState.Closed;
        }
        Socket.Dispose();
        if (_ownedPath is not null)
        {
            try { File.Delete(_ownedPath); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        Closed?.Invoke(this, EventArgs.Empty);
    }

    public void Dispose() => Close();

    public override string ToString() =>
        $"NetSocket {Id} {SocketSymbols.FamilyName(AddressFamily)}/{SocketSymbols.TypeName(SocketType)}/{Protocol} {State} {LocalEndPoint}{(RemoteEndPoint is null ? "" : " -> " + RemoteEndPoint)}";
}
