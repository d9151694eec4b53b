using System.Net;
using System.Net.Sockets;

namespace NetSock.Sockets;

/// <summary>What to open: the course's socket(domain, type, protocol) plus an optional bind().</summary>
public sealed record SocketSpec(AddressFamily Family, SocketType Type, int? Protocol = null)
{
    /// <summary>Address to bind an IP socket to; with only a port, the loopback address of the family.</summary>
    public IPAddress? LocalAddress { get; init; }
    public int? LocalPort { get; init; }
    /// <summary>Full path of a Unix socket to bind.</summary>
    public string? Path { get; init; }
    public bool ReuseAddress { get; init; }

    public bool Binds => LocalAddress is not null || LocalPort is not null || Path is not null;
}

/// <summary>Opens and binds sockets, turning the OS's refusals into <see cref="NetSockException"/>s that say what to do.</summary>
public static class SocketFactory
{
    private const string NeedsPrivilege = "needs root or CAP_NET_RAW";

    /// <summary>The protocol used when none is given: ETH_P_ALL for AF_PACKET, otherwise 0 (the OS picks: TCP for stream, UDP for datagram).</summary>
    public static int DefaultProtocol(AddressFamily family) => family == AddressFamily.Packet ? 0x0003 : 0;

    /// <summary>Opens, optionally binds, and registers a socket under <paramref name="owner"/>.</summary>
    public static NetSocket Open(SocketSpec spec, SocketRegistry registry, Guid owner)
    {
        Validate(spec);
        int protocol = spec.Protocol ?? DefaultProtocol(spec.Family);
        Socket socket = Create(spec.Family, spec.Type, protocol);
        try
        {
            string? ownedPath = null;
            if (spec.ReuseAddress)
                SetReuseAddress(socket);
            if (spec.Binds)
            {
                EndPoint ep = BindEndPoint(spec);
                Bind(socket, ep);
                ownedPath = spec.Path;
            }
            var ns = new NetSocket(registry.NextId(), socket, spec.Family, spec.Type, EffectiveProtocol(socket, spec.Family, protocol), NetSocketState.Open, ownedPath);
            registry.Add(ns, owner);
            return ns;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static void Validate(SocketSpec spec)
    {
        bool ip = spec.Family is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6;
        if (spec.Path is not null && spec.Family != AddressFamily.Unix)
            throw new NetSockException("NetSocketPathNeedsUnix", NetSockErrorKind.InvalidArgument,
                $"-Path binds a Unix socket, but the family is {SocketSymbols.FamilyName(spec.Family)}. Use -AddressFamily Unix with -Path, or -LocalAddress/-LocalPort for an IP socket.", spec.Path);
        if ((spec.LocalAddress is not null || spec.LocalPort is not null) && !ip)
            throw new NetSockException("NetSocketAddressNeedsIp", NetSockErrorKind.InvalidArgument,
                $"-LocalAddress and -LocalPort bind an IPv4 or IPv6 socket, but the family is {SocketSymbols.FamilyName(spec.Family)}. Use -Path for a Unix socket.", spec.LocalAddress);
        if (spec.LocalPort is < 0 or > 65535)
            throw new NetSockException("NetSocketPortOutOfRange", NetSockErrorKind.InvalidArgument,
                $"Port {spec.LocalPort} is out of range. Use a port from 0 to 65535 (0 lets the OS pick a free one).", spec.LocalPort);
        if (spec.LocalAddress is not null && spec.LocalAddress.AddressFamily != spec.Family)
            throw new NetSockException("NetSocketAddressFamilyMismatch", NetSockErrorKind.InvalidArgument,
                $"{spec.LocalAddress} is an {(spec.LocalAddress.AddressFamily == AddressFamily.InterNetwork ? "IPv4" : "IPv6")} address, but the socket is {SocketSymbols.FamilyName(spec.Family)}. Give an address of the socket's family.", spec.LocalAddress);
        if (spec.Path is not null)
        {
            UnixPaths.EndPoint(spec.Path);      // NetSocketPathTooLong
            string? dir = System.IO.Path.GetDirectoryName(spec.Path);
            if (!string.IsNullOrEmpty(dir) && !Directory.Exists(dir))
                throw new NetSockException("NetSocketPathNotFound", NetSockErrorKind.NotFound,
                    $"The folder '{dir}' of the Unix socket path '{spec.Path}' does not exist. Create it first (New-Item -ItemType Directory), or choose a path in an existing folder.", spec.Path);
        }
    }

    /// <summary>socket(): .NET first, libc where .NET does not pass the protocol through (raw IP protocol 102, AF_PACKET).</summary>
    internal static Socket Create(AddressFamily family, SocketType type, int protocol)
    {
        int wireProtocol = family == AddressFamily.Packet ? (ushort)IPAddress.HostToNetworkOrder((short)protocol) : protocol;
        string what = $"a {SocketSymbols.TypeName(type)} socket of family {SocketSymbols.FamilyName(family)} with protocol {SocketSymbols.ProtocolName(protocol, family)}";
        try
        {
            if (family == AddressFamily.Packet || (type == SocketType.Raw && !Enum.IsDefined((ProtocolType)protocol)))
                return NativeSockets.Open(family, type, wireProtocol);
            try
            {
                return new Socket(family, type, (ProtocolType)wireProtocol);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ProtocolNotSupported && OperatingSystem.IsLinux())
            {
                return NativeSockets.Open(family, type, wireProtocol);
            }
        }
        catch (SocketException e)
        {
            throw e.SocketErrorCode switch
            {
                SocketError.AccessDenied when type == SocketType.Dgram && protocol is 1 or 58 => new NetSockException("NetSocketPingGroupDenied", NetSockErrorKind.PermissionDenied,
                    $"Opening {what} (a ping socket) is allowed only to the groups in the sysctl net.ipv4.ping_group_range. Widen it (sysctl -w net.ipv4.ping_group_range='0 2147483647'), or open a Raw socket instead, which {NeedsPrivilege}.", family, e),
                SocketError.AccessDenied => new NetSockException("NetSocketNoPrivilege", NetSockErrorKind.PermissionDenied,
                    $"Opening {what} {NeedsPrivilege}. {Privilege.Advice()}", family, e),
                SocketError.AddressFamilyNotSupported => new NetSockException("NetSocketFamilyNotSupported", NetSockErrorKind.NotSupported,
                    $"This operating system does not support the {SocketSymbols.FamilyName(family)} family ({e.Message}). AF_PACKET exists only on Linux; use InterNetwork, InterNetworkV6 or Unix.", family, e),
                SocketError.ProtocolNotSupported or SocketError.ProtocolType or SocketError.SocketNotSupported or SocketError.InvalidArgument or SocketError.ProtocolOption =>
                    new NetSockException("NetSocketTypeProtocolRefused", NetSockErrorKind.InvalidArgument,
                        $"The operating system refused {what} ({e.Message}). Stream sockets carry Tcp, Dgram sockets Udp (or Icmp for ping sockets), Raw sockets need an IP protocol number such as 1, 102 or 255; Unix sockets take no protocol; AF_PACKET sockets are Raw (whole frames) or Dgram (no link header). Pick a -ProtocolType that matches -SocketType, or leave it out.", protocol, e),
                _ => new NetSockException("NetSocketCreateFailed", NetSockErrorKind.ResourceUnavailable,
                    $"Could not open {what}: {e.Message}.", family, e),
            };
        }
    }

    /// <summary>
    /// SO_REUSEADDR alone: a port in TIME_WAIT can be bound again at once, but a port another socket listens on stays
    /// taken. (.NET's ReuseAddress option also sets SO_REUSEPORT on Linux, which would let two listeners share a port.)
    /// </summary>
    private static void SetReuseAddress(Socket socket)
    {
        if (OperatingSystem.IsLinux())
            socket.SetRawSocketOption(1 /* SOL_SOCKET */, 2 /* SO_REUSEADDR */, BitConverter.GetBytes(1));
        else
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
    }

    /// <summary>The protocol the kernel chose when 0 was asked for (TCP for stream, UDP for datagram), read with SO_PROTOCOL on Linux.</summary>
    private static int EffectiveProtocol(Socket socket, AddressFamily family, int asked)
    {
        if (asked != 0 || !OperatingSystem.IsLinux() || family is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
            return asked;
        const int SolSocket = 1, SoProtocol = 38;
        Span<byte> value = stackalloc byte[4];
        try
        {
            return socket.GetRawSocketOption(SolSocket, SoProtocol, value) == 4 ? BitConverter.ToInt32(value) : asked;
        }
        catch (SocketException)
        {
            return asked;
        }
    }

    private static EndPoint BindEndPoint(SocketSpec spec)
    {
        if (spec.Path is not null) return UnixPaths.EndPoint(spec.Path);
        IPAddress address = spec.LocalAddress ?? (spec.Family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Loopback : IPAddress.Loopback);
        return new IPEndPoint(address, spec.LocalPort ?? 0);
    }

    /// <summary>What to say when a port is taken: which process holds it (from /proc), and what can free it.</summary>
    private static string AddressInUse(EndPoint ep, SocketType type)
    {
        string choose = "Choose another port (0 lets the OS pick a free one)";
        if (ep is not IPEndPoint ip) return $"{ep} is already in use by another socket. {choose}.";
        var holder = PortHolder(ip.Port, type == SocketType.Dgram ? "udp" : "tcp");
        if (holder is null)
            return $"{ep} is already in use by another socket. {choose}, or find what holds it with `ss -lntup 'sport = :{ip.Port}'` and stop it.";
        if (holder.Value.Pid == Environment.ProcessId)
            return $"{ep} is already in use by another socket of this pwsh session. {choose}, or close the socket that holds it (Get-NetSocket | Close-NetSocket).";
        return $"{ep} is already in use by process {holder.Value.Pid} ({holder.Value.Name}). {choose}, or stop that process (Stop-Process -Id {holder.Value.Pid}).";
    }

    /// <summary>The process with a socket bound to <paramref name="port"/>: its inode in /proc/net/tcp{,6} (or udp), then the /proc/PID/fd link to it.</summary>
    private static (int Pid, string Name)? PortHolder(int port, string protocol)
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            var inodes = new HashSet<string>(StringComparer.Ordinal);
            foreach (string table in new[] { $"/proc/net/{protocol}", $"/proc/net/{protocol}6" })
            {
                if (!File.Exists(table)) continue;
                foreach (string line in File.ReadLines(table).Skip(1))
                {
                    // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
                    var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (f.Length > 9 && Convert.ToInt32(f[1][(f[1].LastIndexOf(':') + 1)..], 16) == port && f[9] != "0") inodes.Add($"socket:[{f[9]}]");
                }
            }
            if (inodes.Count == 0) return null;
            foreach (string process in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(process), out int pid)) continue;
                try
                {
                    foreach (string fd in Directory.EnumerateFiles(Path.Combine(process, "fd")))
                    {
                        if (new FileInfo(fd).LinkTarget is { } link && inodes.Contains(link))
                            return (pid, File.ReadAllText(Path.Combine(process, "comm")).Trim());
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // gone, or not ours to look at
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
        }
        return null;
    }

    /// <summary>bind(), with the OS's refusals explained.</summary>
    public static void Bind(Socket socket, EndPoint ep, object? target = null)
    {
        try
        {
            socket.Bind(ep);
        }
        catch (SocketException e) when (ep is UnixDomainSocketEndPoint unix)
        {
            throw UnixPaths.BindFailed(e, unix.ToString(), target);
        }
        catch (SocketException e)
        {
            throw e.SocketErrorCode switch
            {
                SocketError.AddressAlreadyInUse => new NetSockException("NetSocketAddressInUse", NetSockErrorKind.ResourceUnavailable,
                    AddressInUse(ep, socket.SocketType), target ?? ep, e),
                SocketError.AddressNotAvailable => new NetSockException("NetSocketAddressNotAvailable", NetSockErrorKind.InvalidArgument,
                    $"Cannot bind to {ep}: no interface of this host has that address. Use an address of this host (127.0.0.1, ::1, or one shown by Get-NetIPAddress / ip address).", target ?? ep, e),
                SocketError.AccessDenied => new NetSockException("NetSocketBindDenied", NetSockErrorKind.PermissionDenied,
                    $"Binding {ep} needs root or CAP_NET_BIND_SERVICE (ports below 1024 are privileged). Use a port of 1024 or above, or run as root.", target ?? ep, e),
                _ => new NetSockException("NetSocketBindFailed", NetSockErrorKind.InvalidOperation,
                    $"Cannot bind to {ep}: {e.Message}.", target ?? ep, e),
            };
        }
    }
}
