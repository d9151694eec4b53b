using System.Globalization;
using System.Management.Automation;
using NetSock.Packets;

namespace NetSock.Commands;

/// <summary>
/// A packet's Timestamp as PowerShell reads it (a CodeProperty in NetSock.Types.ps1xml): the same DateTimeOffset, whose
/// text keeps the fraction of a second (ISO 8601, 2024-01-02T12:00:00.0000010+00:00) where DateTimeOffset's own
/// ToString() drops it, so Export-Csv, ConvertTo-Csv and table and list columns show it. ToString('HH:mm:ss.ffffff')
/// and any other format still give what DateTimeOffset gives; comparisons, methods and -is [DateTimeOffset] are unchanged.
/// </summary>
public static class PacketTimestamp
{
    public static object? Get(PSObject instance)
    {
        if (instance.BaseObject is not Packet { Timestamp: { } time }) return null;
        var value = new PSObject(time);
        value.Members.Add(new PSCodeMethod("ToString", typeof(PacketTimestamp).GetMethod(nameof(Text))!));
        return value;
    }

    public static void Set(PSObject instance, object? value) =>
        ((Packet)instance.BaseObject).Timestamp = value is null ? null : (DateTimeOffset)LanguagePrimitives.ConvertTo(value, typeof(DateTimeOffset), CultureInfo.InvariantCulture);

    /// <summary>ToString() of the timestamp: ISO 8601 with its seven decimals; with a format (and a provider), DateTimeOffset's own.</summary>
    public static string Text(PSObject instance, params object?[]? arguments)
    {
        var time = (DateTimeOffset)instance.BaseObject;
        object? first = arguments is { Length: > 0 } ? PSObject.AsPSObject(arguments[0]).BaseObject : null;
        object? second = arguments is { Length: > 1 } ? PSObject.AsPSObject(arguments[1]).BaseObject : null;
        return first switch
        {
            null => time.ToString("o", CultureInfo.InvariantCulture),
            IFormatProvider provider => time.ToString(provider),
            _ => time.ToString(first.ToString(), second as IFormatProvider),
        };
    }
}
