using NetSock.Packets;
using NetSock.Packets.Layers;
using static NetSock.Tests.Layers.Golden;

namespace NetSock.Tests.Layers;

public class Dot1QTests
{
    [Fact]
    public void DefaultsMatchScapy()
    {
        // bytes(Dot1Q())
        Assert.Equal("00010000", Build(new Dot1Q()));
        // bytes(Ether(src='02:00:00:00:00:01', dst='02:00:00:00:00:02')/Dot1Q()/IP(src='198.18.0.1', dst='198.18.0.2'))
        Assert.Equal("02000000000202000000000181000001080045000014000100004000eec1c6120001c6120002",
            Build(new Ethernet { Source = MacA, Destination = MacB }, new Dot1Q(), new IPv4 { Source = S, Destination = D }));
    }

    [Fact]
    public void FieldsSetMatchScapy()
    {
        // bytes(Ether(src=A, dst=B)/Dot1Q(prio=5, id=1, vlan=100)/IP(src='198.18.0.1', dst='198.18.0.2')/UDP(sport=1234, dport=53))
        Assert.Equal("0200000000020200000000018100b06408004500001c000100004011eea8c6120001c612000204d2003500086eaf",
            Build(new Ethernet { Source = MacA, Destination = MacB }, new Dot1Q { Priority = 5, DropEligible = 1, VlanId = 100 },
                new IPv4 { Source = S, Destination = D }, new Udp { SourcePort = 1234, DestinationPort = 53 }));
    }

    [Fact]
    public void QinQTakesEachTypeFromTheLayerAboveLikeScapy()
    {
        // bytes(Ether(src=A, dst=B)/Dot1Q(vlan=10)/Dot1Q(vlan=20)/IP(src='198.18.0.1', dst='198.18.0.2')/TCP())
        const string hex = "0200000000020200000000018100000a81000014080045000028000100004006eea7c6120001c61200020014005000000000000000005002200003570000";
        Assert.Equal(hex, Build(new Ethernet { Source = MacA, Destination = MacB }, new Dot1Q { VlanId = 10 }, new Dot1Q { VlanId = 20 },
            new IPv4 { Source = S, Destination = D }, new Tcp()));
        var p = Dissect(hex, LinkType.Ethernet);
        Assert.False(p.IsMalformed);
        Assert.Equal(new[] { "Ethernet", "Dot1Q", "Dot1Q", "IPv4", "Tcp" }, Names(p));
        Assert.Equal(new ushort[] { 10, 20 }, p.Layers.OfType<Dot1Q>().Select(t => t.VlanId));
    }

    [Fact]
    public void IPv6AndArpRideOnATagThroughEthernetsBindings()
    {
        // bytes(Ether(src=A, dst=B)/Dot1Q(vlan=7)/IPv6(src='2001:db8::1', dst='2001:db8::2')/UDP())
        Assert.Equal("0200000000020200000000018100000786dd600000000008114020010db800000000000000000000000120010db8000000000000000000000002003500350008a3ff",
            Build(new Ethernet { Source = MacA, Destination = MacB }, new Dot1Q { VlanId = 7 }, new IPv6 { Source = S6, Destination = D6 }, new Udp()));
        // bytes(Ether(src=A, dst='ff:ff:ff:ff:ff:ff')/Dot1Q(vlan=42)/ARP(hwsrc=A, psrc='198.18.0.1', pdst='198.18.0.2'))
        const string arp = "ffffffffffff0200000000018100002a08060001080006040001020000000001c6120001000000000000c6120002";
        Assert.Equal(arp, Build(new Ethernet { Source = MacA, Destination = MacAddress.Broadcast }, new Dot1Q { VlanId = 42 },
            new Arp { SenderHardwareAddress = MacA, SenderProtocolAddress = S, TargetProtocolAddress = D }));
        Assert.Equal(new[] { "Ethernet", "Dot1Q", "Arp" }, Names(Dissect(arp, LinkType.Ethernet)));
    }

    [Fact]
    public void AWrongTypeIsSentVerbatim()
    {
        // bytes(Ether(src=A, dst=B)/Dot1Q(vlan=3, type=0x1234)/IP(src='198.18.0.1', dst='198.18.0.2'))
        const string hex = "02000000000202000000000181000003123445000014000100004000eec1c6120001c6120002";
        Assert.Equal(hex, Build(new Ethernet { Source = MacA, Destination = MacB }, new Dot1Q { VlanId = 3, Type = 0x1234 }, new IPv4 { Source = S, Destination = D }));
        var p = Dissect(hex, LinkType.Ethernet);
        Assert.Equal(new[] { "Ethernet", "Dot1Q", "Raw" }, Names(p));     // nothing is bound to 0x1234
        Assert.False(p.IsMalformed);
    }

    [Fact]
    public void DissectingGivesTheFieldsBack()
    {
        var p = Dissect("0200000000020200000000018100b06408004500001c000100004011eea8c6120001c612000204d2003500086eaf", LinkType.Ethernet);
        Assert.False(p.IsMalformed);
        Assert.Equal(new[] { "Ethernet", "Dot1Q", "IPv4", "Udp" }, Names(p));
        var tag = p.Get<Dot1Q>()!;
        Assert.Equal(5, tag.Priority);
        Assert.Equal(1, tag.DropEligible);
        Assert.Equal(100, tag.VlanId);
        Assert.Equal((ushort)0x0800, tag.Type);
        Assert.Equal((ushort)0x8100, p.Get<Ethernet>()!.Type);
        Assert.Equal("802.1Q vlan 100 p 5 DEI type 0x0800", tag.Summary);
        Assert.Same(tag, p["vlan"]);
    }

    [Fact]
    public void An8021adOuterTagDissectsAsDot1Q()
    {
        // bytes(Ether(src=A, dst=B, type=0x88a8)/Dot1Q(vlan=100)/Dot1Q(vlan=200)/IP(src='198.18.0.1', dst='198.18.0.2'))
        const string hex = "02000000000202000000000188a80064810000c8080045000014000100004000eec1c6120001c6120002";
        Assert.Equal(hex, Build(new Ethernet { Source = MacA, Destination = MacB, Type = 0x88A8 }, new Dot1Q { VlanId = 100 }, new Dot1Q { VlanId = 200 },
            new IPv4 { Source = S, Destination = D }));
        Assert.Equal(new[] { "Ethernet", "Dot1Q", "Dot1Q", "IPv4" }, Names(Dissect(hex, LinkType.Ethernet)));
    }

    [Fact]
    public void ValuesTooWideForTheirBitsAreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dot1Q { VlanId = 4096 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dot1Q { Priority = 8 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dot1Q { DropEligible = 2 });
    }

    [Fact]
    public void TruncatedTagIsMalformedNotAnException()
    {
        var p = Dissect("020000000002020000000001810000", LinkType.Ethernet);
        Assert.True(p.IsMalformed);
        Assert.Contains("Dot1Q header truncated", p.MalformedReason);
        Assert.Equal(new[] { "Ethernet", "Raw" }, Names(p));
    }
}
