using System.Net;
using NetSock.Packets;
using NetSock.Packets.Layers;
using static NetSock.Tests.Layers.Golden;

namespace NetSock.Tests.Layers;

public class VxlanTests
{
    private static readonly IPAddress InnerS = IPAddress.Parse("198.19.0.1");
    private static readonly IPAddress InnerD = IPAddress.Parse("198.19.0.2");

    // bytes(IP(src=S, dst=D)/UDP(sport=4789, dport=4789)/VXLAN(flags=8, vni=42)/Ether(src=A, dst=B)/IP(src='198.19.0.1', dst='198.19.0.2')/UDP())
    // (Scapy would build VXLAN()/Ether() as VXLAN-GPE, flags 0x0c and next protocol 3, so the flags are given)
    private const string Tunnel = "4500004e000100004011ee76c6120001c612000212b512b5003a9c280800000000002a00"
        + "02000000000202000000000108004500001c000100004011eea6c6130001c6130002003500350008734a";

    [Fact]
    public void DefaultsMatchScapy()
    {
        // bytes(VXLAN())
        Assert.Equal("0800000000000000", Build(new Vxlan()));
        Assert.Equal(Tunnel, Build(new IPv4 { Source = S, Destination = D }, new Udp { SourcePort = 4789, DestinationPort = 4789 }, new Vxlan { Vni = 42 },
            new Ethernet { Source = MacA, Destination = MacB }, new IPv4 { Source = InnerS, Destination = InnerD }, new Udp()));
    }

    [Fact]
    public void FieldsSetAreSentVerbatim()
    {
        // bytes(VXLAN(flags=0x88, reserved1=0x123456, vni=0xabcdef, reserved2=0x7f))
        Assert.Equal("88123456abcdef7f", Build(new Vxlan { Flags = 0x88, Reserved1 = 0x123456, Vni = 0xABCDEF, Reserved2 = 0x7F }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Vxlan { Vni = 0x1000000 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new Vxlan { Reserved1 = 0x1000000 });
    }

    [Fact]
    public void AWrongUdpChecksumIsKeptAroundIt()
    {
        string hex = Build(new IPv4 { Source = S, Destination = D }, new Udp { SourcePort = 4789, DestinationPort = 4789, Checksum = 0xDEAD }, new Vxlan { Vni = 42 },
            new Ethernet { Source = MacA, Destination = MacB }, new IPv4 { Source = InnerS, Destination = InnerD }, new Udp());
        Assert.Equal(Tunnel.Replace("003a9c28", "003adead"), hex);
        Assert.Equal((ushort)0xDEAD, Dissect(hex).Get<Udp>()!.Checksum);
    }

    [Fact]
    public void DissectingGivesTheFieldsBack()
    {
        var p = Dissect(Tunnel);
        Assert.False(p.IsMalformed, p.MalformedReason);
        Assert.Equal(new[] { "IPv4", "Udp", "Vxlan", "Ethernet", "IPv4", "Udp" }, Names(p));
        var vxlan = p.Get<Vxlan>()!;
        Assert.Equal(0x08, vxlan.Flags);
        Assert.Equal(0u, vxlan.Reserved1);
        Assert.Equal(42u, vxlan.Vni);
        Assert.Equal(0, vxlan.Reserved2);
        Assert.Equal("VXLAN, flags [I] (0x08), vni 42", vxlan.Summary);
        Assert.Equal(MacB, ((Ethernet)p.Layers[3]).Destination);
    }

    [Fact]
    public void EitherPortAndLinuxsPortAreRecognised()
    {
        Layer[] Stack(ushort sport, ushort dport) => new Layer[] { new IPv4 { Source = S, Destination = D }, new Udp { SourcePort = sport, DestinationPort = dport },
            new Vxlan { Vni = 7 }, new Ethernet { Source = MacA, Destination = MacB }, new IPv4 { Source = InnerS, Destination = InnerD } };
        foreach (var (sport, dport) in new (ushort, ushort)[] { (40000, 4789), (4789, 40000), (40000, 8472), (40000, 4790) })
            Assert.Equal(new[] { "IPv4", "Udp", "Vxlan", "Ethernet", "IPv4" }, Names(Dissect(Build(Stack(sport, dport)))));
        // another port: the datagram is Raw
        Assert.Equal(new[] { "IPv4", "Udp", "Raw" }, Names(Dissect(Build(Stack(40000, 4000)))));
    }

    [Fact]
    public void TheGpeNextProtocolIsFollowed()
    {
        // bytes(IP(src=S, dst=D)/UDP(sport=4790, dport=4790)/VXLAN(vni=42)/IP(src='198.19.0.1', dst='198.19.0.2')): Scapy's GPE, next protocol 1
        const string hex = "45000038000100004011ee8cc6120001c612000212b612b6002418110c00000100002a0045000014000100004000eebfc6130001c6130002";
        Assert.Equal(hex, Build(new IPv4 { Source = S, Destination = D }, new Udp { SourcePort = 4790, DestinationPort = 4790 }, new Vxlan { Flags = 0x0C, Reserved1 = 1, Vni = 42 },
            new IPv4 { Source = InnerS, Destination = InnerD }));
        var p = Dissect(hex);
        Assert.Equal(new[] { "IPv4", "Udp", "Vxlan", "IPv4" }, Names(p));
        Assert.Equal("VXLAN, flags [IP] (0x0c), vni 42", p.Get<Vxlan>()!.Summary);
    }

    [Fact]
    public void TruncatedVxlanIsMalformedNotAnException()
    {
        var p = Dissect(Build(new IPv4 { Source = S, Destination = D }, new Udp { SourcePort = 40000, DestinationPort = 4789 }, new Raw { Load = new byte[] { 8, 0, 0, 0 } }));
        Assert.True(p.IsMalformed);
        Assert.Contains("Vxlan header truncated: 4 of 8 bytes", p.MalformedReason);
        Assert.Equal(new[] { "IPv4", "Udp", "Raw" }, Names(p));
    }
}
