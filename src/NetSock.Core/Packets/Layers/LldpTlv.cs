using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Numerics;
using System.Text;

namespace NetSock.Packets.Layers;

/// <summary>
/// One LLDP TLV (IEEE 802.1AB) as it is on the wire: a 7-bit type, a 9-bit length and the value. Made from text, the
/// length is computed; decoded, the exact bytes are kept, even a TLV whose length is wrong or that is cut short.
/// Text, Scapy-like: 'ChassisId=mac:02:00:00:00:00:01' (or the value in hex, subtype first: 'ChassisId=04:02:00:00:00:00:01';
/// other subtypes: chassis:, ifalias:, port:, ip:, ifname:, local:, and circuit: for a port), 'PortId=ifname:eth0', 'TTL=120',
/// 'PortDescription=uplink', 'SystemName=sw1', 'SystemDescription=text', 'SystemCapabilities=Bridge,Router/Router'
/// (available/enabled), 'ManagementAddress=198.18.0.1,ifIndex=2', 'End', 'OrgSpecific=0080c201...' (hex),
/// 'Type9=0a0b' for any type with a hex value, and 'Bytes=...' for exact wire bytes (a wrong length kept as written).
/// </summary>
public sealed class LldpTlv
{
    private static readonly string[] Names =
    {
        "End", "ChassisId", "PortId", "TTL", "PortDescription", "SystemName", "SystemDescription", "SystemCapabilities", "ManagementAddress",
    };

    // Subtype keywords of the chassis ID (8.5.2.2) and port ID (8.5.3.2) TLVs, by subtype 1 to 7.
    private static readonly string[] ChassisSubtypes = { "chassis", "ifalias", "port", "mac", "ip", "ifname", "local" };
    private static readonly string[] PortSubtypes = { "ifalias", "port", "mac", "ip", "ifname", "circuit", "local" };

    // System capabilities (8.5.8.1), by bit (bit 0 is the least significant).
    private static readonly string[] Capabilities =
    {
        "Other", "Repeater", "Bridge", "WlanAccessPoint", "Router", "Telephone", "Docsis", "Station", "CVlan", "SVlan", "TwoPortMacRelay",
    };

    // Interface numbering subtypes of the management address TLV (8.5.9.5): 1 unknown, 2 ifIndex, 3 system port number.
    private static readonly string[] Numbering = { "unknown", "ifIndex", "port" };

    private readonly byte[] _encoded;

    /// <summary>A TLV from its exact wire bytes (the two header bytes first); a malformed one is kept as it is.</summary>
    public LldpTlv(byte[] encoded) => _encoded = encoded is { Length: > 0 } ? (byte[])encoded.Clone()
        : throw new ArgumentException("An LLDP TLV has at least one byte (its header is two).", nameof(encoded));

    /// <summary>The TLV type (7 bits): 0 End, 1 chassis ID, 2 port ID, 3 TTL, 4-6 text, 7 capabilities, 8 management address, 127 organizationally specific.</summary>
    public byte Type => (byte)(_encoded[0] >> 1);

    /// <summary>The length field (9 bits) as written; 0 when the TLV is cut short of its header.</summary>
    public int Length => _encoded.Length >= 2 ? ((_encoded[0] & 1) << 8) | _encoded[1] : 0;

    public string Name => Type < Names.Length ? Names[Type] : Type == 127 ? "OrgSpecific" : $"Type{Type}";

    /// <summary>The value: the bytes after the header (for a malformed TLV, all that is there).</summary>
    public byte[] Data => _encoded.Length > 2 ? _encoded[2..] : Array.Empty<byte>();

    /// <summary>True when the header is whole and its length is that of the value.</summary>
    public bool IsWellFormed => _encoded.Length >= 2 && Length == _encoded.Length - 2;

    /// <summary>The value in the TLV's own terms: the TTL as a number, text, 'mac:...' identifiers, capabilities; the bytes otherwise; null for End.</summary>
    public object? Value => IsWellFormed && Type == 3 && Data.Length == 2 ? BinaryPrimitives.ReadUInt16BigEndian(Data)
        : IsWellFormed && Type == 0 && Length == 0 ? null
        : Readable() ?? (object)Data;

    /// <summary>The bytes on the wire.</summary>
    public byte[] Encoded => (byte[])_encoded.Clone();

    internal int WireLength => _encoded.Length;
    internal ReadOnlySpan<byte> Span => _encoded;

    /// <summary>A TLV of <paramref name="type"/> (0 to 127) with <paramref name="data"/> (at most 511 bytes), its length computed.</summary>
    public static LldpTlv Make(int type, byte[] data)
    {
        if (type is < 0 or > 127) throw new ArgumentOutOfRangeException(nameof(type), type, "An LLDP TLV type is 7 bits: give a value from 0 to 127.");
        if (data.Length > 511) throw new ArgumentException($"An LLDP TLV value is at most 511 bytes (a 9-bit length), not {data.Length}.", nameof(data));
        var encoded = new byte[2 + data.Length];
        encoded[0] = (byte)((type << 1) | (data.Length >> 8));
        encoded[1] = (byte)data.Length;
        data.CopyTo(encoded, 2);
        return new LldpTlv(encoded);
    }

    public static LldpTlv End() => Make(0, Array.Empty<byte>());
    public static LldpTlv ChassisId(MacAddress mac) => Make(1, MacValue(4, mac));
    public static LldpTlv PortId(string interfaceName) => Make(2, Prefix(5, Encoding.UTF8.GetBytes(interfaceName)));
    public static LldpTlv Ttl(ushort seconds) => Make(3, new[] { (byte)(seconds >> 8), (byte)seconds });
    public static LldpTlv SystemName(string name) => Make(5, Encoding.UTF8.GetBytes(name));

    public static LldpTlv Parse(string text)
    {
        int eq = text.IndexOf('=');
        string name = (eq < 0 ? text : text[..eq]).Trim();
        string? arg = eq < 0 ? null : text[(eq + 1)..];
        try
        {
            switch (name.ToUpperInvariant())
            {
                case "END": return arg is null || arg.Trim().Length == 0 ? End() : throw new FormatException();
                case "CHASSISID": return Make(1, Identifier(Required(arg), ChassisSubtypes, macSubtype: 4, ipSubtype: 5));
                case "PORTID": return Make(2, Identifier(Required(arg), PortSubtypes, macSubtype: 3, ipSubtype: 4));
                case "TTL" or "TIMETOLIVE": return Ttl(ParseNumber<ushort>(Required(arg)));
                case "PORTDESCRIPTION": return Make(4, Encoding.UTF8.GetBytes(Required(arg)));
                case "SYSTEMNAME": return Make(5, Encoding.UTF8.GetBytes(Required(arg)));
                case "SYSTEMDESCRIPTION": return Make(6, Encoding.UTF8.GetBytes(Required(arg)));
                case "SYSTEMCAPABILITIES": return Make(7, CapabilitiesValue(Required(arg)));
                case "MANAGEMENTADDRESS": return Make(8, ManagementValue(Required(arg)));
                case "ORGSPECIFIC": return Make(127, HexBytes(Required(arg)));
                case "BYTES": return new LldpTlv(HexBytes(Required(arg)));
            }
            if (name.StartsWith("Type", StringComparison.OrdinalIgnoreCase) && byte.TryParse(name.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture, out byte type) && type <= 127)
                return Make(type, arg is null ? Array.Empty<byte>() : HexBytes(arg));
        }
        catch (Exception e) when (e is FormatException or OverflowException or IndexOutOfRangeException)
        {
            throw Bad(text);
        }
        throw Bad(text);
    }

    /// <summary>
    /// Reads TLVs up to and including End (what follows End is not part of the LLDPDU); a TLV whose length runs past the
    /// data, or a tail shorter than a header, is kept as one TLV of the bytes that are there. Never throws.
    /// </summary>
    internal static List<LldpTlv> DecodeAll(ReadOnlySpan<byte> data, out int consumed, out bool ended)
    {
        var tlvs = new List<LldpTlv>();
        int i = 0;
        ended = false;
        while (i < data.Length)
        {
            int remaining = data.Length - i;
            int length = remaining < 2 ? remaining : Math.Min(remaining, 2 + (((data[i] & 1) << 8) | data[i + 1]));
            bool end = data[i] >> 1 == 0;
            tlvs.Add(new LldpTlv(data.Slice(i, length).ToArray()));
            i += length;
            if (end)
            {
                ended = true;
                break;
            }
        }
        consumed = i;
        return tlvs;
    }

    public override string ToString()
    {
        if (!IsWellFormed) return $"Bytes={Convert.ToHexString(_encoded)}";
        if (Type == 0 && Length == 0) return "End";
        if (Type == 3 && Data.Length == 2) return $"TTL={BinaryPrimitives.ReadUInt16BigEndian(Data)}";
        if (Readable() is { } readable) return $"{Name}={readable}";
        return Type is 1 or 2 or 127 ? $"{Name}={Convert.ToHexString(Data)}" : $"Type{Type}={Convert.ToHexString(Data)}";
    }

    /// <summary>The value as the text Parse reads after 'Name=', when the TLV has a readable form; null otherwise.</summary>
    private string? Readable()
    {
        if (!IsWellFormed) return null;
        byte[] data = Data;
        switch (Type)
        {
            case 1:
                return IdentifierText(data, ChassisSubtypes, macSubtype: 4, ipSubtype: 5);
            case 2:
                return IdentifierText(data, PortSubtypes, macSubtype: 3, ipSubtype: 4);
            case 4 or 5 or 6:
                return Text(data);
            case 7 when data.Length == 4:
                return $"{CapabilityNames(BinaryPrimitives.ReadUInt16BigEndian(data))}/{CapabilityNames(BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(2)))}";
            case 8:
                return ManagementText(data);
            default:
                return null;
        }
    }

    // ---------------------------------------------------------------- chassis and port IDs

    private static byte[] Identifier(string arg, string[] subtypes, int macSubtype, int ipSubtype)
    {
        int colon = arg.IndexOf(':');
        int subtype = colon < 0 ? -1 : Array.FindIndex(subtypes, s => s.Equals(arg[..colon].Trim(), StringComparison.OrdinalIgnoreCase)) + 1;
        if (subtype <= 0) return HexBytes(arg);
        string id = arg[(colon + 1)..];
        if (subtype == macSubtype) return MacValue((byte)subtype, MacAddress.Parse(id));
        if (subtype == ipSubtype)
        {
            var address = IPAddress.Parse(id.Trim());
            return new[] { (byte)subtype, (byte)(address.AddressFamily == AddressFamily.InterNetworkV6 ? 2 : 1) }.Concat(address.GetAddressBytes()).ToArray();
        }
        return Prefix((byte)subtype, Encoding.UTF8.GetBytes(id));
    }

    private static string? IdentifierText(byte[] data, string[] subtypes, int macSubtype, int ipSubtype)
    {
        if (data.Length < 1 || data[0] is 0 or > 7) return null;
        int subtype = data[0];
        string keyword = subtypes[subtype - 1];
        if (subtype == macSubtype) return data.Length == 7 ? $"{keyword}:{MacAddress.Read(data.AsSpan(1))}" : null;
        if (subtype == ipSubtype)
            return data.Length switch
            {
                6 when data[1] == 1 => $"{keyword}:{new IPAddress(data.AsSpan(2))}",
                18 when data[1] == 2 => $"{keyword}:{new IPAddress(data.AsSpan(2))}",
                _ => null,
            };
        return Text(data[1..]) is { } text ? $"{keyword}:{text}" : null;
    }

    // ---------------------------------------------------------------- capabilities

    private static byte[] CapabilitiesValue(string arg)
    {
        string[] parts = arg.Split('/');
        if (parts.Length > 2) throw new FormatException();
        ushort available = CapabilityBits(parts[0]);
        ushort enabled = parts.Length > 1 ? CapabilityBits(parts[1]) : available;
        return new[] { (byte)(available >> 8), (byte)available, (byte)(enabled >> 8), (byte)enabled };
    }

    private static ushort CapabilityBits(string text)
    {
        text = text.Trim();
        if (text.Length == 0 || text.Equals("None", StringComparison.OrdinalIgnoreCase)) return 0;
        if (char.IsDigit(text[0])) return ParseNumber<ushort>(text);
        int bits = 0;
        foreach (string name in text.Split(new[] { ',', '+' }, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            int bit = Array.FindIndex(Capabilities, c => c.Equals(name, StringComparison.OrdinalIgnoreCase));
            if (bit < 0 && name.StartsWith("Bit", StringComparison.OrdinalIgnoreCase)
                && int.TryParse(name.AsSpan(3), NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n < 16)
                bit = n;
            if (bit < 0) throw new FormatException();
            bits |= 1 << bit;
        }
        return (ushort)bits;
    }

    private static string CapabilityNames(ushort bits) => bits == 0 ? "None"
        : string.Join(",", Enumerable.Range(0, 16).Where(b => (bits & (1 << b)) != 0).Select(b => b < Capabilities.Length ? Capabilities[b] : $"Bit{b}"));

    // ---------------------------------------------------------------- management address

    // Value: address string length (1 + address), address subtype (IANA family: 1 IPv4, 2 IPv6), address,
    // interface numbering subtype, interface number (32 bits), OID length, OID.
    private static byte[] ManagementValue(string arg)
    {
        string[] parts = arg.Split(',', StringSplitOptions.TrimEntries);
        var address = IPAddress.Parse(parts[0]);
        byte[] addressBytes = address.GetAddressBytes();
        byte numbering = 1;
        uint number = 0;
        byte[] oid = Array.Empty<byte>();
        foreach (string part in parts.Skip(1))
        {
            int eq = part.IndexOf('=');
            if (eq < 0) throw new FormatException();
            string key = part[..eq].Trim(), value = part[(eq + 1)..].Trim();
            if (key.Equals("oid", StringComparison.OrdinalIgnoreCase))
            {
                oid = HexBytes(value);
                continue;
            }
            int subtype = Array.FindIndex(Numbering, n => n.Equals(key, StringComparison.OrdinalIgnoreCase)) + 1;
            if (subtype <= 0) throw new FormatException();
            numbering = (byte)subtype;
            number = ParseNumber<uint>(value);
        }
        if (oid.Length > 128) throw new FormatException();
        var bytes = new List<byte> { (byte)(addressBytes.Length + 1), (byte)(address.AddressFamily == AddressFamily.InterNetworkV6 ? 2 : 1) };
        bytes.AddRange(addressBytes);
        bytes.Add(numbering);
        bytes.AddRange(new[] { (byte)(number >> 24), (byte)(number >> 16), (byte)(number >> 8), (byte)number });
        bytes.Add((byte)oid.Length);
        bytes.AddRange(oid);
        return bytes.ToArray();
    }

    private static string? ManagementText(byte[] data)
    {
        if (data.Length < 2) return null;
        int addressLength = data[0] - 1;
        int family = data[1];
        if (!(family == 1 && addressLength == 4) && !(family == 2 && addressLength == 16)) return null;
        int at = 2 + addressLength;
        if (data.Length < at + 6) return null;
        byte numbering = data[at];
        uint number = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(at + 1));
        int oidLength = data[at + 5];
        if (numbering is 0 or > 3 || data.Length != at + 6 + oidLength) return null;
        var text = new StringBuilder(new IPAddress(data.AsSpan(2, addressLength)).ToString());
        if (numbering != 1 || number != 0) text.Append(CultureInfo.InvariantCulture, $",{Numbering[numbering - 1]}={number}");
        if (oidLength > 0) text.Append(CultureInfo.InvariantCulture, $",oid={Convert.ToHexString(data, at + 6, oidLength)}");
        return text.ToString();
    }

    // ---------------------------------------------------------------- helpers

    /// <summary>Printable UTF-8 text (no control characters), or null.</summary>
    private static string? Text(byte[] bytes)
    {
        try
        {
            string text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
            return text.Any(char.IsControl) ? null : text;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static byte[] MacValue(byte subtype, MacAddress mac)
    {
        var value = new byte[7];
        value[0] = subtype;
        mac.Write(value.AsSpan(1));
        return value;
    }

    private static byte[] Prefix(byte first, byte[] rest) => rest.Prepend(first).ToArray();

    private static byte[] HexBytes(string text)
    {
        string hex = text.Trim();
        if (hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) hex = hex[2..];
        return Convert.FromHexString(hex.Replace(":", "").Replace("-", "").Replace(" ", ""));
    }

    private static T ParseNumber<T>(string text) where T : INumber<T>
    {
        text = text.Trim();
        return text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? T.Parse(text.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)
            : T.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
    }

    private static string Required(string? arg) => arg ?? throw new FormatException();

    private static FormatException Bad(string text) => new(
        $"'{text}' is not an LLDP TLV. Write ChassisId=mac:02:00:00:00:00:01, PortId=ifname:eth0, TTL=120, PortDescription=text, SystemName=text, " +
        "SystemDescription=text, SystemCapabilities=Bridge,Router/Router, ManagementAddress=198.18.0.1, End, TypeN=hexvalue, or Bytes=hexwirebytes.");
}
