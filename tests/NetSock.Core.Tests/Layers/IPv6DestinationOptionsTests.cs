using NetSock.Packets;
using NetSock.Packets.Layers;
using static NetSock.Tests.Layers.Golden;

namespace NetSock.Tests.Layers;

public class IPv6DestinationOptionsTests
{
    [Fact]
    public void DefaultsMatchScapy()
    {
        // bytes(IPv6ExtHdrDestOpt())
        Assert.Equal("3b00010400000000", Build(new IPv6DestinationOptions()));
    }

    [Fact]
    public void OptionsWithTcpAboveMatchScapy()
    {
        // bytes(IPv6(src='2001:db8::1', dst='2001:db8::2')/IPv6ExtHdrDestOpt(options=[HBHOptUnknown(otype=0x1e, optdata=b'abcde')])/TCP())
        // 2 + 7 bytes of option: PadN of 7 to 16 bytes, length 1; the TCP checksum takes the IPv6 addresses.
        const string hex = "6000000000243c4020010db800000000000000000000000120010db800000000000000000000000206011e0561626364650105000000000000140050000000000000000050022000340a0000";
        Assert.Equal(hex, Build(new IPv6 { Source = S6, Destination = D6 }, new IPv6DestinationOptions { Options = Convert.FromHexString("1e056162636465") }, new Tcp()));
        var p = Dissect(hex);
        Assert.False(p.IsMalformed);
        Assert.Equal(new[] { "IPv6", "IPv6DestinationOptions", "Tcp" }, Names(p));
        var dst = p.Get<IPv6DestinationOptions>()!;
        Assert.Equal((byte)6, dst.NextHeader);
        Assert.Equal((byte)1, dst.Length);
        Assert.Equal(14, dst.Options.Length);
        Assert.Equal((byte)60, p.Get<IPv6>()!.NextHeader);
    }

    [Fact]
    public void AWrongNextHeaderIsSentVerbatim()
    {
        // bytes(IPv6(src='2001:db8::1', dst='2001:db8::2')/IPv6ExtHdrDestOpt(nh=250)/UDP())
        const string hex = "6000000000103c4020010db800000000000000000000000120010db8000000000000000000000002fa00010400000000003500350008a3ff";
        Assert.Equal(hex, Build(new IPv6 { Source = S6, Destination = D6 }, new IPv6DestinationOptions { NextHeader = 250 }, new Udp()));
        Assert.Equal(new[] { "IPv6", "IPv6DestinationOptions", "Raw" }, Names(Dissect(hex)));
    }

    [Fact]
    public void AChainOfExtensionHeadersNumbersEachNextHeaderLikeScapy()
    {
        // bytes(IPv6(src='2001:db8::1', dst='2001:db8::2')/IPv6ExtHdrHopByHop()/IPv6ExtHdrDestOpt()/IPv6ExtHdrRouting(segleft=0)/IPv6ExtHdrFragment(id=9)/UDP()/b'x')
        const string hex = "600000000029004020010db800000000000000000000000120010db80000000000000000000000023c000104000000002b000104000000002c0000000000000011000000000000090035003500092bfd78";
        Assert.Equal(hex, Build(new IPv6 { Source = S6, Destination = D6 }, new IPv6HopByHop(), new IPv6DestinationOptions(), new IPv6Routing { SegmentsLeft = 0 },
            new IPv6Fragment { Identification = 9 }, new Udp(), new Raw { Load = "x"u8.ToArray() }));
        var p = Dissect(hex);
        Assert.False(p.IsMalformed);
        Assert.Equal(new[] { "IPv6", "IPv6HopByHop", "IPv6DestinationOptions", "IPv6Routing", "IPv6Fragment", "Udp", "Raw" }, Names(p));
    }

    [Fact]
    public void TruncatedDestinationOptionsIsMalformedNotAnException()
    {
        var p = Dissect("6000000000103c4020010db800000000000000000000000120010db800000000000000000000000206011e056162636465");
        Assert.True(p.IsMalformed);
        Assert.Contains("IPv6DestinationOptions header truncated: 9 of 16 bytes", p.MalformedReason);
        Assert.Equal(new[] { "IPv6", "Raw" }, Names(p));
    }
}
