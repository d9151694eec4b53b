using System.Buffers.Binary;
using System.Globalization;

namespace NetSock.Packets.Layers;

/// <summary>
/// One TCP option as it is on the wire (kind, length, data). Parses Scapy-like text: 'MSS=1460', 'WScale=7',
/// 'SAckOK', 'Timestamp=12345,0', 'NOP', 'EOL', 'SAck=1000-2000', or 'Kind30=0a0b' for any other kind.
/// Decoded options keep their exact bytes, even malformed ones.
/// </summary>
public sealed class TcpOption
{
    private static readonly (byte Kind, string Name)[] Names =
    {
        (0, "EOL"), (1, "NOP"), (2, "MSS"), (3, "WScale"), (4, "SAckOK"), (5, "SAck"), (8, "Timestamp"),
    };

    private readonly byte[] _encoded;

    /// <summary>An option from its exact wire bytes (kind first).</summary>
    public TcpOption(byte[] encoded) => _encoded = encoded.Length > 0 ? encoded : throw new ArgumentException("A TCP option has at least its kind byte.");

    public byte Kind => _encoded[0];
    public string Name => Names.FirstOrDefault(n => n.Kind == Kind).Name ?? $"Kind{Kind}";

    /// <summary>The option's data (after kind and length).</summary>
    public byte[] Data => _encoded.Length > 2 ? _encoded[2..] : Array.Empty<byte>();

    public int Length => _encoded.Length;
    internal ReadOnlySpan<byte> Encoded => _encoded;

    /// <summary>The value in the option's own terms: MSS and WScale numbers, Timestamp (value, echo), SAck blocks.</summary>
    public object? Value => (Kind, Data.Length) switch
    {
        (2, 2) => BinaryPrimitives.ReadUInt16BigEndian(Data),
        (3, 1) => Data[0],
        (8, 8) => (BinaryPrimitives.ReadUInt32BigEndian(Data), BinaryPrimitives.ReadUInt32BigEndian(Data.AsSpan(4))),
        (5, _) when Data.Length % 8 == 0 => Enumerable.Range(0, Data.Length / 8)
            .Select(i => (BinaryPrimitives.ReadUInt32BigEndian(Data.AsSpan(8 * i)), BinaryPrimitives.ReadUInt32BigEndian(Data.AsSpan(8 * i + 4)))).ToArray(),
        (0 or 1 or 4, _) => null,
        _ => Data,
    };

    public static TcpOption Mss(ushort mss) => Make(2, BigEndian16(mss));
    public static TcpOption WScale(byte shift) => Make(3, new[] { shift });
    public static TcpOption SAckOK() => Make(4, Array.Empty<byte>());
    public static TcpOption Timestamp(uint value, uint echo) => Make(8, BigEndian32(value).Concat(BigEndian32(echo)).ToArray());
    public static TcpOption Nop() => new(new byte[] { 1 });
    public static TcpOption Eol() => new(new byte[] { 0 });

    /// <summary>A kind-length-data option.</summary>
    public static TcpOption Make(byte kind, byte[] data) => new(new[] { kind, (byte)(data.Length + 2) }.Concat(data).ToArray());

    public static TcpOption Parse(string text)
    {
        string[] parts = text.Split('=', 2, StringSplitOptions.TrimEntries);
        string name = parts[0];
        string? arg = parts.Length > 1 ? parts[1] : null;
        try
        {
            switch (name.ToUpperInvariant())
            {
                case "EOL": return Eol();
                case "NOP": return Nop();
                case "MSS": return Mss(ushort.Parse(Required(arg), CultureInfo.InvariantCulture));
                case "WSCALE": return WScale(byte.Parse(Required(arg), CultureInfo.InvariantCulture));
                case "SACKOK": return SAckOK();
                case "TIMESTAMP":
                    string[] ts = Required(arg).Split(',', StringSplitOptions.TrimEntries);
                    return Timestamp(uint.Parse(ts[0], CultureInfo.InvariantCulture), ts.Length > 1 ? uint.Parse(ts[1], CultureInfo.InvariantCulture) : 0);
                case "SACK":
                    var blocks = Required(arg).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                        .SelectMany(b => b.Split('-').Select(e => uint.Parse(e, CultureInfo.InvariantCulture)).SelectMany(BigEndian32));
                    return Make(5, blocks.ToArray());
            }
            if (name.StartsWith("Kind", StringComparison.OrdinalIgnoreCase) && byte.TryParse(name.AsSpan(4), out byte kind))
                return Make(kind, arg is null ? Array.Empty<byte>() : Convert.FromHexString(arg));
        }
        catch (Exception e) when (e is FormatException or OverflowException or IndexOutOfRangeException)
        {
            throw Bad(text);
        }
        throw Bad(text);
    }

    /// <summary>Reads options until the end of the header; a malformed tail is kept as one option of its exact bytes.</summary>
    internal static List<TcpOption> DecodeAll(ReadOnlySpan<byte> data)
    {
        var options = new List<TcpOption>();
        int i = 0;
        while (i < data.Length)
        {
            int length = data[i] <= 1 ? 1 : i + 1 < data.Length ? data[i + 1] : 0;
            if (length < 1 || (data[i] > 1 && length < 2) || i + length > data.Length)
                length = data.Length - i;
            options.Add(new TcpOption(data.Slice(i, length).ToArray()));
            i += length;
        }
        return options;
    }

    public override string ToString() => Value switch
    {
        null => Name,
        byte[] bytes => $"{Name}={Convert.ToHexString(bytes)}",
        ValueTuple<uint, uint> t => $"{Name}={t.Item1},{t.Item2}",
        ValueTuple<uint, uint>[] blocks => $"{Name}={string.Join(",", blocks.Select(b => $"{b.Item1}-{b.Item2}"))}",
        var v => $"{Name}={v}",
    };

    private static string Required(string? arg) => arg ?? throw new FormatException();
    private static byte[] BigEndian16(ushort v) => new[] { (byte)(v >> 8), (byte)v };
    private static byte[] BigEndian32(uint v) => new[] { (byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v };

    private static FormatException Bad(string text) => new(
        $"'{text}' is not a TCP option. Write MSS=1460, WScale=7, SAckOK, Timestamp=1,0, SAck=1000-2000, NOP, EOL, or KindN=hexdata.");
}
