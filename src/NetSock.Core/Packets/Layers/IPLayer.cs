using System.Net;

namespace NetSock.Packets.Layers;

/// <summary>What IPv4 and IPv6 share for the layers around them: the addresses a pseudo-header and a route use.</summary>
public abstract class IPLayer : Layer
{
    /// <summary>The destination as it will be sent.</summary>
    public abstract IPAddress EffectiveDestination { get; }

    /// <summary>The source as it will be sent: the set one, or the route's source toward the destination.</summary>
    public abstract IPAddress EffectiveSource { get; }

    /// <summary>
    /// The checksum of an upper-layer header and its payload with the pseudo-header of the nearest IP layer below
    /// (TCP 6, UDP 17, ICMPv6 58); without an IP layer, over header and payload alone. The checksum field must be zero.
    /// </summary>
    /// <param name="length">The length the pseudo-header carries: UDP's own Length field (RFC 768), else header plus payload.</param>
    internal static ushort UpperLayerChecksum(BuildContext context, int index, int protocol, ReadOnlySpan<byte> header, ReadOnlySpan<byte> payload, int? length = null)
    {
        // The nearest IP layer below, and the final destination of a routing header between it and this layer (RFC 8200 8.1).
        IPAddress? finalDestination = null;
        IPLayer? ip = null;
        for (int i = index - 1; i >= 0 && ip is null; i--)
        {
            var below = context.At(i);
            if (below is IPv6Routing routing && finalDestination is null) finalDestination = routing.FinalDestination;
            ip = below as IPLayer;
        }
        uint sum = ip is null ? 0 : Checksum.PseudoHeader(ip.EffectiveSource, finalDestination ?? ip.EffectiveDestination, protocol, length ?? header.Length + payload.Length);
        return Checksum.Fold(Checksum.Add(Checksum.Add(sum, header), payload));
    }

    /// <summary>Wireshark's spelling: IPv4, IPv6.</summary>
    protected internal override string ColumnProtocol(ColumnContext context) => Name;

    /// <summary>A reply comes from where the packet went (or from anyone, to a broadcast or multicast) back to its source.</summary>
    protected internal override Answer AnswersSent(Layer sent, AnswerContext context) =>
        sent is IPLayer ip && sent.GetType() == GetType() &&
        (EffectiveSource.Equals(ip.EffectiveDestination) || IsGroup(ip.EffectiveDestination)) && EffectiveDestination.Equals(ip.EffectiveSource)
            ? Answer.Continue : Answer.No;

    /// <summary>A quoted header has the sent packet's own addresses.</summary>
    protected internal override bool IsQuoteOf(Layer sent) =>
        sent is IPLayer ip && sent.GetType() == GetType() && EffectiveSource.Equals(ip.EffectiveSource) && EffectiveDestination.Equals(ip.EffectiveDestination);

    private static bool IsGroup(IPAddress address) => address.IsIPv6Multicast ||
        (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && (address.Equals(IPAddress.Broadcast) || (address.GetAddressBytes()[0] & 0xF0) == 0xE0));
}
