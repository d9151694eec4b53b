namespace NetSock.Packets;

/// <summary>
/// Packets to and from PacketDotNet and SharpPcap, for .NET code that already uses them: a NetSock packet becomes
/// PacketDotNet's (<see cref="ToPacketDotNet"/>), and PacketDotNet's packets and SharpPcap's captures become NetSock's,
/// through their bytes, link type and (for a capture) timestamp and length.
/// </summary>
public sealed partial class Packet
{
    /// <summary>The packet as PacketDotNet parses it: its bytes (built now for a crafted packet) with its link type.</summary>
    public PacketDotNet.Packet ToPacketDotNet()
    {
        var bytes = GetBytes();
        try
        {
            return PacketDotNet.Packet.ParsePacket((PacketDotNet.LinkLayers)(int)LinkType, (byte[])bytes.Clone());
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new NetSockException("PacketConversionFailed", NetSockErrorKind.InvalidArgument,
                $"PacketDotNet could not parse this {LinkType} packet ({Summary}): {e.Message} Its bytes ($p.Bytes, GetBytes()) can be parsed another way.", this, e);
        }
    }

    /// <summary>
    /// A PacketDotNet packet as a NetSock packet, dissected from its bytes. The link type follows from its first header:
    /// Ethernet, BSD loopback (Null), Linux cooked (LinuxSll), or an IP header (Raw).
    /// </summary>
    public static Packet FromPacketDotNet(PacketDotNet.Packet packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        return Dissect((byte[])packet.Bytes.Clone(), new CaptureInfo(null, null, LinkTypeOf(packet)));
    }

    /// <summary>A SharpPcap capture as a NetSock packet: its data, link type, timestamp (to the nanosecond) and length on the wire.</summary>
    public static Packet FromRawCapture(SharpPcap.RawCapture capture)
    {
        ArgumentNullException.ThrowIfNull(capture);
        long? ns = capture.Timeval is { } tv ? (long)decimal.Truncate(tv.Value * 1_000_000_000m) : null;
        return Dissect((byte[])capture.Data.Clone(), new CaptureInfo(ns, null, LinkTypeOf(capture.LinkLayerType), capture.PacketLength));
    }

    /// <summary>NetSock's link type for a PacketDotNet one (the numbers are pcap's LINKTYPE_ for both).</summary>
    public static LinkType LinkTypeOf(PacketDotNet.LinkLayers linkLayer) => linkLayer switch
    {
        PacketDotNet.LinkLayers.RawLegacy => LinkType.Raw,
        PacketDotNet.LinkLayers.Loop => LinkType.Null,
        _ when Enum.IsDefined(typeof(LinkType), (int)linkLayer) => (LinkType)(int)linkLayer,
        _ => throw new NetSockException("PacketLinkTypeUnsupported", NetSockErrorKind.NotSupported,
            $"NetSock dissects {string.Join(", ", Enum.GetNames<LinkType>())} frames, not {linkLayer}. Give the packet from its network layer (an IPv4Packet or IPv6Packet) instead.", linkLayer),
    };

    private static LinkType LinkTypeOf(PacketDotNet.Packet packet) => packet switch
    {
        PacketDotNet.EthernetPacket => LinkType.Ethernet,
        PacketDotNet.NullPacket => LinkType.Null,
        PacketDotNet.LinuxSllPacket => LinkType.LinuxSll,
        PacketDotNet.IPPacket or PacketDotNet.RawIPPacket => LinkType.Raw,
        _ => throw new NetSockException("PacketLinkTypeUnsupported", NetSockErrorKind.NotSupported,
            $"NetSock takes a PacketDotNet packet that starts with Ethernet, Null, LinuxSll, IPv4 or IPv6, not a {packet.GetType().Name}. Give its IP packet (packet.Extract<IPPacket>()) instead.", packet),
    };

    /// <summary>
    /// The packet as <paramref name="packetType"/>: PacketDotNet's Packet or one of its layers (TcpPacket: the TCP packet
    /// inside), of NetSock's copy of PacketDotNet or of another copy a script loaded itself (Add-Type -Path): their types
    /// differ from NetSock's, which lives in its own load context, so that copy parses the bytes.
    /// </summary>
    public object ToPacketDotNet(Type packetType)
    {
        ArgumentNullException.ThrowIfNull(packetType);
        object? layer;
        if (typeof(PacketDotNet.Packet).IsAssignableFrom(packetType))
            layer = ToPacketDotNet();
        else
        {
            var root = packetType.Assembly.GetType("PacketDotNet.Packet");
            var linkLayers = packetType.Assembly.GetType("PacketDotNet.LinkLayers");
            if (root is null || linkLayers is null || !root.IsAssignableFrom(packetType))
                throw new ArgumentException($"{packetType} is not a PacketDotNet packet type.", nameof(packetType));
            var parse = root.GetMethod("ParsePacket", new[] { linkLayers, typeof(byte[]) })!;
            try
            {
                layer = parse.Invoke(null, new[] { Enum.ToObject(linkLayers, (int)LinkType), GetBytes().Clone() });
            }
            catch (System.Reflection.TargetInvocationException e)
            {
                throw new NetSockException("PacketConversionFailed", NetSockErrorKind.InvalidArgument,
                    $"PacketDotNet could not parse this {LinkType} packet ({Summary}): {e.InnerException?.Message}", this, e.InnerException);
            }
        }
        while (layer is not null && !packetType.IsInstanceOfType(layer))
            layer = layer.GetType().GetProperty("PayloadPacket")?.GetValue(layer);
        return layer ?? throw new NetSockException("PacketConversionFailed", NetSockErrorKind.InvalidArgument,
            $"PacketDotNet finds no {packetType.Name} in {Summary}.", this);
    }

    /// <summary>True for a PacketDotNet type of any copy of the library (NetSock's or one a script loaded itself).</summary>
    public static bool IsPacketDotNetType(Type type) => Named(type, "PacketDotNet.Packet") is not null;

    /// <summary>
    /// A PacketDotNet Packet or SharpPcap RawCapture as a NetSock packet, of NetSock's copy of those libraries or of
    /// another one (read through their public members); null for anything else.
    /// </summary>
    public static Packet? FromPacketDotNetOrCapture(object? value)
    {
        switch (value)
        {
            case null:
                return null;
            case PacketDotNet.Packet packet:
                return FromPacketDotNet(packet);
        }
        // A RawCapture is read through its members whichever copy it is of: NetSock's SharpPcap may be bound to a script's
        // copy that returns its own copy's LinkLayers, not the one NetSock's PacketDotNet knows.
        var type = value.GetType();
        if (IsPacketDotNetType(type))
        {
            var bytes = (byte[])type.GetProperty("Bytes")!.GetValue(value)!;
            LinkType linkType = Named(type, "PacketDotNet.EthernetPacket") is not null ? LinkType.Ethernet
                : Named(type, "PacketDotNet.NullPacket") is not null ? LinkType.Null
                : Named(type, "PacketDotNet.LinuxSllPacket") is not null ? LinkType.LinuxSll
                : Named(type, "PacketDotNet.IPPacket") is not null || Named(type, "PacketDotNet.RawIPPacket") is not null ? LinkType.Raw
                : throw new NetSockException("PacketLinkTypeUnsupported", NetSockErrorKind.NotSupported,
                    $"NetSock takes a PacketDotNet packet that starts with Ethernet, Null, LinuxSll, IPv4 or IPv6, not a {type.Name}.", value);
            return Dissect((byte[])bytes.Clone(), new CaptureInfo(null, null, linkType));
        }
        if (type.FullName == "SharpPcap.RawCapture")
        {
            var data = (byte[])(type.GetField("Data")?.GetValue(value) ?? type.GetProperty("Data")!.GetValue(value))!;
            var link = LinkTypeOf((PacketDotNet.LinkLayers)Convert.ToInt32(type.GetProperty("LinkLayerType")!.GetValue(value), System.Globalization.CultureInfo.InvariantCulture));
            var timeval = type.GetProperty("Timeval")?.GetValue(value);
            long? ns = timeval?.GetType().GetProperty("Value")?.GetValue(timeval) is decimal seconds ? (long)decimal.Truncate(seconds * 1_000_000_000m) : null;
            return Dissect((byte[])data.Clone(), new CaptureInfo(ns, null, link, type.GetProperty("PacketLength")?.GetValue(value) as int?));
        }
        return null;
    }

    private static Type? Named(Type? type, string fullName)
    {
        for (; type is not null; type = type.BaseType)
            if (type.FullName == fullName) return type;
        return null;
    }
}
