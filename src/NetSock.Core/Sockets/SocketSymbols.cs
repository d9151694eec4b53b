using System.Globalization;
using System.Net.Sockets;

namespace NetSock.Sockets;

/// <summary>
/// The names a user may give for a socket's domain, type and protocol: the C/Python symbols of the course
/// (AF_INET, SOCK_STREAM, IPPROTO_TCP, ETH_P_ALL), .NET's enum names, and plain numbers.
/// One table per concept; parsing, completion and error messages all read these tables.
/// </summary>
public static class SocketSymbols
{
    /// <summary>Families NetSock opens, with every name a user may type for each (first: .NET name, second: C symbol).</summary>
    public static readonly IReadOnlyList<(AddressFamily Value, string[] Names)> Families = new[]
    {
        (AddressFamily.InterNetwork, new[] { "InterNetwork", "AF_INET", "IPv4", "Inet" }),
        (AddressFamily.InterNetworkV6, new[] { "InterNetworkV6", "AF_INET6", "IPv6", "Inet6" }),
        (AddressFamily.Unix, new[] { "Unix", "AF_UNIX", "AF_LOCAL", "Local" }),
        (AddressFamily.Packet, new[] { "Packet", "AF_PACKET" }),
    };

    public static readonly IReadOnlyList<(SocketType Value, string[] Names)> Types = new[]
    {
        (SocketType.Stream, new[] { "Stream", "SOCK_STREAM" }),
        (SocketType.Dgram, new[] { "Dgram", "SOCK_DGRAM", "Datagram" }),
        (SocketType.Raw, new[] { "Raw", "SOCK_RAW" }),
        (SocketType.Seqpacket, new[] { "Seqpacket", "SOCK_SEQPACKET" }),
        (SocketType.Rdm, new[] { "Rdm", "SOCK_RDM" }),
    };

    /// <summary>IP protocol numbers (RFC 1700 / IANA) by name.</summary>
    public static readonly IReadOnlyList<(int Value, string[] Names)> IpProtocols = new[]
    {
        (0, new[] { "IP", "IPPROTO_IP", "Unspecified" }),
        (1, new[] { "Icmp", "IPPROTO_ICMP" }),
        (2, new[] { "Igmp", "IPPROTO_IGMP" }),
        (4, new[] { "IPv4", "IPPROTO_IPIP" }),
        (6, new[] { "Tcp", "IPPROTO_TCP" }),
        (17, new[] { "Udp", "IPPROTO_UDP" }),
        (41, new[] { "IPv6", "IPPROTO_IPV6" }),
        (47, new[] { "Gre", "IPPROTO_GRE" }),
        (50, new[] { "Esp", "IPPROTO_ESP" }),
        (51, new[] { "Ah", "IPPROTO_AH" }),
        (58, new[] { "IcmpV6", "IPPROTO_ICMPV6" }),
        (132, new[] { "Sctp", "IPPROTO_SCTP" }),
        (136, new[] { "UdpLite", "IPPROTO_UDPLITE" }),
        (255, new[] { "Raw", "IPPROTO_RAW" }),
    };

    /// <summary>EtherTypes an AF_PACKET socket may be opened for (host byte order).</summary>
    public static readonly IReadOnlyList<(int Value, string[] Names)> EtherTypes = new[]
    {
        (0x0003, new[] { "All", "ETH_P_ALL" }),
        (0x0800, new[] { "IPv4", "ETH_P_IP" }),
        (0x0806, new[] { "Arp", "ETH_P_ARP" }),
        (0x86DD, new[] { "IPv6", "ETH_P_IPV6" }),
        (0x8100, new[] { "Dot1Q", "ETH_P_8021Q" }),
        (0x88CC, new[] { "Lldp", "ETH_P_LLDP" }),
    };

    public static AddressFamily ParseFamily(string text)
    {
        if (TryLookup(Families, text, out var family)) return family;
        if (TryNumber(text, out int n))
        {
            foreach (var (value, _) in Families)
                if (NativeNumber(value) == n) return value;
        }
        throw Unknown("NetSocketUnknownAddressFamily", "address family", text, Families.Select(f => Describe(f.Names)));
    }

    public static SocketType ParseType(string text)
    {
        if (TryLookup(Types, text, out var type)) return type;
        if (TryNumber(text, out int n) && n is >= 1 and <= 5) return (SocketType)n;
        throw Unknown("NetSocketUnknownSocketType", "socket type", text, Types.Select(t => Describe(t.Names)));
    }

    /// <summary>
    /// Parses a protocol for the given family: an IP protocol (name or 0-255) for IP families,
    /// an EtherType (name or 0-0xFFFF, host order) for AF_PACKET, 0 for Unix.
    /// </summary>
    public static int ParseProtocol(string text, AddressFamily family)
    {
        var table = family == AddressFamily.Packet ? EtherTypes : IpProtocols;
        int max = family == AddressFamily.Packet ? 0xFFFF : 255;
        if (TryLookup(table, text, out int value)) return value;
        if (TryNumber(text, out int n) && n >= 0 && n <= max) return n;
        string what = family == AddressFamily.Packet ? "EtherType for an AF_PACKET socket" : "IP protocol";
        throw Unknown("NetSocketUnknownProtocol", what, text,
            table.Select(p => Describe(p.Names)).Append(family == AddressFamily.Packet ? "a number from 0 to 0xFFFF" : "a number from 0 to 255"));
    }

    public static string FamilyName(AddressFamily family) => NameOf(Families, family) ?? family.ToString();
    public static string TypeName(SocketType type) => NameOf(Types, type) ?? type.ToString();

    public static string ProtocolName(int protocol, AddressFamily family)
    {
        if (family == AddressFamily.Unix) return protocol == 0 ? "Unspecified" : protocol.ToString(CultureInfo.InvariantCulture);
        var table = family == AddressFamily.Packet ? EtherTypes : IpProtocols;
        return NameOf(table, protocol) ?? protocol.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Linux's number for a family (AF_INET = 2, ...); .NET's enum values differ on Linux for some.</summary>
    public static int NativeNumber(AddressFamily family) => family switch
    {
        AddressFamily.Unix => 1,
        AddressFamily.InterNetwork => 2,
        AddressFamily.InterNetworkV6 => 10,
        AddressFamily.Packet => 17,
        _ => -1,
    };

    /// <summary>Every name accepted for the tables, for argument completion.</summary>
    public static IEnumerable<string> AllNames<T>(IReadOnlyList<(T Value, string[] Names)> table) => table.SelectMany(e => e.Names);

    private static bool TryLookup<T>(IReadOnlyList<(T Value, string[] Names)> table, string text, out T value)
    {
        string t = text.Trim();
        foreach (var (v, names) in table)
        {
            if (names.Any(n => string.Equals(n, t, StringComparison.OrdinalIgnoreCase)))
            {
                value = v;
                return true;
            }
        }
        value = default!;
        return false;
    }

    private static string? NameOf<T>(IReadOnlyList<(T Value, string[] Names)> table, T value)
    {
        foreach (var (v, names) in table)
            if (EqualityComparer<T>.Default.Equals(v, value)) return names[0];
        return null;
    }

    private static bool TryNumber(string text, out int n)
    {
        string t = text.Trim();
        if (t.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            return int.TryParse(t.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out n);
        return int.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out n);
    }

    private static string Describe(string[] names) => $"{names[0]} ({string.Join(", ", names.Skip(1))})";

    private static NetSockException Unknown(string errorId, string what, string text, IEnumerable<string> choices) =>
        new(errorId, NetSockErrorKind.InvalidArgument,
            $"'{text}' is not a known {what}. Use one of: {string.Join("; ", choices)}.", text);
}
