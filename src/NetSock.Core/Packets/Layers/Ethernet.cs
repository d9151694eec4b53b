using System.Buffers.Binary;

namespace NetSock.Packets.Layers;

/// <summary>Ethernet II: destination, source, EtherType.</summary>
[Layer("Ethernet", "Ethernet II frame header", Aliases = new[] { "Ether" })]
public sealed class Ethernet : Layer
{
    private MacAddress? _destination;
    private MacAddress? _source;
    private ushort? _type;

    [Field("Destination MAC; auto: broadcast unless the neighbour table knows the IP destination", Alias = "dst")]
    public MacAddress? Destination { get => _destination; set => Set(ref _destination, value); }

    [Field("Source MAC; auto: the MAC of the interface that routes to the IP destination", Alias = "src")]
    public MacAddress? Source { get => _source; set => Set(ref _source, value); }

    [Field("EtherType; auto: from the layer above (0x0800 IPv4, 0x86DD IPv6, 0x0806 ARP, 0x8100 802.1Q)", Alias = "type")]
    public ushort? Type { get => _type; set => Set(ref _type, value); }

    protected internal override int HeaderLength => 14;

    protected internal override bool IsLinkHeader => true;

    protected internal override LinkType? LinkTypeWhenFirst => LinkType.Ethernet;

    protected internal override int Decode(ReadOnlySpan<byte> data, DecodeContext context)
    {
        DecodeException.Need(data, 14, Name);
        _destination = MacAddress.Read(data);
        _source = MacAddress.Read(data[6..]);
        _type = BinaryPrimitives.ReadUInt16BigEndian(data[12..]);
        return 14;
    }

    protected internal override Type? NextLayerType(DecodeContext context) => LayerRegistry.UpperFor(typeof(Ethernet), _type ?? 0);

    protected internal override void Prepare(BuildContext context, int index)
    {
        _type ??= (ushort)(context.SelectorAbove(index) ?? 0x9000);   // 0x9000 (loopback test) is Scapy's default too
        if (_source is null || _destination is null)
        {
            var network = NetworkLayer(context, index);
            var destination = network switch { IPLayer ip => ip.EffectiveDestination, Arp arp => arp.TargetProtocolAddress, _ => null };
            _source ??= destination is null ? MacAddress.Zero : Neighbours.InterfaceMacFor(BuildContext.SourceFor(destination));
            _destination ??= network switch
            {
                Arp { Operation: ArpOperation.WhoHas } => MacAddress.Broadcast,      // a request asks everyone
                Arp reply => reply.TargetHardwareAddress,
                _ when destination is not null => Neighbours.MacFor(destination) ?? MacAddress.Broadcast,
                _ => MacAddress.Broadcast,
            };
        }
    }

    /// <summary>The first layer above past any VLAN tags: the IP or ARP layer whose addresses pick the frame's.</summary>
    private static Layer? NetworkLayer(BuildContext context, int index)
    {
        var above = context.Above(index);
        while (above is Dot1Q) above = context.Above(++index);
        return above;
    }

    protected internal override void Encode(Span<byte> header, ReadOnlySpan<byte> payload, BuildContext context, int index)
    {
        _destination!.Value.Write(header);
        _source!.Value.Write(header[6..]);
        BinaryPrimitives.WriteUInt16BigEndian(header[12..], _type!.Value);
    }

    public override string Summary => $"Ethernet {_source?.ToString() ?? "auto"} > {_destination?.ToString() ?? "auto"} type {(_type is { } t ? $"0x{t:x4}" : "auto")}";
}
