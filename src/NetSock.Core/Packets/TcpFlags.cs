namespace NetSock.Packets;

/// <summary>
/// The nine TCP flag bits. Parses Scapy's letters ('S', 'SA', 'FPU'), names ('Syn,Ack', 'Syn, Ack') and numbers (0x12);
/// prints as 'Syn, Ack' so that `$_.Tcp.Flags -match 'Syn'` works.
/// </summary>
public readonly record struct TcpFlags(ushort Value)
{
    private static readonly (char Letter, string Name, ushort Bit)[] Bits =
    {
        ('F', "Fin", 0x001), ('S', "Syn", 0x002), ('R', "Rst", 0x004), ('P', "Psh", 0x008), ('A', "Ack", 0x010),
        ('U', "Urg", 0x020), ('E', "Ece", 0x040), ('C', "Cwr", 0x080), ('N', "Ns", 0x100),
    };

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
        if (t.Length == 0) return None;
        if (ushort.TryParse(t, out ushort n)) return Check(n, text);
        if (t.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && ushort.TryParse(t.AsSpan(2), System.Globalization.NumberStyles.HexNumber, null, out n))
            return Check(n, text);
        ushort value = 0;
        if (t.All(char.IsLetter) && t.All(c => char.IsUpper(c)) && t.All(c => Bits.Any(b => b.Letter == c)))
        {
            foreach (char c in t) value |= Bits.First(b => b.Letter == c).Bit;
            return new TcpFlags(value);
        }
        foreach (string part in t.Split(new[] { ',', ' ', '|', '+' }, StringSplitOptions.RemoveEmptyEntries))
        {
            var bit = Bits.FirstOrDefault(b => string.Equals(b.Name, part, StringComparison.OrdinalIgnoreCase));
            if (bit.Name is null) throw Bad(text);
            value |= bit.Bit;
        }
        return new TcpFlags(value);
    }

    private static TcpFlags Check(ushort n, string text) => n <= 0x1FF ? new TcpFlags(n) : throw Bad(text);

    private static FormatException Bad(string text) => new(
        $"'{text}' is not a set of TCP flags. Use Scapy's letters (S, SA, FA, R, PA: F S R P A U E C N), names (Syn,Ack) or a number up to 0x1FF.");

    public bool HasFlag(TcpFlags flag) => (Value & flag.Value) == flag.Value;

    public static TcpFlags operator |(TcpFlags a, TcpFlags b) => new((ushort)(a.Value | b.Value));
    public static implicit operator TcpFlags(ushort value) => new(value);

    /// <summary>Scapy's letters, e.g. 'SA'.</summary>
    public string Letters => new(Set().Select(b => b.Letter).ToArray());

    public override string ToString() => Value == 0 ? "None" : string.Join(", ", Set().Select(b => b.Name));

    private IEnumerable<(char Letter, string Name, ushort Bit)> Set()
    {
        ushort value = Value;
        return Bits.Where(b => (value & b.Bit) != 0);
    }
}
