using System.Globalization;
using System.Net;

namespace NetSock.Packets;

/// <summary>Converts a value set through a dynamic member (a Scapy field name) to the field's type.</summary>
internal static class FieldConversion
{
    public static object? To(Type type, object? value)
    {
        if (value is null || type.IsInstanceOfType(value)) return value;
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (target.IsInstanceOfType(value)) return value;
        if (target.IsArray && target != typeof(byte[]))
        {
            // A list field (TCP options, LLDP TLVs, DNS questions and records): one value or several, each converted.
            var items = value is System.Collections.IEnumerable many and not string ? many.Cast<object?>().ToList() : new List<object?> { value };
            var array = Array.CreateInstance(target.GetElementType()!, items.Count);
            for (int i = 0; i < items.Count; i++) array.SetValue(To(target.GetElementType()!, items[i]), i);
            return array;
        }
        try
        {
            if (value is string text)
            {
                if (target == typeof(IPAddress)) return IPAddress.Parse(text);
                if (target == typeof(MacAddress)) return MacAddress.Parse(text);
                if (target == typeof(TcpFlags)) return TcpFlags.Parse(text);
                if (target == typeof(byte[])) return System.Text.Encoding.UTF8.GetBytes(text);
                if (target.IsEnum) return Enum.Parse(target, text, ignoreCase: true);
                if (target.GetMethod("Parse", System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static, new[] { typeof(string) }) is { } parse
                    && parse.ReturnType == target)
                    return parse.Invoke(null, new object[] { text });
            }
            if (target == typeof(TcpFlags)) return (TcpFlags)Convert.ToUInt16(value, CultureInfo.InvariantCulture);
            if (target == typeof(Layers.IPv4Flags)) return (Layers.IPv4Flags)Convert.ToByte(value, CultureInfo.InvariantCulture);
            if (target.IsEnum) return Enum.ToObject(target, Convert.ChangeType(value, Enum.GetUnderlyingType(target), CultureInfo.InvariantCulture));
            return Convert.ChangeType(value, target, CultureInfo.InvariantCulture);
        }
        catch (System.Reflection.TargetInvocationException e) when (e.InnerException is FormatException or ArgumentException or OverflowException)
        {
            throw new ArgumentException($"{value} cannot be converted to {target.Name}: {e.InnerException.Message}", e.InnerException);
        }
        catch (Exception e) when (e is FormatException or InvalidCastException or OverflowException or ArgumentException)
        {
            throw new ArgumentException($"{value} cannot be converted to {target.Name}: {e.Message}", e);
        }
    }
}
