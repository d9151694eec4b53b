using System.Buffers.Binary;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using NetSock.Packets;
using NetSock.Packets.Layers;
using NetSock.Sockets;

namespace NetSock.Injection;

/// <summary>A packet made ready to send: its bytes with every auto field filled, and where they go.</summary>
public sealed class PreparedPacket
{
    internal PreparedPacket(Packet packet, byte[] bytes, int layer, string? interfaceName, IPAddress? destination, byte[] address)
    {
        Packet = packet;
        Bytes = bytes;
        Layer = layer;
        Interface = interfaceName;
        Destination = destination;
        Address = address;
    }

    /// <summary>The packet as it goes on the wire (dissected from <see cref="Bytes"/>, so auto fields show their values).</summary>
    public Packet Packet { get; }

    public byte[] Bytes { get; }

    /// <summary>3: a raw IP socket, routed and framed by the kernel (Scapy's send()); 2: a whole frame on an interface (sendp()).</summary>
    public int Layer { get; }

    /// <summary>The interface it leaves by: the given one at layer 2, the route's at layer 3 (null when no route was found).</summary>
    public string? Interface { get; }

    /// <summary>The IP destination (null for a frame without IP, such as ARP).</summary>
    public IPAddress? Destination { get; }

    /// <summary>The sockaddr passed to sendto().</summary>
    internal byte[] Address { get; }

    /// <summary>The fragments that go out in its place (-FragmentSize), each prepared; null when it goes whole.</summary>
    public IReadOnlyList<PreparedPacket>? Fragments { get; internal set; }

    /// <summary>What -WhatIf says: "1 packet (IPv4/Udp, 60 bytes) at layer 3 to 198.18.0.2 via veth0".</summary>
    public string Describe(long count) =>
        $"{count} packet{(count == 1 ? "" : "s")} ({string.Join("/", Packet.Layers.Select(l => l.Name))}, {Bytes.Length} bytes" +
        (Fragments is { } f ? $", in {f.Count} fragment{(f.Count == 1 ? "" : "s")}" : "") + $") at layer {Layer}" +
        (Layer == 3 ? $" to {Destination}, routed by the kernel{(Interface is null ? "" : $" via {Interface}")}" : $" on {Interface}{(Destination is null ? "" : $" toward {Destination}")}");
}

/// <summary>
/// Sends crafted packets: one that starts with IPv4 or IPv6 through a raw IP socket with the header included (the kernel
/// routes it and writes the link header; at layer 3 Linux fills in IPv4's total length and header checksum and, when zero,
/// its source and id), one that starts with a link header, or any with an interface named, as a whole frame through an
/// AF_PACKET socket on that interface (sent as it is). The sockets are opened on first use and closed by Dispose.
/// </summary>
public sealed class RawSender : IDisposable
{
    private const int IPProtoRaw = 255;
    private Socket? _ipv4, _ipv6, _link;

    /// <summary>
    /// Builds <paramref name="packet"/> (auto fields from the route and the interface) and works out where it goes.
    /// A packet that starts with IP and is given an interface gets an Ethernet header (auto addresses) put under it.
    /// </summary>
    public static PreparedPacket Prepare(Packet packet, string? interfaceName, int? fragmentSize)
    {
        var whole = Prepare(packet, interfaceName);
        if (fragmentSize is not { } size) return whole;
        IReadOnlyList<Packet> pieces;
        try
        {
            pieces = NetSock.Packets.Fragments.Split(whole.Packet, size);
        }
        catch (ArgumentException e)
        {
            throw new NetSockException("RawPacketCannotFragment", NetSockErrorKind.InvalidArgument, $"The packet cannot be fragmented: {e.Message}", packet, e);
        }
        whole.Fragments = pieces.Select(p => Prepare(p, interfaceName)).ToList();
        return whole;
    }

    /// <summary>Builds a packet and chooses how it goes out (see the overload with a fragment size).</summary>
    public static PreparedPacket Prepare(Packet packet, string? interfaceName)
    {
        ArgumentNullException.ThrowIfNull(packet);
        var first = packet.Layers.Count > 0 ? packet.Layers[0] : null;
        if (interfaceName is not null)
        {
            var nic = FindInterface(interfaceName);
            if (first is IPLayer or Arp) packet = Packet.FromLayers(new Layer[] { new Ethernet() }.Concat(packet.Layers));
            byte[] frame = Build(packet);
            return new PreparedPacket(Packet.Dissect(frame, packet.LinkType), frame, 2, nic.Name, IPDestination(packet), LinkAddress(nic.Name, frame));
        }
        switch (first)
        {
            case IPLayer ip:
            {
                byte[] bytes = Build(packet);
                var built = Packet.Dissect(bytes, LinkType.Raw);
                var destination = ((IPLayer)built.Layers[0]).EffectiveDestination;
                string? via = RouteInterface(destination)?.Name;
                return new PreparedPacket(built, bytes, 3, via, destination, IPAddressOf(destination));
            }
            case { IsLinkHeader: true }:
            {
                var toward = IPDestination(packet);
                var nic = (toward is null ? null : RouteInterface(toward)) ?? throw new NetSockException(
                    "RawPacketInterfaceRequired", NetSockErrorKind.InvalidArgument,
                    $"The packet starts with {first.Name}, so it is sent at layer 2, but no interface is named and none routes to {(toward?.ToString() ?? "its destination")}. Give -Interface ({string.Join(", ", InterfaceNames())}).",
                    packet);
                byte[] frame = Build(packet);
                return new PreparedPacket(Packet.Dissect(frame, packet.LinkType), frame, 2, nic.Name, toward, LinkAddress(nic.Name, frame));
            }
            default:
                throw new NetSockException("RawPacketLayerUnknown", NetSockErrorKind.InvalidArgument,
                    $"A packet that starts with {first?.Name ?? "nothing"} can be sent neither at layer 3 (it must start with IPv4 or IPv6) nor at layer 2 (it must start with Ethernet, or name an -Interface). Put New-Packet IPv4 or Ether under it.",
                    packet);
        }
    }

    /// <summary>Sends one prepared packet (its fragments one after another, if it has them); returns the time just before it went out.</summary>
    public DateTimeOffset Send(PreparedPacket prepared)
    {
        if (prepared.Fragments is { } fragments)
        {
            var first = DateTimeOffset.Now;
            foreach (var fragment in fragments) Send(fragment);
            return first;
        }
        var socket = SocketFor(prepared);
        var time = DateTimeOffset.Now;
        int errno;
        for (int waited = 0; ; waited++)      // a full device queue is waited out for up to a second, as SendRepeated does
        {
            errno = NativeSockets.SendTo(socket.SafeHandle.DangerousGetHandle(), prepared.Bytes, prepared.Address);
            if (!NativeSockets.IsMomentary(errno) || waited == 1000) break;
            Thread.Sleep(1);
        }
        if (errno != 0) throw Failed(errno, prepared);
        return time;
    }

    /// <summary>Sends the same prepared packet <paramref name="count"/> times, in batches (sendmmsg); returns how many went out.</summary>
    public long SendRepeated(PreparedPacket prepared, long count, CancellationToken cancel)
    {
        if (prepared.Fragments is not null)
        {
            for (long i = 0; i < count; i++)
            {
                cancel.ThrowIfCancellationRequested();
                Send(prepared);
            }
            return count;
        }
        var socket = SocketFor(prepared);
        var (sent, errno) = NativeSockets.SendRepeated(socket.SafeHandle.DangerousGetHandle(), prepared.Bytes, prepared.Address, count, cancel);
        if (errno != 0) throw Failed(errno, prepared);
        return sent;
    }

    public void Dispose()
    {
        _ipv4?.Dispose();
        _ipv6?.Dispose();
        _link?.Dispose();
        _ipv4 = _ipv6 = _link = null;
    }

    private Socket SocketFor(PreparedPacket prepared) => prepared.Layer == 2
        ? _link ??= Open(AddressFamily.Packet, 0)
        : prepared.Destination!.AddressFamily == AddressFamily.InterNetwork ? _ipv4 ??= Open(AddressFamily.InterNetwork, IPProtoRaw) : _ipv6 ??= Open(AddressFamily.InterNetworkV6, IPProtoRaw);

    private static Socket Open(AddressFamily family, int protocol)
    {
        try
        {
            return SocketFactory.Create(family, SocketType.Raw, protocol);
        }
        catch (NetSockException e) when (e.Kind == NetSockErrorKind.PermissionDenied)
        {
            throw new NetSockException("RawPacketNoPrivilege", NetSockErrorKind.PermissionDenied,
                $"Sending raw packets needs root or CAP_NET_RAW. {Privilege.Advice()}", family, e);
        }
    }

    private static byte[] Build(Packet packet)
    {
        try
        {
            return packet.GetBytes();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or OverflowException)
        {
            throw new NetSockException("RawPacketBuildFailed", NetSockErrorKind.InvalidArgument, $"The packet cannot be built: {e.Message}", packet, e);
        }
    }

    private static IPAddress? IPDestination(Packet packet) => packet.Layers.FirstOrDefault(l => l is IPLayer or Arp) switch
    {
        IPLayer ip => ip.EffectiveDestination,
        Arp arp => arp.TargetProtocolAddress,
        _ => null,
    };

    /// <summary>The interface the kernel's route toward <paramref name="destination"/> leaves by (the one with the route's source address).</summary>
    private static NetworkInterface? RouteInterface(IPAddress destination) => Neighbours.InterfaceFor(BuildContext.SourceFor(destination));

    internal static NetworkInterface FindInterface(string name) =>
        NetworkInterface.GetAllNetworkInterfaces().FirstOrDefault(n => n.Name == name) ?? throw new NetSockException(
            "RawPacketInterfaceNotFound", NetSockErrorKind.NotFound,
            $"No interface is named '{name}'. The interfaces are: {string.Join(", ", InterfaceNames())}.", name);

    private static IEnumerable<string> InterfaceNames() => NetworkInterface.GetAllNetworkInterfaces().Select(n => n.Name).Order(StringComparer.Ordinal);

    /// <summary>struct sockaddr_in / sockaddr_in6 with port 0 (a raw socket with the header included takes the destination only).</summary>
    private static byte[] IPAddressOf(IPAddress destination)
    {
        byte[] address = destination.GetAddressBytes();
        if (destination.AddressFamily == AddressFamily.InterNetwork)
        {
            var sin = new byte[16];
            BinaryPrimitives.WriteUInt16LittleEndian(sin, 2);
            address.CopyTo(sin, 4);
            return sin;
        }
        var sin6 = new byte[28];
        BinaryPrimitives.WriteUInt16LittleEndian(sin6, 10);
        address.CopyTo(sin6, 8);
        BinaryPrimitives.WriteUInt32LittleEndian(sin6.AsSpan(24), (uint)destination.ScopeId);
        return sin6;
    }

    /// <summary>struct sockaddr_ll for the interface, with the frame's EtherType as the protocol.</summary>
    private static byte[] LinkAddress(string interfaceName, byte[] frame)
    {
        uint index = NativeSockets.IfNameToIndex(interfaceName);
        if (index == 0)
            throw new NetSockException("RawPacketInterfaceNotFound", NetSockErrorKind.NotFound,
                $"The interface '{interfaceName}' has no index (it may have just gone). The interfaces are: {string.Join(", ", InterfaceNames())}.", interfaceName);
        var sll = new byte[20];
        BinaryPrimitives.WriteUInt16LittleEndian(sll, 17);
        if (frame.Length >= 14) { sll[2] = frame[12]; sll[3] = frame[13]; }
        BinaryPrimitives.WriteInt32LittleEndian(sll.AsSpan(4), (int)index);
        return sll;
    }

    private static NetSockException Failed(int errno, PreparedPacket p)
    {
        string where = p.Layer == 3 ? $"to {p.Destination}" : $"on {p.Interface}";
        return errno switch
        {
            1 or 13 => new("RawPacketNoPrivilege", NetSockErrorKind.PermissionDenied,
                $"Sending raw packets needs root or CAP_NET_RAW (the kernel refused the packet {where}: permission denied; a firewall rule can refuse it too).", p.Packet),
            101 or 113 => new("RawPacketNoRoute", NetSockErrorKind.ConnectionError,
                $"No route to {p.Destination}: the kernel has no route for it (ip route get {p.Destination} says why). Add a route, or send at layer 2 with -Interface.", p.Packet),
            90 => new("RawPacketTooBig", NetSockErrorKind.InvalidArgument,
                $"The packet is {p.Bytes.Length} bytes, more than {(p.Interface is null ? "the link" : p.Interface)} carries (MTU {Mtu(p.Interface)}{(p.Layer == 2 ? " plus the link header" : "")}). Send it in fragments with -FragmentSize (say -FragmentSize 1400), or a smaller payload.", p.Packet),
            100 or 19 or 6 => new("RawPacketInterfaceDown", NetSockErrorKind.ResourceUnavailable,
                $"The interface {p.Interface ?? "toward " + p.Destination} is down or gone (errno {errno}). Bring it up (ip link set {p.Interface} up).", p.Packet),
            22 => new("RawPacketRefused", NetSockErrorKind.InvalidArgument,
                $"The kernel refused the packet {where} as invalid (EINVAL): at layer 3 it checks the IP header (version, header length); at layer 2 the frame must hold at least a link header.", p.Packet),
            _ => new("RawPacketSendFailed", NetSockErrorKind.ConnectionError,
                $"Sending the packet {where} failed: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).", p.Packet),
        };
    }

    private static string Mtu(string? interfaceName)
    {
        try
        {
            return interfaceName is null ? "unknown" : File.ReadAllText($"/sys/class/net/{interfaceName}/mtu").Trim();
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
