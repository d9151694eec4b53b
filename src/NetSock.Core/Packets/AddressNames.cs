using System.Net;
using System.Net.Sockets;

namespace NetSock.Packets;

/// <summary>
/// Host names given for address fields (New-Packet IPv4 -Destination localhost), resolved as Scapy and
/// Connect-TcpEndpoint resolve them: the first address the field takes (IPv4 for IPv4's, IPv6 for IPv6's).
/// </summary>
public static class AddressNames
{
    /// <summary>True when <paramref name="text"/> is a name to resolve rather than an address (or a number) to convert.</summary>
    public static bool IsName(string text) =>
        !IPAddress.TryParse(text.Trim().Trim('[', ']'), out _) && text.Trim().Length > 0 && !char.IsDigit(text.Trim()[0]) && !text.Contains(':');

    /// <summary>
    /// The first address of <paramref name="name"/> that <paramref name="field"/> of <paramref name="layer"/> takes;
    /// PacketNameNotFound when the name does not resolve to one.
    /// </summary>
    public static IPAddress Resolve(LayerInfo layer, PacketField field, string name)
    {
        IPAddress[] all;
        try
        {
            all = Dns.GetHostAddresses(name.Trim());
        }
        catch (Exception e) when (e is SocketException or ArgumentException)
        {
            all = Array.Empty<IPAddress>();
        }
        foreach (var address in all)
            if (Takes(layer, field, address)) return address;
        string family = Takes(layer, field, IPAddress.Loopback) ? "IPv4" : Takes(layer, field, IPAddress.IPv6Loopback) ? "IPv6" : "IP";
        throw new NetSockException("PacketNameNotFound", NetSockErrorKind.NotFound,
            $"{layer.Name}.{field.Name}: the name '{name}' could not be resolved to an {family} address{(all.Length == 0 ? "" : $" (it has {string.Join(", ", all.Select(a => a.ToString()))})")}. Check the spelling, or give an address such as {(family == "IPv6" ? "::1" : "127.0.0.1")}.",
            name);
    }

    private static bool Takes(LayerInfo layer, PacketField field, IPAddress address)
    {
        try
        {
            field.SetValue(layer.Create(), address);
            return true;
        }
        catch (Exception e) when (e is NetSockException or System.Reflection.TargetInvocationException)
        {
            return false;
        }
    }
}
