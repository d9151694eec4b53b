using System.Buffers.Binary;

namespace NetSock.Packets.Layers;

/// <summary>TCP header (RFC 9293) with its options.</summary>
[Layer("Tcp", "Transmission Control Protocol")]
[Bind(typeof(IPv4), 6)]
[Bind(typeof(IPv6), 6)]
public sealed class Tcp : Layer
{
    private ushort _sport = 20;
    private ushort _dport = 80;
    private uint _seq;
    private uint _ack;
    private byte? _dataOffset;
    private byte _reserved;
    private TcpFlags _flags = TcpFlags.Syn;
    private ushort _window = 8192;
    private ushort? _checksum;
    private ushort _urgentPointer;
    private List<TcpOption> _options = new();

    [Field("Source port", Alias = "sport", End = 2)]
    public ushort SourcePort { get => _sport; set => Set(ref _sport, value); }

    [Field("Destination port", Alias = "dport", End = 4)]
    public ushort DestinationPort { get => _dport; set => Set(ref _dport, value); }

    [Field("Sequence number", Alias = "seq", End = 8)]
    public uint SequenceNumber { get => _seq; set => Set(ref _seq, value); }

    [Field("Acknowledgment number", Alias = "ack", End = 12)]
    public uint AcknowledgmentNumber { get => _ack; set => Set(ref _ack, value); }

    [Field("Header length in 32-bit words (4 bits); auto: 5 plus the options", Alias = "dataofs", End = 13)]
    public byte? DataOffset { get => _dataOffset; set { if (value is { } v) CheckBits(nameof(DataOffset), v, 4); Set(ref _dataOffset, value); } }

    [Field("Reserved bits (3 bits)", Alias = "reserved", End = 13)]
    public byte Reserved { get => _reserved; set { CheckBits(nameof(Reserved), value, 3); Set(ref _reserved, value); } }

    [Field("Flags: Scapy letters (S, SA, PA, FA, R) or names (Syn,Ack)", Alias = "flags", End = 14)]
    public TcpFlags Flags { get => _flags; set => Set(ref _flags, value); }

    [Field("Window size", Alias = "window", End = 16)]
    public ushort WindowSize { get => _window; set => Set(ref _window, value); }

    [Field("Checksum over the pseudo-header, header and payload; auto: computed", Alias = "chksum", End = 18)]
    public ushort? Checksum { get => _checksum; set => Set(ref _checksum, value); }

    [Field("Urgent pointer", Alias = "urgptr", End = 20)]
    public ushort UrgentPointer { get => _urgentPointer; set => Set(ref _urgentPointer, value); }

    [Field("Options: MSS=1460, WScale=7, SAckOK, Timestamp=1,0, SAck=a-b, NOP, EOL (padded with EOL to 4 bytes)", Alias = "options")]
    public TcpOption[] Options { get => _options.ToArray(); set => Set(ref _options, new List<TcpOption>(value ?? Array.Empty<TcpOption>())); }

    /// <summary>
    /// Scapy's TCP.answers: the ports swapped; nothing answers a RST; unless a bare SYN was sent, the reply's sequence number
    /// is within 2 of the sent acknowledgment; a RST without ACK then answers; else the reply acknowledges what was sent
    /// (its ack within 2 plus the sent payload of the sent sequence number).
    /// </summary>
    protected internal override Answer AnswersSent(Layer sent, AnswerContext context)
    {
        if (sent is not Tcp s || s._flags.HasFlag(TcpFlags.Rst) || _sport != s._dport || _dport != s._sport) return Answer.No;
        if (!(s._flags.HasFlag(TcpFlags.Syn) && !s._flags.HasFlag(TcpFlags.Ack)) && Distance(s._ack, _seq) > 2) return Answer.No;
        if (_flags.HasFlag(TcpFlags.Rst) && !_flags.HasFlag(TcpFlags.Ack)) return Answer.Yes;
        return Distance(s._seq, _ack) > 2 + (uint)context.SentPayloadLength ? Answer.No : Answer.Yes;
    }

    private static uint Distance(uint a, uint b) => Math.Min(a - b, b - a);

    /// <summary>A quoted TCP header has the sent ports and sequence number (the first 8 bytes, all RFC 792 promises).</summary>
    protected internal override bool IsQuoteOf(Layer sent) => sent is Tcp s && _sport == s._sport && _dport == s._dport && _seq == s._seq;

    protected internal override int HeaderLength => 20 + ((_options.Sum(o => o.Length) + 3) & ~3);

    /// <summary>A protocol bound to either port (DNS on 53) reads the payload, when the payload can be that protocol.</summary>
    protected internal override Type? NextLayerType(DecodeContext context) =>
        LayerRegistry.UpperFor(typeof(Tcp), _dport) ?? LayerRegistry.UpperFor(typeof(Tcp), _sport);

    protected internal override int Decode(ReadOnlySpan<byte> data, DecodeContext context)
    {
        var fixedPart = Whole(data, 20);
        _sport = BinaryPrimitives.ReadUInt16BigEndian(fixedPart);
        _dport = BinaryPrimitives.ReadUInt16BigEndian(fixedPart[2..]);
        _seq = BinaryPrimitives.ReadUInt32BigEndian(fixedPart[4..]);
        _ack = BinaryPrimitives.ReadUInt32BigEndian(fixedPart[8..]);
        ushort offsetFlags = BinaryPrimitives.ReadUInt16BigEndian(fixedPart[12..]);
        _dataOffset = (byte)(offsetFlags >> 12);
        _reserved = (byte)((offsetFlags >> 9) & 0x7);
        _flags = new TcpFlags((ushort)(offsetFlags & 0x1FF));
        _window = BinaryPrimitives.ReadUInt16BigEndian(fixedPart[14..]);
        _checksum = BinaryPrimitives.ReadUInt16BigEndian(fixedPart[16..]);
        _urgentPointer = BinaryPrimitives.ReadUInt16BigEndian(fixedPart[18..]);
        if (CutLength is int cut) return cut;
        int length = _dataOffset.Value * 4;
        if (length < 20) throw new DecodeException($"TCP data offset {length} is below the minimum of 20");
        DecodeException.Need(data, length, Name);
        _options = TcpOption.DecodeAll(data[20..length]);
        return length;
    }

    protected internal override void Encode(Span<byte> header, ReadOnlySpan<byte> payload, BuildContext context, int index)
    {
        BinaryPrimitives.WriteUInt16BigEndian(header, _sport);
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], _dport);
        BinaryPrimitives.WriteUInt32BigEndian(header[4..], _seq);
        BinaryPrimitives.WriteUInt32BigEndian(header[8..], _ack);
        int offset = _dataOffset ?? header.Length / 4;
        BinaryPrimitives.WriteUInt16BigEndian(header[12..], (ushort)((offset << 12) | (_reserved << 9) | _flags.Value));
        BinaryPrimitives.WriteUInt16BigEndian(header[14..], _window);
        BinaryPrimitives.WriteUInt16BigEndian(header[18..], _urgentPointer);
        int at = 20;
        foreach (var option in _options)
        {
            option.Encoded.CopyTo(header[at..]);
            at += option.Length;
        }
        BinaryPrimitives.WriteUInt16BigEndian(header[16..], _checksum ?? IPLayer.UpperLayerChecksum(context, index, 6, header, payload));
    }

    protected override void CopyReferences() => _options = new List<TcpOption>(_options);

    public override string Summary => $"TCP {_sport} > {_dport} [{_flags.Letters}] seq {_seq}{(_flags.HasFlag(TcpFlags.Ack) ? $" ack {_ack}" : "")} win {_window}";

    /// <summary>HTTP when the segment starts with an HTTP request or status line, else TCP.</summary>
    protected internal override string ColumnProtocol(ColumnContext context) => HttpLine(context) is null ? "TCP" : "HTTP";

    /// <summary>
    /// As tshark writes it: "41850 → 8000 [SYN] Seq=0 Win=65495 Len=0 MSS=65495 SACK_PERM WS=128", sequence numbers
    /// relative to the stream's first (Seq=0 for a SYN, 1 for the first byte; absolute when the capture was read so), the
    /// window scaled when the handshake was seen, Urg= with URG, the options MSS, SACK_PERM, TSval/TSecr, WS (the
    /// multiplier) and SACK blocks (SLE/SRE); or the HTTP request or status line a segment starts with. tshark's
    /// analysis notes ("[TCP Retransmission]") are not made.
    /// </summary>
    protected internal override string ColumnInfo(ColumnContext context)
    {
        if (HttpLine(context) is { } line) return line;
        bool syn = _flags.HasFlag(TcpFlags.Syn);
        var (seqBase, ackBase, shift) = context.Stream is { } mark ? (mark.SequenceBase, mark.AcknowledgmentBase, mark.WindowShift)
            : (syn ? _seq : _seq - 1, _ack - 1, (byte)0);
        var text = new System.Text.StringBuilder(96);
        text.Append(_sport).Append(" → ").Append(_dport).Append(" [").Append(WiresharkFlags()).Append("] Seq=").Append(_seq - seqBase);
        if (_flags.HasFlag(TcpFlags.Ack)) text.Append(" Ack=").Append(_ack - ackBase);
        text.Append(" Win=").Append((long)_window << shift);
        if (_flags.HasFlag(TcpFlags.Urg)) text.Append(" Urg=").Append(_urgentPointer);
        text.Append(" Len=").Append(context.PayloadLength);
        foreach (var option in _options)
        {
            switch (option.Value)
            {
                case ushort mss when option.Kind == 2: text.Append(" MSS=").Append(mss); break;
                case byte scale when option.Kind == 3: text.Append(" WS=").Append(1 << Math.Min((int)scale, 14)); break;
                case (uint value, uint echo): text.Append(" TSval=").Append(value).Append(" TSecr=").Append(echo); break;
                case ValueTuple<uint, uint>[] blocks:
                    foreach (var (left, right) in blocks) text.Append(" SLE=").Append(left - ackBase).Append(" SRE=").Append(right - ackBase);
                    break;
                case null when option.Kind == 4: text.Append(" SACK_PERM"); break;
            }
        }
        return text.ToString();
    }

    private static readonly string[] WiresharkFlagNames = { "FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR", "AE" };

    /// <summary>The flags as Wireshark names them, in its order: "SYN, ACK"; "Reserved" for the reserved bits; "&lt;None&gt;".</summary>
    private string WiresharkFlags()
    {
        var names = WiresharkFlagNames.Where((_, bit) => (_flags.Value & (1 << bit)) != 0).ToList();
        if (_reserved != 0) names.Add("Reserved");
        return names.Count == 0 ? "<None>" : string.Join(", ", names);
    }

    private static readonly string[] HttpMethods = { "GET ", "POST ", "PUT ", "DELETE ", "HEAD ", "OPTIONS ", "PATCH ", "CONNECT ", "TRACE " };

    /// <summary>The first line of the payload when it is an HTTP request line ("GET / HTTP/1.1") or status line ("HTTP/1.1 200 OK"), else null.</summary>
    private static string? HttpLine(ColumnContext context)
    {
        if (context.Above is not Raw raw) return null;
        byte[] load = raw.Load;
        int end = load.AsSpan().IndexOf("\r\n"u8);
        if (end <= 0) return null;
        string line = System.Text.Encoding.ASCII.GetString(load, 0, end);
        if (line.StartsWith("HTTP/1.", StringComparison.Ordinal) && line.Length >= 12 && line[8] == ' ') return line;
        if (!HttpMethods.Any(m => line.StartsWith(m, StringComparison.Ordinal))) return null;
        int version = line.LastIndexOf(" HTTP/", StringComparison.Ordinal);
        return version > 0 && line.Length - version >= 9 && line.IndexOf(' ') < version ? line : null;
    }

}
