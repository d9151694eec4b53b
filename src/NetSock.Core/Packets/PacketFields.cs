using System.Collections;
using System.Collections.Specialized;
using System.Globalization;

namespace NetSock.Packets;

/// <summary>
/// A packet's fields for JSON: layer name → (field name → value), in layer and field order, every value a JSON
/// primitive: numbers and booleans as they are, addresses and MACs as text, TCP and IPv4 flags alike as their letters
/// ("SA", "DF"; "" when none is set), bytes as lowercase hex, lists as their items' text joined by ", ", an unset auto
/// field as null. A layer name that comes again (IPv4 in IPv4) is keyed "IPv4#2". Two levels of dictionaries, so that
/// ConvertTo-Json gives all of it at its default depth. As text (a CSV cell) the layer names, "Ethernet/IPv4/Tcp".
/// </summary>
public sealed class PacketFields : OrderedDictionary
{
    private readonly string _names;

    internal PacketFields(IEnumerable<Layer> layers)
    {
        var seen = new Dictionary<string, int>();
        var names = new List<string>();
        foreach (var layer in layers)
        {
            int n = seen[layer.Name] = seen.GetValueOrDefault(layer.Name) + 1;
            var fields = new LayerFields(layer);
            foreach (var field in layer.GetInfo().Fields) fields[field.Name] = Plain(field.GetValue(layer));
            Add(n == 1 ? layer.Name : $"{layer.Name}#{n}", fields);
            names.Add(layer.Name);
        }
        _names = string.Join("/", names);
    }

    /// <summary>A field's value as a JSON primitive (see the class summary).</summary>
    public static object? Plain(object? value) => value switch
    {
        null => null,
        string or bool or char or decimal => value,
        Enum e => e.ToString(),
        _ when value.GetType().IsPrimitive => value,
        TcpFlags f => f.Letters,
        Layers.IPv4Flags f => f.Letters,
        byte[] bytes => Convert.ToHexString(bytes).ToLowerInvariant(),
        IEnumerable list => string.Join(", ", list.Cast<object?>().Select(o => Plain(o)?.ToString())),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    public override string ToString() => _names;

    /// <summary>One layer's fields; as text (what ConvertTo-Json writes one level too deep) the layer's own, "IPv4(Version=4, ...)".</summary>
    private sealed class LayerFields(Layer layer) : OrderedDictionary
    {
        public override string ToString() => layer.ToString();
    }
}
