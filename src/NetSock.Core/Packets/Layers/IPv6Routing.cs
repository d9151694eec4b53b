using System.Buffers.Binary;
using System.Net;

namespace NetSock.Packets.Layers;

/// <summary>
/// IPv6 Routing header (next header 43, RFC 8200 4.4) of any routing type: the type-specific data after the
/// reserved word is kept as bytes (for type 0, deprecated by RFC 5095, and type 2, the addresses, 16 bytes each;
/// <see cref="Addresses"/> reads and writes them as addresses).
/// A TCP/UDP/ICMPv6 checksum above this header uses the final destination, the last address, while segments are
/// left (RFC 8200 8.1, as Scapy does).
/// </summary>
[Layer("IPv6Routing", "IPv6 Routing extension header", Aliases = new[] { "IPv6ExtHdrRouting" })]
[Bind(typeof(IPv6), 43)]
public sealed class IPv6Routing : Layer
{
    private byte? _nextHeader;
    private byte? _length;
    private byte _routingType;
    private byte? _segmentsLeft;
    private uint _reserved;
    private byte[] _data = Array.Empty<byte>();

    [Field("Next header; auto: from the layer above, as on IPv6 (6 TCP, 17 UDP, 58 ICMPv6; 59 when nothing follows)", Alias = "nh")]
    public byte? NextHeader { get => _nextHeader; set => Set(ref _nextHeader, value); }

    [Field("Header length in 8-byte units, not counting the first 8; auto: computed", Alias = "len")]
    public byte? Length { get => _length; set => Set(ref _length, value); }

    [Field("Routing type (0 source route, deprecated; 2 Mobile IPv6; 3 RPL; 4 segment routing)", Alias = "type")]
    public byte RoutingType { get => _routingType; set => Set(ref _routingType, value); }

    [Field("Segments left; auto: the number of 16-byte addresses in Data", Alias = "segleft")]
    public byte? SegmentsLeft { get => _segmentsLeft; set => Set(ref _segmentsLeft, value); }

    [Field("The 32 bits after segments left: reserved for types 0 and 2, type-specific for others", Alias = "reserved")]
    public uint Reserved { get => _reserved; set => Set(ref _reserved, value); }

    [Field("Type-specific data: for type 0 the addresses, 16 bytes each; padded with zeros to a multiple of 8 bytes when built")]
    public byte[] Data { get => _data; set => Set(ref _data, value ?? Array.Empty<byte>()); }

    /// <summary>Data as IPv6 addresses (whole 16-byte blocks); setting it replaces Data.</summary>
    public IPAddress[] Addresses
    {
        get => Enumerable.Range(0, _data.Length / 16).Select(i => new IPAddress(_data.AsSpan(16 * i, 16))).ToArray();
        set => Data = (value ?? Array.Empty<IPAddress>()).SelectMany(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? a.GetAddressBytes()
            : throw new ArgumentException($"IPv6Routing Addresses must be IPv6 addresses, not {a}.", nameof(Addresses))).ToArray();
    }

    /// <summary>The last address while segments are left: the destination upper-layer checksums use; null otherwise.</summary>
    internal IPAddress? FinalDestination => _data.Length >= 16 && (_segmentsLeft ?? _data.Length / 16) > 0
        ? new IPAddress(_data.AsSpan((_data.Length / 16 - 1) * 16, 16)) : null;

    protected internal override int HeaderLength => 8 + ((_data.Length + 7) & ~7);

    protected internal override int Decode(ReadOnlySpan<byte> data, DecodeContext context)
    {
        int length = IPv6Extension.DecodeLength(data, 8, Name);
        _nextHeader = data[0];
        _length = data[1];
        _routingType = data[2];
        _segmentsLeft = data[3];
        _reserved = BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
        _data = data[8..length].ToArray();
        return length;
    }

    protected internal override Type? NextLayerType(DecodeContext context) => IPv6Extension.UpperFor(_nextHeader);

    protected internal override void Prepare(BuildContext context, int index) => _nextHeader ??= IPv6Extension.NextHeaderFor(context, index);

    protected internal override void Encode(Span<byte> header, ReadOnlySpan<byte> payload, BuildContext context, int index)
    {
        IPv6Extension.EncodeStart(header, _nextHeader, _length);
        header[2] = _routingType;
        header[3] = _segmentsLeft ?? (byte)Math.Min(255, _data.Length / 16);
        BinaryPrimitives.WriteUInt32BigEndian(header[4..], _reserved);
        _data.CopyTo(header[8..]);
        header[(8 + _data.Length)..].Clear();
    }

    protected override void CopyReferences() => _data = (byte[])_data.Clone();

    protected internal override string ColumnProtocol(ColumnContext context) => "IPv6";

    public override string Summary => $"IPv6 routing type {_routingType} segleft {_segmentsLeft?.ToString() ?? "auto"}";
}
