using System.Buffers.Binary;

namespace NetSock.Packets.Layers;

/// <summary>
/// A PPP frame's protocol field (RFC 1661) as PPPoE carries it (no HDLC address, control or FCS): 0x0021 IPv4 and
/// 0x0057 IPv6 carry those layers; other protocols (0xC021 LCP, 0x8021 IPCP, 0xC023 PAP, 0xC223 CHAP) are left as Raw
/// unless a layer binds itself with [Bind(typeof(Ppp), protocol)]. With protocol-field compression (RFC 1661 PFC) a
/// protocol below 0x100 takes one byte; a frame whose first byte is odd is read so. Scapy compresses by default; NetSock
/// sends two bytes unless Compressed is set.
/// </summary>
[Layer("Ppp", "Point-to-Point Protocol frame (RFC 1661), as carried by PPPoE")]
[Bind(typeof(PPPoE), 0)]
public sealed class Ppp : Layer
{
    private const ushort IPv4Protocol = 0x0021;
    private const ushort IPv6Protocol = 0x0057;

    private ushort? _protocol;
    private bool _compressed;

    [Field("Protocol of the payload; auto: from the layer above (0x0021 IPv4, 0x0057 IPv6), 0x0021 when none is known (Scapy's default)", Alias = "proto")]
    public ushort? Protocol { get => _protocol; set => Set(ref _protocol, value); }

    [Field("Protocol-field compression (PFC): a protocol below 0x100 is sent in one byte, as Scapy does; off: two bytes")]
    public bool Compressed { get => _compressed; set => Set(ref _compressed, value); }

    private bool OneByte => _compressed && (_protocol ?? IPv4Protocol) < 0x100;

    protected internal override int HeaderLength => OneByte ? 1 : 2;

    protected internal override int Decode(ReadOnlySpan<byte> data, DecodeContext context)
    {
        DecodeException.Need(data, 1, Name);
        // Protocol numbers have an even first byte and an odd last one: an odd first byte is a compressed protocol.
        _compressed = (data[0] & 1) != 0;
        if (_compressed)
        {
            _protocol = data[0];
            return 1;
        }
        DecodeException.Need(data, 2, Name);
        _protocol = BinaryPrimitives.ReadUInt16BigEndian(data);
        return 2;
    }

    protected internal override Type? NextLayerType(DecodeContext context) => _protocol switch
    {
        IPv4Protocol => typeof(IPv4),
        IPv6Protocol => typeof(IPv6),
        { } p => LayerRegistry.UpperFor(typeof(Ppp), p),
        null => null,
    };

    protected internal override void Prepare(BuildContext context, int index) =>
        _protocol ??= context.Above(index) switch
        {
            IPv4 => IPv4Protocol,
            IPv6 => IPv6Protocol,
            { } above => (ushort)(LayerRegistry.SelectorFor(typeof(Ppp), above.GetType()) ?? IPv4Protocol),
            null => IPv4Protocol,
        };

    protected internal override void Encode(Span<byte> header, ReadOnlySpan<byte> payload, BuildContext context, int index)
    {
        if (header.Length == 1)
            header[0] = (byte)_protocol!.Value;
        else
            BinaryPrimitives.WriteUInt16BigEndian(header, _protocol!.Value);
    }

    public override string Summary => $"PPP {ProtocolName}";

    private string ProtocolName => _protocol switch
    {
        null => "auto",
        IPv4Protocol => "IPv4 (0x0021)",
        IPv6Protocol => "IPv6 (0x0057)",
        0xC021 => "LCP (0xc021)",
        0x8021 => "IPCP (0x8021)",
        0x8057 => "IPv6CP (0x8057)",
        0xC023 => "PAP (0xc023)",
        0xC223 => "CHAP (0xc223)",
        var p => $"proto 0x{p:x4}",
    };
}
