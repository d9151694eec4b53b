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
}
