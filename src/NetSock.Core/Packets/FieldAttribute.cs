using System.Runtime.CompilerServices;

namespace NetSock.Packets;

/// <summary>
/// Declares a layer property as a packet field: its Scapy-style short alias and a description. The property's
/// type is the field's type; its initial value is the default; a nullable property is an "auto" field, computed at
/// build time while it is null and sent verbatim once set. Declaration order is wire order.
/// Everything else (New-Packet's parameters, Get-PacketLayer, Show-Packet, completion) is derived from this.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class FieldAttribute : Attribute
{
    public FieldAttribute(string description, [CallerLineNumber] int order = 0)
    {
        Description = description;
        Order = order;
    }

    public string Description { get; }

    /// <summary>Scapy's name for the field (dst, ttl, dport, ...), usable as a parameter alias.</summary>
    public string? Alias { get; init; }

    /// <summary>
    /// Where the field ends in the header's fixed part, in bytes from the header's start: a header cut short keeps the
    /// fields that end at or before the cut (see <see cref="Layer.CutLength"/>). 0, the default, for a field past the
    /// fixed part (options) or of a layer that is never kept cut.
    /// </summary>
    public int End { get; init; }

    /// <summary>Declaration order (the line number, filled in by the compiler).</summary>
    public int Order { get; }
}

/// <summary>Declares a class as a layer type: its name, other names, and a one-line description.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class LayerAttribute : Attribute
{
    public LayerAttribute(string name, string description)
    {
        Name = name;
        Description = description;
    }

    public string Name { get; }
    public string Description { get; }

    /// <summary>Other names the layer answers to (Scapy's class name, common abbreviations).</summary>
    public string[] Aliases { get; init; } = Array.Empty<string>();
}
