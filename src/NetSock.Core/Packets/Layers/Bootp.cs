using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace NetSock.Packets.Layers;

/// <summary>
/// BOOTP (RFC 951), the fixed 236-byte part of every DHCP message, Scapy's BOOTP(): op, hardware type and length, hops,
/// transaction id (xid), seconds, flags (0x8000: reply by broadcast), the client, your (offered), server and gateway
/// addresses, the client's hardware address (chaddr: a MAC, then ten zero bytes), server name and boot file. Then its
/// options field: with a <see cref="Dhcp"/> layer above, the DHCP magic cookie 63825363 (auto), as Scapy writes it.
/// Dissected on UDP ports 67 and 68 when the payload has the 236 bytes and op 1 or 2; a reply answers the request with
/// its xid, as in Scapy.
/// </summary>
[Layer("Bootp", "Bootstrap Protocol (RFC 951): the fixed part of a DHCP message")]
[Bind(typeof(Udp), 67)]
[Bind(typeof(Udp), 68, DissectOnly = true)]
public sealed class Bootp : Layer
{
    internal static readonly byte[] MagicCookie = { 0x63, 0x82, 0x53, 0x63 };
    private const int FixedLength = 236;

    private byte _op = 1, _htype = 1, _hlen = 6, _hops;
    private uint _xid;
    private ushort _secs, _flags;
    private IPAddress _ciaddr = IPAddress.Any, _yiaddr = IPAddress.Any, _siaddr = IPAddress.Any, _giaddr = IPAddress.Any;
    private MacAddress _chaddr = MacAddress.Zero;
    private string _sname = "", _file = "";
    private byte[]? _options;

    [Field("Operation: 1 request (client to server), 2 reply", Alias = "op")]
    public byte Operation { get => _op; set => Set(ref _op, value); }

    [Field("Hardware type: 1 Ethernet", Alias = "htype")]
    public byte HardwareType { get => _htype; set => Set(ref _htype, value); }

    [Field("Hardware address length: 6 for Ethernet", Alias = "hlen")]
    public byte HardwareLength { get => _hlen; set => Set(ref _hlen, value); }

    [Field("Relay agents passed", Alias = "hops")]
    public byte Hops { get => _hops; set => Set(ref _hops, value); }

    [Field("Transaction id: a reply carries the id of its request", Alias = "xid")]
    public uint TransactionId { get => _xid; set => Set(ref _xid, value); }

    [Field("Seconds since the client began", Alias = "secs")]
    public ushort Seconds { get => _secs; set => Set(ref _secs, value); }

    [Field("Flags: 0x8000 asks the server to reply by broadcast", Alias = "flags")]
    public ushort Flags { get => _flags; set => Set(ref _flags, value); }

    [Field("Client address (when it has one: renewing)", Alias = "ciaddr")]
    public IPAddress ClientAddress { get => _ciaddr; set => Set(ref _ciaddr, RequireIPv4(value, nameof(ClientAddress))); }

    [Field("Your address: the one the server offers or assigns", Alias = "yiaddr")]
    public IPAddress YourAddress { get => _yiaddr; set => Set(ref _yiaddr, RequireIPv4(value, nameof(YourAddress))); }

    [Field("Next server address (TFTP for booting)", Alias = "siaddr")]
    public IPAddress ServerAddress { get => _siaddr; set => Set(ref _siaddr, RequireIPv4(value, nameof(ServerAddress))); }

    [Field("Relay agent (gateway) address", Alias = "giaddr")]
    public IPAddress GatewayAddress { get => _giaddr; set => Set(ref _giaddr, RequireIPv4(value, nameof(GatewayAddress))); }

    [Field("Client hardware address (a MAC; written in 16 bytes, zero-padded)", Alias = "chaddr")]
    public MacAddress ClientHardwareAddress { get => _chaddr; set => Set(ref _chaddr, value); }

    [Field("Server host name (64 bytes, zero-padded)", Alias = "sname")]
    public string ServerName { get => _sname; set => Set(ref _sname, Fits(value, 64, nameof(ServerName))); }

    [Field("Boot file name (128 bytes, zero-padded)", Alias = "file")]
    public string BootFile { get => _file; set => Set(ref _file, Fits(value, 128, nameof(BootFile))); }

    [Field("Options field (vendor extensions); auto: the DHCP magic cookie 63825363 with a Dhcp layer above, else none", Alias = "options")]
    public byte[]? Options { get => _options; set => Set(ref _options, value); }

    /// <summary>Server name and boot file are bytes on the wire, one character each (Latin-1, so any byte reads back as it was).</summary>
    private static string Fits(string? value, int length, string field)
    {
        value ??= "";
        if (value.Any(c => c > 0xFF)) throw new ArgumentException($"{field} is one byte per character: '{value}' has a character above U+00FF.", field);
        return value.Length <= length ? value : throw new ArgumentException($"{field} holds at most {length} bytes, not {value.Length}.", field);
    }

    private bool _dhcpAbove;

    private int OptionsLength => _options?.Length ?? (_dhcpAbove ? MagicCookie.Length : 0);

    protected internal override int HeaderLength => FixedLength + OptionsLength;

    protected internal override void Prepare(BuildContext context, int index) => _dhcpAbove = context.Above(index) is Dhcp;

    protected internal override int Decode(ReadOnlySpan<byte> data, DecodeContext context)
    {
        if (data.Length < FixedLength || data[0] is not (1 or 2))
            throw new DecodeException("not a BOOTP message", truncated: false) { NotThisLayer = true };
        _op = data[0];
        _htype = data[1];
        _hlen = data[2];
        _hops = data[3];
        _xid = BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
        _secs = BinaryPrimitives.ReadUInt16BigEndian(data[8..]);
        _flags = BinaryPrimitives.ReadUInt16BigEndian(data[10..]);
        _ciaddr = new IPAddress(data.Slice(12, 4));
        _yiaddr = new IPAddress(data.Slice(16, 4));
        _siaddr = new IPAddress(data.Slice(20, 4));
        _giaddr = new IPAddress(data.Slice(24, 4));
        _chaddr = MacAddress.Read(data[28..]);
        _sname = Text(data.Slice(44, 64));
        _file = Text(data.Slice(108, 128));
        _dhcpAbove = data.Length >= FixedLength + 4 && data.Slice(FixedLength, 4).SequenceEqual(MagicCookie);
        _options = (_dhcpAbove ? data.Slice(FixedLength, 4) : data[FixedLength..]).ToArray();
        return FixedLength + _options.Length;
    }

    private static string Text(ReadOnlySpan<byte> field)
    {
        int end = field.IndexOf((byte)0);
        return Encoding.Latin1.GetString(end < 0 ? field : field[..end]);
    }

    protected internal override Type? NextLayerType(DecodeContext context) => _dhcpAbove ? typeof(Dhcp) : null;

    protected internal override void Encode(Span<byte> header, ReadOnlySpan<byte> payload, BuildContext context, int index)
    {
        header[..HeaderLength].Clear();
        header[0] = _op;
        header[1] = _htype;
        header[2] = _hlen;
        header[3] = _hops;
        BinaryPrimitives.WriteUInt32BigEndian(header[4..], _xid);
        BinaryPrimitives.WriteUInt16BigEndian(header[8..], _secs);
        BinaryPrimitives.WriteUInt16BigEndian(header[10..], _flags);
        _ciaddr.TryWriteBytes(header[12..], out _);
        _yiaddr.TryWriteBytes(header[16..], out _);
        _siaddr.TryWriteBytes(header[20..], out _);
        _giaddr.TryWriteBytes(header[24..], out _);
        _chaddr.Write(header[28..]);
        Encoding.Latin1.GetBytes(_sname, header.Slice(44, 64));
        Encoding.Latin1.GetBytes(_file, header.Slice(108, 128));
        (_options ?? (_dhcpAbove ? MagicCookie : Array.Empty<byte>())).CopyTo(header[FixedLength..]);
    }

    /// <summary>Scapy's BOOTP.answers(): the same transaction id.</summary>
    protected internal override Answer AnswersSent(Layer sent, AnswerContext context) =>
        sent is Bootp request && _xid == request._xid ? Answer.Yes : Answer.No;

    protected override void CopyReferences() => _options = (byte[]?)_options?.Clone();

    /// <summary>As tshark writes a BOOTP message that has no DHCP options: "Boot Request from 02:00:00:00:00:01", "Boot Reply".</summary>
    protected internal override string ColumnInfo(ColumnContext context) => _op == 2 ? "Boot Reply" : $"Boot Request from {ColumnContext.Mac(_chaddr)}";

    public override string Summary => _op == 2
        ? $"BOOTP reply xid 0x{_xid:x8} to {_chaddr}" + (_yiaddr.Equals(IPAddress.Any) ? "" : $" yiaddr {_yiaddr}")
        : $"BOOTP request xid 0x{_xid:x8} from {_chaddr}";
}
