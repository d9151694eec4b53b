using System.Buffers.Binary;

namespace NetSock.Packets.Layers;

/// <summary>
/// PPPoE discovery stage (RFC 2516), EtherType 0x8863: PADI (code 0x09), PADO (0x07), PADR (0x19), PADS (0x65) and
/// PADT (0xA7), with the tags that follow the header kept as bytes (type, length, value each; Scapy's PPPoED_Tags).
/// The length covers the tags (and any layer stacked above); bytes past it are padding.
/// </summary>
[Layer("PPPoED", "PPP over Ethernet, discovery stage (RFC 2516), tags as bytes", Aliases = new[] { "PPPoEDiscovery" })]
[Bind(typeof(Ethernet), 0x8863)]
public sealed class PPPoED : Layer
{
    private byte _version = 1;
    private byte _type = 1;
    private byte _code = 0x09;
    private ushort _sessionId;
    private ushort? _length;
    private byte[] _tags = Array.Empty<byte>();

    [Field("Version (4 bits; 1)", Alias = "version")]
    public byte Version { get => _version; set { CheckBits(nameof(Version), value, 4); Set(ref _version, value); } }

    [Field("Type (4 bits; 1)", Alias = "type")]
    public byte Type { get => _type; set { CheckBits(nameof(Type), value, 4); Set(ref _type, value); } }

    [Field("Code: 0x09 PADI, 0x07 PADO, 0x19 PADR, 0x65 PADS, 0xA7 PADT", Alias = "code")]
    public byte Code { get => _code; set => Set(ref _code, value); }

    [Field("Session id (0 until the PADS assigns one)", Alias = "sessionid")]
    public ushort SessionId { get => _sessionId; set => Set(ref _sessionId, value); }

    [Field("Length of the tags; auto: computed", Alias = "len")]
    public ushort? Length { get => _length; set => Set(ref _length, value); }

    [Field("The tags as bytes: 16-bit type, 16-bit length, value (0x0101 Service-Name, 0x0102 AC-Name, 0x0103 Host-Uniq, 0x0104 AC-Cookie)")]
    public byte[] Tags { get => _tags; set => Set(ref _tags, value ?? Array.Empty<byte>()); }

    protected internal override int HeaderLength => 6 + _tags.Length;

    protected internal override int Decode(ReadOnlySpan<byte> data, DecodeContext context)
    {
        DecodeException.Need(data, 6, Name);
        PPPoE.ReadHeader(data, out _version, out _type, out _code, out _sessionId, out ushort length);
        _length = length;
        int tags = Math.Min(_length.Value, data.Length - 6);     // a length past the frame: the tags are what is there (as Scapy reads)
        _tags = data.Slice(6, tags).ToArray();
        context.PayloadLength = 0;                               // what follows the tags is padding
        return 6 + tags;
    }

    protected internal override void Encode(Span<byte> header, ReadOnlySpan<byte> payload, BuildContext context, int index)
    {
        PPPoE.WriteHeader(header, _version, _type, _code, _sessionId, _length ?? (ushort)(_tags.Length + payload.Length));
        _tags.CopyTo(header[6..]);
    }

    protected override void CopyReferences() => _tags = (byte[])_tags.Clone();

    public override string Summary => $"PPPoE {CodeName} [ses 0x{_sessionId:x}] tags {_tags.Length} bytes";

    private string CodeName => _code switch
    {
        0x09 => "PADI",
        0x07 => "PADO",
        0x19 => "PADR",
        0x65 => "PADS",
        0xA7 => "PADT",
        _ => $"code 0x{_code:x2}",
    };
}
