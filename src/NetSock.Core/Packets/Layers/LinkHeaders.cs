using System.Buffers.Binary;

namespace NetSock.Packets.Layers;

/// <summary>BSD loopback (DLT_NULL): the address family in host byte order.</summary>
[Layer("Loopback", "BSD loopback header (link type Null): address family", Aliases = new[] { "Null" })]
public sealed class Loopback : Layer
{
    private uint? _family;

    [Field("Address family in host order (2 IPv4; 10, 24, 28 or 30 IPv6 by OS); auto: from the layer above", Alias = "type")]
    public uint? Family { get => _family; set => Set(ref _family, value); }

    protected internal override bool IsLinkHeader => true;

    protected internal override int HeaderLength => 4;

    protected internal override LinkType? LinkTypeWhenFirst => LinkType.Null;

    protected internal override int Decode(ReadOnlySpan<byte> data, DecodeContext context)
    {
        DecodeException.Need(data, 4, Name);
        _family = BinaryPrimitives.ReadUInt32LittleEndian(data);
        if (_family > 0xFFFF) _family = BinaryPrimitives.ReadUInt32BigEndian(data);   // written on a big-endian host
        return 4;
    }

    protected internal override Type? NextLayerType(DecodeContext context) => _family switch
    {
        2 => typeof(IPv4),
        10 or 24 or 28 or 30 => typeof(IPv6),
        _ => null,
    };

    protected internal override void Prepare(BuildContext context, int index) =>
        _family ??= context.Above(index) switch { IPv6 => 10u, _ => 2u };

    protected internal override void Encode(Span<byte> header, ReadOnlySpan<byte> payload, BuildContext context, int index) =>
        BinaryPrimitives.WriteUInt32LittleEndian(header, _family!.Value);
}

/// <summary>Linux cooked capture header (SLL), what `tcpdump -i any` records.</summary>
[Layer("LinuxSll", "Linux cooked capture header (SLL, tcpdump -i any)", Aliases = new[] { "CookedLinux", "SLL" })]
public sealed class LinuxSll : Layer
{
    private ushort _packetType;
    private ushort _addressType = 1;
    private ushort _addressLength = 6;
    private byte[] _address = new byte[8];
    private ushort? _protocol;

    [Field("Packet type: 0 to us, 1 broadcast, 2 multicast, 3 to another host, 4 sent by us", Alias = "pkttype")]
    public ushort PacketType { get => _packetType; set => Set(ref _packetType, value); }

    [Field("Link-layer address type (ARPHRD_: 1 Ethernet, 772 loopback)", Alias = "lladdrtype")]
    public ushort AddressType { get => _addressType; set => Set(ref _addressType, value); }

    [Field("Link-layer address length", Alias = "lladdrlen")]
    public ushort AddressLength { get => _addressLength; set => Set(ref _addressLength, value); }

    [Field("Link-layer address (8 bytes, zero-padded)", Alias = "src")]
    public byte[] Address { get => _address; set => Set(ref _address, value ?? new byte[8]); }

    [Field("EtherType of the payload; auto: from the layer above", Alias = "proto")]
    public ushort? Protocol { get => _protocol; set => Set(ref _protocol, value); }

    protected internal override bool IsLinkHeader => true;

    protected internal override int HeaderLength => 16;

    protected internal override LinkType? LinkTypeWhenFirst => LinkType.LinuxSll;

    protected internal override int Decode(ReadOnlySpan<byte> data, DecodeContext context)
    {
        DecodeException.Need(data, 16, Name);
        _packetType = BinaryPrimitives.ReadUInt16BigEndian(data);
        _addressType = BinaryPrimitives.ReadUInt16BigEndian(data[2..]);
        _addressLength = BinaryPrimitives.ReadUInt16BigEndian(data[4..]);
        _address = data.Slice(6, 8).ToArray();
        _protocol = BinaryPrimitives.ReadUInt16BigEndian(data[14..]);
        return 16;
    }

    // The payload is bound as on Ethernet: the protocol field is an EtherType.
    protected internal override Type? NextLayerType(DecodeContext context) => LayerRegistry.UpperFor(typeof(Ethernet), _protocol ?? 0);

    protected internal override void Prepare(BuildContext context, int index) =>
        _protocol ??= context.Above(index) is { } above ? (ushort)(LayerRegistry.SelectorFor(typeof(Ethernet), above.GetType()) ?? 0) : (ushort)0;

    protected internal override void Encode(Span<byte> header, ReadOnlySpan<byte> payload, BuildContext context, int index)
    {
        BinaryPrimitives.WriteUInt16BigEndian(header, _packetType);
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], _addressType);
        BinaryPrimitives.WriteUInt16BigEndian(header[4..], _addressLength);
        _address.AsSpan(0, Math.Min(8, _address.Length)).CopyTo(header[6..]);
        BinaryPrimitives.WriteUInt16BigEndian(header[14..], _protocol!.Value);
    }

    protected override void CopyReferences() => _address = (byte[])_address.Clone();
}
