using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Text;
using NetSock.Packets;

namespace NetSock.Commands;

/// <summary>Turns what a user typed for packet fields (parameters, -Field hashtables) into typed values, with clear errors.</summary>
internal static class FieldValues
{
    /// <summary>The fields set by -Field and by field parameters, each with its list of values (several make several packets).</summary>
    public static List<(PacketField Field, IReadOnlyList<object?> Values)> Collect(LayerInfo layer, Hashtable? table, IEnumerable<(string Name, object? Value)>? parameters)
    {
        var result = new List<(PacketField, IReadOnlyList<object?>)>();
        var given = (table?.Cast<DictionaryEntry>().Select(e => (Name: e.Key?.ToString() ?? "", e.Value)) ?? Enumerable.Empty<(string, object?)>())
            .Concat(parameters ?? Enumerable.Empty<(string, object?)>());
        foreach (var (name, value) in given)
        {
            var field = layer.GetField(name);
            result.RemoveAll(r => r.Item1 == field);
            result.Add((field, Values(layer, field, value)));
        }
        return result;
    }

    /// <summary>One value, or one per element when a field that holds a single value is given a list or range.</summary>
    public static IReadOnlyList<object?> Values(LayerInfo layer, PacketField field, object? raw)
    {
        raw = Unwrap(raw);
        if (raw is IEnumerable list and not string && !field.Type.IsArray)
            return list.Cast<object?>().Select(v => Convert(layer, field, v)).ToList();
        return new[] { Convert(layer, field, raw) };
    }

    public static object? Convert(LayerInfo layer, PacketField field, object? value)
    {
        value = Unwrap(value);
        if (value is null)
        {
            if (field.IsAuto) return null;
            throw Invalid(layer, field, value, "it has no auto value; give a value");
        }
        if (field.Type == typeof(byte[]) && value is string text)
            return Encoding.UTF8.GetBytes(text);
        if (field.Type == typeof(System.Net.IPAddress) && value is string host && AddressNames.IsName(host))
            return AddressNames.Resolve(layer, field, host);
        try
        {
            return LanguagePrimitives.ConvertTo(value, field.Type, CultureInfo.InvariantCulture);
        }
        catch (PSInvalidCastException e)
        {
            throw Invalid(layer, field, value, (e.InnerException ?? e).Message);
        }
    }

    private static object? Unwrap(object? value) => value is PSObject ps ? ps.BaseObject : value;

    private static NetSockException Invalid(LayerInfo layer, PacketField field, object? value, string why) =>
        new("PacketFieldInvalid", NetSockErrorKind.InvalidArgument,
            $"{layer.Name}.{field.Name} cannot be {Layer.FormatValue(value)}: {why.TrimEnd('.')}. {field.Name} is {Kind(field.Type)}: {field.Description}.", value);

    /// <summary>What a field holds, in words: "an IP address", "a MAC address", "a UInt16".</summary>
    private static string Kind(Type type) => type == typeof(System.Net.IPAddress) ? "an IP address"
        : type == typeof(System.Net.NetworkInformation.PhysicalAddress) ? "a MAC address"
        : ("AEIOU".Contains(type.Name[0]) ? "an " : "a ") + type.Name;
}
