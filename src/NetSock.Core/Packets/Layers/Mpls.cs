using System.Buffers.Binary;

namespace NetSock.Packets.Layers;

/// <summary>
/// One MPLS label stack entry (RFC 3032): label, traffic class, bottom-of-stack bit, TTL. Stack several for a label
/// stack: the bottom-of-stack bit is auto (0 when another entry follows). MPLS does not say what its payload is, so
/// after the bottom entry it is guessed from the first nibble, as Scapy does: 4 IPv4, 6 IPv6; otherwise an Ethernet
/// frame (a pseudowire without control word) when 14 bytes are there, and Raw when they are not or when the payload
/// starts with a zero control word. Rides on Ethernet (0x8847, and 0x8848 for multicast), and so on 802.1Q and GRE,
/// on IPv4/IPv6 (protocol 137, RFC 4023) and on UDP port 6635 (RFC 7510).
/// </summary>
[Layer("Mpls", "MPLS label stack entry (RFC 3032)")]
[Bind(typeof(Ethernet), 0x8847)]
[Bind(typeof(Ethernet), 0x8848, DissectOnly = true)]
[Bind(typeof(IPv4), 137)]
[Bind(typeof(IPv6), 137)]
[Bind(typeof(Udp), 6635, DissectOnly = true)]
public sealed class Mpls : Layer
{
    private uint? _label;
    private byte _trafficClass;
    private bool? _bottomOfStack;
    private byte _ttl;
    private int _payloadFirst = -1;     // the payload's first two bytes as decoded, to guess what it is (-1: fewer than 2)
    private int _payloadLength;

    [Field("Label (20 bits); auto, as Scapy: 0 (IPv4 explicit null) with IPv4 above, 2 (IPv6 explicit null) with IPv6 above, else 3 (implicit null)", Alias = "label")]
    public uint? Label { get => _label; set { if (value is { } v) CheckBits(nameof(Label), v, 20); Set(ref _label, value); } }

    [Field("Traffic class (3 bits; formerly EXP, Scapy's cos)", Alias = "cos")]
    public byte TrafficClass { get => _trafficClass; set { CheckBits(nameof(TrafficClass), value, 3); Set(ref _trafficClass, value); } }

    [Field("Bottom of stack (S bit); auto: on unless another MPLS entry follows", Alias = "s")]
    public bool? BottomOfStack { get => _bottomOfStack; set => Set(ref _bottomOfStack, value); }

    [Field("Time to live (Scapy's default 0)", Alias = "ttl")]
    public byte TimeToLive { get => _ttl; set => Set(ref _ttl, value); }

    protected internal override int HeaderLength => 4;

    protected internal override int Decode(ReadOnlySpan<byte> data, DecodeContext context)
    {
        DecodeException.Need(data, 4, Name);
        uint entry = BinaryPrimitives.ReadUInt32BigEndian(data);
        _label = entry >> 12;
        _trafficClass = (byte)((entry >> 9) & 7);
        _bottomOfStack = (entry & 0x100) != 0;
        _ttl = (byte)entry;
        _payloadLength = data.Length - 4;
        _payloadFirst = data.Length >= 6 ? BinaryPrimitives.ReadUInt16BigEndian(data[4..]) : data.Length == 5 ? data[4] << 8 : -1;
        return 4;
    }

    protected internal override Type? NextLayerType(DecodeContext context)
    {
        if (_bottomOfStack == false) return typeof(Mpls);
        if (_payloadLength < 1) return null;
        return (_payloadFirst >> 12) switch
        {
            4 => typeof(IPv4),
            6 => typeof(IPv6),
            _ when _payloadFirst == 0 || _payloadLength < 14 => null,    // a pseudowire control word (Scapy's EoMCW), or too short for a frame
            5 => null,                                                   // BIER (RFC 8296)
            _ => typeof(Ethernet),
        };
    }

    protected internal override void Prepare(BuildContext context, int index)
    {
        var above = context.Above(index);
        _label ??= above switch { IPv4 => 0u, IPv6 => 2u, _ => 3u };
        _bottomOfStack ??= above is not Mpls;
    }

    protected internal override void Encode(Span<byte> header, ReadOnlySpan<byte> payload, BuildContext context, int index) =>
        BinaryPrimitives.WriteUInt32BigEndian(header, (_label!.Value << 12) | ((uint)_trafficClass << 9) | (_bottomOfStack!.Value ? 0x100u : 0) | _ttl);

    public override string Summary =>
        $"MPLS (label {_label?.ToString() ?? "auto"}, tc {_trafficClass}{(_bottomOfStack switch { true => ", [S]", null => ", [S auto]", _ => "" })}, ttl {_ttl})";
}
