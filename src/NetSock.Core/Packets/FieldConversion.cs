using System.Collections;
using System.Globalization;
using System.Net;
using System.Reflection;

namespace NetSock.Packets;

/// <summary>
/// The one converter from what a user gives for a field (a number, text such as '0x40', '198.18.0.1' or
/// '02:00:00:00:00:01', a list) to the field's type. Every way of setting a field goes through it — New-Packet's
/// parameters and -Field, $p.IPv4.ttl = …, $p.IPv4.TimeToLive = …, $p.IPv4['ttl'] = … — so they convert the same and
/// fail the same: <c>PacketFieldInvalid</c>, naming the field and what it takes.
/// </summary>
public static class FieldConversion
{
    /// <summary>
    /// What a failure on a path that a script language calls directly (a member or indexer set) is thrown as. The
    /// PowerShell module sets it at import so that the error carries the ErrorId (PacketFieldInvalid) as a cmdlet's
    /// does; elsewhere the NetSockException itself is thrown.
    /// </summary>
    public static Func<NetSockException, Exception> HostError { get; set; } = e => e;

    /// <summary>
    /// <paramref name="value"/> as a value of <paramref name="field"/>'s type. Null stays null: setting null returns the
    /// field to the value a new layer has (auto, or its default). Throws PacketFieldInvalid.
    /// </summary>
    public static object? Convert(string layer, PacketField field, object? value)
    {
        value = Unwrap(value);
        if (value is null) return null;
        if (field.Type == typeof(IPAddress) && value is string host && AddressNames.IsName(host))
            return AddressNames.Resolve(LayerRegistry.Get(layer), field, host);   // a host name, resolved as Scapy does
        try
        {
            return To(field.Type, value);
        }
        catch (Exception e) when (e is FormatException or InvalidCastException or OverflowException or ArgumentException)
        {
            throw Invalid(layer, field, value, e.Message);
        }
        catch (TargetInvocationException e) when (e.InnerException is FormatException or ArgumentException or OverflowException)
        {
            throw Invalid(layer, field, value, e.InnerException.Message);
        }
    }

    /// <summary>PacketFieldInvalid: the field, the value refused, why, and what the field takes.</summary>
    /// <paramref name="refusedBySetter"/>: the layer refused a value of the right type (a 4-bit field given 16), and its
    /// reason already says what it takes.
    public static NetSockException Invalid(string layer, PacketField field, object? value, string why, bool refusedBySetter = false)
    {
        // An ArgumentException's message ends with " (Parameter 'x')" and a range error's with "Actual value was n.".
        why = System.Text.RegularExpressions.Regex.Replace(why, @"\s*\(Parameter '[^']*'\)(\s*Actual value was .*)?$", "", System.Text.RegularExpressions.RegexOptions.Singleline)
            .Trim().TrimEnd('.');
        string takes = refusedBySetter ? "" : $" {field.Name} ({field.Description.TrimEnd('.')}) takes {Takes(field.Type)}.";
        string unset = field.IsAuto ? " $null leaves it auto." : $" $null sets it back to {Layer.FormatValue(field.Default)}.";
        return new NetSockException("PacketFieldInvalid", NetSockErrorKind.InvalidArgument,
            $"{layer}.{field.Name} cannot be {Layer.FormatValue(value)}: {why}.{takes}{unset}", value);
    }

    /// <summary>What a field of this type takes, with the range of a number: "a number from 0 to 255".</summary>
    public static string Takes(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(IPAddress)) return "an IP address (198.18.0.1, 2001:db8::1)";
        if (type == typeof(MacAddress)) return "a MAC address (02:00:00:00:00:01)";
        if (type == typeof(TcpFlags)) return "TCP flags: letters ('SA'), names ('Syn, Ack') or a number from 0 to 511 (0x1FF)";
        if (type == typeof(byte[])) return "bytes (a byte[], numbers from 0 to 255, or text, sent as UTF-8)";
        if (type == typeof(bool)) return "$true or $false";
        if (type == typeof(string)) return "text";
        if (type.IsEnum) return $"a number from {Min(Enum.GetUnderlyingType(type))} to {Max(Enum.GetUnderlyingType(type))} or a name: {string.Join(", ", Enum.GetNames(type))}";
        if (IsInteger(type)) return $"a whole number from {Min(type)} to {Max(type)} (decimal, or hex as '0x40')";
        if (type.IsArray) return $"one or more of: {Takes(type.GetElementType()!)}";
        return type.GetMethod("Parse", BindingFlags.Public | BindingFlags.Static, new[] { typeof(string) }) is not null
            ? $"a {type.Name} or its text (see Get-PacketLayer)" : $"a {type.Name}";
    }

    /// <summary>A value converted to <paramref name="type"/>; throws FormatException, OverflowException or ArgumentException.</summary>
    internal static object? To(Type type, object? value)
    {
        value = Unwrap(value);
        if (value is null || type.IsInstanceOfType(value)) return value;
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (target.IsInstanceOfType(value)) return value;
        if (target == typeof(byte[]))
        {
            if (value is string text) return System.Text.Encoding.UTF8.GetBytes(text);
            var items = Items(value);
            var bytes = new byte[items.Count];
            for (int i = 0; i < bytes.Length; i++) bytes[i] = (byte)Integer(items[i], typeof(byte));
            return bytes;
        }
        if (target.IsArray)
        {
            // A list field (TCP options, LLDP TLVs, DNS questions and records): one value or several, each converted.
            var items = Items(value);
            var array = Array.CreateInstance(target.GetElementType()!, items.Count);
            for (int i = 0; i < items.Count; i++) array.SetValue(To(target.GetElementType()!, items[i]), i);
            return array;
        }
        if (value is IEnumerable and not string && Constructor(target, value) is null)
            throw new ArgumentException("it takes one value, not a list (a list given to New-Packet makes one packet per value)");
        if (IsInteger(target)) return System.Convert.ChangeType(Integer(value, target), target, CultureInfo.InvariantCulture);
        if (target.IsEnum)
        {
            var underlying = Enum.GetUnderlyingType(target);
            if (value is string name && !LooksNumeric(name)) return Enum.Parse(target, name, ignoreCase: true);
            return Enum.ToObject(target, System.Convert.ChangeType(Integer(value, underlying), underlying, CultureInfo.InvariantCulture));
        }
        if (target == typeof(bool))
        {
            if (value is string b) return bool.TryParse(b.Trim().TrimStart('$'), out bool v) ? v : Integer(b, typeof(byte)) switch { 0 => false, 1 => true, _ => throw new FormatException($"'{b}' is not $true or $false") };
            return Integer(value, typeof(byte)) switch { 0 => false, 1 => true, _ => throw new FormatException($"{value} is not $true or $false") };
        }
        if (target == typeof(string)) return System.Convert.ToString(value, CultureInfo.InvariantCulture);
        if (value is string s)
        {
            if (target == typeof(IPAddress))
                return IPAddress.TryParse(s.Trim(), out var ip) ? ip : throw new FormatException($"'{s}' is not an IP address");
            if (target.GetMethod("Parse", BindingFlags.Public | BindingFlags.Static, new[] { typeof(string) }) is { } parse && parse.ReturnType == target)
                return Invoke(() => parse.Invoke(null, new object[] { s }));
        }
        // A number for a type made from one (TcpFlags from 0x12), or a value the type's constructor takes (TcpOption from its bytes).
        foreach (var op in target.GetMethods(BindingFlags.Public | BindingFlags.Static).Where(m => m.Name == "op_Implicit" && m.ReturnType == target))
        {
            var from = op.GetParameters()[0].ParameterType;
            if (from.IsInstanceOfType(value)) return Invoke(() => op.Invoke(null, new[] { value }));
            if (IsInteger(from) && IsNumber(value))
                return Invoke(() => op.Invoke(null, new[] { System.Convert.ChangeType(Integer(value, from), from, CultureInfo.InvariantCulture) }));
        }
        if (Constructor(target, value) is { } ctor) return Invoke(() => ctor.Invoke(new[] { value }));
        throw new InvalidCastException($"a {value.GetType().Name} is not {Takes(target)}");
    }

    /// <summary>
    /// A script host's wrapper unwrapped (PowerShell's PSObject, recognised by name: the core has no PowerShell
    /// reference), so a value from a pipeline converts as the value itself does.
    /// </summary>
    internal static object? Unwrap(object? value)
    {
        while (value is not null && value.GetType().FullName == "System.Management.Automation.PSObject")
        {
            var inner = (_baseObject ??= value.GetType().GetProperty("BaseObject")!).GetValue(value);
            if (inner is null || ReferenceEquals(inner, value) || inner.GetType().FullName == "System.Management.Automation.PSCustomObject") break;
            value = inner;
        }
        return value;
    }

    private static PropertyInfo? _baseObject;

    /// <summary>A public constructor of <paramref name="type"/> that takes <paramref name="value"/> alone (IPAddress from its bytes).</summary>
    private static ConstructorInfo? Constructor(Type type, object value) =>
        type.GetConstructors().FirstOrDefault(c => c.GetParameters() is { Length: 1 } p && p[0].ParameterType.IsInstanceOfType(value));

    private static List<object?> Items(object value) =>
        value is IEnumerable many and not string ? many.Cast<object?>().Select(Unwrap).ToList() : new List<object?> { value };

    private static object Invoke(Func<object?> call)
    {
        try
        {
            return call()!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }

    /// <summary>A whole number in <paramref name="type"/>'s range, from a number or its text (decimal, or hex with 0x).</summary>
    private static decimal Integer(object? value, Type type)
    {
        value = Unwrap(value);
        decimal n;
        if (value is string text)
        {
            string t = text.Trim().Replace("_", "");
            bool negative = t.StartsWith('-');
            string digits = negative ? t[1..] : t;
            if (digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                && ulong.TryParse(digits.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong hex))
                n = negative ? -(decimal)hex : hex;
            else if (!decimal.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out n))
                throw new FormatException($"'{text}' is not a number");
        }
        else if (value is bool flag) n = flag ? 1 : 0;
        else if (value is Enum e) n = System.Convert.ToDecimal(System.Convert.ChangeType(e, Enum.GetUnderlyingType(e.GetType()), CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        else if (IsNumber(value)) n = System.Convert.ToDecimal(value, CultureInfo.InvariantCulture);
        else throw new InvalidCastException($"a {value?.GetType().Name ?? "null"} is not a number");
        if (n != decimal.Truncate(n)) throw new FormatException($"{n.ToString(CultureInfo.InvariantCulture)} is not a whole number");
        if (n < Min(type) || n > Max(type)) throw new OverflowException($"{n.ToString(CultureInfo.InvariantCulture)} is out of range");
        return n;
    }

    private static bool LooksNumeric(string text)
    {
        string t = text.Trim();
        return t.Length > 0 && (char.IsDigit(t[0]) || t[0] == '-' || t[0] == '+');
    }

    private static bool IsNumber(object? value) => value is byte or sbyte or short or ushort or int or uint or long or ulong or float or double or decimal;

    private static bool IsInteger(Type t) => t == typeof(byte) || t == typeof(sbyte) || t == typeof(short) || t == typeof(ushort) || t == typeof(int)
                                             || t == typeof(uint) || t == typeof(long) || t == typeof(ulong);

    private static decimal Min(Type t) => System.Convert.ToDecimal(t.GetField("MinValue")!.GetValue(null), CultureInfo.InvariantCulture);

    private static decimal Max(Type t) => System.Convert.ToDecimal(t.GetField("MaxValue")!.GetValue(null), CultureInfo.InvariantCulture);
}
