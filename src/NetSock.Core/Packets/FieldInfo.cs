using System.Reflection;

namespace NetSock.Packets;

/// <summary>One declared field of a layer type, read once from its <see cref="FieldAttribute"/>.</summary>
public sealed class PacketField
{
    private readonly PropertyInfo _property;

    internal PacketField(PropertyInfo property, FieldAttribute attribute, object? defaultValue)
    {
        _property = property;
        Name = property.Name;
        Alias = attribute.Alias;
        Description = attribute.Description;
        Type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        IsAuto = Nullable.GetUnderlyingType(property.PropertyType) is not null
                 || (!property.PropertyType.IsValueType && defaultValue is null && IsAutoReference(property));
        Default = defaultValue;
        End = attribute.End;
    }

    public string Name { get; }
    public string? Alias { get; }
    public string Description { get; }

    /// <summary>The value type (for an auto field, the type of the value once set).</summary>
    public Type Type { get; }

    /// <summary>True when the field is computed at build time while unset (null).</summary>
    public bool IsAuto { get; }

    /// <summary>The value a new layer has (null for an auto field).</summary>
    public object? Default { get; }

    /// <summary>Where the field ends in its header's fixed part (<see cref="FieldAttribute.End"/>); 0 past it.</summary>
    public int End { get; }

    /// <summary>False for a field past the cut of a header cut short (<see cref="Layer.CutLength"/>): the packet did not have it.</summary>
    public bool IsPresentIn(Layer layer) => layer.CutLength is not int cut || (End > 0 && End <= cut);

    /// <summary>The field's value; null for an unset auto field, and for a field the packet did not have (<see cref="IsPresentIn"/>).</summary>
    public object? GetValue(Layer layer) => IsPresentIn(layer) ? _property.GetValue(layer) : null;

    /// <summary>
    /// Sets the field from any value, converted by <see cref="FieldConversion"/> (the one converter every way of setting a
    /// field uses); null returns the field to what a new layer has: auto, or its default. A value refused by the
    /// converter or by the layer (a 4-bit field given 16) is PacketFieldInvalid, naming the field and what it takes.
    /// </summary>
    public void SetValue(Layer layer, object? value)
    {
        var typed = FieldConversion.Convert(layer.Name, this, value);
        if (typed is null && !IsAuto) typed = _property.GetValue(layer.GetInfo().Create());      // a fresh default: arrays are not shared
        try
        {
            _property.SetValue(layer, typed);
        }
        catch (TargetInvocationException e) when (e.InnerException is ArgumentException or FormatException or OverflowException)
        {
            throw FieldConversion.Invalid(layer.Name, this, typed, e.InnerException.Message, refusedBySetter: true);
        }
    }

    public override string ToString() => Alias is null ? Name : $"{Name} ({Alias})";

    // Reference-typed fields (addresses, byte arrays) are auto when declared nullable (T?): C# records that in metadata.
    private static bool IsAutoReference(PropertyInfo property) =>
        new NullabilityInfoContext().Create(property).WriteState == NullabilityState.Nullable;
}

/// <summary>A layer type as the registry knows it: name, aliases, description and its fields in wire order.</summary>
public sealed class LayerInfo
{
    private readonly Dictionary<string, PacketField> _byName = new(StringComparer.OrdinalIgnoreCase);

    internal LayerInfo(Type type, LayerAttribute attribute)
    {
        Type = type;
        Name = attribute.Name;
        Aliases = attribute.Aliases;
        Description = attribute.Description;
        var prototype = (Layer)Activator.CreateInstance(type, nonPublic: true)!;
        Fields = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (Property: p, Attribute: p.GetCustomAttribute<FieldAttribute>()))
            .Where(p => p.Attribute is not null)
            .OrderBy(p => p.Attribute!.Order)
            .Select(p => new PacketField(p.Property, p.Attribute!, p.Property.GetValue(prototype)))
            .ToList();
        foreach (var f in Fields)
        {
            _byName.Add(f.Name, f);
            if (f.Alias is not null) _byName.TryAdd(f.Alias, f);
        }
    }

    public Type Type { get; }
    public string Name { get; }
    public IReadOnlyList<string> Aliases { get; }
    public string Description { get; }
    public IReadOnlyList<PacketField> Fields { get; }

    /// <summary>A field by name or alias, case-insensitively; null when the layer has no such field.</summary>
    public PacketField? FindField(string name) => _byName.TryGetValue(name, out var f) ? f : null;

    /// <summary>A field by name or alias, or an error that lists the layer's fields.</summary>
    public PacketField GetField(string name) => FindField(name) ?? throw new NetSockException("PacketFieldUnknown", NetSockErrorKind.InvalidArgument,
        $"{Name} has no field '{name}'. Its fields are: {string.Join(", ", Fields)}.", name);

    public Layer Create() => (Layer)Activator.CreateInstance(Type, nonPublic: true)!;

    public override string ToString() => Name;
}
