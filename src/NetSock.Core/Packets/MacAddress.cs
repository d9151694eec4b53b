using System.Globalization;

namespace NetSock.Packets;

/// <summary>A 48-bit MAC address, written and parsed as 00:11:22:33:44:55 (also accepts '-' separators or none).</summary>
public readonly record struct MacAddress(ulong Value)
{
    public static readonly MacAddress Broadcast = new(0xFFFF_FFFF_FFFF);
    public static readonly MacAddress Zero = new(0);

    public static MacAddress Parse(string text)
    {
        string hex = text.Trim().Replace(":", "").Replace("-", "").Replace(".", "");
        if (hex.Length != 12 || !ulong.TryParse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong v))
            throw new FormatException($"'{text}' is not a MAC address. Write six hex bytes, e.g. 02:00:00:00:00:01.");
        return new MacAddress(v);
    }

    public static MacAddress Read(ReadOnlySpan<byte> b) =>
        new(((ulong)b[0] << 40) | ((ulong)b[1] << 32) | ((ulong)b[2] << 24) | ((ulong)b[3] << 16) | ((ulong)b[4] << 8) | b[5]);

    public void Write(Span<byte> b)
    {
        for (int i = 0; i < 6; i++)
            b[i] = (byte)(Value >> (40 - 8 * i));
    }

    public bool IsBroadcast => Value == 0xFFFF_FFFF_FFFF;

    public override string ToString()
    {
        Span<byte> b = stackalloc byte[6];
        Write(b);
        return $"{b[0]:x2}:{b[1]:x2}:{b[2]:x2}:{b[3]:x2}:{b[4]:x2}:{b[5]:x2}";
    }
}
