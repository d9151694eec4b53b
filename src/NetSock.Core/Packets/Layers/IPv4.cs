using System.Buffers.Binary;
using System.Net;

namespace NetSock.Packets.Layers;

/// <summary>IPv4 header (RFC 791) with options kept as bytes.</summary>
[Layer("IPv4", "Internet Protocol version 4", Aliases = new[] { "IP" })]
[Bind(typeof(Ethernet), 0x0800)]
[Bind(typeof(IPv4), 4)]
[Bind(typeof(IPv6), 4)]
public sealed class IPv4 : IPLayer
{
    private byte _version = 4;
    private byte? _ihl;
    private byte _tos;
    private ushort? _totalLength;
    private const string UseIPv6 = " Use an IPv6 layer for IPv6 addresses.";
    private ushort _id = 1;
    private byte _flags;   // the bits, not an IPv4Flags: a one-byte struct field here was seen sharing memory with Layer._version on .NET 10.0.12
    private ushort _fragmentOffset;
    private byte _ttl = 64;
    private byte? _protocol;
    private ushort? _checksum;
    private IPAddress? _source;
    private IPAddress _destination = IPAddress.Loopback;
    private byte[] _options = Array.Empty<byte>();

    [Field("IP version (4 bits)", Alias = "version", End = 1)]
    public byte Version { get => _version; set { CheckBits(nameof(Version), value, 4); Set(ref _version, value); } }

    [Field("Header length in 32-bit words (4 bits); auto: 5 plus the options", Alias = "ihl", End = 1)]
    public byte? InternetHeaderLength { get => _ihl; set { if (value is { } v) CheckBits(nameof(InternetHeaderLength), v, 4); Set(ref _ihl, value); } }

    [Field("Type of service / DSCP and ECN", Alias = "tos", End = 2)]
    public byte TypeOfService { get => _tos; set => Set(ref _tos, value); }

    [Field("Total length of header and payload; auto: computed", Alias = "len", End = 4)]
    public ushort? TotalLength { get => _totalLength; set => Set(ref _totalLength, value); }

    [Field("Identification", Alias = "id", End = 6)]
    public ushort Identification { get => _id; set => Set(ref _id, value); }

    [Field("Flags: DF, MF, Evil (3 bits)", Alias = "flags", End = 7)]
    public IPv4Flags Flags { get => new(_flags); set { CheckBits(nameof(Flags), value.Value, 3); Set(ref _flags, value.Value); } }

    [Field("Fragment offset in 8-byte units (13 bits)", Alias = "frag", End = 8)]
    public ushort FragmentOffset { get => _fragmentOffset; set { CheckBits(nameof(FragmentOffset), value, 13); Set(ref _fragmentOffset, value); } }

    [Field("Time to live", Alias = "ttl", End = 9)]
    public byte TimeToLive { get => _ttl; set => Set(ref _ttl, value); }

    [Field("Protocol of the payload; auto: from the layer above (6 TCP, 17 UDP, 1 ICMP)", Alias = "proto", End = 10)]
    public byte? Protocol { get => _protocol; set => Set(ref _protocol, value); }

    [Field("Header checksum; auto: computed", Alias = "chksum", End = 12)]
    public ushort? Checksum { get => _checksum; set => Set(ref _checksum, value); }

    [Field("Source address; auto: the host's address on the route to the destination", Alias = "src", End = 16)]
    public IPAddress? Source { get => _source; set => Set(ref _source, value is null ? null : RequireIPv4(value, nameof(Source), UseIPv6)); }

    [Field("Destination address", Alias = "dst", End = 20)]
    public IPAddress Destination { get => _destination; set => Set(ref _destination, RequireIPv4(value, nameof(Destination), UseIPv6)); }

    [Field("Options as bytes (padded with zeros to a multiple of 4 when built)", Alias = "options")]
    public byte[] Options { get => _options; set => Set(ref _options, value ?? Array.Empty<byte>()); }

    /// <summary>
    /// As any IP header; but a fragment past the first has no upper header to compare, and a fragment with the sent
    /// packet's identification from its source is a piece of it (on lo what is sent comes back in), so neither answers.
    /// </summary>
    protected internal override Answer AnswersSent(Layer sent, AnswerContext context)
    {
        bool fragment = _fragmentOffset > 0 || Flags.HasFlag(IPv4Flags.MF);
        if (_fragmentOffset > 0 || (fragment && sent is IPv4 s && _id == s._id && EffectiveSource.Equals(s.EffectiveSource))) return Answer.No;
        return base.AnswersSent(sent, context);
    }

    public override IPAddress EffectiveDestination => _destination;
    public override IPAddress EffectiveSource => _source ?? BuildContext.SourceFor(_destination);

    protected internal override int HeaderLength => 20 + ((_options.Length + 3) & ~3);

    protected internal override int Decode(ReadOnlySpan<byte> data, DecodeContext context)
    {
        var fixedPart = Whole(data, 20);
        _version = (byte)(fixedPart[0] >> 4);
        _ihl = (byte)(fixedPart[0] & 0x0F);
        _tos = fixedPart[1];
        _totalLength = BinaryPrimitives.ReadUInt16BigEndian(fixedPart[2..]);
        _id = BinaryPrimitives.ReadUInt16BigEndian(fixedPart[4..]);
        ushort flagsFrag = BinaryPrimitives.ReadUInt16BigEndian(fixedPart[6..]);
        _flags = (byte)(flagsFrag >> 13);
        _fragmentOffset = (ushort)(flagsFrag & 0x1FFF);
        _ttl = fixedPart[8];
        _protocol = fixedPart[9];
        _checksum = BinaryPrimitives.ReadUInt16BigEndian(fixedPart[10..]);
        _source = new IPAddress(fixedPart.Slice(12, 4));
        _destination = new IPAddress(fixedPart.Slice(16, 4));
        if (CutLength is int cut) return cut;
        int length = _ihl.Value * 4;
        if (length < 20) throw new DecodeException($"IPv4 header length {length} is below the minimum of 20");
        DecodeException.Need(data, length, Name);
        _options = data[20..length].ToArray();
        if (_totalLength >= length && _totalLength <= data.Length)
            context.PayloadLength = _totalLength.Value - length;
        return length;
    }

    protected internal override Type? NextLayerType(DecodeContext context) =>
        _fragmentOffset == 0 ? LayerRegistry.UpperFor(typeof(IPv4), _protocol ?? 0) : null;

    protected internal override void Prepare(BuildContext context, int index)
    {
        _protocol ??= (byte)(context.SelectorAbove(index) ?? 0);
        _source ??= BuildContext.SourceFor(_destination);
    }

    protected internal override void Encode(Span<byte> header, ReadOnlySpan<byte> payload, BuildContext context, int index)
    {
        header[0] = (byte)((_version << 4) | (_ihl ?? (byte)(HeaderLength / 4)));
        header[1] = _tos;
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], _totalLength ?? (ushort)(header.Length + payload.Length));
        BinaryPrimitives.WriteUInt16BigEndian(header[4..], _id);
        BinaryPrimitives.WriteUInt16BigEndian(header[6..], (ushort)((_flags << 13) | _fragmentOffset));
        header[8] = _ttl;
        header[9] = _protocol!.Value;
        _source!.TryWriteBytes(header[12..], out _);
        _destination.TryWriteBytes(header[16..], out _);
        _options.CopyTo(header[20..]);
        BinaryPrimitives.WriteUInt16BigEndian(header[10..], _checksum ?? NetSock.Packets.Checksum.Compute(header));
    }

    protected override void CopyReferences() => _options = (byte[])_options.Clone();

    /// <summary>"IP 198.18.0.1 > 198.18.0.2 ttl 64", and for a fragment tcpdump's "frag id:length@offset" (+ when more follow).</summary>
    /// <summary>
    /// As tshark writes a fragment: "Fragmented IP protocol (proto=UDP 17, off=1480, ID=0001)"; for a datagram whose
    /// protocol NetSock does not decode, the summary.
    /// </summary>
    protected internal override string ColumnInfo(ColumnContext context)
    {
        if (!Flags.HasFlag(IPv4Flags.MF) && _fragmentOffset == 0) return Summary;
        byte proto = _protocol ?? 0;
        string name = proto switch { 1 => "ICMP", 2 => "IGMP", 6 => "TCP", 17 => "UDP", 47 => "GRE", 50 => "ESP", 51 => "AH", 132 => "SCTP", _ => "" };
        return $"Fragmented IP protocol (proto={(name.Length > 0 ? name + " " : "")}{proto}, off={_fragmentOffset * 8}, ID={_id:x4})";
    }

    public override string Summary => $"IP {_source?.ToString() ?? "auto"} > {_destination} ttl {_ttl}" +
        (_fragmentOffset > 0 || Flags.HasFlag(IPv4Flags.MF)
            ? $" frag {_id}:{(_totalLength is { } total ? (total - HeaderLength).ToString(System.Globalization.CultureInfo.InvariantCulture) : "auto")}@{_fragmentOffset * 8}{(Flags.HasFlag(IPv4Flags.MF) ? "+" : "")}"
            : "");
}
