using System.Collections;
using System.Management.Automation;
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

    /// <summary>The core's one converter, as $p.IPv4.ttl = … and $p.IPv4['ttl'] = … use it; null returns the field to auto or its default.</summary>
    public static object? Convert(LayerInfo layer, PacketField field, object? value) => FieldConversion.Convert(layer.Name, field, value);

    private static object? Unwrap(object? value) => value is PSObject ps ? ps.BaseObject : value;

    /// <summary>
    /// Makes a field set from a script ($p.IPv4.ttl = 300, $p.IPv4['ttl'] = 300) fail with the core's ErrorId, as a cmdlet's
    /// error does, rather than with the exception's type name. Called once at module import.
    /// </summary>
    public static void ReportSetErrorsWithErrorIds() => FieldConversion.HostError = e => new FieldSetException(e);
}

/// <summary>A field set from a script that failed: PowerShell takes its ErrorRecord, so $_.FullyQualifiedErrorId is the core's ErrorId.</summary>
public sealed class FieldSetException : RuntimeException
{
    private readonly ErrorRecord _record;

    public FieldSetException(NetSockException e) : base(e.Message, e)
    {
        _record = NetSockCmdlet.ToErrorRecord(e);
    }

    public override ErrorRecord ErrorRecord => _record;
}
