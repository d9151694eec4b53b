using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;

namespace NetSock.Packets;

/// <summary>MAC addresses for auto Ethernet fields: the interface that owns a source address, and the neighbour table (Linux).</summary>
internal static class Neighbours
{
    private static readonly ConcurrentDictionary<IPAddress, (MacAddress Mac, long Expires)> InterfaceCache = new();

    /// <summary>The MAC of the interface that has <paramref name="source"/>; zero for loopback or an unknown address.</summary>
    public static MacAddress InterfaceMacFor(IPAddress source)
    {
        long now = Environment.TickCount64;
        if (InterfaceCache.TryGetValue(source, out var hit) && hit.Expires > now) return hit.Mac;
        var mac = MacAddress.Zero;
        byte[]? bytes = InterfaceFor(source)?.GetPhysicalAddress().GetAddressBytes();
        if (bytes is { Length: 6 }) mac = MacAddress.Read(bytes);
        InterfaceCache[source] = (mac, now + 1000);
        return mac;
    }

    /// <summary>The interface that has <paramref name="address"/> among its own addresses, or null.</summary>
    public static NetworkInterface? InterfaceFor(IPAddress address) =>
        NetworkInterface.GetAllNetworkInterfaces().FirstOrDefault(nic => nic.GetIPProperties().UnicastAddresses.Any(a => a.Address.Equals(address)));

    /// <summary>The MAC the neighbour table has for <paramref name="address"/> (loopback: zero); null when unknown.</summary>
    public static MacAddress? MacFor(IPAddress address)
    {
        if (IPAddress.IsLoopback(address)) return MacAddress.Zero;
        if (!OperatingSystem.IsLinux() || address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork) return null;
        try
        {
            // /proc/net/arp: "IP address  HW type  Flags  HW address  Mask  Device"
            foreach (string line in File.ReadLines("/proc/net/arp").Skip(1))
            {
                string[] cols = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (cols.Length >= 4 && cols[0] == address.ToString() && cols[2] != "0x0")
                    return MacAddress.Parse(cols[3]);
            }
        }
        catch (IOException)
        {
        }
        return null;
    }
}
