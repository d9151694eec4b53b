using System.Globalization;

namespace NetSock.Packets;

/// <summary>
/// The nine TCP flag bits. Prints as Scapy does, letters in bit order ('SA', 'FPU'; 'None' when no bit is set), with
/// the number one property away (<see cref="Value"/>). Parses Scapy's letters ('S', 'SA'), names ('Syn,Ack',
/// 'Syn, Ack'), 'None' and numbers (18, 0x12). Matching: $_.Tcp.Flags -match 'S' or $_.Tcp.Flags.HasFlag('Syn').
/// </summary>
public readonly record struct TcpFlags(ushort Value)
{
    private static readonly FlagBits Bits = new(
        ('F', "Fin", 0x001), ('S', "Syn", 0x002), ('R', "Rst", 0x004), ('P', "Psh", 0x008), ('A', "Ack", 0x010),
        ('U', "Urg", 0x020), ('E', "Ece", 0x040), ('C', "Cwr", 0x080), ('N', "Ns", 0x100));

    public static readonly TcpFlags None = new(0);
    public static readonly TcpFlags Fin = new(0x001);
    public static readonly TcpFlags Syn = new(0x002);
    public static readonly TcpFlags Rst = new(0x004);
    public static readonly TcpFlags Psh = new(0x008);
    public static readonly TcpFlags Ack = new(0x010);
    public static readonly TcpFlags Urg = new(0x020);
    public static readonly TcpFlags Ece = new(0x040);
    public static readonly TcpFlags Cwr = new(0x080);
    public static readonly TcpFlags Ns = new(0x100);

    public static TcpFlags Parse(string text)
    {
        string t = text.Trim();
        if (FlagBits.TryParseNumber(t, 0x1FF, out uint n)) return new TcpFlags((ushort)n);
        if (t.Length > 0 && t.All(c => char.IsUpper(c) && Bits.HasLetter(c)))
            return new TcpFlags((ushort)t.Aggregate(0u, (v, c) => v | Bits.LetterBit(c)));
        return Bits.TryParseNames(t, out n) ? new TcpFlags((ushort)n) : throw new FormatException(
            $"'{text}' is not a set of TCP flags. Use Scapy's letters (S, SA, FA, R, PA: F S R P A U E C N), names (Syn,Ack) or a number up to 0x1FF.");
    }

    public bool HasFlag(TcpFlags flag) => (Value & flag.Value) == flag.Value;

    public static TcpFlags operator |(TcpFlags a, TcpFlags b) => new((ushort)(a.Value | b.Value));
    public static implicit operator TcpFlags(ushort value) => new(value);

    /// <summary>Scapy's letters, e.g. 'SA' ('' when no bit is set). IPv4Flags has the same two properties, Value and Letters.</summary>
    public string Letters => Bits.Letters(Value);

    /// <summary>Scapy's letters, e.g. 'SA'; 'None' when no bit is set.</summary>
    public override string ToString() => Value == 0 ? "None" : Letters;
}

/// <summary>The bits of a flags field with their letters and names, for printing and parsing TCP and IPv4 flags alike.</summary>
internal sealed class FlagBits
{
    private readonly (char Letter, string Name, uint Bit)[] _bits;

    public FlagBits(params (char Letter, string Name, uint Bit)[] bits) => _bits = bits;

    public bool HasLetter(char c) => _bits.Any(b => b.Letter == c);

    public uint LetterBit(char c) => _bits.First(b => b.Letter == c).Bit;

    public string Letters(uint value) => new(_bits.Where(b => (value & b.Bit) != 0).Select(b => b.Letter).ToArray());

    /// <summary>The names of the bits set, in bit order, joined by <paramref name="separator"/>; 'None' for no bit.</summary>
    public string Join(uint value, string separator) =>
        value == 0 ? "None" : string.Join(separator, _bits.Where(b => (value & b.Bit) != 0).Select(b => b.Name));

    /// <summary>Names (any case) separated by commas, spaces, '|' or '+'; 'None' or nothing for no bit.</summary>
    public bool TryParseNames(string text, out uint value)
    {
        value = 0;
        if (text.Equals("None", StringComparison.OrdinalIgnoreCase)) return true;
        foreach (string part in text.Split(new[] { ',', ' ', '|', '+' }, StringSplitOptions.RemoveEmptyEntries))
        {
            var bit = _bits.FirstOrDefault(b => string.Equals(b.Name, part, StringComparison.OrdinalIgnoreCase));
            if (bit.Name is null) return false;
            value |= bit.Bit;
        }
        return true;
    }

    /// <summary>A decimal or 0x-hex number up to <paramref name="max"/>.</summary>
    public static bool TryParseNumber(string text, uint max, out uint value)
    {
        bool parsed = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? uint.TryParse(text.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out value)
            : uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        return parsed && value <= max;
    }
}
