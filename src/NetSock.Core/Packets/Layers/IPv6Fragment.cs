using System.Buffers.Binary;

namespace NetSock.Packets.Layers;

/// <summary>IPv6 Fragment header (next header 44, RFC 8200 4.5). Only the first fragment (offset 0) is dissected further.</summary>
[Layer("IPv6Fragment", "IPv6 Fragment extension header", Aliases = new[] { "IPv6ExtHdrFragment" })]
[Bind(typeof(IPv6), 44)]
public sealed class IPv6Fragment : Layer
{
    private byte? _nextHeader;
    private byte _reserved1;
    private ushort _offset;
    private byte _reserved2;
    private byte _moreFragments;
    private uint _id;

    [Field("Next header; auto: from the layer above, as on IPv6 (6 TCP, 17 UDP, 58 ICMPv6; 59 when nothing follows)", Alias = "nh")]
    public byte? NextHeader { get => _nextHeader; set => Set(ref _nextHeader, value); }

    [Field("Reserved byte", Alias = "res1")]
    public byte Reserved1 { get => _reserved1; set => Set(ref _reserved1, value); }

    [Field("Fragment offset in 8-byte units (13 bits)", Alias = "offset")]
    public ushort FragmentOffset { get => _offset; set { CheckBits(nameof(FragmentOffset), value, 13); Set(ref _offset, value); } }

    [Field("Reserved bits (2 bits)", Alias = "res2")]
    public byte Reserved2 { get => _reserved2; set { CheckBits(nameof(Reserved2), value, 2); Set(ref _reserved2, value); } }

    [Field("M flag: more fragments follow (1 bit)", Alias = "m")]
    public byte MoreFragments { get => _moreFragments; set { CheckBits(nameof(MoreFragments), value, 1); Set(ref _moreFragments, value); } }

    [Field("Identification", Alias = "id")]
    public uint Identification { get => _id; set => Set(ref _id, value); }

    protected internal override int HeaderLength => 8;

    protected internal override int Decode(ReadOnlySpan<byte> data, DecodeContext context)
    {
        DecodeException.Need(data, 8, Name);
        _nextHeader = data[0];
        _reserved1 = data[1];
        ushort word = BinaryPrimitives.ReadUInt16BigEndian(data[2..]);
        _offset = (ushort)(word >> 3);
        _reserved2 = (byte)((word >> 1) & 3);
        _moreFragments = (byte)(word & 1);
        _id = BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
        return 8;
    }

    protected internal override Type? NextLayerType(DecodeContext context) => _offset == 0 ? IPv6Extension.UpperFor(_nextHeader) : null;

    protected internal override void Prepare(BuildContext context, int index) => _nextHeader ??= IPv6Extension.NextHeaderFor(context, index);

    protected internal override void Encode(Span<byte> header, ReadOnlySpan<byte> payload, BuildContext context, int index)
    {
        header[0] = _nextHeader!.Value;
        header[1] = _reserved1;
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], (ushort)((_offset << 3) | (_reserved2 << 1) | _moreFragments));
        BinaryPrimitives.WriteUInt32BigEndian(header[4..], _id);
    }

    protected internal override string ColumnProtocol(ColumnContext context) => "IPv6";

    public override string Summary => $"IPv6 frag (0x{_id:x8}:{_offset * 8}|{(_moreFragments != 0 ? "M" : "")})";
}
