namespace NetSock.Packets.Layers;

/// <summary>
/// The three IPv4 flag bits (RFC 791 and RFC 3514's evil bit). Prints as Scapy does, names in bit order joined by '+'
/// ('DF', 'MF+DF'; 'None' when no bit is set), with the number one property away (<see cref="Value"/>), as
/// <see cref="TcpFlags"/> does. Parses those names in any case (also separated by commas or spaces), 'None' and numbers (2, 0x2).
/// </summary>
public readonly record struct IPv4Flags(byte Value)
{
    private static readonly FlagBits Bits = new(('M', "MF", 1), ('D', "DF", 2), ('E', "Evil", 4));

    public static readonly IPv4Flags None = new(0);
    public static readonly IPv4Flags MF = new(1);
    public static readonly IPv4Flags DF = new(2);
    public static readonly IPv4Flags Evil = new(4);

    public static IPv4Flags Parse(string text)
    {
        string t = text.Trim();
        if (FlagBits.TryParseNumber(t, 7, out uint n) || Bits.TryParseNames(t, out n)) return new IPv4Flags((byte)n);
        throw new FormatException($"'{text}' is not a set of IPv4 flags. Use DF, MF, Evil (several joined by '+', e.g. MF+DF), None, or a number up to 7.");
    }

    public bool HasFlag(IPv4Flags flag) => (Value & flag.Value) == flag.Value;

    public static IPv4Flags operator |(IPv4Flags a, IPv4Flags b) => new((byte)(a.Value | b.Value));
    public static implicit operator IPv4Flags(byte value) => new(value);
    public static explicit operator IPv4Flags(int value) => new(checked((byte)value));
    public static explicit operator byte(IPv4Flags flags) => flags.Value;
    public static explicit operator int(IPv4Flags flags) => flags.Value;

    /// <summary>Scapy's text, e.g. 'DF', 'MF+DF' ('' when no bit is set): the same two properties as TcpFlags, Value and Letters.</summary>
    public string Letters => Value == 0 ? "" : Bits.Join(Value, "+");

    /// <summary>Scapy's text, e.g. 'DF', 'MF+DF'; 'None' when no bit is set.</summary>
    public override string ToString() => Bits.Join(Value, "+");
}
