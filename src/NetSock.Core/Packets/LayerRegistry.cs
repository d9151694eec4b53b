using System.Collections.Concurrent;
using System.Reflection;

namespace NetSock.Packets;

/// <summary>
/// Says that a layer rides on another when the lower layer's selector (EtherType, IP protocol, port, ...) has a value:
/// Scapy's bind_layers(Ether, IP, type=0x0800), declared on the upper layer's class.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class BindAttribute : Attribute
{
    public BindAttribute(Type lower, int selector)
    {
        Lower = lower;
        Selector = selector;
    }

    public Type Lower { get; }
    public int Selector { get; }

    /// <summary>Used only to dissect (e.g. a well-known port); building never picks this binding's selector.</summary>
    public bool DissectOnly { get; init; }
}

/// <summary>Every layer type, registered once from its [Layer] attribute (a duplicate name is an error), and the bindings between them.</summary>
public static class LayerRegistry
{
    private static readonly Dictionary<string, LayerInfo> ByName = new(StringComparer.OrdinalIgnoreCase);
    private static readonly ConcurrentDictionary<Type, LayerInfo> ByType = new();
    private static readonly Dictionary<(Type Lower, int Selector), Type> Upper = new();
    private static readonly Dictionary<(Type Lower, Type Upper), int> Selector = new();
    private static readonly List<LayerInfo> AllLayers = new();

    static LayerRegistry()
    {
        foreach (var type in typeof(Layer).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(Layer)) && !t.IsAbstract).OrderBy(t => t.Name))
        {
            var attribute = type.GetCustomAttribute<LayerAttribute>()
                ?? throw new InvalidOperationException($"Layer type {type} has no [Layer] attribute.");
            Register(type, attribute);
        }
    }

    private static void Register(Type type, LayerAttribute attribute)
    {
        var info = new LayerInfo(type, attribute);
        foreach (string name in attribute.Aliases.Prepend(attribute.Name))
        {
            if (!ByName.TryAdd(name, info))
                throw new InvalidOperationException($"Layer name '{name}' is registered twice ({ByName[name].Type} and {type}).");
        }
        ByType[type] = info;
        AllLayers.Add(info);
        foreach (var bind in type.GetCustomAttributes<BindAttribute>())
        {
            if (!Upper.TryAdd((bind.Lower, bind.Selector), type))
                throw new InvalidOperationException($"{bind.Lower.Name} selector {bind.Selector} is bound twice ({Upper[(bind.Lower, bind.Selector)].Name} and {type.Name}).");
            if (!bind.DissectOnly) Selector.TryAdd((bind.Lower, type), bind.Selector);
        }
    }

    /// <summary>Every registered layer, by name.</summary>
    public static IReadOnlyList<LayerInfo> All => AllLayers;

    public static LayerInfo Of(Type type) => ByType.TryGetValue(type, out var info) ? info
        : throw new InvalidOperationException($"{type} is not a registered layer.");

    public static LayerInfo? Find(string name) => ByName.TryGetValue(name.Trim(), out var info) ? info : null;

    /// <summary>A layer by name or alias, or an error that suggests the nearest names and lists the layers.</summary>
    public static LayerInfo Get(string name) => Find(name) ?? throw new NetSockException("PacketLayerUnknown", NetSockErrorKind.InvalidArgument,
        $"'{name}' is not a known layer.{Suggest(name)} The layers are: {string.Join(", ", AllLayers.Select(l => l.Name))}.", name);

    /// <summary>" Did you mean Tcp?" for the names and aliases nearest to a misspelt one (edit distance), or nothing.</summary>
    private static string Suggest(string name)
    {
        string typed = name.Trim();
        var near = ByName
            .Select(e => (Name: e.Key, Info: e.Value, Distance: Distance(typed.ToLowerInvariant(), e.Key.ToLowerInvariant())))
            .Where(n => n.Distance <= Math.Max(1, Math.Min(3, typed.Length / 3)))
            .OrderBy(n => n.Distance).ThenBy(n => n.Name.Equals(n.Info.Name, StringComparison.Ordinal) ? 0 : 1).ThenBy(n => n.Name, StringComparer.Ordinal)
            .Select(n => n.Name).Take(3).ToList();
        return near.Count == 0 ? "" : $" Did you mean {string.Join(" or ", near)}?";
    }

    /// <summary>Levenshtein distance: the fewest insertions, deletions and substitutions that turn one into the other.</summary>
    private static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }

    /// <summary>The layer bound on top of <paramref name="lower"/> for a selector value; null when none is.</summary>
    public static Type? UpperFor(Type lower, int selector) => Upper.TryGetValue((lower, selector), out var t) ? t : null;

    /// <summary>The selector value that puts <paramref name="upper"/> on top of <paramref name="lower"/>; null when they are not bound.</summary>
    public static int? SelectorFor(Type lower, Type upper) => Selector.TryGetValue((lower, upper), out int s) ? s : null;
}
