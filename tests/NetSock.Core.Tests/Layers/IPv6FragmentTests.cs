using NetSock.Packets;
using NetSock.Packets.Layers;
using static NetSock.Tests.Layers.Golden;

namespace NetSock.Tests.Layers;

public class IPv6FragmentTests
{
    [Fact]
    public void DefaultsMatchScapy()
    {
        // bytes(IPv6ExtHdrFragment()): next header 59, offset 0, M 0, id 0
        Assert.Equal("3b00000000000000", Build(new IPv6Fragment()));
    }

    [Fact]
    public void AFirstFragmentWithUdpMatchesScapyAndDissectsTheUdp()
    {
        // bytes(IPv6(src='2001:db8::1', dst='2001:db8::2')/IPv6ExtHdrFragment(m=1, id=0x12345678)/UDP()/b'abcd')
        const string hex = "6000000000142c4020010db800000000000000000000000120010db8000000000000000000000002110000011234567800350035000cdf3061626364";
        Assert.Equal(hex, Build(new IPv6 { Source = S6, Destination = D6 }, new IPv6Fragment { MoreFragments = 1, Identification = 0x12345678 }, new Udp(), new Raw { Load = "abcd"u8.ToArray() }));
        var p = Dissect(hex);
        Assert.False(p.IsMalformed);
        Assert.Equal(new[] { "IPv6", "IPv6Fragment", "Udp", "Raw" }, Names(p));
        var frag = p.Get<IPv6Fragment>()!;
        Assert.Equal((byte)17, frag.NextHeader);
        Assert.Equal(1, frag.MoreFragments);
        Assert.Equal(0, frag.FragmentOffset);
        Assert.Equal(0x12345678u, frag.Identification);
        Assert.Equal((byte)44, p.Get<IPv6>()!.NextHeader);
    }

    [Fact]
    public void ALaterFragmentIsRawLikeScapy()
    {
        // bytes(IPv6(src='2001:db8::1', dst='2001:db8::2')/IPv6ExtHdrFragment(nh=17, offset=100, id=0x12345678)/b'12345678')
        const string hex = "6000000000102c4020010db800000000000000000000000120010db800000000000000000000000211000320123456783132333435363738";
        Assert.Equal(hex, Build(new IPv6 { Source = S6, Destination = D6 }, new IPv6Fragment { NextHeader = 17, FragmentOffset = 100, Identification = 0x12345678 },
            new Raw { Load = "12345678"u8.ToArray() }));
        var p = Dissect(hex);
        Assert.Equal(new[] { "IPv6", "IPv6Fragment", "Raw" }, Names(p));
        Assert.Equal(100, p.Get<IPv6Fragment>()!.FragmentOffset);
        Assert.Equal("IPv6 frag (0x12345678:800|)", p.Get<IPv6Fragment>()!.Summary);
    }

    [Fact]
    public void AWrongNextHeaderAndReservedBitsAreSentVerbatim()
    {
        // bytes(IPv6(src='2001:db8::1', dst='2001:db8::2')/IPv6ExtHdrFragment(nh=250, res1=1, res2=2, id=1)/UDP())
        const string hex = "6000000000102c4020010db800000000000000000000000120010db8000000000000000000000002fa01000400000001003500350008a3ff";
        Assert.Equal(hex, Build(new IPv6 { Source = S6, Destination = D6 }, new IPv6Fragment { NextHeader = 250, Reserved1 = 1, Reserved2 = 2, Identification = 1 }, new Udp()));
        var frag = Dissect(hex).Get<IPv6Fragment>()!;
        Assert.Equal(1, frag.Reserved1);
        Assert.Equal(2, frag.Reserved2);
    }

    [Fact]
    public void ValuesTooWideForTheirBitsAreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new IPv6Fragment { FragmentOffset = 8192 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new IPv6Fragment { MoreFragments = 2 });
    }

    [Fact]
    public void TruncatedFragmentHeaderIsMalformedNotAnException()
    {
        var p = Dissect("6000000000102c4020010db800000000000000000000000120010db8000000000000000000000002110000011234");
        Assert.True(p.IsMalformed);
        Assert.Contains("IPv6Fragment header truncated: 6 of 8 bytes", p.MalformedReason);
        Assert.Equal(new[] { "IPv6", "Raw" }, Names(p));
    }
}
