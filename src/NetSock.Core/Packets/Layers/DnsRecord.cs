using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace NetSock.Packets.Layers;

/// <summary>DNS record types and classes by mnemonic, both ways; any other number as TYPEnnn or CLASSnnn (RFC 3597).</summary>
public static class DnsCodes
{
    private static readonly (ushort Code, string Name)[] Types =
    {
        (1, "A"), (2, "NS"), (5, "CNAME"), (6, "SOA"), (12, "PTR"), (13, "HINFO"), (15, "MX"), (16, "TXT"), (28, "AAAA"),
        (33, "SRV"), (35, "NAPTR"), (39, "DNAME"), (41, "OPT"), (43, "DS"), (46, "RRSIG"), (47, "NSEC"), (48, "DNSKEY"),
        (64, "SVCB"), (65, "HTTPS"), (99, "SPF"), (251, "IXFR"), (252, "AXFR"), (255, "ANY"), (257, "CAA"),
    };

    private static readonly (ushort Code, string Name)[] Classes = { (1, "IN"), (3, "CH"), (4, "HS"), (254, "NONE"), (255, "ANY") };

    private static readonly string[] Rcodes =
    {
        "NoError", "FormErr", "ServFail", "NXDomain", "NotImp", "Refused", "YXDomain", "YXRRSet", "NXRRSet", "NotAuth", "NotZone",
    };

    public static string TypeName(ushort type) => Name(Types, type, "TYPE");

    public static string ClassName(ushort @class) => Name(Classes, @class, "CLASS");

    /// <summary>The response code's name (RFC 1035, 2136): NoError, FormErr, ServFail, NXDomain, NotImp, Refused, ...; else RCODEn.</summary>
    public static string RcodeName(int rcode) => rcode < Rcodes.Length ? Rcodes[rcode] : $"RCODE{rcode}";

    /// <summary>A type by mnemonic (A, AAAA, MX, ...), TYPEnnn, or number.</summary>
    public static bool TryParseType(string text, out ushort type) => TryParse(Types, text, "TYPE", out type);

    /// <summary>A class by mnemonic (IN, CH, HS, NONE, ANY) or CLASSnnn.</summary>
    public static bool TryParseClass(string text, out ushort @class) => TryParse(Classes, text, "CLASS", out @class);

    private static string Name((ushort Code, string Name)[] table, ushort code, string prefix)
    {
        foreach (var (c, n) in table)
            if (c == code) return n;
        return prefix + code.ToString(CultureInfo.InvariantCulture);
    }

    private static bool TryParse((ushort Code, string Name)[] table, string text, string prefix, out ushort code)
    {
        foreach (var (c, n) in table)
        {
            if (!n.Equals(text, StringComparison.OrdinalIgnoreCase)) continue;
            code = c;
            return true;
        }
        string digits = text.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? text[prefix.Length..] : prefix == "TYPE" ? text : "";
        return ushort.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out code);
    }
}

/// <summary>
/// Domain names in DNS messages: read with compression pointers followed (RFC 1035 4.1.4), written uncompressed, as
/// Scapy writes them. As text, a name is in presentation form with its final dot ("example.test."); a dot or backslash
/// inside a label is escaped with a backslash, and a byte that is not printable is \DDD (decimal), as dig shows it.
/// </summary>
internal static class DnsName
{
    private const int MaxJumps = 64;

    /// <summary>The name at <paramref name="at"/> as text; <paramref name="at"/> moves past the name as it is written there.</summary>
    public static string Read(ReadOnlySpan<byte> message, ref int at)
    {
        Span<(int Offset, int Length)> labels = stackalloc (int, int)[128];
        int count = Walk(message, ref at, labels);
        if (count == 0) return ".";
        var text = new StringBuilder(64);
        foreach (var (offset, length) in labels[..count])
        {
            AppendLabel(text, message.Slice(offset, length));
            text.Append('.');
        }
        return text.ToString();
    }

    /// <summary>Appends the name at <paramref name="at"/> uncompressed to <paramref name="wire"/>, as <see cref="Read"/> moves <paramref name="at"/>.</summary>
    public static void Copy(ReadOnlySpan<byte> message, ref int at, List<byte> wire)
    {
        Span<(int Offset, int Length)> labels = stackalloc (int, int)[128];
        int count = Walk(message, ref at, labels);
        foreach (var (offset, length) in labels[..count])
        {
            wire.Add((byte)length);
            wire.AddRange(message.Slice(offset, length));
        }
        wire.Add(0);
    }

    /// <summary>
    /// Finds the labels of the name at <paramref name="at"/>, following compression pointers (at most 64: a loop is an
    /// error), and moves <paramref name="at"/> past the name as written (past the first pointer, if any).
    /// </summary>
    private static int Walk(ReadOnlySpan<byte> message, ref int at, Span<(int Offset, int Length)> labels)
    {
        int start = at, pos = at, jumps = 0, length = 1, count = 0;
        bool jumped = false;
        while (true)
        {
            if (pos >= message.Length) throw Past(start);
            byte len = message[pos];
            if (len == 0)
            {
                pos++;
                break;
            }
            if ((len & 0xC0) == 0xC0)
            {
                if (pos + 1 >= message.Length) throw Past(start);
                if (++jumps > MaxJumps) throw new DecodeException($"DNS name at offset {start} has more than {MaxJumps} compression pointers (a loop)");
                if (!jumped) at = pos + 2;
                jumped = true;
                pos = ((len & 0x3F) << 8) | message[pos + 1];
                continue;
            }
            if ((len & 0xC0) != 0) throw new DecodeException($"DNS name at offset {pos} has a label of the unsupported type 0x{len & 0xC0:x2}");
            if (pos + 1 + len > message.Length) throw Past(start);
            length += len + 1;
            if (length > 255) throw new DecodeException($"DNS name at offset {start} is longer than 255 bytes");
            labels[count++] = (pos + 1, len);
            pos += 1 + len;
        }
        if (!jumped) at = pos;
        return count;
    }

    private static DecodeException Past(int start) => new($"DNS name at offset {start} runs past the message", truncated: true);

    private static void AppendLabel(StringBuilder text, ReadOnlySpan<byte> label)
    {
        foreach (byte b in label)
        {
            if (b is (byte)'.' or (byte)'\\' or (byte)'"' or (byte)'(' or (byte)')' or (byte)';') text.Append('\\').Append((char)b);
            else if (b is > 0x20 and < 0x7F) text.Append((char)b);
            else text.Append('\\').Append(b.ToString("D3", CultureInfo.InvariantCulture));
        }
    }

    /// <summary>The name's wire form, uncompressed; a missing final dot is added. Refuses labels over 63 bytes and names over 255.</summary>
    public static byte[] Encode(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var wire = new List<byte>();
        var label = new List<byte>();
        string text = name.Trim();
        void EndLabel()
        {
            if (label.Count == 0) throw new ArgumentException($"The DNS name '{name}' has an empty label (two dots in a row).");
            if (label.Count > 63) throw new ArgumentException($"The DNS name '{name}' has a label of {label.Count} bytes: a label is at most 63.");
            wire.Add((byte)label.Count);
            wire.AddRange(label);
            label.Clear();
        }
        if (text is not ("" or "."))
        {
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (c == '.')
                {
                    EndLabel();
                    continue;
                }
                if (c == '\\' && IsDecimalEscape(text, i))
                {
                    int value = int.Parse(text.AsSpan(i + 1, 3), NumberStyles.None, CultureInfo.InvariantCulture);
                    if (value > 255) throw new ArgumentException($"The DNS name '{name}' has the escape \\{text.Substring(i + 1, 3)}: a byte is at most \\255.");
                    label.Add((byte)value);
                    i += 3;
                    continue;
                }
                if (c == '\\' && i + 1 < text.Length) c = text[++i];
                if (c < 0x80) label.Add((byte)c);
                else label.AddRange(Encoding.UTF8.GetBytes(char.IsHighSurrogate(c) && i + 1 < text.Length ? text.Substring(i++, 2) : c.ToString()));
            }
            if (label.Count > 0) EndLabel();
        }
        wire.Add(0);
        if (wire.Count > 255) throw new ArgumentException($"The DNS name '{name}' is {wire.Count} bytes on the wire: a name is at most 255.");
        return wire.ToArray();
    }

    private static bool IsDecimalEscape(string text, int i) =>
        i + 3 < text.Length && char.IsAsciiDigit(text[i + 1]) && char.IsAsciiDigit(text[i + 2]) && char.IsAsciiDigit(text[i + 3]);

    /// <summary>The name as it reads back from the wire (final dot, escapes): "example.test" gives "example.test.".</summary>
    public static string Normalize(string name)
    {
        byte[] wire = Encode(name);
        int at = 0;
        return Read(wire, ref at);
    }
}

/// <summary>
/// One entry of a DNS message's question section (Scapy's DNSQR): a name, a type and a class. As text, the name then
/// the type and class in either order, mnemonics or numbers: 'example.test' (A, IN), 'example.test AAAA', 'example.test CH TXT'.
/// </summary>
public sealed class DnsQuestion : IEquatable<DnsQuestion>
{
    public DnsQuestion(string name, ushort type = 1, ushort @class = 1) : this(DnsName.Normalize(name), type, @class, normalized: true)
    {
    }

    private DnsQuestion(string name, ushort type, ushort @class, bool normalized)
    {
        Name = name;
        Type = type;
        Class = @class;
    }

    /// <summary>The name asked for, with its final dot.</summary>
    public string Name { get; }

    /// <summary>The record type asked for: 1 A, 28 AAAA, 15 MX, 255 ANY, ...</summary>
    public ushort Type { get; }

    /// <summary>The class: 1 IN (the Internet), 3 CH, 255 ANY; mDNS uses the top bit to ask for a unicast reply.</summary>
    public ushort Class { get; }

    public string TypeName => DnsCodes.TypeName(Type);
    public string ClassName => DnsCodes.ClassName(Class);

    public static DnsQuestion Parse(string text)
    {
        var words = DnsText.Words(text ?? throw new ArgumentNullException(nameof(text)));
        if (words.Count is 0 or > 3) throw Bad(text);
        ushort? type = null, @class = null;
        foreach (string word in words.Skip(1))
        {
            if (type is null && DnsCodes.TryParseType(word, out ushort t) && !word.StartsWith("CLASS", StringComparison.OrdinalIgnoreCase)) type = t;
            else if (@class is null && DnsCodes.TryParseClass(word, out ushort c)) @class = c;
            else throw Bad(text);
        }
        return new DnsQuestion(words[0], type ?? 1, @class ?? 1);
    }

    private static FormatException Bad(string text) => new(
        $"'{text}' is not a DNS question. Write the name, then the type and class if not A and IN: 'example.test', 'example.test AAAA', 'example.test CH TXT', 'example.test TYPE65'.");

    internal byte[] Encode()
    {
        byte[] name = DnsName.Encode(Name);
        var wire = new byte[name.Length + 4];
        name.CopyTo(wire, 0);
        BinaryPrimitives.WriteUInt16BigEndian(wire.AsSpan(name.Length), Type);
        BinaryPrimitives.WriteUInt16BigEndian(wire.AsSpan(name.Length + 2), Class);
        return wire;
    }

    internal static DnsQuestion Read(ReadOnlySpan<byte> message, ref int at)
    {
        string name = DnsName.Read(message, ref at);
        if (at + 4 > message.Length) throw new DecodeException($"DNS question at offset {at} is cut short", truncated: true);
        var question = new DnsQuestion(name, BinaryPrimitives.ReadUInt16BigEndian(message[at..]), BinaryPrimitives.ReadUInt16BigEndian(message[(at + 2)..]), normalized: true);
        at += 4;
        return question;
    }

    /// <summary>As dig shows a question: "example.test. IN AAAA".</summary>
    public override string ToString() => $"{Name} {ClassName} {TypeName}";

    public bool Equals(DnsQuestion? other) => other is not null && Type == other.Type && Class == other.Class && string.Equals(Name, other.Name, StringComparison.OrdinalIgnoreCase);
    public override bool Equals(object? obj) => Equals(obj as DnsQuestion);
    public override int GetHashCode() => HashCode.Combine(Name.ToLowerInvariant(), Type, Class);
}

/// <summary>
/// One resource record of a DNS message's answer, authority or additional section (Scapy's DNSRR): name, type, class,
/// TTL and data. As text, a zone-file line: 'example.test 300 IN A 198.18.0.9' (TTL and class may be left out: 0 and
/// IN), with the data of A, AAAA, NS, CNAME, PTR, DNAME, MX ('10 mail.example.test'), TXT ('"some text" "more"'),
/// SOA, SRV ('0 5 5060 sip.example.test') in their usual form and any type as RFC 3597's '\# 4 0a000001'. Names in the
/// data are read with compression followed and written uncompressed.
/// </summary>
public sealed class DnsRecord : IEquatable<DnsRecord>
{
    private readonly byte[] _data;

    /// <summary>A record from its parts; <paramref name="data"/> is the RDATA as it goes on the wire (names uncompressed).</summary>
    public DnsRecord(string name, ushort type, ushort @class, uint ttl, byte[] data)
        : this(DnsName.Normalize(name), type, @class, ttl, (byte[])(data ?? throw new ArgumentNullException(nameof(data))).Clone(), owned: true)
    {
        if (data.Length > ushort.MaxValue) throw new ArgumentException($"DNS record data is at most 65535 bytes, not {data.Length}.", nameof(data));
    }

    /// <summary>A record whose name is already in text form and whose data array is its own (read from a message).</summary>
    private DnsRecord(string name, ushort type, ushort @class, uint ttl, byte[] data, bool owned)
    {
        Name = name;
        Type = type;
        Class = @class;
        Ttl = ttl;
        _data = data;
    }

    public string Name { get; }
    public ushort Type { get; }
    public ushort Class { get; }

    /// <summary>Seconds the record may be cached.</summary>
    public uint Ttl { get; }

    public string TypeName => DnsCodes.TypeName(Type);
    public string ClassName => DnsCodes.ClassName(Class);

    /// <summary>The RDATA bytes (names in it uncompressed).</summary>
    public byte[] RData => (byte[])_data.Clone();

    /// <summary>
    /// The data in its own terms: an IPAddress for A and AAAA, a name for NS, CNAME, PTR and DNAME, the strings of a TXT
    /// record, the text of MX, SOA and SRV; the bytes for any other type (or data that does not fit its type).
    /// </summary>
    public object Value => Type switch
    {
        1 when _data.Length == 4 => new IPAddress(_data),
        28 when _data.Length == 16 => new IPAddress(_data),
        2 or 5 or 12 or 39 when NameAt(0, out string name, out int end) && end == _data.Length => name,
        16 or 99 when Strings() is { } strings => strings,
        15 or 6 or 33 when Text() is { } text => text,
        _ => RData,
    };

    /// <summary>The data as a zone file writes it (RFC 3597's \# form for a type without its own).</summary>
    public string DataText => Value switch
    {
        IPAddress address => address.ToString(),
        string text => text,
        string[] strings => string.Join(" ", strings.Select(DnsText.Quote)),
        _ => $"\\# {_data.Length}" + (_data.Length > 0 ? " " + Convert.ToHexString(_data).ToLowerInvariant() : ""),
    };

    private bool NameAt(int at, out string name, out int end)
    {
        name = "";
        end = at;
        try
        {
            name = DnsName.Read(_data, ref end);
            return true;
        }
        catch (DecodeException)
        {
            return false;
        }
    }

    private string[]? Strings()
    {
        var strings = new List<string>();
        for (int at = 0; at < _data.Length;)
        {
            int len = _data[at];
            if (at + 1 + len > _data.Length) return null;
            strings.Add(Encoding.UTF8.GetString(_data, at + 1, len));
            at += 1 + len;
        }
        return strings.Count == 0 ? null : strings.ToArray();
    }

    private string? Text()
    {
        ReadOnlySpan<byte> d = _data;
        switch (Type)
        {
            case 15 when d.Length >= 3 && NameAt(2, out string exchange, out int end) && end == d.Length:
                return $"{BinaryPrimitives.ReadUInt16BigEndian(d)} {exchange}";
            case 33 when d.Length >= 7 && NameAt(6, out string target, out int end):
                return end == d.Length ? $"{BinaryPrimitives.ReadUInt16BigEndian(d)} {BinaryPrimitives.ReadUInt16BigEndian(d[2..])} {BinaryPrimitives.ReadUInt16BigEndian(d[4..])} {target}" : null;
            case 6 when NameAt(0, out string mname, out int afterM) && NameAt(afterM, out string rname, out int afterR) && afterR + 20 == d.Length:
                var numbers = new string[5];
                for (int i = 0; i < 5; i++) numbers[i] = BinaryPrimitives.ReadUInt32BigEndian(d[(afterR + 4 * i)..]).ToString(CultureInfo.InvariantCulture);
                return $"{mname} {rname} {string.Join(" ", numbers)}";
        }
        return null;
    }

    public static DnsRecord Parse(string text)
    {
        var words = DnsText.Words(text ?? throw new ArgumentNullException(nameof(text)));
        if (words.Count < 2) throw Bad(text, null);
        uint? ttl = null;
        ushort? @class = null;
        int i = 1;
        for (; i < words.Count; i++)
        {
            if (ttl is null && uint.TryParse(words[i], NumberStyles.None, CultureInfo.InvariantCulture, out uint t)) ttl = t;
            else if (@class is null && DnsCodes.TryParseClass(words[i], out ushort c)) @class = c;
            else break;
        }
        if (i >= words.Count || !DnsCodes.TryParseType(words[i], out ushort type)) throw Bad(text, null);
        var rest = words.Skip(i + 1).ToList();
        byte[] data;
        try
        {
            data = Data(type, rest);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
        {
            throw Bad(text, e.Message);
        }
        return new DnsRecord(words[0], type, @class ?? 1, ttl ?? 0, data);
    }

    private static FormatException Bad(string text, string? why) => new(
        $"'{text}' is not a DNS record{(why is null ? "" : ": " + why.TrimEnd('.'))}. Write it as a zone file line: 'example.test 300 IN A 198.18.0.9', " +
        "'example.test AAAA 2001:db8::1', 'example.test MX 10 mail.example.test', 'example.test TXT \"text\"', or any type as 'example.test TYPE99 \\# 2 abcd'.");

    /// <summary>RDATA from its presentation words (RFC 1035 5.1, RFC 3597 for \#).</summary>
    private static byte[] Data(ushort type, List<string> words)
    {
        if (words.Count >= 2 && words[0] == "\\#")
        {
            int length = int.Parse(words[1], NumberStyles.None, CultureInfo.InvariantCulture);
            byte[] bytes = Convert.FromHexString(string.Concat(words.Skip(2)));
            return bytes.Length == length ? bytes : throw new FormatException($"\\# says {length} bytes but the hex has {bytes.Length}");
        }
        string One() => words.Count == 1 ? words[0] : throw new FormatException($"{DnsCodes.TypeName(type)} data is one word, not {words.Count}");
        ushort U16(string w) => ushort.Parse(w, NumberStyles.None, CultureInfo.InvariantCulture);
        byte[] Join(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
        byte[] Be16(ushort v) => new[] { (byte)(v >> 8), (byte)v };
        switch (type)
        {
            case 1:
            case 28:
            {
                var address = IPAddress.Parse(One());
                var family = type == 1 ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6;
                return address.AddressFamily == family ? address.GetAddressBytes()
                    : throw new FormatException($"{DnsCodes.TypeName(type)} data is an {(type == 1 ? "IPv4" : "IPv6")} address, not {address}");
            }
            case 2 or 5 or 12 or 39:
                return DnsName.Encode(One());
            case 15 when words.Count == 2:
                return Join(Be16(U16(words[0])), DnsName.Encode(words[1]));
            case 33 when words.Count == 4:
                return Join(Be16(U16(words[0])), Be16(U16(words[1])), Be16(U16(words[2])), DnsName.Encode(words[3]));
            case 6 when words.Count == 7:
            {
                var numbers = words.Skip(2).Select(w => uint.Parse(w, NumberStyles.None, CultureInfo.InvariantCulture))
                    .SelectMany(n => new[] { (byte)(n >> 24), (byte)(n >> 16), (byte)(n >> 8), (byte)n }).ToArray();
                return Join(DnsName.Encode(words[0]), DnsName.Encode(words[1]), numbers);
            }
            case 16 or 99 when words.Count > 0:
                return words.SelectMany(w =>
                {
                    byte[] s = Encoding.UTF8.GetBytes(w);
                    return s.Length <= 255 ? s.Prepend((byte)s.Length) : throw new FormatException($"a TXT string is at most 255 bytes, not {s.Length}");
                }).ToArray();
        }
        throw new FormatException($"write {DnsCodes.TypeName(type)} data as \\# <length> <hex>");
    }

    internal byte[] Encode()
    {
        byte[] name = DnsName.Encode(Name);
        var wire = new byte[name.Length + 10 + _data.Length];
        name.CopyTo(wire, 0);
        var rest = wire.AsSpan(name.Length);
        BinaryPrimitives.WriteUInt16BigEndian(rest, Type);
        BinaryPrimitives.WriteUInt16BigEndian(rest[2..], Class);
        BinaryPrimitives.WriteUInt32BigEndian(rest[4..], Ttl);
        BinaryPrimitives.WriteUInt16BigEndian(rest[8..], (ushort)_data.Length);
        _data.CopyTo(rest[10..]);
        return wire;
    }

    internal static DnsRecord Read(ReadOnlySpan<byte> message, ref int at)
    {
        string name = DnsName.Read(message, ref at);
        if (at + 10 > message.Length) throw new DecodeException($"DNS record at offset {at} is cut short", truncated: true);
        var fixedPart = message[at..];
        ushort type = BinaryPrimitives.ReadUInt16BigEndian(fixedPart), @class = BinaryPrimitives.ReadUInt16BigEndian(fixedPart[2..]);
        uint ttl = BinaryPrimitives.ReadUInt32BigEndian(fixedPart[4..]);
        int length = BinaryPrimitives.ReadUInt16BigEndian(fixedPart[8..]);
        int start = at + 10, end = start + length;
        if (end > message.Length) throw new DecodeException($"DNS record data at offset {start} says {length} bytes but {message.Length - start} are left", truncated: true);
        at = end;
        return new DnsRecord(name, type, @class, ttl, Uncompressed(message, type, start, end), owned: true);
    }

    /// <summary>The RDATA with the names in it (NS, CNAME, PTR, DNAME, MX, SRV, SOA) read through their pointers and written whole.</summary>
    private static byte[] Uncompressed(ReadOnlySpan<byte> message, ushort type, int start, int end)
    {
        int fixedBefore = type switch { 15 => 2, 33 => 6, _ => 0 };
        int names = type switch { 2 or 5 or 12 or 39 or 15 or 33 => 1, 6 => 2, _ => 0 };
        if (names == 0 || end - start < fixedBefore + 1) return message[start..end].ToArray();
        try
        {
            var wire = new List<byte>(end - start + 32);
            wire.AddRange(message.Slice(start, fixedBefore));
            int at = start + fixedBefore;
            for (int i = 0; i < names; i++) DnsName.Copy(message[..end], ref at, wire);
            wire.AddRange(message[at..end]);
            return wire.ToArray();
        }
        catch (DecodeException)
        {
            return message[start..end].ToArray();       // not a name after all: the bytes as they are
        }
    }

    /// <summary>As a zone file line: "example.test. 300 IN A 198.18.0.9".</summary>
    public override string ToString() => $"{Name} {Ttl} {ClassName} {TypeName} {DataText}";

    public bool Equals(DnsRecord? other) => other is not null && Type == other.Type && Class == other.Class && Ttl == other.Ttl
        && string.Equals(Name, other.Name, StringComparison.OrdinalIgnoreCase) && _data.AsSpan().SequenceEqual(other._data);
    public override bool Equals(object? obj) => Equals(obj as DnsRecord);
    public override int GetHashCode() => HashCode.Combine(Name.ToLowerInvariant(), Type, Class, Ttl, _data.Length);
}

/// <summary>Presentation-form words: split on blanks, "quoted strings" as one word (with \" and \\ inside).</summary>
internal static class DnsText
{
    public static List<string> Words(string text)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        bool quoted = false, any = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted)
            {
                if (c == '\\' && i + 1 < text.Length) word.Append(text[++i]);
                else if (c == '"') quoted = false;
                else word.Append(c);
            }
            else if (c == '"')
            {
                quoted = any = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (any) words.Add(word.ToString());
                word.Clear();
                any = false;
            }
            else
            {
                if (c == '\\' && i + 1 < text.Length)
                {
                    word.Append(c);
                    c = text[++i];
                }
                word.Append(c);
                any = true;
            }
        }
        if (quoted) throw new FormatException($"'{text}' has a quote that is not closed.");
        if (any) words.Add(word.ToString());
        return words;
    }

    public static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
