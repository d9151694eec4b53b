using System.Net;
using NetSock.Packets;
using NetSock.Packets.Layers;
using static NetSock.Tests.Layers.Golden;

namespace NetSock.Tests.Layers;

public class IPv6RoutingTests
{
    private static readonly IPAddress Hop1 = IPAddress.Parse("2001:db8::10");
    private static readonly IPAddress Hop2 = IPAddress.Parse("2001:db8::11");

    [Fact]
    public void DefaultsMatchScapy()
    {
        // bytes(IPv6ExtHdrRouting()): type 0, segments left 0, no addresses
        Assert.Equal("3b00000000000000", Build(new IPv6Routing()));
    }

    [Fact]
    public void AddressesWithSegmentsLeftAutoMatchScapy()
    {
        // bytes(IPv6(src='2001:db8::1', dst='2001:db8::2')/IPv6ExtHdrRouting(addresses=['2001:db8::10', '2001:db8::11'])/b'hello')
        const string hex = "60000000002d2b4020010db800000000000000000000000120010db80000000000000000000000023b0400020000000020010db800000000000000000000001020010db800000000000000000000001168656c6c6f";
        Assert.Equal(hex, Build(new IPv6 { Source = S6, Destination = D6 }, new IPv6Routing { Addresses = new[] { Hop1, Hop2 } }, new Raw { Load = "hello"u8.ToArray() }));
        var p = Dissect(hex);
        Assert.False(p.IsMalformed);
        Assert.Equal(new[] { "IPv6", "IPv6Routing", "Raw" }, Names(p));
        var rt = p.Get<IPv6Routing>()!;
        Assert.Equal((byte)59, rt.NextHeader);
        Assert.Equal((byte)4, rt.Length);
        Assert.Equal(0, rt.RoutingType);
        Assert.Equal((byte)2, rt.SegmentsLeft);
        Assert.Equal(new[] { Hop1, Hop2 }, rt.Addresses);
        Assert.Equal(32, rt.Data.Length);
        Assert.Equal((byte)43, p.Get<IPv6>()!.NextHeader);
    }

    [Fact]
    public void UdpAboveARoutingHeaderWithNoSegmentsLeftMatchesScapy()
    {
        // bytes(IPv6(src='2001:db8::1', dst='2001:db8::2')/IPv6ExtHdrRouting(addresses=['2001:db8::10'], segleft=0)/UDP())
        // With no segments left the final destination is the IPv6 destination. (With segments left, RFC 8200 8.1 and
        // Scapy take the last address for the pseudo-header; IPLayer.UpperLayerChecksum does not yet.)
        const string hex = "6000000000202b4020010db800000000000000000000000120010db8000000000000000000000002110200000000000020010db8000000000000000000000010003500350008a3ff";
        Assert.Equal(hex, Build(new IPv6 { Source = S6, Destination = D6 }, new IPv6Routing { Addresses = new[] { Hop1 }, SegmentsLeft = 0 }, new Udp()));
        Assert.Equal(new[] { "IPv6", "IPv6Routing", "Udp" }, Names(Dissect(hex)));
    }

    [Fact]
    public void AWrongSegmentsLeftIsSentVerbatim()
    {
        // bytes(IPv6(src='2001:db8::1', dst='2001:db8::2')/IPv6ExtHdrRouting(addresses=['2001:db8::10'], segleft=5))
        const string hex = "6000000000182b4020010db800000000000000000000000120010db80000000000000000000000023b0200050000000020010db8000000000000000000000010";
        Assert.Equal(hex, Build(new IPv6 { Source = S6, Destination = D6 }, new IPv6Routing { Addresses = new[] { Hop1 }, SegmentsLeft = 5 }));
        Assert.Equal((byte)5, Dissect(hex).Get<IPv6Routing>()!.SegmentsLeft);
    }

    [Fact]
    public void OtherRoutingTypesKeepTheirDataAsBytes()
    {
        // a segment routing header (type 4) of one segment with its last-entry/flags/tag word: kept exactly
        var rt = new IPv6Routing { RoutingType = 4, SegmentsLeft = 0, Reserved = 0x00000000, Data = Convert.FromHexString("20010db8000000000000000000000010") };
        var p = Packet.Dissect(Packet.FromLayers(new Layer[] { new IPv6 { Source = S6, Destination = D6 }, rt }).GetBytes(), LinkType.Raw);
        var back = p.Get<IPv6Routing>()!;
        Assert.Equal(4, back.RoutingType);
        Assert.Equal(rt.Data, back.Data);
        Assert.Throws<ArgumentException>(() => new IPv6Routing { Addresses = new[] { IPAddress.Loopback } });
    }

    [Fact]
    public void TruncatedRoutingHeaderIsMalformedNotAnException()
    {
        var p = Dissect("6000000000182b4020010db800000000000000000000000120010db80000000000000000000000023b0200050000000020010db8");
        Assert.True(p.IsMalformed);
        Assert.Contains("IPv6Routing header truncated: 12 of 24 bytes", p.MalformedReason);
        Assert.Equal(new[] { "IPv6", "Raw" }, Names(p));
    }
}
