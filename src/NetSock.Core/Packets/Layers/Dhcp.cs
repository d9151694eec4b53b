namespace NetSock.Packets.Layers;

/// <summary>
/// DHCP (RFC 2131/2132), Scapy's DHCP(): the options after BOOTP's magic cookie, as a list of <see cref="DhcpOption"/>
/// ('message-type=discover', 'requested_addr=198.18.0.10', ..., 'end'). Nothing is added for you: list 'end' yourself,
/// as with Scapy. What follows end (clients pad to a 300-byte message) is kept as padding.
/// </summary>
[Layer("Dhcp", "Dynamic Host Configuration Protocol options (RFC 2132), after BOOTP's magic cookie")]
public sealed class Dhcp : Layer
{
    private DhcpOption[] _options = Array.Empty<DhcpOption>();

    [Field("The options in order: 'message-type=discover', 'requested_addr=198.18.0.10', 'param_req_list=1,3,6', 'end'", Alias = "options")]
    public DhcpOption[] Options { get => (DhcpOption[])_options.Clone(); set => Set(ref _options, value is null ? Array.Empty<DhcpOption>() : (DhcpOption[])value.Clone()); }

    /// <summary>The message type (discover, offer, request, ack, ...), or null when there is no message-type option.</summary>
    public string? MessageType => _options.FirstOrDefault(o => o.Code == 53)?.Value?.ToString();

    protected internal override int HeaderLength => _options.Sum(o => o.WireLength);

    protected internal override int Decode(ReadOnlySpan<byte> data, DecodeContext context)
    {
        _options = DhcpOption.DecodeAll(data, out int consumed, out bool ended).ToArray();
        if (ended) context.PayloadLength = 0;      // after end: padding
        return consumed;
    }

    protected internal override void Encode(Span<byte> header, ReadOnlySpan<byte> payload, BuildContext context, int index)
    {
        int at = 0;
        foreach (var option in _options)
        {
            option.Span.CopyTo(header[at..]);
            at += option.WireLength;
        }
    }

    private static readonly string[] WiresharkTypes =
    {
        "", "Discover", "Offer", "Request", "Decline", "ACK", "NAK", "Release", "Inform", "Force Renew", "Lease query",
        "Lease Unassigned", "Lease Unknown", "Lease Active",
    };

    /// <summary>As tshark writes it: "DHCP Discover - Transaction ID 0x1234" (the type padded to 8 characters).</summary>
    protected internal override string ColumnInfo(ColumnContext context)
    {
        byte[]? type = _options.FirstOrDefault(o => o.Code == 53)?.Data;
        string name = type is { Length: 1 } t ? t[0] < WiresharkTypes.Length && t[0] > 0 ? WiresharkTypes[t[0]] : $"Unknown Message Type (0x{t[0]:x2})" : "Unknown";
        return $"DHCP {name,-8} - Transaction ID 0x{context.Below<Bootp>()?.TransactionId ?? 0:x}";
    }

    public override string Summary
    {
        get
        {
            var shown = _options.Where(o => o.Code is 50 or 54).Select(o => o.ToString());
            string type = MessageType is { Length: > 0 } t ? char.ToUpperInvariant(t[0]) + t[1..] : $"{_options.Length} options";
            return string.Join(" ", new[] { "DHCP", type }.Concat(shown));
        }
    }
}
