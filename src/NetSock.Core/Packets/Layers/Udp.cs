using System.Buffers.Binary;

namespace NetSock.Packets.Layers;

/// <summary>UDP header (RFC 768).</summary>
[Layer("Udp", "User Datagram Protocol")]
[Bind(typeof(IPv4), 17)]
[Bind(typeof(IPv6), 17)]
public sealed class Udp : Layer
{
    private ushort _sport = 53;
    private ushort _dport = 53;
    private ushort? _length;
    private ushort? _checksum;

    [Field("Source port", Alias = "sport", End = 2)]
    public ushort SourcePort { get => _sport; set => Set(ref _sport, value); }

    [Field("Destination port", Alias = "dport", End = 4)]
    public ushort DestinationPort { get => _dport; set => Set(ref _dport, value); }

    [Field("Length of header and payload; auto: computed", Alias = "len", End = 6)]
    public ushort? Length { get => _length; set => Set(ref _length, value); }

    [Field("Checksum over the pseudo-header, header and payload; auto: computed (0xFFFF when it comes out 0)", Alias = "chksum", End = 8)]
    public ushort? Checksum { get => _checksum; set => Set(ref _checksum, value); }

    /// <summary>A UDP reply comes back with the ports swapped; the layers above have their say (a DNS response carries the query's id).</summary>
    protected internal override Answer AnswersSent(Layer sent, AnswerContext context) =>
        sent is Udp s && _sport == s._dport && _dport == s._sport ? Answer.Continue : Answer.No;

    /// <summary>A quoted UDP header has the sent ports.</summary>
    protected internal override bool IsQuoteOf(Layer sent) => sent is Udp s && _sport == s._sport && _dport == s._dport;

    protected internal override int HeaderLength => 8;

    protected internal override int Decode(ReadOnlySpan<byte> data, DecodeContext context)
    {
        var header = Whole(data, 8);
        _sport = BinaryPrimitives.ReadUInt16BigEndian(header);
        _dport = BinaryPrimitives.ReadUInt16BigEndian(header[2..]);
        _length = BinaryPrimitives.ReadUInt16BigEndian(header[4..]);
        _checksum = BinaryPrimitives.ReadUInt16BigEndian(header[6..]);
        if (CutLength is int cut) return cut;
        if (_length >= 8 && _length <= data.Length)
            context.PayloadLength = _length.Value - 8;
        return 8;
    }

    protected internal override Type? NextLayerType(DecodeContext context) =>
        LayerRegistry.UpperFor(typeof(Udp), _dport) ?? LayerRegistry.UpperFor(typeof(Udp), _sport);

    protected internal override void Encode(Span<byte> header, ReadOnlySpan<byte> payload, BuildContext context, int index)
    {
        BinaryPrimitives.WriteUInt16BigEndian(header, _sport);
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], _dport);
        ushort length = _length ?? (ushort)(8 + payload.Length);
        BinaryPrimitives.WriteUInt16BigEndian(header[4..], length);
        ushort sum = _checksum ?? IPLayer.UpperLayerChecksum(context, index, 17, header, payload, length) switch { 0 => 0xFFFF, var c => c };
        BinaryPrimitives.WriteUInt16BigEndian(header[6..], sum);
    }

    public override string Summary => $"UDP {_sport} > {_dport} len {_length?.ToString() ?? "auto"}";

    /// <summary>As tshark writes it: "40000 → 9 Len=4", the length of the payload.</summary>
    protected internal override string ColumnInfo(ColumnContext context) => $"{_sport} → {_dport} Len={context.PayloadLength}";
}
