using System.Buffers.Binary;
using System.Net;

namespace NetSock.Packets.Layers;

/// <summary>IPv6 fixed header (RFC 8200). Extension headers are layers of their own above it.</summary>
[Layer("IPv6", "Internet Protocol version 6")]
[Bind(typeof(Ethernet), 0x86DD)]
[Bind(typeof(IPv4), 41)]
[Bind(typeof(IPv6), 41)]
public sealed class IPv6 : IPLayer
{
    private byte _version = 6;
    private byte _trafficClass;
    private uint _flowLabel;
    private ushort? _payloadLength;
    private byte? _nextHeader;
    private byte _hopLimit = 64;
    private IPAddress? _source;
    private IPAddress _destination = IPAddress.IPv6Loopback;

    [Field("IP version (4 bits)", Alias = "version", End = 1)]
    public byte Version { get => _version; set { CheckBits(nameof(Version), value, 4); Set(ref _version, value); } }

    [Field("Traffic class", Alias = "tc", End = 2)]
    public byte TrafficClass { get => _trafficClass; set => Set(ref _trafficClass, value); }

    [Field("Flow label (20 bits)", Alias = "fl", End = 4)]
    public uint FlowLabel { get => _flowLabel; set { CheckBits(nameof(FlowLabel), value, 20); Set(ref _flowLabel, value); } }

    [Field("Length of what follows this header; auto: computed", Alias = "plen", End = 6)]
    public ushort? PayloadLength { get => _payloadLength; set => Set(ref _payloadLength, value); }

    [Field("Next header; auto: from the layer above (6 TCP, 17 UDP, 58 ICMPv6; 59 when nothing follows)", Alias = "nh", End = 7)]
    public byte? NextHeader { get => _nextHeader; set => Set(ref _nextHeader, value); }

    [Field("Hop limit", Alias = "hlim", End = 8)]
    public byte HopLimit { get => _hopLimit; set => Set(ref _hopLimit, value); }

    [Field("Source address; auto: the host's address on the route to the destination", Alias = "src", End = 24)]
    public IPAddress? Source { get => _source; set => Set(ref _source, value is null ? null : RequireV6(value, nameof(Source))); }

    [Field("Destination address", Alias = "dst", End = 40)]
    public IPAddress Destination { get => _destination; set => Set(ref _destination, RequireV6(value, nameof(Destination))); }

    public override IPAddress EffectiveDestination => _destination;
    public override IPAddress EffectiveSource => _source ?? BuildContext.SourceFor(_destination);

    protected internal override int HeaderLength => 40;

    protected internal override int Decode(ReadOnlySpan<byte> data, DecodeContext context)
    {
        var fixedPart = Whole(data, 40);
        uint first = BinaryPrimitives.ReadUInt32BigEndian(fixedPart);
        _version = (byte)(first >> 28);
        _trafficClass = (byte)(first >> 20);
        _flowLabel = first & 0xFFFFF;
        _payloadLength = BinaryPrimitives.ReadUInt16BigEndian(fixedPart[4..]);
        _nextHeader = fixedPart[6];
        _hopLimit = fixedPart[7];
        _source = new IPAddress(fixedPart.Slice(8, 16));
        _destination = new IPAddress(fixedPart.Slice(24, 16));
        if (CutLength is int cut) return cut;
        if (40 + _payloadLength <= data.Length)
            context.PayloadLength = _payloadLength;
        return 40;
    }

    protected internal override Type? NextLayerType(DecodeContext context) => LayerRegistry.UpperFor(typeof(IPv6), _nextHeader ?? 59);

    protected internal override void Prepare(BuildContext context, int index)
    {
        _nextHeader ??= (byte)(context.SelectorAbove(index) ?? 59);
        _source ??= BuildContext.SourceFor(_destination);
    }

    protected internal override void Encode(Span<byte> header, ReadOnlySpan<byte> payload, BuildContext context, int index)
    {
        BinaryPrimitives.WriteUInt32BigEndian(header, ((uint)_version << 28) | ((uint)_trafficClass << 20) | _flowLabel);
        BinaryPrimitives.WriteUInt16BigEndian(header[4..], _payloadLength ?? (ushort)payload.Length);
        header[6] = _nextHeader!.Value;
        header[7] = _hopLimit;
        _source!.TryWriteBytes(header[8..], out _);
        _destination.TryWriteBytes(header[24..], out _);
    }

    public override string Summary => $"IPv6 {_source?.ToString() ?? "auto"} > {_destination} hlim {_hopLimit}";

    private static IPAddress RequireV6(IPAddress value, string field) =>
        value.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? value
            : throw new ArgumentException($"IPv6 {field} must be an IPv6 address, not {value}. Use an IPv4 layer for IPv4 addresses.", field);
}
