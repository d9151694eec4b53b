using System.Buffers.Binary;

namespace NetSock.Packets.Layers;

/// <summary>
/// IEEE 802.1Q VLAN tag. Its Type is an EtherType: what rides on it is looked up in Ethernet's bindings (IPv4 0x0800,
/// IPv6 0x86DD, ARP 0x0806, another tag 0x8100 for QinQ), as LinuxSll and Gre do, so every layer bound to Ethernet
/// rides on a tag without a binding of its own. The outer tag of 802.1ad (0x88A8) and the older 0x9100 dissect as
/// Dot1Q too; to build one, set the Ethernet (or outer tag) Type.
/// </summary>
[Layer("Dot1Q", "IEEE 802.1Q VLAN tag (priority, DEI, VLAN id, EtherType)", Aliases = new[] { "Vlan" })]
[Bind(typeof(Ethernet), 0x8100)]
[Bind(typeof(Ethernet), 0x88A8, DissectOnly = true)]
[Bind(typeof(Ethernet), 0x9100, DissectOnly = true)]
public sealed class Dot1Q : Layer
{
    private byte _priority;
    private byte _dropEligible;
    private ushort _vlan = 1;
    private ushort? _type;

    [Field("Priority code point (PCP, 3 bits)", Alias = "prio")]
    public byte Priority { get => _priority; set { CheckBits(nameof(Priority), value, 3); Set(ref _priority, value); } }

    [Field("Drop eligible indicator (DEI, formerly CFI; 1 bit)", Alias = "id")]
    public byte DropEligible { get => _dropEligible; set { CheckBits(nameof(DropEligible), value, 1); Set(ref _dropEligible, value); } }

    [Field("VLAN identifier (12 bits)", Alias = "vlan")]
    public ushort VlanId { get => _vlan; set { CheckBits(nameof(VlanId), value, 12); Set(ref _vlan, value); } }

    [Field("EtherType of the payload; auto: from the layer above, as on Ethernet (0x0800 IPv4, 0x86DD IPv6, 0x0806 ARP, 0x8100 another tag; 0 when nothing follows)", Alias = "type")]
    public ushort? Type { get => _type; set => Set(ref _type, value); }

    protected internal override bool IsLinkHeader => true;

    protected internal override int HeaderLength => 4;

    protected internal override int Decode(ReadOnlySpan<byte> data, DecodeContext context)
    {
        DecodeException.Need(data, 4, Name);
        ushort tci = BinaryPrimitives.ReadUInt16BigEndian(data);
        _priority = (byte)(tci >> 13);
        _dropEligible = (byte)((tci >> 12) & 1);
        _vlan = (ushort)(tci & 0x0FFF);
        _type = BinaryPrimitives.ReadUInt16BigEndian(data[2..]);
        return 4;
    }

    protected internal override Type? NextLayerType(DecodeContext context) => LayerRegistry.UpperFor(typeof(Ethernet), _type ?? 0);

    protected internal override void Prepare(BuildContext context, int index) =>
        _type ??= context.Above(index) is { } above ? (ushort)(LayerRegistry.SelectorFor(typeof(Ethernet), above.GetType()) ?? 0) : (ushort)0;

    protected internal override void Encode(Span<byte> header, ReadOnlySpan<byte> payload, BuildContext context, int index)
    {
        BinaryPrimitives.WriteUInt16BigEndian(header, (ushort)((_priority << 13) | (_dropEligible << 12) | _vlan));
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], _type!.Value);
    }

    public override string Summary => $"802.1Q vlan {_vlan} p {_priority}{(_dropEligible != 0 ? " DEI" : "")} type {(_type is { } t ? $"0x{t:x4}" : "auto")}";
}
