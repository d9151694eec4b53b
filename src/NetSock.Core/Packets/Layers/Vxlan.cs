using System.Buffers.Binary;

namespace NetSock.Packets.Layers;

/// <summary>
/// VXLAN (RFC 7348): flags (0x08, I: the VNI is valid), 24 reserved bits, the 24-bit VXLAN network identifier, 8
/// reserved bits, then an Ethernet frame. Dissected on UDP port 4789 (and 4790, VXLAN-GPE, and 8472, Linux's default),
/// either port; to build, give the Udp layer its ports (NetSock's UDP ports are not auto). When the flags have the
/// GPE next-protocol bit (0x04), the low byte of Reserved1 says what follows: 1 IPv4, 2 IPv6, 3 Ethernet. Scapy builds
/// VXLAN()/Ether() as GPE (flags 0x0C, next protocol 3); NetSock keeps plain VXLAN unless the fields say otherwise.
/// </summary>
[Layer("Vxlan", "Virtual eXtensible Local Area Network (RFC 7348): Ethernet over UDP")]
[Bind(typeof(Udp), 4789, DissectOnly = true)]
[Bind(typeof(Udp), 4790, DissectOnly = true)]
[Bind(typeof(Udp), 8472, DissectOnly = true)]
public sealed class Vxlan : Layer
{
    private const byte NextProtocolFlag = 0x04;

    private byte _flags = 0x08;
    private uint _reserved1;
    private uint _vni;
    private byte _reserved2;

    [Field("Flags (0x08 I: VNI valid; GPE: 0x04 next protocol, 0x01 OAM; group policy: 0x80 G)", Alias = "flags")]
    public byte Flags { get => _flags; set => Set(ref _flags, value); }

    [Field("Reserved (24 bits; group policy: flags and policy id; GPE: the low byte is the next protocol)", Alias = "reserved1")]
    public uint Reserved1 { get => _reserved1; set { CheckBits(nameof(Reserved1), value, 24); Set(ref _reserved1, value); } }

    [Field("VXLAN network identifier (24 bits)", Alias = "vni")]
    public uint Vni { get => _vni; set { CheckBits(nameof(Vni), value, 24); Set(ref _vni, value); } }

    [Field("Reserved (8 bits)", Alias = "reserved2")]
    public byte Reserved2 { get => _reserved2; set => Set(ref _reserved2, value); }

    protected internal override int HeaderLength => 8;

    protected internal override int Decode(ReadOnlySpan<byte> data, DecodeContext context)
    {
        DecodeException.Need(data, 8, Name);
        uint first = BinaryPrimitives.ReadUInt32BigEndian(data);
        uint second = BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
        _flags = (byte)(first >> 24);
        _reserved1 = first & 0xFFFFFF;
        _vni = second >> 8;
        _reserved2 = (byte)second;
        return 8;
    }

    protected internal override Type? NextLayerType(DecodeContext context) =>
        (_flags & NextProtocolFlag) == 0 ? typeof(Ethernet)
        : (_reserved1 & 0xFF) switch { 1 => typeof(IPv4), 2 => typeof(IPv6), 3 => typeof(Ethernet), _ => null };

    protected internal override void Encode(Span<byte> header, ReadOnlySpan<byte> payload, BuildContext context, int index)
    {
        BinaryPrimitives.WriteUInt32BigEndian(header, ((uint)_flags << 24) | _reserved1);
        BinaryPrimitives.WriteUInt32BigEndian(header[4..], (_vni << 8) | _reserved2);
    }

    public override string Summary => $"VXLAN, flags [{FlagLetters}] (0x{_flags:x2}), vni {_vni}";

    private string FlagLetters => string.Concat(new[] { (0x08, "I"), (0x04, "P"), (0x01, "O"), (0x80, "G") }.Where(f => (_flags & f.Item1) != 0).Select(f => f.Item2));
}
