using System.Collections;
using System.Net;

namespace NetSock.Packets;

/// <summary>
/// One layer of a packet: a small type whose [Field] properties are its fields, with its own decode and encode
/// (gopacket's shape). Setting a property through <see cref="Set{T}"/> marks the layer changed, so a dissected
/// packet knows to rebuild its bytes.
/// </summary>
public abstract class Layer : System.Dynamic.IDynamicMetaObjectProvider, IDynamicMembers
{
    private int _version;

    /// <summary>
    /// Scapy's field names as members (in PowerShell, $p.IPv4.ttl reads and sets TimeToLive). Dynamic, not declared,
    /// so Select-Object *, Export-Csv and ConvertTo-Json see each field once, under its own name.
    /// </summary>
    bool IDynamicMembers.TryGetMember(string name, out object? result)
    {
        var field = Info.FindField(name);
        result = field?.GetValue(this);
        return field is not null;
    }

    bool IDynamicMembers.TrySetMember(string name, object? value)
    {
        var field = Info.FindField(name);
        if (field is null) return false;
        SetFromScript(() => field, value);
        return true;
    }

    System.Dynamic.DynamicMetaObject System.Dynamic.IDynamicMetaObjectProvider.GetMetaObject(System.Linq.Expressions.Expression parameter) =>
        new DynamicMembersMeta(parameter, this);

    // None listed: Select-Object * would show every field twice (pwsh lists dynamic member names as properties).
    IEnumerable<string> IDynamicMembers.MemberNames => Array.Empty<string>();

    /// <summary>The layer type's declaration: name, description, fields.</summary>
    public LayerInfo GetInfo() => LayerRegistry.Of(GetType());

    private LayerInfo Info => LayerRegistry.Of(GetType());

    public string Name => Info.Name;

    /// <summary>Bumped by every field change (an ICMP error's adds its quoted packet's changes).</summary>
    internal virtual int ChangeCount => _version;

    /// <summary>
    /// How many bytes of this header the packet had, when it was cut short inside the header's fixed part (a capture's
    /// snap length, a truncated file): the fields that end before the cut are read as tshark reads them, the others are
    /// absent (null through <see cref="this[string]"/>, the Scapy names and Show-Packet; zero through the typed
    /// properties). Null for a whole header. A cut header builds as cut: its first CutLength bytes.
    /// </summary>
    public int? CutLength { get; private set; }

    /// <summary>
    /// Decode's first step for a header whose fixed part is <paramref name="length"/> bytes: the data itself when it is
    /// all there, otherwise a zero-padded copy, with <see cref="CutLength"/> set to the bytes there were. A layer that
    /// calls it reads its fixed fields from the result and then returns CutLength when it is set.
    /// </summary>
    protected ReadOnlySpan<byte> Whole(ReadOnlySpan<byte> data, int length)
    {
        if (data.Length >= length) return data;
        CutLength = data.Length;
        var padded = new byte[length];
        data.CopyTo(padded);
        return padded;
    }

    /// <summary>The bytes this layer takes on the wire: <see cref="HeaderLength"/>, or fewer when the header was cut short.</summary>
    internal int WireLength => CutLength is int cut && cut < HeaderLength ? cut : HeaderLength;

    protected void Set<T>(ref T field, T value)
    {
        field = value;
        _version++;
    }

    /// <summary>Refuses a value too wide for a field of <paramref name="bits"/> bits, with the range in the message.</summary>
    protected static void CheckBits(string field, long value, int bits)
    {
        if (value < 0 || value >= 1L << bits)
            throw new ArgumentOutOfRangeException(field, value, $"{field} is a {bits}-bit field: give a value from 0 to {(1L << bits) - 1}.");
    }

    /// <summary>Refuses an address that is not IPv4 for a field that holds one, naming the layer and field (and <paramref name="hint"/>).</summary>
    protected IPAddress RequireIPv4(IPAddress? value, string field, string hint = "") =>
        value?.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? value
            : throw new ArgumentException($"{Name} {field} must be an IPv4 address, not {value?.ToString() ?? "nothing"}.{hint}", field);

    /// <summary>
    /// The field's value by name or alias (null for an auto field that is unset). Setting converts as every other way of
    /// setting a field does (<see cref="PacketField.SetValue"/>); null returns the field to auto or its default.
    /// </summary>
    public object? this[string field]
    {
        get => Info.GetField(field).GetValue(this);
        set => SetFromScript(() => Info.GetField(field), value);
    }

    /// <summary>A set from a script (member or indexer): a failure is thrown as the host reports it (<see cref="FieldConversion.HostError"/>).</summary>
    private void SetFromScript(Func<PacketField> field, object? value)
    {
        try
        {
            field().SetValue(this, value);
        }
        catch (NetSockException e)
        {
            throw FieldConversion.HostError(e);
        }
    }

    /// <summary>
    /// Reads this layer's header from the start of <paramref name="data"/> and returns its length. Throws
    /// <see cref="DecodeException"/> (or any index error) on malformed input; the dissector catches it.
    /// </summary>
    protected internal abstract int Decode(ReadOnlySpan<byte> data, DecodeContext context);

    /// <summary>The layer type that follows this one on the wire, from this layer's fields; null for none (the rest is Raw).</summary>
    protected internal virtual Type? NextLayerType(DecodeContext context) => null;

    /// <summary>Fills auto fields that depend on neighbours (protocol numbers, addresses), bottom to top, before encoding.</summary>
    protected internal virtual void Prepare(BuildContext context, int index)
    {
    }

    /// <summary>The header's length on the wire, after <see cref="Prepare"/>.</summary>
    protected internal abstract int HeaderLength { get; }

    /// <summary>Writes the header into <paramref name="header"/>; the bytes above it are already written in <paramref name="payload"/>.</summary>
    protected internal abstract void Encode(Span<byte> header, ReadOnlySpan<byte> payload, BuildContext context, int index);

    /// <summary>The pcap link type of a packet that starts with this layer (Ethernet, Null, LinuxSll); null for a network layer (Raw).</summary>
    protected internal virtual LinkType? LinkTypeWhenFirst => null;

    /// <summary>
    /// Scapy's answers(): whether this layer, in a packet that arrived, answers <paramref name="sent"/>, the layer at the
    /// same place in a packet that was sent. <see cref="Answer.Continue"/> lets the layers above decide; by default a
    /// layer of the same kind continues and any other does not answer.
    /// </summary>
    protected internal virtual Answer AnswersSent(Layer sent, AnswerContext context) => sent.GetType() == GetType() ? Answer.Continue : Answer.No;

    /// <summary>
    /// Whether this layer, quoted in an ICMP or ICMPv6 error, is <paramref name="sent"/> (the same addresses, ports,
    /// ids: the fields a router copies back unchanged); by default a layer of the same kind.
    /// </summary>
    protected internal virtual bool IsQuoteOf(Layer sent) => sent.GetType() == GetType();

    /// <summary>True for a link-layer header (Ethernet, 802.1Q, Linux cooked, BSD loopback): reply matching starts above it.</summary>
    protected internal virtual bool IsLinkHeader => false;

    /// <summary>A deep copy: the packet that stacks a layer owns its copy, so the original is left unchanged.</summary>
    public Layer Clone()
    {
        var copy = (Layer)MemberwiseClone();
        copy.CopyReferences();
        return copy;
    }

    /// <summary>Copies the mutable reference-typed fields (arrays, lists) after a memberwise clone.</summary>
    protected virtual void CopyReferences()
    {
    }

    /// <summary>A short description of the layer for one-line summaries, like tcpdump's.</summary>
    public virtual string Summary => Name;

    /// <summary>
    /// Wireshark's Protocol column for a packet whose topmost protocol is this layer, in Wireshark's spelling (TCP, UDP,
    /// ICMPv6, DNS); by default the name in capitals (a link header's as it is: Ethernet).
    /// </summary>
    protected internal virtual string ColumnProtocol(ColumnContext context) => IsLinkHeader ? Name : Name.ToUpperInvariant();

    /// <summary>Wireshark's Info column for a packet whose topmost protocol is this layer (tshark's _ws.col.Info); by default the <see cref="Summary"/>.</summary>
    protected internal virtual string ColumnInfo(ColumnContext context) => Summary;

    public override string ToString() =>
        $"{Name}({string.Join(", ", Info.Fields.Select(f => $"{f.Name}={FormatValue(f.GetValue(this))}"))})";

    public static string FormatValue(object? value) => value switch
    {
        null => "auto",
        byte[] bytes => bytes.Length <= 16 ? Convert.ToHexString(bytes) : $"{Convert.ToHexString(bytes, 0, 16)}... ({bytes.Length} bytes)",
        string s => $"'{s}'",
        IEnumerable list and not string => "[" + string.Join(", ", list.Cast<object>()) + "]",
        _ => value.ToString() ?? "",
    };
}

/// <summary>A malformed header: what was wrong, for the packet's MalformedReason.</summary>
public sealed class DecodeException : Exception
{
    public DecodeException(string message, bool truncated = false) : base(message)
    {
        Truncated = truncated;
    }

    /// <summary>True when the header was cut short (as opposed to wrong): the only failure a quoted packet is excused.</summary>
    public bool Truncated { get; }

    /// <summary>
    /// True when the bytes are not this protocol at all (a layer bound by a well-known port, such as DNS on UDP 53, whose
    /// payload does not even look like it): they stay Raw and the packet is not malformed.
    /// </summary>
    public bool NotThisLayer { get; init; }

    public static void Need(ReadOnlySpan<byte> data, int length, string layer)
    {
        if (data.Length < length)
            throw new DecodeException($"{layer} header truncated: {data.Length} of {length} bytes", truncated: true);
    }
}

/// <summary>State shared by the layers while a packet is dissected.</summary>
public sealed class DecodeContext
{
    /// <summary>The layer decoded just before this one (DNS reads a length first when it rides on TCP); null for the first.</summary>
    public Layer? Below { get; internal set; }

    /// <summary>Where the current layer's payload ends, when its header says (IPv4 total length, UDP length); bytes past it are padding.</summary>
    public int? PayloadLength { get; set; }
}
