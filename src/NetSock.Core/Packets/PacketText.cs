using System.Globalization;
using System.Text;

namespace NetSock.Packets;

/// <summary>
/// Packets as text for people: Scapy's show() (a block per layer, a line per field), hexdump() (offset, hex bytes,
/// ASCII), and a tcpdump-like line per packet. Lines are separated by "\n" and the text has no trailing newline.
/// </summary>
public static class PacketText
{
    /// <summary>
    /// Scapy's show(): for each layer a <c>###[ Name ]###</c> header, then one line per field in wire order, the names
    /// padded to the layer's longest, an unset auto field shown as <c>auto</c>, each value as <see cref="ShowValue"/>
    /// writes it, a field past the cut of a header cut short not shown. An ICMP error's quote follows it. A malformed
    /// packet ends with the reason. For show2(), give the packet's <see cref="Packet.Rebuilt"/>.
    /// </summary>
    public static string Show(Packet packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        var text = new StringBuilder();
        ShowLayers(packet, "", text);
        if (packet.IsMalformed && packet.MalformedReason is { } reason)
        {
            if (text.Length > 0) text.Append('\n');
            text.Append("Malformed: ").Append(reason);
        }
        return text.ToString();
    }

    /// <summary>
    /// The blocks of <paramref name="packet"/>'s layers; an ICMP error's quote follows it as blocks "IPv4 in Icmp", ...
    /// (Scapy's "IP in ICMP"). A header cut short shows the fields it has.
    /// </summary>
    private static void ShowLayers(Packet packet, string within, StringBuilder text)
    {
        foreach (var layer in packet.Layers)
        {
            if (text.Length > 0) text.Append('\n');
            text.Append("###[ ").Append(layer.Name).Append(within).Append(" ]###");
            var fields = layer.GetInfo().Fields.Where(f => f.IsPresentIn(layer)).ToList();
            int width = fields.Count == 0 ? 0 : fields.Max(f => f.Name.Length);
            foreach (var field in fields)
                text.Append('\n').Append(("  " + field.Name.PadRight(width) + " = " + ShowValue(layer, field)).TrimEnd());
            if (layer is Layers.IcmpLayer { Quoted: { } quote })
                ShowLayers(quote, " in " + layer.Name, text);
        }
    }

    /// <summary>
    /// A field's value as show() writes it, as Scapy's show() does: <c>auto</c> for an unset auto field; a checksum in
    /// hex (<c>0xb9cd</c>); a field that names the protocol above (Scapy's type, ptype, proto, nh) with the name of the
    /// layer it selects (<c>0x0800 (IPv4)</c>, <c>6 (Tcp)</c>); bytes as <see cref="ShowBytes"/>; anything else as its text
    /// (flags as letters, MACs as 02:00:00:00:00:01).
    /// </summary>
    public static string ShowValue(Layer layer, PacketField field)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(field);
        object? value = field.GetValue(layer);
        if (value is null) return field.IsAuto ? "auto" : "";
        if (value is byte[] bytes) return ShowBytes(bytes);
        if (value is byte or ushort or uint)
        {
            ulong number = Convert.ToUInt64(value, CultureInfo.InvariantCulture);
            string digits = "x" + (value is byte ? 2 : value is ushort ? 4 : 8).ToString(CultureInfo.InvariantCulture);
            if (field.Name.EndsWith("Checksum", StringComparison.Ordinal))
                return "0x" + number.ToString(digits, CultureInfo.InvariantCulture);
            if (value is ushort && field.Alias is "type" or "ptype" or "proto")
                return "0x" + number.ToString(digits, CultureInfo.InvariantCulture) + LayerNamed(layer, typeof(Layers.Ethernet), (int)number);
            if (value is byte && field.Alias is "proto" or "nh")
                return number.ToString(CultureInfo.InvariantCulture) + LayerNamed(layer, typeof(Layers.IPv4), (int)number);
        }
        return Layer.FormatValue(value);
    }

    // " (Name)" of the layer that the selector value puts above this layer (or above the usual carrier of such values), else "".
    private static string LayerNamed(Layer layer, Type carrier, int selector) =>
        (LayerRegistry.UpperFor(layer.GetType(), selector) ?? LayerRegistry.UpperFor(carrier, selector)
            ?? (carrier == typeof(Layers.IPv4) ? LayerRegistry.UpperFor(typeof(Layers.IPv6), selector) : null)) is { } upper
            ? $" ({LayerRegistry.Of(upper).Name})" : "";

    /// <summary>
    /// Bytes as show() writes them: quoted text when at least three in four are printable ASCII (tabs and line ends
    /// included), with Python's escapes for the rest (<c>'GET / HTTP/1.1\r\n'</c>, <c>\x00</c>, <c>\'</c>); otherwise
    /// hex pairs (<c>00 01 02</c>); <c>''</c> when there are none.
    /// </summary>
    public static string ShowBytes(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length == 0) return "''";
        int printable = bytes.Count(b => b is >= 0x20 and <= 0x7E or (byte)'\t' or (byte)'\r' or (byte)'\n');
        if (printable * 4 < bytes.Length * 3)
            return string.Join(' ', bytes.Select(b => b.ToString("X2", CultureInfo.InvariantCulture)));
        var text = new StringBuilder(bytes.Length + 2).Append('\'');
        foreach (byte b in bytes)
        {
            text.Append(b switch
            {
                (byte)'\\' => "\\\\",
                (byte)'\'' => "\\'",
                (byte)'\t' => "\\t",
                (byte)'\r' => "\\r",
                (byte)'\n' => "\\n",
                >= 0x20 and <= 0x7E => ((char)b).ToString(),
                _ => "\\x" + b.ToString("x2", CultureInfo.InvariantCulture),
            });
        }
        return text.Append('\'').ToString();
    }

    /// <summary>
    /// Scapy's hexdump(), character for character: lines of 16 bytes, each a 4-digit lowercase hex offset, two spaces,
    /// the bytes as uppercase hex pairs each followed by a space (three spaces per missing byte on a short last line),
    /// one more space, then the bytes as ASCII with '.' for anything outside 0x20–0x7E. Empty for no bytes.
    /// </summary>
    public static string Hexdump(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var text = new StringBuilder((bytes.Length + 15) / 16 * 74);
        for (int offset = 0; offset < bytes.Length; offset += 16)
        {
            if (offset > 0) text.Append('\n');
            text.Append(offset.ToString("x4", CultureInfo.InvariantCulture)).Append("  ");
            int count = Math.Min(16, bytes.Length - offset);
            for (int i = 0; i < 16; i++)
            {
                if (i < count) text.Append(bytes[offset + i].ToString("X2", CultureInfo.InvariantCulture)).Append(' ');
                else text.Append("   ");
            }
            text.Append(' ');
            for (int i = 0; i < count; i++)
            {
                byte b = bytes[offset + i];
                text.Append(b is >= 0x20 and <= 0x7E ? (char)b : '.');
            }
        }
        return text.ToString();
    }

    /// <summary>
    /// One line like tcpdump's: the packet's number (when it has one) and two spaces, its timestamp in local time as
    /// HH:mm:ss.ffffff (when it has one), then the summaries of its layers above the link layer (tcpdump shows the link
    /// layer only with -e: a frame from lo has no "Ethernet 00:00:00:00:00:00 > ..." first), all of them when there is
    /// nothing above it; a malformed packet ends with the reason in brackets.
    /// </summary>
    public static string Line(Packet packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        var text = new StringBuilder();
        if (packet.Number is { } number)
            text.Append(number.ToString(CultureInfo.InvariantCulture)).Append("  ");
        if (packet.Timestamp is { } timestamp)
            text.Append(timestamp.ToLocalTime().ToString("HH:mm:ss.ffffff", CultureInfo.InvariantCulture)).Append(' ');
        var layers = packet.Layers;
        int first = 0;
        while (first < layers.Count && layers[first].IsLinkHeader) first++;
        if (first == layers.Count) first = 0;
        for (int i = first; i < layers.Count; i++)
            text.Append(i > first ? " / " : "").Append(layers[i].Summary);
        if (packet.IsMalformed && packet.MalformedReason is { } reason)
            text.Append(" [malformed: ").Append(reason).Append(']');
        return text.ToString();
    }
}
