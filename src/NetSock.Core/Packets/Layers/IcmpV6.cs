using System.Buffers.Binary;
using System.Net;

namespace NetSock.Packets.Layers;

/// <summary>
/// ICMPv6 (RFC 4443) in one layer, as the type says. The 32 bits after the checksum are the fields Id and Seq (echo
/// request/reply, 128/129); for other types the same bits are read and written through the views
/// <see cref="RestOfHeader"/>, <see cref="Mtu"/> (packet too big), <see cref="Pointer"/> (parameter problem),
/// <see cref="QuotedLength"/> (RFC 4884) and the Neighbor Advertisement flags <see cref="Router"/>,
/// <see cref="Solicited"/>, <see cref="Override"/>. Neighbor Solicitation and Advertisement (135, 136, RFC 4861) add the
/// target address; their options follow as Raw. An error (types 1-4) carries the packet it quotes in
/// <see cref="IcmpLayer.Quoted"/>, a packet that starts at IPv6 (Scapy's IPerror6); a quote cut short mid-header is not malformed.
/// One layer for all types means one set of defaults: Scapy's per-message defaults (ICMPv6PacketTooBig mtu=1280,
/// ICMPv6ParamProblem ptr=6, ICMPv6ND_NA R=1 O=1) are not applied: the word after the checksum is 0 unless set.
/// </summary>
[Layer("IcmpV6", "Internet Control Message Protocol for IPv6 (echo, errors, neighbor discovery)")]
[Bind(typeof(IPv6), 58)]
public sealed class IcmpV6 : IcmpLayer
{
    private byte _type = 128;
    private byte _code;
    private ushort? _checksum;
    private ushort _id;
    private ushort _seq;
    private IPAddress _target = IPAddress.IPv6Any;

    [Field("Type: 128 echo-request, 129 echo-reply, 1 dest-unreach, 2 packet-too-big, 3 time-exceeded, 4 parameter-problem, 135 neighbor-solicitation, 136 neighbor-advertisement", Alias = "type", End = 1)]
    public byte Type { get => _type; set => Set(ref _type, value); }

    [Field("Code (for dest-unreach: 0 no route, 1 prohibited, 3 address unreachable, 4 port unreachable)", Alias = "code", End = 2)]
    public byte Code { get => _code; set => Set(ref _code, value); }

    [Field("Checksum over the IPv6 pseudo-header (next header 58), header and payload; auto: computed", Alias = "cksum", End = 4)]
    public ushort? Checksum { get => _checksum; set => Set(ref _checksum, value); }

    [Field("Identifier (echo); for other types the first 16 bits after the checksum (NA flags R S O, MTU, pointer)", Alias = "id", End = 6)]
    public ushort Id { get => _id; set => Set(ref _id, value); }

    [Field("Sequence number (echo); for other types the last 16 bits after the checksum", Alias = "seq", End = 8)]
    public ushort Seq { get => _seq; set => Set(ref _seq, value); }

    [Field("Target address of a Neighbor Solicitation or Advertisement (types 135, 136 only)", Alias = "tgt", End = 24)]
    public IPAddress Target { get => _target; set => Set(ref _target, RequireV6(value, nameof(Target))); }

    /// <summary>The 32 bits after the checksum, whatever the type (Id then Seq; Scapy's res, mtu, ptr).</summary>
    public uint RestOfHeader
    {
        get => ((uint)_id << 16) | _seq;
        set { Set(ref _id, (ushort)(value >> 16)); Set(ref _seq, (ushort)value); }
    }

    /// <summary>The MTU of a packet-too-big message (type 2).</summary>
    public uint Mtu { get => RestOfHeader; set => RestOfHeader = value; }

    /// <summary>The pointer of a parameter-problem message (type 4).</summary>
    public uint Pointer { get => RestOfHeader; set => RestOfHeader = value; }

    /// <summary>RFC 4884's length of the quoted packet in 64-bit words (types 1, 3): the first byte after the checksum.</summary>
    public byte QuotedLength { get => (byte)(_id >> 8); set => Set(ref _id, (ushort)((value << 8) | (_id & 0xFF))); }

    /// <summary>Neighbor Advertisement's R flag (sender is a router).</summary>
    public bool Router { get => (_id & 0x8000) != 0; set => SetFlag(0x8000, value); }

    /// <summary>Neighbor Advertisement's S flag (sent in answer to a solicitation).</summary>
    public bool Solicited { get => (_id & 0x4000) != 0; set => SetFlag(0x4000, value); }

    /// <summary>Neighbor Advertisement's O flag (override the cached link-layer address).</summary>
    public bool Override { get => (_id & 0x2000) != 0; set => SetFlag(0x2000, value); }

    /// <summary>True for the error messages that quote a packet: 1, 2, 3, 4.</summary>
    public override bool IsError => _type is >= 1 and <= 4;

    private protected override LinkType QuoteLinkType => LinkType.IPv6;

    private bool HasTarget => _type is 135 or 136;

    /// <summary>Echo 128 → 129 with the same Id and Seq; a neighbour solicitation 135 → advertisement 136 for the same
    /// target; a router solicitation 133 → advertisement 134.</summary>
    protected internal override Answer AnswersSent(Layer sent, AnswerContext context) => sent is IcmpV6 s && (s._type, _type) switch
    {
        (128, 129) => _id == s._id && _seq == s._seq,
        (135, 136) => Target.Equals(s.Target),
        (133, 134) => true,
        _ => false,
    } ? Answer.Yes : Answer.No;

    protected internal override bool IsQuoteOf(Layer sent) => sent is IcmpV6 s && _type == s._type && _id == s._id && _seq == s._seq;

    /// <summary>The 8-byte header, the target of a neighbour solicitation or advertisement, and the quote of an error.</summary>
    protected internal override int HeaderLength => (HasTarget ? 24 : 8) + QuoteLength;

    protected internal override int Decode(ReadOnlySpan<byte> data, DecodeContext context)
    {
        var whole = Whole(data, 8);
        IcmpHeader.Read(whole, out _type, out _code, out ushort checksum, out _id, out _seq);
        _checksum = checksum;
        if (CutLength is int cut) return cut;
        if (!HasTarget) return DecodeQuote(data, 8);
        _target = new IPAddress(Whole(data, 24).Slice(8, 16));
        return CutLength ?? 24;
    }

    protected internal override void Encode(Span<byte> header, ReadOnlySpan<byte> payload, BuildContext context, int index)
    {
        EncodeQuote(header);
        IcmpHeader.Write(header, _type, _code, _id, _seq);
        if (HasTarget) _target.TryWriteBytes(header[8..], out _);
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], _checksum ?? IPLayer.UpperLayerChecksum(context, index, 58, header, payload));
    }

    public override string Summary => _type switch
    {
        128 or 129 => $"ICMPv6 {TypeName} id {_id} seq {_seq}",
        2 => $"ICMPv6 packet-too-big mtu {Mtu}",
        4 => $"ICMPv6 parameter-problem code {_code} pointer {Pointer}",
        135 => $"ICMPv6 neighbor-solicitation who-has {_target}",
        136 => $"ICMPv6 neighbor-advertisement tgt is {_target}{NaFlags}",
        _ => $"ICMPv6 {TypeName} code {_code}",
    };

    protected internal override string ColumnProtocol(ColumnContext context) => "ICMPv6";

    /// <summary>
    /// As tshark writes it: the type's name, the code's name in brackets ("Destination Unreachable (Port unreachable)"),
    /// " id=0x0001, seq=1, hop limit=64" for echo, the target (and the link-layer address option) of neighbor discovery.
    /// </summary>
    protected internal override string ColumnInfo(ColumnContext context)
    {
        string text = WiresharkType;
        if (WiresharkCode is { } code) return text + " (" + code + ")";
        switch (_type)
        {
            case 128 or 129:
                text += $" id=0x{_id:x4}, seq={_seq}";
                if (context.Below<IPv6>() is { } ip) text += $", hop limit={ip.HopLimit}";
                if (_type == 129 && context.Packet.EchoRequestNumber is { } request) text += $" (request in {request})";
                break;
            case 135:
                text += $" for {_target}" + (LinkLayerOption(context, 1) is { } from ? $" from {from}" : "");
                break;
            case 136:
                string flags = string.Join(", ", new[] { Router ? "rtr" : null, Solicited ? "sol" : null, Override ? "ovr" : null }.Where(f => f is not null));
                text += $" {_target}" + (flags.Length > 0 ? $" ({flags})" : "") + (LinkLayerOption(context, 2) is { } at ? $" is at {at}" : "");
                break;
        }
        return text;
    }

    /// <summary>The MAC of the first source (1) or target (2) link-layer address option after a neighbor discovery header, or null.</summary>
    private static string? LinkLayerOption(ColumnContext context, byte kind)
    {
        if (context.Above is not Raw raw) return null;
        byte[] o = raw.Load;
        for (int at = 0; at + 8 <= o.Length && o[at + 1] > 0; at += o[at + 1] * 8)
            if (o[at] == kind && o[at + 1] == 1) return ColumnContext.Mac(MacAddress.Read(o.AsSpan(at + 2, 6)));
        return null;
    }

    private string WiresharkType => _type switch
    {
        1 => "Destination Unreachable",
        2 => "Packet Too Big",
        3 => "Time Exceeded",
        4 => "Parameter Problem",
        128 => "Echo (ping) request",
        129 => "Echo (ping) reply",
        130 => "Multicast Listener Query",
        131 => "Multicast Listener Report",
        132 => "Multicast Listener Done",
        133 => "Router Solicitation",
        134 => "Router Advertisement",
        135 => "Neighbor Solicitation",
        136 => "Neighbor Advertisement",
        137 => "Redirect",
        143 => "Multicast Listener Report Message v2",
        _ => $"Unknown ICMPv6 Type ({_type})",
    };

    private static readonly string[] UnreachableCodes =
    {
        "no route to destination", "Administratively prohibited", "Beyond scope of source address", "Address unreachable",
        "Port unreachable", "Source address failed ingress/egress policy", "Reject route to destination",
    };

    private string? WiresharkCode => _type switch
    {
        1 => _code < UnreachableCodes.Length ? UnreachableCodes[_code] : "Unknown",
        3 => _code switch { 0 => "hop limit exceeded in transit", 1 => "fragment reassembly time exceeded", _ => "Unknown" },
        4 => _code switch
        {
            0 => "erroneous header field encountered", 1 => "unrecognized Next Header type encountered",
            2 => "unrecognized IPv6 option encountered", _ => "Unknown",
        },
        _ => null,
    };

    private string NaFlags
    {
        get
        {
            string flags = (Router ? "R" : "") + (Solicited ? "S" : "") + (Override ? "O" : "");
            return flags.Length > 0 ? $" [{flags}]" : "";
        }
    }

    private string TypeName => TypeNameOf(_type) ?? $"type {_type}";

    /// <summary>The name of an ICMP type as tcpdump and Scapy write it (echo-request), or null for a type without one.</summary>
    public static string? TypeNameOf(int type) => type switch
    {
        1 => "dest-unreach",
        2 => "packet-too-big",
        3 => "time-exceeded",
        4 => "parameter-problem",
        128 => "echo-request",
        129 => "echo-reply",
        130 => "mld-query",
        131 => "mld-report",
        132 => "mld-done",
        133 => "router-solicitation",
        134 => "router-advertisement",
        135 => "neighbor-solicitation",
        136 => "neighbor-advertisement",
        137 => "redirect",
        143 => "mldv2-report",
        _ => null,
    };

    private void SetFlag(ushort bit, bool on) => Set(ref _id, (ushort)(on ? _id | bit : _id & ~bit));

    private static IPAddress RequireV6(IPAddress value, string field) =>
        value.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? value
            : throw new ArgumentException($"IcmpV6 {field} must be an IPv6 address, not {value}.", field);
}
