using System.Buffers.Binary;

namespace NetSock.Packets.Layers;

/// <summary>
/// A DNS message (RFC 1035 4.1), Scapy's DNS(): the 12-byte header (id, flags, the four counts), then the questions
/// (<see cref="DnsQuestion"/>, Scapy's qd) and the answer, authority and additional records (<see cref="DnsRecord"/>:
/// an, ns, ar). As in Scapy, a new message asks for www.example.com with recursion desired, and the counts are
/// computed unless set. Names are read through compression pointers and written whole. Dissected on UDP port 53 (either
/// port), and 5353 (mDNS) and 5355 (LLMNR), which use the same format, when the payload can be a DNS message: at least
/// the 12-byte header, and room for the questions and records its counts announce (else it stays Raw: NetSock's UDP
/// ports default to 53, as Scapy's do). Over TCP (port 53) each message has its length before it (RFC 1035 4.2.2):
/// the Length field, computed unless set, as Scapy's DNS over TCP; a segment that does not start with a whole message
/// stays Raw.
/// </summary>
[Layer("Dns", "Domain Name System message (RFC 1035): questions and resource records")]
[Bind(typeof(Udp), 53)]
[Bind(typeof(Udp), 5353, DissectOnly = true)]
[Bind(typeof(Udp), 5355, DissectOnly = true)]
[Bind(typeof(Tcp), 53)]
public sealed class Dns : Layer
{
    private ushort? _length;
    private bool _overTcp;     // on TCP the message has its length before it: known from the layer below when built or read
    private ushort _id;
    private byte _qr, _opcode, _aa, _tc, _rd = 1, _ra, _z, _ad, _cd, _rcode;
    private ushort? _qdcount, _ancount, _nscount, _arcount;
    // The entries are immutable and the arrays are replaced, never changed in place: a clone may share them.
    private DnsQuestion[] _questions = { new("www.example.com") };
    private DnsRecord[] _answers = Array.Empty<DnsRecord>(), _authority = Array.Empty<DnsRecord>(), _additional = Array.Empty<DnsRecord>();

    [Field("Over TCP only: the message's length, written before it (auto: computed)", Alias = "length")]
    public ushort? Length { get => _length; set => Set(ref _length, value); }

    [Field("Transaction id: a reply carries the id of its query", Alias = "id")]
    public ushort Id { get => _id; set => Set(ref _id, value); }

    [Field("QR: 0 query, 1 response", Alias = "qr")]
    public byte Response { get => _qr; set => SetBit(ref _qr, value, nameof(Response)); }

    [Field("Opcode (4 bits): 0 QUERY, 1 IQUERY, 2 STATUS, 4 NOTIFY, 5 UPDATE", Alias = "opcode")]
    public byte Opcode { get => _opcode; set { CheckBits(nameof(Opcode), value, 4); Set(ref _opcode, value); } }

    [Field("AA: authoritative answer", Alias = "aa")]
    public byte Authoritative { get => _aa; set => SetBit(ref _aa, value, nameof(Authoritative)); }

    [Field("TC: truncated (the answer did not fit: ask again over TCP)", Alias = "tc")]
    public byte Truncated { get => _tc; set => SetBit(ref _tc, value, nameof(Truncated)); }

    [Field("RD: recursion desired", Alias = "rd")]
    public byte RecursionDesired { get => _rd; set => SetBit(ref _rd, value, nameof(RecursionDesired)); }

    [Field("RA: recursion available", Alias = "ra")]
    public byte RecursionAvailable { get => _ra; set => SetBit(ref _ra, value, nameof(RecursionAvailable)); }

    [Field("Z: reserved, zero", Alias = "z")]
    public byte Z { get => _z; set => SetBit(ref _z, value, nameof(Z)); }

    [Field("AD: authentic data (DNSSEC)", Alias = "ad")]
    public byte AuthenticData { get => _ad; set => SetBit(ref _ad, value, nameof(AuthenticData)); }

    [Field("CD: checking disabled (DNSSEC)", Alias = "cd")]
    public byte CheckingDisabled { get => _cd; set => SetBit(ref _cd, value, nameof(CheckingDisabled)); }

    [Field("Response code (4 bits): 0 NoError, 1 FormErr, 2 ServFail, 3 NXDomain, 4 NotImp, 5 Refused", Alias = "rcode")]
    public byte ResponseCode { get => _rcode; set { CheckBits(nameof(ResponseCode), value, 4); Set(ref _rcode, value); } }

    [Field("Number of questions (auto: as many as there are)", Alias = "qdcount")]
    public ushort? QuestionCount { get => _qdcount; set => Set(ref _qdcount, value); }

    [Field("Number of answer records (auto)", Alias = "ancount")]
    public ushort? AnswerCount { get => _ancount; set => Set(ref _ancount, value); }

    [Field("Number of authority records (auto)", Alias = "nscount")]
    public ushort? AuthorityCount { get => _nscount; set => Set(ref _nscount, value); }

    [Field("Number of additional records (auto)", Alias = "arcount")]
    public ushort? AdditionalCount { get => _arcount; set => Set(ref _arcount, value); }

    [Field("Questions: 'example.test', 'example.test AAAA', 'example.test CH TXT'", Alias = "qd")]
    public DnsQuestion[] Questions { get => (DnsQuestion[])_questions.Clone(); set => Set(ref _questions, Copy(value)); }

    [Field("Answer records, as zone file lines: 'example.test 300 IN A 198.18.0.9', 'example.test MX 10 mail.example.test'", Alias = "an")]
    public DnsRecord[] Answers { get => (DnsRecord[])_answers.Clone(); set => Set(ref _answers, Copy(value)); }

    [Field("Authority records (name servers, or the SOA of a negative answer)", Alias = "ns")]
    public DnsRecord[] Authority { get => (DnsRecord[])_authority.Clone(); set => Set(ref _authority, Copy(value)); }

    [Field("Additional records (glue addresses, the EDNS OPT record)", Alias = "ar")]
    public DnsRecord[] Additional { get => (DnsRecord[])_additional.Clone(); set => Set(ref _additional, Copy(value)); }

    private static T[] Copy<T>(T[]? value) where T : class =>
        value is null ? Array.Empty<T>() : value.Contains(null) ? throw new ArgumentException("A DNS section cannot hold a null entry.") : (T[])value.Clone();

    private void SetBit(ref byte field, byte value, string name)
    {
        CheckBits(name, value, 1);
        Set(ref field, value);
    }

    private ushort Flags => (ushort)((_qr << 15) | (_opcode << 11) | (_aa << 10) | (_tc << 9) | (_rd << 8) | (_ra << 7) | (_z << 6) | (_ad << 5) | (_cd << 4) | _rcode);

    private IEnumerable<byte[]> Entries() =>
        _questions.Select(q => q.Encode()).Concat(_answers.Concat(_authority).Concat(_additional).Select(r => r.Encode()));

    private int MessageLength => 12 + Entries().Sum(e => e.Length);

    protected internal override int HeaderLength => (_overTcp ? 2 : 0) + MessageLength;

    protected internal override void Prepare(BuildContext context, int index) => _overTcp = context.Below(index) is Tcp;

    protected internal override int Decode(ReadOnlySpan<byte> data, DecodeContext context)
    {
        _overTcp = context.Below is Tcp;
        if (!_overTcp) return DecodeMessage(data);
        // Over TCP: the length, then one whole message (a segment that starts elsewhere in a stream is not taken as DNS).
        int length = data.Length < 2 ? 0 : BinaryPrimitives.ReadUInt16BigEndian(data);
        if (length < 12 || 2 + length > data.Length)
            throw new DecodeException("not a DNS message with its length before it", truncated: false) { NotThisLayer = true };
        _length = (ushort)length;
        return 2 + DecodeMessage(data.Slice(2, length));
    }

    private int DecodeMessage(ReadOnlySpan<byte> data)
    {
        // Taken as DNS only when the header is whole and its counts fit what follows (a question takes at least 5 bytes,
        // a record 11): NetSock's and Scapy's UDP ports default to 53, so a crafted datagram that is not DNS stays Raw.
        // A message that passes this and then breaks is malformed.
        static int Count(ReadOnlySpan<byte> header, int at) => BinaryPrimitives.ReadUInt16BigEndian(header[at..]);
        if (data.Length < 12 || 12 + 5 * Count(data, 4) + 11 * (Count(data, 6) + Count(data, 8) + Count(data, 10)) > data.Length)
            throw new DecodeException("not a DNS message", truncated: false) { NotThisLayer = true };
        _id = BinaryPrimitives.ReadUInt16BigEndian(data);
        ushort flags = BinaryPrimitives.ReadUInt16BigEndian(data[2..]);
        _qr = (byte)(flags >> 15);
        _opcode = (byte)((flags >> 11) & 0xF);
        _aa = (byte)((flags >> 10) & 1);
        _tc = (byte)((flags >> 9) & 1);
        _rd = (byte)((flags >> 8) & 1);
        _ra = (byte)((flags >> 7) & 1);
        _z = (byte)((flags >> 6) & 1);
        _ad = (byte)((flags >> 5) & 1);
        _cd = (byte)((flags >> 4) & 1);
        _rcode = (byte)(flags & 0xF);
        _qdcount = BinaryPrimitives.ReadUInt16BigEndian(data[4..]);
        _ancount = BinaryPrimitives.ReadUInt16BigEndian(data[6..]);
        _nscount = BinaryPrimitives.ReadUInt16BigEndian(data[8..]);
        _arcount = BinaryPrimitives.ReadUInt16BigEndian(data[10..]);
        int at = 12;
        var questions = new DnsQuestion[_qdcount.Value];
        for (int i = 0; i < questions.Length; i++) questions[i] = DnsQuestion.Read(data, ref at);
        _questions = questions;
        _answers = ReadRecords(data, _ancount.Value, ref at);
        _authority = ReadRecords(data, _nscount.Value, ref at);
        _additional = ReadRecords(data, _arcount.Value, ref at);
        return at;
    }

    private static DnsRecord[] ReadRecords(ReadOnlySpan<byte> data, int count, ref int at)
    {
        var records = new DnsRecord[count];
        for (int i = 0; i < count; i++) records[i] = DnsRecord.Read(data, ref at);
        return records;
    }

    protected internal override void Encode(Span<byte> header, ReadOnlySpan<byte> payload, BuildContext context, int index)
    {
        if (_overTcp)
        {
            BinaryPrimitives.WriteUInt16BigEndian(header, _length ?? (ushort)MessageLength);
            header = header[2..];
        }
        BinaryPrimitives.WriteUInt16BigEndian(header, _id);
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], Flags);
        BinaryPrimitives.WriteUInt16BigEndian(header[4..], _qdcount ?? (ushort)_questions.Length);
        BinaryPrimitives.WriteUInt16BigEndian(header[6..], _ancount ?? (ushort)_answers.Length);
        BinaryPrimitives.WriteUInt16BigEndian(header[8..], _nscount ?? (ushort)_authority.Length);
        BinaryPrimitives.WriteUInt16BigEndian(header[10..], _arcount ?? (ushort)_additional.Length);
        int at = 12;
        foreach (byte[] entry in Entries())
        {
            entry.CopyTo(header[at..]);
            at += entry.Length;
        }
    }

    /// <summary>Scapy's DNS.answers(): a response answers the query with its id (what was sent as other bytes is answered by the ports).</summary>
    protected internal override Answer AnswersSent(Layer sent, AnswerContext context) =>
        sent is not Dns query || (_qr == 1 && query._qr == 0 && _id == query._id) ? Answer.Yes : Answer.No;

    /// <summary>
    /// As tshark writes it: "Standard query 0x1234 A example.test", "Standard query response 0x1234 No such name A
    /// nx.test", then each record's type and data ("A 198.18.0.9", "CNAME b.test", "MX 10 mx.test"; the type alone for
    /// TXT, OPT and the others), answers, authority and additional records in order.
    /// </summary>
    protected internal override string ColumnInfo(ColumnContext context)
    {
        var text = new System.Text.StringBuilder(_opcode switch
        {
            0 => "Standard query",
            1 => "Inverse query",
            2 => "Server status request",
            4 => "Zone change notification",
            5 => "Dynamic update",
            6 => "DNS Stateful operations (DSO)",
            _ => $"Unknown operation ({_opcode})",
        });
        if (_qr == 1) text.Append(" response");
        text.Append(" 0x").Append(_id.ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
        if (_qr == 1 && _rcode != 0) text.Append(' ').Append(WiresharkRcode(_rcode));
        foreach (var q in _questions) text.Append(' ').Append(q.TypeName).Append(' ').Append(ShownName(q.Name));
        foreach (var r in _answers.Concat(_authority).Concat(_additional))
        {
            text.Append(' ').Append(r.TypeName);
            if (r.Value is byte[] or string[]) continue;
            string data = r.DataText;
            if (r.Type == 6) data = data.Split(' ')[0];
            text.Append(' ').Append(string.Join(" ", data.Split(' ').Select(ShownName)));
        }
        return text.ToString();
    }

    /// <summary>A name as Wireshark shows it: without the final dot; the root as &lt;Root&gt;.</summary>
    private static string ShownName(string name) => name == "." ? "<Root>" : name.EndsWith('.') ? name[..^1] : name;

    private static string WiresharkRcode(byte rcode) => rcode switch
    {
        1 => "Format error",
        2 => "Server failure",
        3 => "No such name",
        4 => "Not implemented",
        5 => "Refused",
        6 => "Name exists",
        7 => "RRset exists",
        8 => "RRset does not exist",
        9 => "Not authoritative",
        10 => "Name out of zone",
        _ => $"Unknown error ({rcode})",
    };

    /// <summary>As tcpdump writes it: "DNS 4660+ A? example.test." for a query, "DNS 4660 2/0/0 A 198.18.0.9, AAAA 2001:db8::1" for a response.</summary>
    public override string Summary
    {
        get
        {
            if (_qr == 0)
                return $"DNS {_id}{(_rd == 1 ? "+" : "")} " + string.Join(", ", _questions.Select(q => $"{q.TypeName}? {q.Name}"));
            string rcode = _rcode == 0 ? "" : " " + DnsCodes.RcodeName(_rcode);
            string answers = string.Join(", ", _answers.Select(r => $"{r.TypeName} {r.DataText}"));
            return $"DNS {_id}{rcode} {_answers.Length}/{_authority.Length}/{_additional.Length}" + (answers.Length > 0 ? " " + answers : "");
        }
    }
}
