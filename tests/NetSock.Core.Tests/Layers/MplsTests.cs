using System.Net;
using NetSock.Packets;
using NetSock.Packets.Layers;
using static NetSock.Tests.Layers.Golden;

namespace NetSock.Tests.Layers;

public class MplsTests
{
    private static readonly IPAddress InnerS = IPAddress.Parse("198.19.0.1");
    private static readonly IPAddress InnerD = IPAddress.Parse("198.19.0.2");

    private static Ethernet Frame() => new() { Source = MacA, Destination = MacB };

    [Fact]
    public void DefaultsMatchScapy()
    {
        // bytes(MPLS()): label 3 (implicit null), bottom of stack, ttl 0
        Assert.Equal("00003100", Build(new Mpls()));
        // bytes(Ether(src=A, dst=B)/MPLS()/IP(src=S, dst=D)): label 0, IPv4 explicit null
        Assert.Equal("02000000000202000000000188470000010045000014000100004000eec1c6120001c6120002",
            Build(Frame(), new Mpls(), new IPv4 { Source = S, Destination = D }));
        // bytes(MPLS()/IPv6(src=S6, dst=D6)): label 2, IPv6 explicit null
        Assert.Equal("000021006000000000003b4020010db800000000000000000000000120010db8000000000000000000000002",
            Build(new Mpls(), new IPv6 { Source = S6, Destination = D6 }));
    }

    [Fact]
    public void ALabelStackSetsBottomOfStackOnTheLastEntry()
    {
        // bytes(Ether(src=A, dst=B)/MPLS(label=16, ttl=64)/MPLS(label=17, cos=5, ttl=63)/IP(src=S, dst=D)/UDP())
        const string hex = "02000000000202000000000188470001004000011b3f4500001c000100004011eea8c6120001c6120002003500350008734c";
        Assert.Equal(hex, Build(Frame(), new Mpls { Label = 16, TimeToLive = 64 }, new Mpls { Label = 17, TrafficClass = 5, TimeToLive = 63 },
            new IPv4 { Source = S, Destination = D }, new Udp()));
        var p = Dissect(hex, LinkType.Ethernet);
        Assert.False(p.IsMalformed, p.MalformedReason);
        Assert.Equal(new[] { "Ethernet", "Mpls", "Mpls", "IPv4", "Udp" }, Names(p));
        var outer = (Mpls)p.Layers[1];
        var inner = (Mpls)p.Layers[2];
        Assert.Equal(16u, outer.Label);
        Assert.Equal(false, outer.BottomOfStack);
        Assert.Equal(64, outer.TimeToLive);
        Assert.Equal(17u, inner.Label);
        Assert.Equal(5, inner.TrafficClass);
        Assert.Equal(true, inner.BottomOfStack);
        Assert.Equal(63, inner.TimeToLive);
        Assert.Equal("MPLS (label 17, tc 5, [S], ttl 63)", inner.Summary);
        Assert.Equal("MPLS (label 16, tc 0, ttl 64)", outer.Summary);
    }

    [Fact]
    public void FieldsSetAreSentVerbatim()
    {
        // bytes(MPLS(label=100, s=0, ttl=1)): not the bottom although nothing follows
        Assert.Equal("00064001", Build(new Mpls { Label = 100, BottomOfStack = false, TimeToLive = 1 }));
        Assert.Equal("fffffeff", Build(new Mpls { Label = 0xFFFFF, TrafficClass = 7, BottomOfStack = false, TimeToLive = 255 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Mpls { Label = 0x100000 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new Mpls { TrafficClass = 8 });
    }

    [Fact]
    public void RidesOnGreAndIPLikeScapy()
    {
        // bytes(IP(src=S, dst=D)/GRE()/MPLS(label=16, ttl=64)/IP(src='198.19.0.1', dst='198.19.0.2'))
        const string gre = "4500003000010000402fee76c6120001c6120002000088470001014045000014000100004000eebfc6130001c6130002";
        Assert.Equal(gre, Build(new IPv4 { Source = S, Destination = D }, new Gre(), new Mpls { Label = 16, TimeToLive = 64 }, new IPv4 { Source = InnerS, Destination = InnerD }));
        Assert.Equal(new[] { "IPv4", "Gre", "Mpls", "IPv4" }, Names(Dissect(gre)));
        // bytes(IP(src=S, dst=D)/MPLS(label=16, ttl=64)/IP(src='198.19.0.1', dst='198.19.0.2')): MPLS in IP, protocol 137
        const string inIp = "4500002c000100004089ee20c6120001c61200020001014045000014000100004000eebfc6130001c6130002";
        Assert.Equal(inIp, Build(new IPv4 { Source = S, Destination = D }, new Mpls { Label = 16, TimeToLive = 64 }, new IPv4 { Source = InnerS, Destination = InnerD }));
        Assert.Equal(new[] { "IPv4", "Mpls", "IPv4" }, Names(Dissect(inIp)));
    }

    [Fact]
    public void ThePayloadIsGuessedAsScapyGuessesIt()
    {
        // bytes(Ether(src=A, dst=B)/MPLS(label=1000, ttl=255)/Ether(src=B, dst=A)/IP(src=S, dst=D)): Scapy reads Ether, MPLS, Ether, IP
        const string pw = "0200000000020200000000018847003e81ff020000000001020000000002080045000014000100004000eec1c6120001c6120002";
        Assert.Equal(pw, Build(Frame(), new Mpls { Label = 1000, TimeToLive = 255 }, new Ethernet { Source = MacB, Destination = MacA }, new IPv4 { Source = S, Destination = D }));
        var p = Dissect(pw, LinkType.Ethernet);
        Assert.Equal(new[] { "Ethernet", "Mpls", "Ethernet", "IPv4" }, Names(p));
        Assert.Equal(1000u, p.Get<Mpls>()!.Label);
        // IPv6 by its first nibble
        Assert.Equal(new[] { "Ethernet", "Mpls", "IPv6" },
            Names(Dissect("0200000000020200000000018847" + "000021006000000000003b4020010db800000000000000000000000120010db8000000000000000000000002", LinkType.Ethernet)));
        // a zero control word, and a payload too short for a frame: Raw
        Assert.Equal(new[] { "Ethernet", "Mpls", "Raw" }, Names(Dissect("0200000000020200000000018847" + "003e81ff" + "0000000102030405060708090a0b0c0d", LinkType.Ethernet)));
        Assert.Equal(new[] { "Ethernet", "Mpls", "Raw" }, Names(Dissect("0200000000020200000000018847" + "003e81ff" + "abcdef", LinkType.Ethernet)));
        // nothing after the bottom entry
        Assert.Equal(new[] { "Ethernet", "Mpls" }, Names(Dissect("0200000000020200000000018847" + "003e81ff", LinkType.Ethernet)));
    }

    [Fact]
    public void TruncatedMplsIsMalformedNotAnException()
    {
        var p = Dissect("0200000000020200000000018847" + "003e", LinkType.Ethernet);
        Assert.True(p.IsMalformed);
        Assert.Contains("Mpls header truncated: 2 of 4 bytes", p.MalformedReason);
        Assert.Equal(new[] { "Ethernet", "Raw" }, Names(p));
        // the second entry of a stack cut short
        var stack = Dissect("0200000000020200000000018847" + "00010040" + "0001", LinkType.Ethernet);
        Assert.True(stack.IsMalformed);
        Assert.Equal(new[] { "Ethernet", "Mpls", "Raw" }, Names(stack));
    }
}
