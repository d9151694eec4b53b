using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace NetSock.Packets.Layers;

/// <summary>
/// One DHCP option (RFC 2132) as it is on the wire: code, length, data; pad (0) and end (255) are a code alone. As text,
/// Scapy's names and values: 'message-type=discover', 'requested_addr=198.18.0.10', 'router=198.18.0.1',
/// 'name_server=198.18.0.53,198.18.0.54', 'lease_time=3600', 'param_req_list=1,3,6', 'hostname=pc1',
/// 'client_id=01020000000001' (hex), 'end', 'pad', and 'optionN=hex' for any code. Decoded options keep their bytes.
/// </summary>
public sealed class DhcpOption : IEquatable<DhcpOption>
{
    private enum Kind { Bytes, Address, Addresses, UInt32, UInt16, Byte, ByteList, Text, MessageType }

    private static readonly (byte Code, string Name, Kind Kind)[] Table =
    {
        (1, "subnet_mask", Kind.Address), (2, "time_zone", Kind.UInt32), (3, "router", Kind.Addresses), (4, "time_server", Kind.Addresses),
        (6, "name_server", Kind.Addresses), (7, "log_server", Kind.Addresses), (12, "hostname", Kind.Text), (13, "boot-size", Kind.UInt16),
        (15, "domain", Kind.Text), (23, "default_ttl", Kind.Byte), (26, "interface-mtu", Kind.UInt16), (28, "broadcast_address", Kind.Address),
        (35, "arp_cache_timeout", Kind.UInt32), (42, "NTP_server", Kind.Addresses), (43, "vendor_specific", Kind.Bytes),
        (44, "NetBIOS_server", Kind.Addresses), (50, "requested_addr", Kind.Address), (51, "lease_time", Kind.UInt32),
        (53, "message-type", Kind.MessageType), (54, "server_id", Kind.Address), (55, "param_req_list", Kind.ByteList),
        (56, "error_message", Kind.Text), (57, "max_dhcp_size", Kind.UInt16), (58, "renewal_time", Kind.UInt32),
        (59, "rebinding_time", Kind.UInt32), (60, "vendor_class_id", Kind.Text), (61, "client_id", Kind.Bytes),
        (66, "tftp_server_name", Kind.Text), (67, "boot-file-name", Kind.Text), (82, "relay_agent_information", Kind.Bytes),
    };

    private static readonly string[] MessageTypes =
    {
        "", "discover", "offer", "request", "decline", "ack", "nak", "release", "inform", "force_renew", "lease_query",
        "lease_unassigned", "lease_unknown", "lease_active",
    };

    private readonly byte[] _encoded;

    /// <summary>An option from its exact wire bytes (code first; pad and end are one byte).</summary>
    public DhcpOption(byte[] encoded) => _encoded = encoded is { Length: > 0 } ? (byte[])encoded.Clone()
        : throw new ArgumentException("A DHCP option has at least its code byte.", nameof(encoded));

    public byte Code => _encoded[0];

    /// <summary>Scapy's name for the option (message-type, router, ...), pad, end, or optionN.</summary>
    public string Name => Code switch { 0 => "pad", 255 => "end", _ => Find(Code)?.Name ?? $"option{Code}" };

    /// <summary>The option's data (after code and length).</summary>
    public byte[] Data => _encoded.Length > 2 ? _encoded[2..] : Array.Empty<byte>();

    internal int WireLength => _encoded.Length;
    internal ReadOnlySpan<byte> Span => _encoded;

    /// <summary>The value in the option's own terms: an address or addresses, a number, a message type name, text; else the bytes; null for pad and end.</summary>
    public object? Value
    {
        get
        {
            byte[] d = Data;
            if (Code is 0 or 255) return null;
            return Find(Code)?.Kind switch
            {
                Kind.Address when d.Length == 4 => new IPAddress(d),
                Kind.Addresses when d.Length > 0 && d.Length % 4 == 0 => Enumerable.Range(0, d.Length / 4).Select(i => new IPAddress(d[(4 * i)..(4 * i + 4)])).ToArray(),
                Kind.UInt32 when d.Length == 4 => BinaryPrimitives.ReadUInt32BigEndian(d),
                Kind.UInt16 when d.Length == 2 => BinaryPrimitives.ReadUInt16BigEndian(d),
                Kind.Byte when d.Length == 1 => d[0],
                Kind.ByteList => d,
                Kind.Text => Encoding.UTF8.GetString(d),
                Kind.MessageType when d.Length == 1 => d[0] is > 0 && d[0] < MessageTypes.Length ? MessageTypes[d[0]] : d[0].ToString(CultureInfo.InvariantCulture),
                _ => d,
            };
        }
    }

    private static (byte Code, string Name, Kind Kind)? Find(byte code)
    {
        foreach (var entry in Table)
            if (entry.Code == code) return entry;
        return null;
    }

    public static DhcpOption Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Split('=', 2, StringSplitOptions.TrimEntries);
        string name = parts[0];
        string? arg = parts.Length > 1 ? parts[1] : null;
        if (name.Equals("end", StringComparison.OrdinalIgnoreCase) && arg is null) return new DhcpOption(new byte[] { 255 });
        if (name.Equals("pad", StringComparison.OrdinalIgnoreCase) && arg is null) return new DhcpOption(new byte[] { 0 });
        try
        {
            if (arg is not null && name.StartsWith("option", StringComparison.OrdinalIgnoreCase)
                && byte.TryParse(name.AsSpan(6), NumberStyles.None, CultureInfo.InvariantCulture, out byte code))
                return Make(code, Convert.FromHexString(arg));
            foreach (var (c, n, kind) in Table)
            {
                if (!n.Equals(name, StringComparison.OrdinalIgnoreCase) || arg is null) continue;
                return Make(c, kind switch
                {
                    Kind.Address => Address(arg),
                    Kind.Addresses => arg.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).SelectMany(Address).ToArray(),
                    Kind.UInt32 => BitConverter.GetBytes(BinaryPrimitives.ReverseEndianness(uint.Parse(arg, CultureInfo.InvariantCulture))),
                    Kind.UInt16 => BitConverter.GetBytes(BinaryPrimitives.ReverseEndianness(ushort.Parse(arg, CultureInfo.InvariantCulture))),
                    Kind.Byte => new[] { byte.Parse(arg, CultureInfo.InvariantCulture) },
                    Kind.ByteList => arg.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(v => byte.Parse(v, CultureInfo.InvariantCulture)).ToArray(),
                    Kind.Text => Encoding.UTF8.GetBytes(arg),
                    Kind.MessageType => new[] { MessageType(arg) },
                    _ => Convert.FromHexString(arg),
                });
            }
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            throw Bad(text, e.Message);
        }
        throw Bad(text, null);
    }

    private static byte MessageType(string text)
    {
        int i = Array.FindIndex(MessageTypes, m => m.Length > 0 && m.Equals(text, StringComparison.OrdinalIgnoreCase));
        return i > 0 ? (byte)i : byte.Parse(text, CultureInfo.InvariantCulture);
    }

    private static byte[] Address(string text)
    {
        var address = IPAddress.Parse(text);
        return address.AddressFamily == AddressFamily.InterNetwork ? address.GetAddressBytes() : throw new FormatException($"{text} is not an IPv4 address");
    }

    private static FormatException Bad(string text, string? why) => new(
        $"'{text}' is not a DHCP option{(why is null ? "" : ": " + why.TrimEnd('.'))}. Write Scapy's name and value: 'message-type=discover', " +
        "'requested_addr=198.18.0.10', 'router=198.18.0.1', 'name_server=198.18.0.53,198.18.0.54', 'lease_time=3600', 'param_req_list=1,3,6', " +
        "'hostname=pc1', 'client_id=01020000000001' (hex), 'end', 'pad', or 'option<code>=<hex>'.");

    /// <summary>A code-length-data option (at most 255 bytes of data).</summary>
    public static DhcpOption Make(byte code, byte[] data)
    {
        if (data.Length > 255) throw new ArgumentException($"A DHCP option holds at most 255 bytes, not {data.Length}.", nameof(data));
        return new DhcpOption(new[] { code, (byte)data.Length }.Concat(data).ToArray());
    }

    /// <summary>Reads options up to and including end; a pad is one byte; an option that runs past the data is malformed.</summary>
    internal static List<DhcpOption> DecodeAll(ReadOnlySpan<byte> data, out int consumed, out bool ended)
    {
        var options = new List<DhcpOption>();
        int at = 0;
        ended = false;
        while (at < data.Length)
        {
            byte code = data[at];
            int length = code is 0 or 255 ? 1 : at + 1 < data.Length ? 2 + data[at + 1] : 0;
            if (length == 0 || at + length > data.Length)
                throw new DecodeException($"DHCP option {code} at offset {at} runs past the message", truncated: true);
            options.Add(new DhcpOption(data.Slice(at, length).ToArray()));
            at += length;
            if (code == 255)
            {
                ended = true;
                break;
            }
        }
        consumed = at;
        return options;
    }

    /// <summary>As Scapy writes it: "message-type=discover", "router=198.18.0.1", "end".</summary>
    public override string ToString() => Value switch
    {
        null => Name,
        IPAddress[] addresses => $"{Name}={string.Join(",", addresses.Select(a => a.ToString()))}",
        byte[] bytes when Find(Code)?.Kind == Kind.ByteList => $"{Name}={string.Join(",", bytes)}",
        byte[] bytes => $"{Name}={Convert.ToHexString(bytes).ToLowerInvariant()}",
        var v => $"{Name}={Convert.ToString(v, CultureInfo.InvariantCulture)}",
    };

    public bool Equals(DhcpOption? other) => other is not null && _encoded.AsSpan().SequenceEqual(other._encoded);
    public override bool Equals(object? obj) => Equals(obj as DhcpOption);
    public override int GetHashCode() => HashCode.Combine(Code, _encoded.Length);
}
