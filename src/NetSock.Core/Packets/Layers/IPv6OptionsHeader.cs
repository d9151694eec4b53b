namespace NetSock.Packets.Layers;

/// <summary>
/// What the IPv6 extension headers share: their Next Header is an IP protocol number looked up in IPv6's bindings
/// (so TCP, UDP, ICMPv6 and the other extension headers ride on each of them as on IPv6, with no bindings of their own),
/// and IPv6's own Next Header becomes the extension's number because each extension is bound to IPv6.
/// </summary>
internal static class IPv6Extension
{
    /// <summary>The Next Header that announces the layer above <paramref name="index"/>: its IPv6 binding, or 59 (no next header).</summary>
    public static byte NextHeaderFor(BuildContext context, int index) =>
        context.Above(index) is { } above ? (byte)(LayerRegistry.SelectorFor(typeof(IPv6), above.GetType()) ?? 59) : (byte)59;

    public static Type? UpperFor(byte? nextHeader) => LayerRegistry.UpperFor(typeof(IPv6), nextHeader ?? 59);

    /// <summary>The header's whole length from its Hdr Ext Len byte ((n + 1) x 8), checked against the bytes there are.</summary>
    public static int DecodeLength(ReadOnlySpan<byte> data, int minimum, string layer)
    {
        DecodeException.Need(data, minimum, layer);
        int length = (data[1] + 1) * 8;
        DecodeException.Need(data, length, layer);
        return length;
    }

    /// <summary>Next Header and Hdr Ext Len, the two bytes every extension header starts with (the length auto from the header's size).</summary>
    public static void EncodeStart(Span<byte> header, byte? nextHeader, byte? length)
    {
        header[0] = nextHeader!.Value;
        header[1] = length ?? (byte)(header.Length / 8 - 1);
    }
}

/// <summary>
/// An IPv6 options header (Hop-by-Hop, Destination Options; RFC 8200 4.3, 4.6): next header, length, and the options
/// as their TLV bytes, padded when built to a multiple of 8 bytes with Pad1 (one byte) or PadN, as Scapy does.
/// </summary>
public abstract class IPv6OptionsHeader : Layer
{
    protected internal override string ColumnProtocol(ColumnContext context) => "IPv6";

    private byte? _nextHeader;
    private byte? _length;
    private byte[] _options = Array.Empty<byte>();

    [Field("Next header; auto: from the layer above, as on IPv6 (6 TCP, 17 UDP, 58 ICMPv6, 44 fragment; 59 when nothing follows)", Alias = "nh")]
    public byte? NextHeader { get => _nextHeader; set => Set(ref _nextHeader, value); }

    [Field("Header length in 8-byte units, not counting the first 8; auto: computed", Alias = "len")]
    public byte? Length { get => _length; set => Set(ref _length, value); }

    [Field("Options as TLV bytes (type, length, data), e.g. 05020000 for Router Alert; padded with Pad1/PadN to a multiple of 8 bytes when built", Alias = "options")]
    public byte[] Options { get => _options; set => Set(ref _options, value ?? Array.Empty<byte>()); }

    protected internal override int HeaderLength => (2 + _options.Length + 7) & ~7;

    protected internal override int Decode(ReadOnlySpan<byte> data, DecodeContext context)
    {
        int length = IPv6Extension.DecodeLength(data, 2, Name);
        _nextHeader = data[0];
        _length = data[1];
        _options = data[2..length].ToArray();
        return length;
    }

    protected internal override Type? NextLayerType(DecodeContext context) => IPv6Extension.UpperFor(_nextHeader);

    protected internal override void Prepare(BuildContext context, int index) => _nextHeader ??= IPv6Extension.NextHeaderFor(context, index);

    protected internal override void Encode(Span<byte> header, ReadOnlySpan<byte> payload, BuildContext context, int index)
    {
        IPv6Extension.EncodeStart(header, _nextHeader, _length);
        _options.CopyTo(header[2..]);
        var pad = header[(2 + _options.Length)..];
        pad.Clear();
        if (pad.Length >= 2)
        {
            pad[0] = 1;                         // PadN: type 1, length, zeros
            pad[1] = (byte)(pad.Length - 2);
        }                                       // one byte: Pad1, a zero
    }

    protected override void CopyReferences() => _options = (byte[])_options.Clone();
}
