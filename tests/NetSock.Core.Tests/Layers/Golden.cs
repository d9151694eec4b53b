using System.Net;
using NetSock.Packets;
using NetSock.Packets.Layers;

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

    /// <summary>The datagram the packet's ICMP or ICMPv6 error quotes (Scapy's IPerror and what follows it).</summary>
    public static Packet Quote(Packet p) => p.Layers.OfType<IcmpLayer>().Single().Quoted!;

    /// <summary>The layers' names with the quote's after the ICMP layer's, marked as Scapy names them: "IPv4/Icmp/IPv4 in Icmp/Udp in Icmp".</summary>
    public static string Flat(Packet p) => string.Join("/", p.Layers.SelectMany(l =>
        l is IcmpLayer { Quoted: { } q } ? new[] { l.Name }.Concat(Flat(q).Split('/').Select(n => n + " in " + l.Name)) : new[] { l.Name }));
}
