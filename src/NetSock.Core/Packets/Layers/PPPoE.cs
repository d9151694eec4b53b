using System.Buffers.Binary;

namespace NetSock.Packets.Layers;

/// <summary>
/// PPPoE session stage (RFC 2516), EtherType 0x8864: version, type, code (0 in a session), session id and the length of
/// the payload, which is a PPP frame (<see cref="Ppp"/>) when the code is 0. Bytes past the length are padding.
/// </summary>
[Layer("PPPoE", "PPP over Ethernet, session stage (RFC 2516)", Aliases = new[] { "PPPoESession" })]
[Bind(typeof(Ethernet), 0x8864)]
public sealed class PPPoE : Layer
{
    private byte _version = 1;
    private byte _type = 1;
    private byte _code;
    private ushort _sessionId;
    private ushort? _length;

    [Field("Version (4 bits; 1)", Alias = "version")]
    public byte Version { get => _version; set { CheckBits(nameof(Version), value, 4); Set(ref _version, value); } }

    [Field("Type (4 bits; 1)", Alias = "type")]
    public byte Type { get => _type; set { CheckBits(nameof(Type), value, 4); Set(ref _type, value); } }

    [Field("Code: 0 in the session stage (a PPP frame follows)", Alias = "code")]
    public byte Code { get => _code; set => Set(ref _code, value); }

    [Field("Session id, given by the access concentrator in its PADS", Alias = "sessionid")]
    public ushort SessionId { get => _sessionId; set => Set(ref _sessionId, value); }

    [Field("Length of the payload (the PPP frame); auto: computed", Alias = "len")]
    public ushort? Length { get => _length; set => Set(ref _length, value); }

    protected internal override int HeaderLength => 6;

    protected internal override int Decode(ReadOnlySpan<byte> data, DecodeContext context)
    {
        DecodeException.Need(data, 6, Name);
        ReadHeader(data, out _version, out _type, out _code, out _sessionId, out ushort length);
        _length = length;
        if (_length <= data.Length - 6)
            context.PayloadLength = _length.Value;
        return 6;
    }

    protected internal override Type? NextLayerType(DecodeContext context) => LayerRegistry.UpperFor(typeof(PPPoE), _code);

    protected internal override void Encode(Span<byte> header, ReadOnlySpan<byte> payload, BuildContext context, int index)
    {
        WriteHeader(header, _version, _type, _code, _sessionId, _length ?? (ushort)payload.Length);
    }

    /// <summary>The six bytes both PPPoE stages start with: version and type nibbles, code, session id, length.</summary>
    internal static void ReadHeader(ReadOnlySpan<byte> data, out byte version, out byte type, out byte code, out ushort sessionId, out ushort length)
    {
        version = (byte)(data[0] >> 4);
        type = (byte)(data[0] & 0x0F);
        code = data[1];
        sessionId = BinaryPrimitives.ReadUInt16BigEndian(data[2..]);
        length = BinaryPrimitives.ReadUInt16BigEndian(data[4..]);
    }

    internal static void WriteHeader(Span<byte> header, byte version, byte type, byte code, ushort sessionId, ushort length)
    {
        header[0] = (byte)((version << 4) | type);
        header[1] = code;
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], sessionId);
        BinaryPrimitives.WriteUInt16BigEndian(header[4..], length);
    }

    public override string Summary => $"PPPoE [ses 0x{_sessionId:x}]{(_code != 0 ? $" code 0x{_code:x2}" : "")} len {_length?.ToString() ?? "auto"}";
}
