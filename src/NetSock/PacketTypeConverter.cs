using System.Management.Automation;
using NetSock.Packets;

namespace NetSock.Commands;

/// <summary>
/// Rebuilds a live <see cref="Packet"/> from a deserialized one (Import-Clixml, Start-Job, remoting): its bytes are
/// dissected again with its link type, and its capture metadata (number, timestamps, interface, original length) is
/// restored. PowerShell calls it when it rehydrates "Deserialized.NetSock.Packets.Packet" and for a
/// [NetSock.Packets.Packet] cast; ConvertTo-Packet calls it too. It also converts PacketDotNet's packets and SharpPcap's
/// captures to NetSock's, and a NetSock packet to PacketDotNet's ([PacketDotNet.Packet]$p, [PacketDotNet.TcpPacket]$p).
/// </summary>
public sealed class PacketTypeConverter : PSTypeConverter
{
    public override bool CanConvertFrom(object sourceValue, Type destinationType) =>
        destinationType == typeof(Packet) && (IsPacketDotNetOrCapture(Unwrap(sourceValue)) || sourceValue is PSObject ps && IsSerializedPacket(ps));

    public override object ConvertFrom(object sourceValue, Type destinationType, IFormatProvider formatProvider, bool ignoreCase)
    {
        if (sourceValue is PSObject ps && IsSerializedPacket(ps)) return FromSerialized(ps);
        try
        {
            return Packet.FromPacketDotNetOrCapture(Unwrap(sourceValue))
                   ?? throw new PSInvalidCastException($"Only a serialized NetSock packet (with Bytes and LinkType), a PacketDotNet Packet or a SharpPcap RawCapture converts to a Packet, not {sourceValue}.");
        }
        catch (NetSockException e)
        {
            throw new PSInvalidCastException(e.Message, e);
        }
    }

    /// <summary>[PacketDotNet.Packet]$p, or a layer of it: [PacketDotNet.TcpPacket]$p is the TCP packet inside.</summary>
    public override bool CanConvertTo(object sourceValue, Type destinationType) =>
        Unwrap(sourceValue) is Packet && Packet.IsPacketDotNetType(destinationType);

    public override object ConvertTo(object sourceValue, Type destinationType, IFormatProvider formatProvider, bool ignoreCase)
    {
        if (Unwrap(sourceValue) is not Packet packet || !Packet.IsPacketDotNetType(destinationType))
            throw new PSInvalidCastException($"A Packet converts to PacketDotNet's packets only, not to {destinationType}.");
        try
        {
            return packet.ToPacketDotNet(destinationType);
        }
        catch (NetSockException e)
        {
            throw new PSInvalidCastException(e.Message, e);
        }
    }

    private static bool IsPacketDotNetOrCapture(object? value) =>
        value is not null && (Packet.IsPacketDotNetType(value.GetType()) || value.GetType().FullName == "SharpPcap.RawCapture");

    private static object? Unwrap(object? value) => value is PSObject ps ? ps.BaseObject : value;

    /// <summary>
    /// True for a PSObject that carries a serialized packet: its bytes as Hex (or Bytes) and its LinkType — a deserialized
    /// Packet, or an object made like one (Import-Csv of Export-Csv'd packets).
    /// </summary>
    public static bool IsSerializedPacket(PSObject ps) =>
        ps.BaseObject is not Packet && (ps.Properties["Hex"]?.Value is not null || ps.Properties["Bytes"]?.Value is not null) &&
        (ps.TypeNames.Contains("Deserialized.NetSock.Packets.Packet") || ps.Properties["LinkType"] is not null);

    public static Packet FromSerialized(PSObject ps)
    {
        try
        {
            return Rebuild(ps);
        }
        catch (PSInvalidCastException e)
        {
            throw new NetSockException("PacketSerializedInvalid", NetSockErrorKind.InvalidArgument,
                $"The serialized packet cannot be made live again: {e.Message.TrimEnd('.')}. It needs its bytes as Bytes (a byte[]) or Hex, and a LinkType such as Ethernet, as Export-Clixml writes them.", ps, e);
        }
    }

    // A hex string that is not hex throws PacketHexInvalid (from Hex.Parse); a value of the wrong type, PSInvalidCastException.
    private static Packet Rebuild(PSObject ps)
    {
        byte[] bytes = ps.Properties["Hex"]?.Value is { } hex
            ? NetSock.Packets.Hex.Parse(hex.ToString()!)
            : LanguagePrimitives.ConvertTo<byte[]>(ps.Properties["Bytes"].Value);
        var linkType = Value<LinkType?>(ps, "LinkType") ?? LinkType.Ethernet;
        return Packet.Dissect(bytes, new CaptureInfo(
            Value<long?>(ps, "TimestampNanoseconds") ?? (Time(ps) is { } time ? UnixTime.ToNanoseconds(time) : null),
            Value<string?>(ps, "Interface"), linkType, Value<int?>(ps, "OriginalLength"), Value<long?>(ps, "Number"),
            Value<string?>(ps, "SourceFile"), Value<PacketDirection?>(ps, "Direction")));
    }

    /// <summary>
    /// The serialized Timestamp: the serializer writes a DateTimeOffset as text with whole seconds, so the exact time
    /// comes from TimestampNanoseconds, in the offset the text gives.
    /// </summary>
    internal static DateTimeOffset? Time(PSObject ps)
    {
        var time = Value<DateTimeOffset?>(ps, "Timestamp");
        return Value<long?>(ps, "TimestampNanoseconds") is { } ns
            ? UnixTime.FromNanoseconds(ns).ToOffset(time?.Offset ?? TimeZoneInfo.Local.BaseUtcOffset)
            : time;
    }

    internal static T? Value<T>(PSObject ps, string name)
    {
        object? value = ps.Properties[name]?.Value;
        if (value is PSObject inner && inner.BaseObject is not PSCustomObject) value = inner.BaseObject;
        if (value is null || value is string { Length: 0 }) return default;      // Import-Csv gives "" for a property that was null
        // A deserialized enum is its name with the number inside: LinkType comes back as a string or a wrapped int.
        if (value is PSObject wrapped) value = wrapped.ToString();
        return LanguagePrimitives.ConvertTo<T>(value);
    }
}

/// <summary>
/// Rebuilds a live <see cref="NetSock.Sockets.Datagram"/> from a deserialized one: its bytes, endpoints (from their
/// text: 127.0.0.1:5000, [::1]:5000, or a Unix socket path), exact arrival time, and the IP packet of a raw datagram.
/// </summary>
public sealed class DatagramTypeConverter : PSTypeConverter
{
    public override bool CanConvertFrom(object sourceValue, Type destinationType) =>
        destinationType == typeof(NetSock.Sockets.Datagram) && sourceValue is PSObject ps && ps.BaseObject is not NetSock.Sockets.Datagram && ps.Properties["Data"]?.Value is not null;

    public override object ConvertFrom(object sourceValue, Type destinationType, IFormatProvider formatProvider, bool ignoreCase)
    {
        if (sourceValue is not PSObject ps || ps.Properties["Data"]?.Value is null)
            throw new PSInvalidCastException($"Only a serialized NetSock datagram (with Data) converts to a Datagram, not {sourceValue}.");
        byte[] data = LanguagePrimitives.ConvertTo<byte[]>(ps.Properties["Data"].Value);
        var timestamp = PacketTypeConverter.Time(ps) ?? default;
        var packet = ps.Properties["Packet"]?.Value switch
        {
            Packet live => live,
            PSObject inner when inner.BaseObject is Packet live => live,
            PSObject inner when PacketTypeConverter.IsSerializedPacket(inner) => PacketTypeConverter.FromSerialized(inner),
            _ => null,
        };
        return new NetSock.Sockets.Datagram(data, EndPoint(ps, "RemoteEndPoint"), EndPoint(ps, "LocalEndPoint"), timestamp, packet);
    }

    public override bool CanConvertTo(object sourceValue, Type destinationType) => false;

    public override object ConvertTo(object sourceValue, Type destinationType, IFormatProvider formatProvider, bool ignoreCase) =>
        throw new PSInvalidCastException($"A Datagram does not convert to {destinationType}.");

    private static System.Net.EndPoint? EndPoint(PSObject ps, string name)
    {
        string? text = ps.Properties[name]?.Value?.ToString();
        if (string.IsNullOrEmpty(text)) return null;
        return System.Net.IPEndPoint.TryParse(text, out var ip) ? ip : new System.Net.Sockets.UnixDomainSocketEndPoint(text);
    }
}
