namespace NetSock.Packets;

/// <summary>
/// An ordered stack of layers, lowest first. Stacking returns a new packet and leaves the original unchanged.
/// A crafted packet builds its bytes on demand; a dissected one keeps its original bytes, decodes its layers on
/// first use, and rebuilds only when one of its fields has been changed.
/// </summary>
public sealed partial class Packet : System.Dynamic.IDynamicMetaObjectProvider, IDynamicMembers
{
    private Layer[]? _layers;
    private LayerList? _layerList;
    private int[]? _decodedVersions;
    private readonly byte[]? _original;

    private CaptureInfo _capture;
    private bool _quotation;

    private Packet(Layer[] layers)
    {
        _layers = NetSock.Packets.Layers.IcmpLayer.TakeQuotes(layers);
        _capture = new CaptureInfo(null, null, layers.Length > 0 ? layers[0].LinkTypeWhenFirst ?? LinkType.Raw : LinkType.Raw);
    }

    private Packet(byte[] original, in CaptureInfo capture)
    {
        _original = original;
        _capture = capture;
    }

    /// <summary>A packet of copies of the given layers.</summary>
    public static Packet FromLayers(IEnumerable<Layer> layers) => new(layers.Select(l => l.Clone()).ToArray());

    /// <summary>Dissects bytes that start with a <paramref name="linkType"/> header. Never throws: bad input is marked malformed.</summary>
    public static Packet Dissect(byte[] bytes, LinkType linkType = LinkType.Ethernet) => new(bytes, new CaptureInfo(null, null, linkType));

    /// <summary>Dissects captured bytes, with what the capture knows of them (their link type among it). Never throws.</summary>
    public static Packet Dissect(byte[] bytes, in CaptureInfo capture) => new(bytes, capture);

    /// <summary>The datagram an ICMP or ICMPv6 error quotes (<see cref="NetSock.Packets.Layers.IcmpLayer.Quoted"/>): a header cut short there is not malformed.</summary>
    internal static Packet DissectQuote(byte[] bytes, LinkType linkType) => new(bytes, new CaptureInfo(null, null, linkType)) { _quotation = true };

    /// <summary>A copy that owns its layers: the same bytes, dissected again when read, while nothing was changed.</summary>
    internal Packet Copy() => _original is not null && !Changed() ? new(_original, new CaptureInfo(null, null, LinkType)) { _quotation = _quotation } : FromLayers(EnsureDecoded());

    /// <summary>Grows with every change to a field of the packet's layers (0 while a dissected packet is not decoded).</summary>
    internal int ChangeCount => _layers?.Sum(l => l.ChangeCount) ?? 0;

    /// <summary>
    /// The layers, lowest first; as text (string interpolation, the list view) their names: "Ethernet/IPv4/Tcp". In
    /// PowerShell the member $p.Layers, dynamic (as $p.Bytes) so that ConvertTo-Json, which walks declared properties,
    /// gives <see cref="Fields"/> instead: a list of layer objects nests too deep for its default depth.
    /// </summary>
    public IReadOnlyList<Layer> GetLayers() => Layers;

    internal IReadOnlyList<Layer> Layers => _layerList ??= new LayerList(EnsureDecoded());

    /// <summary>
    /// Each layer's fields as plain values, for ConvertTo-Json at its default depth and for CSV (whose cell is the layer
    /// names, "Ethernet/IPv4/Tcp"): see <see cref="PacketFields"/>.
    /// </summary>
    public PacketFields Fields => new(EnsureDecoded());

    /// <summary>The first layer with that name or alias (IPv4, IP, Tcp, ...), or null.</summary>
    public Layer? this[string name]
    {
        get
        {
            var info = LayerRegistry.Get(name);
            return EnsureDecoded().FirstOrDefault(l => l.GetType() == info.Type);
        }
    }

    public Layer this[int index] => EnsureDecoded()[index];

    /// <summary>The first layer of type T, or null.</summary>
    public T? Get<T>() where T : Layer => EnsureDecoded().OfType<T>().FirstOrDefault();

    public bool Has(string name) => this[name] is not null;

    /// <summary>
    /// The packet's bytes: the original ones for a dissected packet nobody changed, otherwise built now. (In PowerShell
    /// also the member $p.Bytes, dynamic so that ConvertTo-Json and Export-Csv show <see cref="Hex"/> instead of a
    /// number per byte.)
    /// </summary>
    public byte[] GetBytes() => _original is not null && !Changed() ? _original : Builder.Build(EnsureDecoded());

    public int Length => GetBytes().Length;

    public LinkType LinkType => _capture.LinkType;

    /// <summary>True when the dissector could not decode all of the bytes; the rest is a Raw layer.</summary>
    public bool IsMalformed
    {
        get
        {
            EnsureDecoded();
            return MalformedReason is not null;
        }
    }

    public string? MalformedReason { get; private set; }

    /// <summary>
    /// What the capture knows of the packet, given when it was made. The properties below read it; their setters (for a
    /// script stamping a crafted packet before Export-Pcap, as Scapy's pkt.time) replace one part of it.
    /// </summary>
    internal CaptureInfo Capture => _capture;

    /// <summary>When the packet was seen, in local time (as tcpdump and Wireshark show it); exact to the 100 ns tick.</summary>
    public DateTimeOffset? Timestamp
    {
        get => _capture.TimestampNanoseconds is { } ns ? UnixTime.FromNanoseconds(ns).ToLocalTime() : null;
        set => _capture = _capture with { TimestampNanoseconds = value is { } t ? UnixTime.ToNanoseconds(t) : null };
    }

    /// <summary>The timestamp in nanoseconds since 1970-01-01 UTC, exact where the capture file had nanoseconds.</summary>
    public long? TimestampNanoseconds
    {
        get => _capture.TimestampNanoseconds;
        set => _capture = _capture with { TimestampNanoseconds = value };
    }

    /// <summary>The interface it was captured on or sent from.</summary>
    public string? Interface
    {
        get => _capture.Interface;
        set => _capture = _capture with { Interface = value };
    }

    /// <summary>Its length on the wire (more than the bytes kept when the snap length cut it).</summary>
    public int? OriginalLength
    {
        get => _capture.OriginalLength;
        set => _capture = _capture with { OriginalLength = value };
    }

    /// <summary>How many bytes of the packet were captured (its Length; less than OriginalLength when the snap length cut it).</summary>
    public int CapturedLength => Length;

    /// <summary>The packet's number in the capture it came from (1 for the first), as tcpdump -# and Wireshark's No. show it.</summary>
    public long? Number
    {
        get => _capture.Number;
        set => _capture = _capture with { Number = value };
    }

    /// <summary>The capture file it was read from.</summary>
    public string? SourceFile
    {
        get => _capture.SourceFile;
        set => _capture = _capture with { SourceFile = value };
    }

    /// <summary>Which way it went on its interface, when the capture says: In (received) or Out (sent).</summary>
    public PacketDirection? Direction
    {
        get => _capture.Direction;
        set => _capture = _capture with { Direction = value };
    }

    /// <summary>A new packet with <paramref name="layers"/> (copied) on top of copies of this packet's layers.</summary>
    public Packet Stack(params Layer[] layers) => new(EnsureDecoded().Concat(layers).Select(l => l.Clone()).ToArray());

    /// <summary>The packet as it goes on the wire, dissected again: every auto field computed (Scapy's show2).</summary>
    public Packet Rebuilt() => new(GetBytes(), _capture);

    public static Packet operator /(Packet lower, Packet upper) => lower.Stack(upper.EnsureDecoded().ToArray());
    public static Packet operator /(Packet lower, Layer upper) => lower.Stack(upper);
    public static Packet operator /(Packet lower, byte[] payload) => lower.Stack(new Layers.Raw { Load = payload });
    public static Packet operator /(Packet lower, string payload) => lower.Stack(new Layers.Raw { Load = System.Text.Encoding.UTF8.GetBytes(payload) });

    /// <summary>
    /// A layer by name or alias as a member (in PowerShell $p.IPv4, $p.Tcp, $p.Ether): the first such layer, or null
    /// when the packet has none; also $p.Bytes and $p.Layers. Dynamic, not declared, so Select-Object *, Export-Csv and ConvertTo-Json see the
    /// packet's own properties only.
    /// </summary>
    bool IDynamicMembers.TryGetMember(string name, out object? result)
    {
        if (name.Equals("Bytes", StringComparison.OrdinalIgnoreCase))
        {
            result = GetBytes();
            return true;
        }
        if (name.Equals("Layers", StringComparison.OrdinalIgnoreCase))
        {
            result = Layers;
            return true;
        }
        var info = LayerRegistry.Find(name);
        result = info is null ? null : EnsureDecoded().FirstOrDefault(l => l.GetType() == info.Type);
        return info is not null;
    }

    bool IDynamicMembers.TrySetMember(string name, object? value) => false;

    // Only Layers listed: pwsh shows listed dynamic members in Select-Object * (and Get-Member, tab completion), but
    // not in ConvertTo-Json or Export-Csv, which give Fields instead; the layers by name would repeat each value.
    private static readonly string[] ListedMembers = { "Layers" };

    IEnumerable<string> IDynamicMembers.MemberNames => ListedMembers;

    System.Dynamic.DynamicMetaObject System.Dynamic.IDynamicMetaObjectProvider.GetMetaObject(System.Linq.Expressions.Expression parameter) =>
        new DynamicMembersMeta(parameter, this);

    /// <summary>
    /// Wireshark's Source column: the source of the IP header that carries the topmost protocol (not one quoted in an
    /// ICMP error), else the link source (the MAC, for ARP too, as tshark -n writes it), else empty.
    /// </summary>
    public string Source => Endpoint(source: true);

    /// <summary>Wireshark's Destination column.</summary>
    public string Destination => Endpoint(source: false);

    /// <summary>
    /// Wireshark's Protocol column, in its spelling: the topmost protocol of the packet (TCP, UDP, ICMP, ICMPv6, DNS,
    /// ARP, DHCP, HTTP when a TCP segment starts with an HTTP request or status line). An ICMP error is ICMP, whatever it quotes.
    /// </summary>
    public string Protocol => Columns(static (layer, context) => layer.ColumnProtocol(context));

    /// <summary>
    /// Wireshark's Info column, as tshark prints it: "41850 → 8000 [SYN] Seq=0 Win=65495 Len=0 MSS=65495 SACK_PERM WS=128",
    /// "Standard query 0x1234 A example.test", "Destination unreachable (Port unreachable)", "Who has 198.18.0.2? Tell 198.18.0.1".
    /// TCP sequence numbers are relative to the stream's first (absolute when the capture was read with
    /// Get-SniffedPacket -AbsoluteSequenceNumbers), and the window is scaled when the handshake was seen: both need the
    /// packets before, so they hold for packets read from a capture (Get-SniffedPacket); a lone packet is a stream of
    /// its own, as tshark shows it.
    /// </summary>
    public string Info => Columns(static (layer, context) => layer.ColumnInfo(context));

    /// <summary>The packet's place in its TCP stream, stamped by a <see cref="ConversationTracker"/> as a capture is read.</summary>
    internal TcpStreamMark? TcpMark { get; set; }

    /// <summary>For an ICMP or ICMPv6 echo reply read with its capture: the number of the request it answers.</summary>
    internal long? EchoRequestNumber { get; set; }

    /// <summary>The bytes in hex (lower case, no separators), for text formats such as CSV and JSON.</summary>
    public string Hex => Convert.ToHexString(GetBytes()).ToLowerInvariant();

    /// <summary>
    /// The place of the topmost protocol: an ICMP error (whatever it quotes), an IPv4 fragment (whatever the first one
    /// carries, as Wireshark, which reassembles before it decodes), else the last layer that is not payload
    /// (Raw, Padding); -1 for a packet of payload only.
    /// </summary>
    private int TopIndex
    {
        get
        {
            var layers = EnsureDecoded();
            int top = -1;
            for (int i = 0; i < layers.Length; i++)
            {
                if (layers[i] is NetSock.Packets.Layers.BytesLayer) continue;
                top = i;
                if (layers[i] is NetSock.Packets.Layers.IcmpLayer { IsError: true } || layers[i] is NetSock.Packets.Layers.IPv4 { Flags: var f, FragmentOffset: var o } && (o != 0 || f.HasFlag(NetSock.Packets.Layers.IPv4Flags.MF))) break;
            }
            return top;
        }
    }

    private string Columns(Func<Layer, ColumnContext, string> column)
    {
        int top = TopIndex;
        return top < 0 ? "" : column(EnsureDecoded()[top], new ColumnContext(this, EnsureDecoded(), top));
    }

    private string Endpoint(bool source)
    {
        var layers = EnsureDecoded();
        for (int i = TopIndex; i >= 0; i--)
            if (layers[i] is NetSock.Packets.Layers.IPLayer ip && ip.GetInfo().GetField(source ? "Source" : "Destination").IsPresentIn(ip))   // not cut off
                return (source ? ip.EffectiveSource : ip.EffectiveDestination).ToString();
        var ether = layers.OfType<NetSock.Packets.Layers.Ethernet>().FirstOrDefault();
        if (ether is not null) return (source ? ether.Source : ether.Destination) is { } mac ? ColumnContext.Mac(mac) : "";
        var arp = layers.OfType<NetSock.Packets.Layers.Arp>().FirstOrDefault();
        return (source ? arp?.SenderProtocolAddress : arp?.TargetProtocolAddress)?.ToString() ?? "";
    }

    /// <summary>One line like Scapy's summary(): the layers' summaries, the link layer's too.</summary>
    public string Summary => string.Join(" / ", EnsureDecoded().Select(l => l.Summary));

    public override string ToString() => Summary;

    private Layer[] EnsureDecoded()
    {
        if (_layers is not null) return _layers;
        var (layers, reason) = Dissector.Decode(_original!, LinkType, _quotation);
        MalformedReason = reason;
        _decodedVersions = layers.Select(l => l.ChangeCount).ToArray();
        _layers = layers;
        return layers;
    }

    private bool Changed()
    {
        if (_layers is null) return false;
        for (int i = 0; i < _layers.Length; i++)
            if (_layers[i].ChangeCount != _decodedVersions![i]) return true;
        return false;
    }
}

/// <summary>A packet's layers; its text is their names ("Ethernet/IPv4/Tcp"), as a CSV column or a table cell shows it.</summary>
public sealed class LayerList : System.Collections.ObjectModel.ReadOnlyCollection<Layer>
{
    internal LayerList(IList<Layer> layers) : base(layers)
    {
    }

    public override string ToString() => string.Join("/", this.Select(l => l.Name));
}
