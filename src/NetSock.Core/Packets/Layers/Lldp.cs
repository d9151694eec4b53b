namespace NetSock.Packets.Layers;

/// <summary>
/// LLDP (IEEE 802.1AB): the LLDPDU as its list of TLVs (<see cref="LldpTlv"/>), in order. The mandatory ones are a
/// chassis ID, a port ID and a TTL, then End; nothing is added for you, so list End yourself. Decoding reads TLVs up to
/// End and never fails on a bad one (a TLV cut short or with a length past the frame is kept as one TLV of its bytes);
/// what follows End is padding. As Scapy does, an LLDPDU that ends an Ethernet frame (directly on it or behind 802.1Q
/// tags, nothing above it) is padded with zeros to the 60-byte minimum frame (64 with the FCS). With a layer above it
/// (a Padding layer of your own, say) nothing is added: padding belongs at the end of the frame, past that layer.
/// Send it to the nearest-bridge group address 01:80:c2:00:00:0e (Ethernet's auto destination is broadcast).
/// </summary>
[Layer("Lldp", "Link Layer Discovery Protocol data unit (IEEE 802.1AB), as a list of TLVs", Aliases = new[] { "LLDPDU" })]
[Bind(typeof(Ethernet), 0x88CC)]
public sealed class Lldp : Layer
{
    private const int MinimumFrame = 60;

    private List<LldpTlv> _tlvs = new();
    private int _padding;   // zeros after the TLVs, decided while a packet is built

    [Field("The TLVs in order: ChassisId=mac:02:00:00:00:00:01, PortId=ifname:eth0, TTL=120, SystemName=text, SystemCapabilities=Bridge,Router/Router, ManagementAddress=198.18.0.1, End, TypeN=hex, Bytes=exact wire hex")]
    public LldpTlv[] Tlvs { get => _tlvs.ToArray(); set => Set(ref _tlvs, new List<LldpTlv>(value ?? Array.Empty<LldpTlv>())); }

    /// <summary>The TLVs' own bytes (their length fields as written).</summary>
    private int TlvLength => _tlvs.Sum(t => t.WireLength);

    protected internal override int HeaderLength => TlvLength + _padding;

    protected internal override int Decode(ReadOnlySpan<byte> data, DecodeContext context)
    {
        _tlvs = LldpTlv.DecodeAll(data, out int consumed, out bool ended);
        _padding = 0;
        if (ended)
            context.PayloadLength = 0;     // the LLDPDU ends at End: the rest of the frame is padding
        return consumed;
    }

    protected internal override void Prepare(BuildContext context, int index)
    {
        // Scapy's LLDPDU.post_build: the frame from the Ethernet header (and its 802.1Q tags) to the end is padded to 60 bytes.
        _padding = 0;
        if (context.Above(index) is not null) return;
        int frame = TlvLength, below = index - 1;
        while (below >= 0 && context.At(below) is Dot1Q)
            frame += context.At(below--).HeaderLength;
        if (below >= 0 && context.At(below) is Ethernet ethernet)
            _padding = Math.Max(0, MinimumFrame - frame - ethernet.HeaderLength);
    }

    protected internal override void Encode(Span<byte> header, ReadOnlySpan<byte> payload, BuildContext context, int index)
    {
        int at = 0;
        foreach (var tlv in _tlvs)
        {
            tlv.Span.CopyTo(header[at..]);
            at += tlv.WireLength;
        }
        header[at..].Clear();
    }

    protected override void CopyReferences() => _tlvs = new List<LldpTlv>(_tlvs);

    public override string Summary
    {
        get
        {
            var parts = new List<string>();
            foreach (var (type, label) in new[] { (1, "chassis"), (2, "port"), (3, "ttl"), (5, "name") })
            {
                if (_tlvs.FirstOrDefault(t => t.Type == type && t.IsWellFormed) is { } tlv)
                    parts.Add($"{label} {(tlv.Value is byte[] bytes ? Convert.ToHexString(bytes) : tlv.Value)}");
            }
            return parts.Count == 0 ? $"LLDP {_tlvs.Count} TLVs" : $"LLDP {string.Join(" ", parts)}";
        }
    }
}
