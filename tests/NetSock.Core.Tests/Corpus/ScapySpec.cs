using System.Globalization;
using System.Net;
using System.Text;
using NetSock.Packets;
using NetSock.Packets.Layers;

namespace NetSock.Tests.Corpus;

/// <summary>
/// Reads a Scapy expression such as <c>IP(src='127.0.0.1', ttl=5)/TCP(dport=80, flags='SA')/Raw(load=b'hi')</c> into
/// NetSock layers, so one text feeds both tools: layer classes map to NetSock layers (by name, alias or <see cref="Classes"/>),
/// keyword arguments to fields by their Scapy alias. Understands strings, bytes, integers and lists of option tuples.
/// </summary>
public static class ScapySpec
{
    /// <summary>Scapy classes whose NetSock layer has another name, or that fix some fields (ICMPv6 message classes).</summary>
    public static readonly Dictionary<string, (string Layer, (string Field, object Value)[] Preset)> Classes = new()
    {
        ["IPerror"] = ("IPv4", Array.Empty<(string, object)>()),
        ["TCPerror"] = ("Tcp", Array.Empty<(string, object)>()),
        ["UDPerror"] = ("Udp", Array.Empty<(string, object)>()),
        ["IPerror6"] = ("IPv6", Array.Empty<(string, object)>()),
        ["CookedLinux"] = ("LinuxSll", Array.Empty<(string, object)>()),
        ["Loopback"] = ("Loopback", Array.Empty<(string, object)>()),
    };

    public static LayerInfo? LayerFor(string scapyClass) =>
        Classes.TryGetValue(scapyClass, out var m) ? LayerRegistry.Find(m.Layer) : LayerRegistry.Find(scapyClass);

    public static Packet Build(string spec) => Packet.FromLayers(SplitTop(spec, '/').Select(ParseLayer));

    private static Layer ParseLayer(string text)
    {
        text = text.Trim();
        int open = text.IndexOf('(');
        string cls = open < 0 ? text : text[..open].Trim();
        string args = open < 0 ? "" : text[(open + 1)..text.LastIndexOf(')')];
        var info = LayerFor(cls) ?? throw new ArgumentException($"No NetSock layer for Scapy class {cls}");
        var layer = info.Create();
        if (Classes.TryGetValue(cls, out var mapped))
            foreach (var (field, value) in mapped.Preset) Assign(layer, info.GetField(field), value);
        foreach (string arg in SplitTop(args, ',').Where(a => a.Trim().Length > 0))
        {
            int eq = arg.IndexOf('=');
            string name = arg[..eq].Trim();
            var field = info.FindField(name) ?? throw new ArgumentException($"{info.Name} has no field with Scapy's name '{name}'");
            Assign(layer, field, Literal(arg[(eq + 1)..].Trim()));
        }
        return layer;
    }

    private static void Assign(Layer layer, PacketField field, object value) => field.SetValue(layer, Convert(field.Type, value));

    private static object? Convert(Type type, object value)
    {
        if (type == typeof(IPAddress)) return IPAddress.Parse((string)value);
        if (type == typeof(MacAddress)) return MacAddress.Parse((string)value);
        if (type == typeof(TcpFlags)) return value is string s ? TcpFlags.Parse(s) : new TcpFlags((ushort)(long)value);
        if (type == typeof(NetSock.Packets.Layers.IPv4Flags)) return value is string f ? NetSock.Packets.Layers.IPv4Flags.Parse(f) : new NetSock.Packets.Layers.IPv4Flags((byte)(long)value);
        if (type == typeof(byte[])) return value is string str ? Encoding.ASCII.GetBytes(str) : value;
        if (type == typeof(TcpOption[])) return ((List<object>)value).Select(o => TcpOption.Parse((string)o)).ToArray();
        if (type.IsEnum) return Enum.ToObject(type, value is string e ? Enum.Parse(type, e, true) : value);
        return System.Convert.ChangeType(value, type, CultureInfo.InvariantCulture);
    }

    /// <summary>A Python literal: 'str', b'bytes', 123, 0x1F, or a list of option tuples [('MSS', 1460), ('NOP', None)] as NetSock option text.</summary>
    private static object Literal(string text)
    {
        if (text.StartsWith("b'") || text.StartsWith("b\"")) return Bytes(text[2..^1]);
        if (text.StartsWith('\'') || text.StartsWith('"')) return text[1..^1];
        if (text.StartsWith('[')) return SplitTop(text[1..^1], ',').Where(t => t.Trim().Length > 0).Select(t => (object)OptionText(t.Trim())).ToList();
        return text.StartsWith("0x") ? long.Parse(text[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture) : long.Parse(text, CultureInfo.InvariantCulture);
    }

    private static string OptionText(string tuple)
    {
        var parts = SplitTop(tuple.Trim('(', ')'), ',').Select(p => p.Trim()).ToList();
        string name = parts[0].Trim('\'', '"');
        string value = parts.Count > 1 ? string.Join(",", parts.Skip(1)).Trim('(', ')', ' ') : "None";
        return value is "None" or "b''" or "" ? name : $"{name}={value.Replace(" ", "")}";
    }

    private static byte[] Bytes(string escaped)
    {
        var bytes = new List<byte>();
        for (int i = 0; i < escaped.Length; i++)
        {
            if (escaped[i] != '\\') { bytes.Add((byte)escaped[i]); continue; }
            char next = escaped[++i];
            if (next == 'x')
            {
                bytes.Add(byte.Parse(escaped.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                i += 2;
            }
            else bytes.Add(next switch { 'r' => (byte)'\r', 'n' => (byte)'\n', 't' => (byte)'\t', '0' => 0, _ => (byte)next });
        }
        return bytes.ToArray();
    }

    /// <summary>Splits at <paramref name="separator"/> outside quotes, brackets and parentheses.</summary>
    private static List<string> SplitTop(string text, char separator)
    {
        var parts = new List<string>();
        int depth = 0, start = 0;
        char quote = '\0';
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quote != '\0') { if (c == '\\') i++; else if (c == quote) quote = '\0'; continue; }
            if (c is '\'' or '"') quote = c;
            else if (c is '(' or '[') depth++;
            else if (c is ')' or ']') depth--;
            else if (c == separator && depth == 0) { parts.Add(text[start..i]); start = i + 1; }
        }
        parts.Add(text[start..]);
        return parts;
    }
}
