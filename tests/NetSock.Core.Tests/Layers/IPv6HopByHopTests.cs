using System.Net;
using NetSock.Packets;
using NetSock.Packets.Layers;
using static NetSock.Tests.Layers.Golden;

namespace NetSock.Tests.Layers;

public class IPv6HopByHopTests
{
    [Fact]
    public void DefaultsMatchScapy()
    {
        // bytes(IPv6ExtHdrHopByHop()): next header 59, length 0, padded with PadN (01 04 00000000)
        Assert.Equal("3b00010400000000", Build(new IPv6HopByHop()));
        // bytes(IPv6(src='::1', dst='::1')/IPv6ExtHdrHopByHop()): IPv6's next header is 0
        Assert.Equal("600000000008004000000000000000000000000000000001000000000000000000000000000000013b00010400000000",
            Build(new IPv6 { Source = IPAddress.IPv6Loopback }, new IPv6HopByHop()));
    }

    [Fact]
    public void RouterAlertWithIcmpV6AboveMatchesScapy()
    {
        // bytes(IPv6(src='fe80::1', dst='ff02::16', hlim=1)/IPv6ExtHdrHopByHop(options=RouterAlert())/ICMPv6EchoRequest(id=1, seq=1))
        // The ICMPv6 checksum takes the IPv6 addresses across the extension header.
        const string hex = "6000000000100001fe800000000000000000000000000001ff0200000000000000000000000000163a000502000001008000822000010001";
        Assert.Equal(hex, Build(new IPv6 { Source = IPAddress.Parse("fe80::1"), Destination = IPAddress.Parse("ff02::16"), HopLimit = 1 },
            new IPv6HopByHop { Options = Convert.FromHexString("05020000") }, new IcmpV6 { Id = 1, Seq = 1 }));
        var p = Dissect(hex);
        Assert.False(p.IsMalformed);
        Assert.Equal(new[] { "IPv6", "IPv6HopByHop", "IcmpV6" }, Names(p));
        var hbh = p.Get<IPv6HopByHop>()!;
        Assert.Equal((byte)58, hbh.NextHeader);
        Assert.Equal((byte)0, hbh.Length);
        Assert.Equal(Convert.FromHexString("050200000100"), hbh.Options);   // the padding is part of the options on the wire
        Assert.Equal((ushort)0x8220, p.Get<IcmpV6>()!.Checksum);
    }

    [Fact]
    public void OneByteOfPaddingIsPad1AndUdpAboveMatchesScapy()
    {
        // bytes(IPv6(src='2001:db8::1', dst='2001:db8::2')/IPv6ExtHdrHopByHop(options=[HBHOptUnknown(otype=0x1e, optdata=b'abc')])/UDP())
        const string hex = "600000000010004020010db800000000000000000000000120010db800000000000000000000000211001e0361626300003500350008a3ff";
        Assert.Equal(hex, Build(new IPv6 { Source = S6, Destination = D6 }, new IPv6HopByHop { Options = Convert.FromHexString("1e03616263") }, new Udp()));
        Assert.Equal(new[] { "IPv6", "IPv6HopByHop", "Udp" }, Names(Dissect(hex)));
    }

    [Fact]
    public void AWrongLengthIsSentVerbatim()
    {
        // bytes(IPv6(src='2001:db8::1', dst='2001:db8::2')/IPv6ExtHdrHopByHop(len=5)/UDP())
        const string hex = "600000000010004020010db800000000000000000000000120010db80000000000000000000000021105010400000000003500350008a3ff";
        Assert.Equal(hex, Build(new IPv6 { Source = S6, Destination = D6 }, new IPv6HopByHop { Length = 5 }, new Udp()));
        var p = Dissect(hex);
        Assert.True(p.IsMalformed);          // 48 bytes announced, 16 there
        Assert.Contains("IPv6HopByHop header truncated: 16 of 48 bytes", p.MalformedReason);
    }

    [Fact]
    public void TruncatedHopByHopIsMalformedNotAnException()
    {
        var p = Dissect("600000000006004000000000000000000000000000000001000000000000000000000000000000013b0001040000");
        Assert.True(p.IsMalformed);
        Assert.Contains("IPv6HopByHop header truncated: 6 of 8 bytes", p.MalformedReason);
        Assert.Equal(new[] { "IPv6", "Raw" }, Names(p));
        Assert.True(Dissect("600000000001004000000000000000000000000000000001000000000000000000000000000000013b").IsMalformed);
    }
}
