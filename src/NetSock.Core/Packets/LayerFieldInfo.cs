namespace NetSock.Packets;

/// <summary>
/// One field of a layer type as Scapy's ls(IP) lists it: the layer, the field's name and Scapy alias, its type as a
/// short name (<c>UInt16?</c> for an auto field), its default formatted (<c>auto</c> for an auto field) and what it is.
/// </summary>
public sealed record LayerFieldInfo(string Layer, string Name, string? Alias, string Type, string Default, string Description, bool IsAuto)
{
    /// <summary>The fields of <paramref name="layer"/>, in declaration (wire) order.</summary>
    public static IEnumerable<LayerFieldInfo> Of(LayerInfo layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return layer.Fields.Select(f => new LayerFieldInfo(
            layer.Name,
            f.Name,
            f.Alias,
            TypeName(f.Type) + (f.IsAuto ? "?" : ""),
            f.IsAuto && f.Default is null ? "auto" : NetSock.Packets.Layer.FormatValue(f.Default),
            f.Description,
            f.IsAuto));
    }

    /// <summary>A type's name as C# writes it, without the namespace: UInt16, Byte[], IPAddress, List&lt;TcpOption&gt;.</summary>
    public static string TypeName(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (Nullable.GetUnderlyingType(type) is { } underlying) return TypeName(underlying) + "?";
        if (type.IsArray) return TypeName(type.GetElementType()!) + "[" + new string(',', type.GetArrayRank() - 1) + "]";
        if (!type.IsGenericType) return type.Name;
        string name = type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)];
        return $"{name}<{string.Join(", ", type.GetGenericArguments().Select(TypeName))}>";
    }

    public override string ToString() => Alias is null ? $"{Layer}.{Name}" : $"{Layer}.{Name} ({Alias})";
}
