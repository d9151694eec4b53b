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
    /// padded to the layer's longest, an unset auto field shown as <c>auto</c>. A malformed packet ends with the reason.
    /// For show2(), give the packet's <see cref="Packet.Rebuilt"/>.
    /// </summary>
    public static string Show(Packet packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        var text = new StringBuilder();
        foreach (var layer in packet.Layers)
        {
            if (text.Length > 0) text.Append('\n');
            text.Append("###[ ").Append(layer.Name).Append(" ]###");
            var fields = layer.GetInfo().Fields;
            int width = fields.Count == 0 ? 0 : fields.Max(f => f.Name.Length);
            foreach (var field in fields)
            {
                object? value = field.GetValue(layer);
                string shown = field.IsAuto && value is null ? "auto" : Layer.FormatValue(value);
                text.Append('\n').Append(("  " + field.Name.PadRight(width) + " = " + shown).TrimEnd());
            }
        }
        if (packet.IsMalformed && packet.MalformedReason is { } reason)
        {
            if (text.Length > 0) text.Append('\n');
            text.Append("Malformed: ").Append(reason);
        }
        return text.ToString();
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
