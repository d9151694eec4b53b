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

    /// <summary>A layer by name or alias, or an error that lists the layers.</summary>
    public static LayerInfo Get(string name) => Find(name) ?? throw new NetSockException("PacketLayerUnknown", NetSockErrorKind.InvalidArgument,
        $"'{name}' is not a known layer. The layers are: {string.Join(", ", AllLayers.Select(l => l.Name))}.", name);

    /// <summary>The layer bound on top of <paramref name="lower"/> for a selector value; null when none is.</summary>
    public static Type? UpperFor(Type lower, int selector) => Upper.TryGetValue((lower, selector), out var t) ? t : null;

    /// <summary>The selector value that puts <paramref name="upper"/> on top of <paramref name="lower"/>; null when they are not bound.</summary>
    public static int? SelectorFor(Type lower, Type upper) => Selector.TryGetValue((lower, upper), out int s) ? s : null;
}
