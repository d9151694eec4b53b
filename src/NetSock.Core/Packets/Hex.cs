using System.Globalization;

namespace NetSock.Packets;

/// <summary>Hex text to bytes, as people paste it: '45 00 00 3c', '45:00:00:3c', '0x4500003c', tcpdump's '0x0000:  4500 003c' lines.</summary>
public static class Hex
{
    public static byte[] Parse(string text)
    {
        var digits = new System.Text.StringBuilder(text.Length);
        foreach (string rawLine in text.Split('\n'))
        {
            string line = rawLine.Trim();
            int colon = line.IndexOf(":  ", StringComparison.Ordinal);
            if (line.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && colon > 0)
                line = line[(colon + 3)..];        // tcpdump -xx: "0x0010:  4500 ..."; drop the offset
            if (line.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
                line = line[2..];
            foreach (char c in line)
            {
                if (Uri.IsHexDigit(c)) digits.Append(c);
                else if (c is not (' ' or ':' or '-' or '\t' or '\r' or '.'))
                    throw Invalid(text, $"'{c}' is not a hex digit");
            }
        }
        if (digits.Length % 2 != 0)
            throw Invalid(text, $"it has an odd number of hex digits ({digits.Length})");
        return Convert.FromHexString(digits.ToString());
    }

    private static NetSockException Invalid(string text, string why) => new("PacketHexInvalid", NetSockErrorKind.InvalidArgument,
        $"'{(text.Length > 40 ? text[..40] + "..." : text)}' is not hex bytes: {why}. Give pairs of hex digits, e.g. '45 00 00 1c' or '4500001c'.", text);
}
