using System.Net;
using NetSock.Packets;
using NetSock.Packets.Layers;
using static NetSock.Tests.Layers.Golden;

namespace NetSock.Tests.Layers;

public class GreTests
{
    private static readonly IPAddress InnerS = IPAddress.Parse("198.19.0.1");
    private static readonly IPAddress InnerD = IPAddress.Parse("198.19.0.2");

    [Fact]
    public void DefaultsMatchScapy()
    {
        // bytes(GRE())
        Assert.Equal("00000000", Build(new Gre()));
        // bytes(IP(src='198.18.0.1', dst='198.18.0.2')/GRE()/IP(src='198.19.0.1', dst='198.19.0.2'))
        Assert.Equal("4500002c00010000402fee7ac6120001c61200020000080045000014000100004000eebfc6130001c6130002",
            Build(new IPv4 { Source = S, Destination = D }, new Gre(), new IPv4 { Source = InnerS, Destination = InnerD }));
    }

    [Fact]
    public void KeyAndSequenceNumberMatchScapy()
    {
        // bytes(IP(src=S, dst=D)/GRE(key_present=1, key=5, seqnum_present=1, sequence_number=7)/IP(src='198.19.0.1', dst='198.19.0.2'))
        // Setting Key and SequenceNumber is enough: their present flags are auto.
        const string hex = "4500003400010000402fee72c6120001c612000230000800000000050000000745000014000100004000eebfc6130001c6130002";
        Assert.Equal(hex, Build(new IPv4 { Source = S, Destination = D }, new Gre { Key = 5, SequenceNumber = 7 }, new IPv4 { Source = InnerS, Destination = InnerD }));
        Assert.Equal(hex, Build(new IPv4 { Source = S, Destination = D }, new Gre { KeyPresent = true, Key = 5, SequencePresent = true, SequenceNumber = 7 },
            new IPv4 { Source = InnerS, Destination = InnerD }));
        // bytes(GRE(key_present=1, key=0)/IP(src='198.19.0.1', dst='198.19.0.2')): a key of 0 is a key
        Assert.Equal("200008000000000045000014000100004000eebfc6130001c6130002", Build(new Gre { Key = 0 }, new IPv4 { Source = InnerS, Destination = InnerD }));
    }

    [Fact]
    public void ChecksumPresentComputesTheChecksumLikeScapy()
    {
        // bytes(IP(src=S, dst=D)/GRE(chksum_present=1)/IP(src='198.19.0.1', dst='198.19.0.2')/UDP())
        Assert.Equal("4500003800010000402fee6ec6120001c612000280000800044300004500001c000100004011eea6c6130001c6130002003500350008734a",
            Build(new IPv4 { Source = S, Destination = D }, new Gre { ChecksumPresent = true }, new IPv4 { Source = InnerS, Destination = InnerD }, new Udp()));
        // bytes(GRE(chksum_present=1))
        Assert.Equal("800000007fff0000", Build(new Gre { ChecksumPresent = true }));
    }

    [Fact]
    public void AWrongChecksumIsSentVerbatim()
    {
        // bytes(IP(src=S, dst=D)/GRE(chksum_present=1, chksum=0xdead)/IP(src='198.19.0.1', dst='198.19.0.2'))
        const string hex = "4500003000010000402fee76c6120001c612000280000800dead000045000014000100004000eebfc6130001c6130002";
        Assert.Equal(hex, Build(new IPv4 { Source = S, Destination = D }, new Gre { Checksum = 0xDEAD }, new IPv4 { Source = InnerS, Destination = InnerD }));
        Assert.Equal((ushort)0xDEAD, Dissect(hex).Get<Gre>()!.Checksum);
    }

    [Fact]
    public void OverIPv6AndCarryingIPv6MatchesScapy()
    {
        // bytes(IPv6(src='2001:db8::1', dst='2001:db8::2')/GRE()/IPv6(src='2001:db8:1::1', dst='2001:db8:1::2')/UDP())
        const string hex = "6000000000342f4020010db800000000000000000000000120010db8000000000000000000000002000086dd600000000008114020010db800010000000000000000000120010db8000100000000000000000002003500350008a3fd";
        Assert.Equal(hex, Build(new IPv6 { Source = S6, Destination = D6 }, new Gre(),
            new IPv6 { Source = IPAddress.Parse("2001:db8:1::1"), Destination = IPAddress.Parse("2001:db8:1::2") }, new Udp()));
        Assert.Equal(new[] { "IPv6", "Gre", "IPv6", "Udp" }, Names(Dissect(hex)));
    }

    [Fact]
    public void AnEthernetFrameRidesOnTransparentEthernetBridging()
    {
        // bytes(IP(src=S, dst=D)/GRE()/Ether(src=A, dst=B)/IP(src='198.19.0.1', dst='198.19.0.2'))
        const string hex = "4500003a00010000402fee6cc6120001c612000200006558020000000002020000000001080045000014000100004000eebfc6130001c6130002";
        Assert.Equal(hex, Build(new IPv4 { Source = S, Destination = D }, new Gre(), new Ethernet { Source = MacA, Destination = MacB },
            new IPv4 { Source = InnerS, Destination = InnerD }));
        var p = Dissect(hex);
        Assert.Equal(new[] { "IPv4", "Gre", "Ethernet", "IPv4" }, Names(p));
        Assert.Equal((ushort)0x6558, p.Get<Gre>()!.Protocol);
    }

    [Fact]
    public void DissectingGivesTheFieldsBack()
    {
        var p = Dissect("4500003400010000402fee72c6120001c612000230000800000000050000000745000014000100004000eebfc6130001c6130002");
        Assert.False(p.IsMalformed);
        Assert.Equal(new[] { "IPv4", "Gre", "IPv4" }, Names(p));
        var gre = p.Get<Gre>()!;
        Assert.Equal(false, gre.ChecksumPresent);
        Assert.Equal(true, gre.KeyPresent);
        Assert.Equal(true, gre.SequencePresent);
        Assert.Null(gre.Checksum);
        Assert.Equal(5u, gre.Key);
        Assert.Equal(7u, gre.SequenceNumber);
        Assert.Equal((ushort)0x0800, gre.Protocol);
        Assert.Equal(0, gre.Version);
        Assert.Equal("GREv0 proto 0x0800 key=0x5 seq 7", gre.Summary);
        Assert.Equal((byte)47, p.Get<IPv4>()!.Protocol);

        var withSum = Dissect("4500003800010000402fee6ec6120001c612000280000800044300004500001c000100004011eea6c6130001c6130002003500350008734a");
        Assert.Equal(new[] { "IPv4", "Gre", "IPv4", "Udp" }, Names(withSum));
        Assert.Equal((ushort)0x0443, withSum.Get<Gre>()!.Checksum);
        Assert.Equal(true, withSum.Get<Gre>()!.ChecksumPresent);
    }

    [Fact]
    public void TruncatedGreIsMalformedNotAnException()
    {
        // the K and S flags announce 8 more bytes; only 4 are there
        var p = Dissect("4500002000010000402fee7ec6120001c6120002" + "3000080000000005");
        Assert.True(p.IsMalformed);
        Assert.Contains("Gre header truncated: 8 of 12 bytes", p.MalformedReason);
        Assert.Equal(new[] { "IPv4", "Raw" }, Names(p));
    }
}
