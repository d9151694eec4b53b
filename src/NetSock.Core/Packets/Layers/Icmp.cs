using System.Buffers.Binary;
using System.Net;

namespace NetSock.Packets.Layers;

/// <summary>
/// ICMP for IPv4 (RFC 792). The 32 bits after the checksum are the fields Id and Seq (Scapy's names, echo and the
/// other query messages); for the other types the same bits are read and written through the views
/// <see cref="RestOfHeader"/>, <see cref="Gateway"/> (redirect), <see cref="Pointer"/> (parameter problem),
/// <see cref="QuotedLength"/> (RFC 4884) and <see cref="NextHopMtu"/> (fragmentation needed). An error message
/// (types 3, 4, 5, 11, 12) carries the datagram it quotes in <see cref="IcmpLayer.Quoted"/>, a packet that starts at
/// IPv4 (Scapy's IPerror); a quote cut short mid-header is not malformed.
/// </summary>
[Layer("Icmp", "Internet Control Message Protocol for IPv4", Aliases = new[] { "ICMPv4" })]
[Bind(typeof(IPv4), 1)]
public sealed class Icmp : IcmpLayer
{
    private byte _type = 8;
    private byte _code;
    private ushort? _checksum;
    private ushort _id;
    private ushort _seq;

    [Field("Type: 8 echo-request, 0 echo-reply, 3 dest-unreach, 11 time-exceeded, 5 redirect, 12 parameter-problem, 13/14 timestamp", Alias = "type", End = 1)]
    public byte Type { get => _type; set => Set(ref _type, value); }

    [Field("Code (for dest-unreach: 0 net, 1 host, 3 port, 4 fragmentation needed, 13 administratively prohibited)", Alias = "code", End = 2)]
    public byte Code { get => _code; set => Set(ref _code, value); }

    [Field("Checksum over the ICMP header and payload; auto: computed", Alias = "chksum", End = 4)]
    public ushort? Checksum { get => _checksum; set => Set(ref _checksum, value); }

    [Field("Identifier (echo, timestamp, information, address mask); for other types the first 16 bits after the checksum", Alias = "id", End = 6)]
    public ushort Id { get => _id; set => Set(ref _id, value); }

    [Field("Sequence number (echo, timestamp, information, address mask); for other types the last 16 bits after the checksum", Alias = "seq", End = 8)]
    public ushort Seq { get => _seq; set => Set(ref _seq, value); }

    /// <summary>The 32 bits after the checksum, whatever the type (Id then Seq).</summary>
    public uint RestOfHeader
    {
        get => ((uint)_id << 16) | _seq;
        set { Set(ref _id, (ushort)(value >> 16)); Set(ref _seq, (ushort)value); }
    }

    /// <summary>The gateway of a redirect (type 5): the 32 bits after the checksum as an address.</summary>
    public IPAddress Gateway
    {
        get => new(new[] { (byte)(_id >> 8), (byte)_id, (byte)(_seq >> 8), (byte)_seq });
        set
        {
            if (value.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
                throw new ArgumentException($"Icmp Gateway must be an IPv4 address, not {value}.", nameof(Gateway));
            RestOfHeader = BinaryPrimitives.ReadUInt32BigEndian(value.GetAddressBytes());
        }
    }

    /// <summary>The pointer of a parameter problem (type 12): the first byte after the checksum.</summary>
    public byte Pointer { get => (byte)(_id >> 8); set => Set(ref _id, (ushort)((value << 8) | (_id & 0xFF))); }

    /// <summary>RFC 4884's length of the quoted datagram in 32-bit words (types 3, 11, 12): the second byte after the checksum.</summary>
    public byte QuotedLength { get => (byte)_id; set => Set(ref _id, (ushort)((_id & 0xFF00) | value)); }

    /// <summary>The next-hop MTU of fragmentation needed (type 3 code 4, RFC 1191): the last 16 bits after the checksum.</summary>
    public ushort NextHopMtu { get => _seq; set => Set(ref _seq, value); }

    /// <summary>True for the error messages that quote a datagram: 3, 4, 5, 11, 12.</summary>
    public override bool IsError => _type is 3 or 4 or 5 or 11 or 12;

    private protected override LinkType QuoteLinkType => LinkType.IPv4;

    /// <summary>A query's reply (echo 8 → 0, timestamp 13 → 14, information 15 → 16, mask 17 → 18) with the same Id and Seq.</summary>
    protected internal override Answer AnswersSent(Layer sent, AnswerContext context) =>
        sent is Icmp s && s._type is 8 or 13 or 15 or 17 && _type == (s._type == 8 ? 0 : s._type + 1) && _id == s._id && _seq == s._seq
            ? Answer.Yes : Answer.No;

    protected internal override bool IsQuoteOf(Layer sent) => sent is Icmp s && _type == s._type && _id == s._id && _seq == s._seq;

    /// <summary>The 8-byte header and the quote of an error.</summary>
    protected internal override int HeaderLength => 8 + QuoteLength;

    protected internal override int Decode(ReadOnlySpan<byte> data, DecodeContext context)
    {
        var whole = Whole(data, 8);
        IcmpHeader.Read(whole, out _type, out _code, out ushort checksum, out _id, out _seq);
        _checksum = checksum;
        return CutLength ?? DecodeQuote(data, 8);
    }

    protected internal override void Encode(Span<byte> header, ReadOnlySpan<byte> payload, BuildContext context, int index)
    {
        EncodeQuote(header);
        IcmpHeader.Write(header, _type, _code, _id, _seq);
        ushort sum = _checksum ?? NetSock.Packets.Checksum.Fold(NetSock.Packets.Checksum.Add(NetSock.Packets.Checksum.Add(0, header), payload));
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], sum);
    }

    public override string Summary => _type switch
    {
        0 or 8 or 13 or 14 or 15 or 16 or 17 or 18 => $"ICMP {TypeName} id {_id} seq {_seq}",
        3 => $"ICMP dest-unreach {UnreachName}{(_code == 4 ? $" mtu {_seq}" : "")}",
        5 => $"ICMP redirect code {_code} to {Gateway}",
        12 => $"ICMP parameter-problem pointer {Pointer}",
        _ => $"ICMP {TypeName} code {_code}",
    };

    /// <summary>
    /// As tshark writes it: the type's name padded to 20 characters, then the code's name in brackets
    /// ("Destination unreachable (Port unreachable)", "Redirect             (Redirect for host)"), or for echo and the
    /// other queries " id=0x0001, seq=1/256, ttl=64" (the sequence number read both ways, the TTL of the IP header).
    /// An echo reply read with its capture ends with " (request in N)", as tshark's; tshark's "(no response found!)" (a
    /// second pass) is not made.
    /// </summary>
    protected internal override string ColumnInfo(ColumnContext context)
    {
        string text = (WiresharkType ?? "Unknown ICMP (obsolete or malformed?)").PadRight(20);
        if (WiresharkCode is { } code) return text + " (" + code + ")";
        if (_type is 0 or 8 or 13 or 14 or 15 or 16 or 17 or 18)
        {
            text += $" id=0x{_id:x4}, seq={_seq}/{(ushort)((_seq << 8) | (_seq >> 8))}";
            if (context.Below<IPv4>() is { } ip) text += $", ttl={ip.TimeToLive}";
            if (_type == 0 && context.Packet.EchoRequestNumber is { } request) text += $" (request in {request})";
        }
        return text;
    }

    private string? WiresharkType => _type switch
    {
        0 => "Echo (ping) reply",
        3 => "Destination unreachable",
        4 => "Source quench (flow control)",
        5 => "Redirect",
        8 => "Echo (ping) request",
        9 => "Router advertisement",
        10 => "Router solicitation",
        11 => "Time-to-live exceeded",
        12 => "Parameter problem",
        13 => "Timestamp request",
        14 => "Timestamp reply",
        15 => "Information request",
        16 => "Information reply",
        17 => "Address mask request",
        18 => "Address mask reply",
        _ => null,
    };

    private static readonly string[] UnreachableCodes =
    {
        "Network unreachable", "Host unreachable", "Protocol unreachable", "Port unreachable", "Fragmentation needed",
        "Source route failed", "Destination network unknown", "Destination host unknown", "Source host isolated",
        "Network administratively prohibited", "Host administratively prohibited", "Network unreachable for TOS",
        "Host unreachable for TOS", "Communication administratively filtered", "Host precedence violation", "Precedence cutoff in effect",
    };

    private static readonly string[] RedirectCodes = { "Redirect for network", "Redirect for host", "Redirect for TOS and network", "Redirect for TOS and host" };

    private string? WiresharkCode => _type switch
    {
        3 => _code < UnreachableCodes.Length ? UnreachableCodes[_code] : "Unknown code",
        5 => _code < RedirectCodes.Length ? RedirectCodes[_code] : "Unknown code",
        11 => _code switch { 0 => "Time to live exceeded in transit", 1 => "Fragment reassembly time exceeded", _ => "Unknown code" },
        12 => _code switch { 0 => "Pointer indicates the error", 1 => "Required option missing", 2 => "Bad length", _ => "Unknown code" },
        _ => null,
    };

    private string TypeName => TypeNameOf(_type) ?? $"type {_type}";

    /// <summary>The name of an ICMP type as tcpdump and Scapy write it (echo-request), or null for a type without one.</summary>
    public static string? TypeNameOf(int type) => type switch
    {
        0 => "echo-reply",
        3 => "dest-unreach",
        4 => "source-quench",
        5 => "redirect",
        8 => "echo-request",
        9 => "router-advertisement",
        10 => "router-solicitation",
        11 => "time-exceeded",
        12 => "parameter-problem",
        13 => "timestamp-request",
        14 => "timestamp-reply",
        15 => "information-request",
        16 => "information-response",
        17 => "address-mask-request",
        18 => "address-mask-reply",
        _ => null,
    };

    private string UnreachName => _code switch
    {
        0 => "network-unreachable",
        1 => "host-unreachable",
        2 => "protocol-unreachable",
        3 => "port-unreachable",
        4 => "fragmentation-needed",
        5 => "source-route-failed",
        9 => "network-prohibited",
        10 => "host-prohibited",
        13 => "communication-prohibited",
        _ => $"code {_code}",
    };
}
