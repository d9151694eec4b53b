namespace NetSock.Packets.Layers;

/// <summary>
/// What ICMP and ICMPv6 share: an error message (destination unreachable, time exceeded, ...) carries the start of the
/// datagram that caused it, and that quote is a part of the message, not of the packet: <see cref="Quoted"/> holds it
/// as a packet of its own (Scapy's IPerror / UDPerror / TCPerror, Wireshark's nested headers). The packet's layer
/// lookups ($p.Udp, $p['Udp'], Get&lt;T&gt;), its Layers, Protocol, Info, Source and Destination do not look inside it.
/// </summary>
public abstract class IcmpLayer : Layer
{
    private Packet? _quoted;
    private byte[]? _builtQuote;

    /// <summary>
    /// The datagram an error message quotes, starting at its IP header, as a packet of its own ($p.Icmp.Quoted.Udp.DestinationPort);
    /// null when there is none. Dissected from the bytes after the 8-byte ICMP header of an error type; a quote cut short
    /// mid-header (RFC 792 keeps 64 bits of the datagram) keeps the fields before the cut and is not malformed. Built
    /// after the header, byte for byte. In a crafted packet, the layers stacked above an error are its quote:
    /// New-Packet IPv4 | New-Packet Icmp -Type 3 -Code 3 | New-Packet IPv4 | New-Packet Udp (Scapy's IP()/ICMP(type=3)/IP()/UDP()).
    /// </summary>
    public Packet? Quoted { get => _quoted; set => Set(ref _quoted, value); }

    /// <summary>True for the types whose message quotes the datagram that caused it.</summary>
    public abstract bool IsError { get; }

    /// <summary>How the quote starts: IPv4 for ICMP, IPv6 for ICMPv6.</summary>
    private protected abstract LinkType QuoteLinkType { get; }

    internal override int ChangeCount => base.ChangeCount + (_quoted?.ChangeCount ?? 0);

    /// <summary>The quote's length on the wire (0 for none).</summary>
    private protected int QuoteLength => QuoteBytes?.Length ?? 0;

    private byte[]? QuoteBytes => _builtQuote ?? _quoted?.GetBytes();

    /// <summary>Decode's last step: for an error, the bytes after the <paramref name="header"/> are the quote (dissected when first read).</summary>
    private protected int DecodeQuote(ReadOnlySpan<byte> data, int header)
    {
        if (!IsError || data.Length <= header) return header;
        _quoted = Packet.DissectQuote(data[header..].ToArray(), QuoteLinkType);
        return data.Length;
    }

    /// <summary>Encode's first step: the quote into the end of <paramref name="header"/>, before the checksum is computed over it.</summary>
    private protected void EncodeQuote(Span<byte> header) => QuoteBytes?.CopyTo(header[^QuoteLength..]);

    protected internal override void Prepare(BuildContext context, int index) => _builtQuote = _quoted?.GetBytes();

    protected override void CopyReferences()
    {
        _quoted = _quoted?.Copy();
        _builtQuote = null;
    }

    /// <summary>
    /// Scapy's layering of a crafted ICMP error: the layers above the first error message in <paramref name="layers"/>
    /// go into its quote (onto the end of the quote it already has), so a crafted error is built and looked up as a
    /// dissected one is. The layers are the packet's own copies.
    /// </summary>
    internal static Layer[] TakeQuotes(Layer[] layers)
    {
        for (int i = 0; i < layers.Length - 1; i++)
        {
            if (layers[i] is IcmpLayer { IsError: true } icmp)
            {
                var above = layers[(i + 1)..];
                icmp.Quoted = icmp.Quoted is { } quote ? quote.Stack(above) : Packet.FromLayers(above);
                return layers[..(i + 1)];
            }
        }
        return layers;
    }
}
