using System.Net;
using NetSock.Packets;

namespace NetSock.Tests.Layers;

/// <summary>Shorthands for the golden tests: Scapy's hex beside what NetSock builds, and the addresses they use.</summary>
internal static class Golden
{
    public static readonly MacAddress MacA = MacAddress.Parse("02:00:00:00:00:01");
    public static readonly MacAddress MacB = MacAddress.Parse("02:00:00:00:00:02");
    public static readonly IPAddress S = IPAddress.Parse("198.18.0.1");
    public static readonly IPAddress D = IPAddress.Parse("198.18.0.2");
    public static readonly IPAddress S6 = IPAddress.Parse("2001:db8::1");
    public static readonly IPAddress D6 = IPAddress.Parse("2001:db8::2");

    public static string Hex(Packet p) => Convert.ToHexString(p.GetBytes()).ToLowerInvariant();

    public static string Build(params Layer[] layers) => Hex(Packet.FromLayers(layers));

    public static Packet Dissect(string hex, LinkType linkType = LinkType.Raw) => Packet.Dissect(Convert.FromHexString(hex), linkType);

    public static string[] Names(Packet p) => p.Layers.Select(l => l.Name).ToArray();
}
