using System.Net;
using NetSock.Packets;
using NetSock.Packets.Layers;
using static NetSock.Tests.Layers.Golden;

namespace NetSock.Tests.Layers;

public class IcmpV6Tests
{
    [Fact]
    public void DefaultsMatchScapysEchoRequest()
    {
        // bytes(IPv6(src='::1', dst='::1')/ICMPv6EchoRequest()): type 128, code 0, id 0, seq 0
        Assert.Equal("6000000000083a40000000000000000000000000000000010000000000000000000000000000000180007fbb00000000",
            Build(new IPv6 { Source = IPAddress.IPv6Loopback }, new IcmpV6()));
    }

    [Fact]
    public void EchoWithFieldsSetMatchesScapy()
    {
        // bytes(IPv6(src='2001:db8::1', dst='2001:db8::2')/ICMPv6EchoRequest(id=0x1234, seq=2, data=b'data'))
        Assert.Equal("60000000000c3a4020010db800000000000000000000000120010db80000000000000000000000028000394b1234000264617461",
            Build(new IPv6 { Source = S6, Destination = D6 }, new IcmpV6 { Id = 0x1234, Seq = 2 }, new Raw { Load = "data"u8.ToArray() }));
        // bytes(IPv6(src='2001:db8::2', dst='2001:db8::1')/ICMPv6EchoReply(id=0x1234, seq=2, data=b'data'))
        Assert.Equal("60000000000c3a4020010db800000000000000000000000220010db80000000000000000000000018100384b1234000264617461",
            Build(new IPv6 { Source = D6, Destination = S6 }, new IcmpV6 { Type = 129, Id = 0x1234, Seq = 2 }, new Raw { Load = "data"u8.ToArray() }));
    }

    [Fact]
    public void AWrongChecksumIsSentVerbatim()
    {
        // bytes(IPv6(src='2001:db8::1', dst='2001:db8::2')/ICMPv6EchoRequest(cksum=0xbeef))
        const string hex = "6000000000083a4020010db800000000000000000000000120010db80000000000000000000000028000beef00000000";
        Assert.Equal(hex, Build(new IPv6 { Source = S6, Destination = D6 }, new IcmpV6 { Checksum = 0xBEEF }));
        Assert.Equal((ushort)0xBEEF, Dissect(hex).Get<IcmpV6>()!.Checksum);
    }

    [Fact]
    public void DissectingAnEchoGivesTheFieldsBack()
    {
        var p = Dissect("60000000000c3a4020010db800000000000000000000000220010db80000000000000000000000018100384b1234000264617461");
        Assert.False(p.IsMalformed);
        Assert.Equal(new[] { "IPv6", "IcmpV6", "Raw" }, Names(p));
        var icmp = p.Get<IcmpV6>()!;
        Assert.Equal(129, icmp.Type);
        Assert.Equal((ushort)0x384b, icmp.Checksum);
        Assert.Equal(0x1234, icmp.Id);
        Assert.Equal(2, icmp.Seq);
        Assert.Equal("ICMPv6 echo-reply id 4660 seq 2", icmp.Summary);
        Assert.Equal((byte)58, p.Get<IPv6>()!.NextHeader);
    }

    [Fact]
    public void PortUnreachableQuotesThePacketAsIPv6AndUdp()
    {
        // bytes(IPv6(src='2001:db8::2', dst='2001:db8::1')/ICMPv6DestUnreach(code=4)/IPv6(src='2001:db8::1', dst='2001:db8::2')/UDP(sport=40000, dport=53)/b'q')
        const string hex = "6000000000393a4020010db800000000000000000000000220010db8000000000000000000000001010431e400000000600000000009114020010db800000000000000000000000120010db80000000000000000000000029c400035000996f171";
        Assert.Equal(hex, Build(new IPv6 { Source = D6, Destination = S6 }, new IcmpV6 { Type = 1, Code = 4 },
            new IPv6 { Source = S6, Destination = D6 }, new Udp { SourcePort = 40000, DestinationPort = 53 }, new Raw { Load = "q"u8.ToArray() }));
        var p = Dissect(hex);
        Assert.False(p.IsMalformed);
        Assert.Equal("IPv6/IcmpV6/IPv6 in IcmpV6/Udp in IcmpV6/Raw in IcmpV6", Flat(p));
        Assert.True(p.Get<IcmpV6>()!.IsError);
        Assert.Null(p.Get<Udp>());
        Assert.Equal("ICMPv6", p.Protocol);
        Assert.Equal(S6, Quote(p).Get<IPv6>()!.Source);
        Assert.Equal(53, Quote(p).Get<Udp>()!.DestinationPort);
    }

    [Fact]
    public void PacketTooBigQuotesThePacketAsIPv6AndTcp()
    {
        // bytes(IPv6(src='2001:db8::2', dst='2001:db8::1')/ICMPv6PacketTooBig(mtu=1280)/IPv6(src='2001:db8::1', dst='2001:db8::2')/TCP(sport=40000, dport=443))
        const string hex = "6000000000443a4020010db800000000000000000000000220010db8000000000000000000000001020036d200000500600000000014064020010db800000000000000000000000120010db80000000000000000000000029c4001bb00000000000000005002200096720000";
        Assert.Equal(hex, Build(new IPv6 { Source = D6, Destination = S6 }, new IcmpV6 { Type = 2, Mtu = 1280 },
            new IPv6 { Source = S6, Destination = D6 }, new Tcp { SourcePort = 40000, DestinationPort = 443 }));
        var p = Dissect(hex);
        Assert.False(p.IsMalformed);
        Assert.Equal("IPv6/IcmpV6/IPv6 in IcmpV6/Tcp in IcmpV6", Flat(p));
        Assert.Equal(1280u, p.Get<IcmpV6>()!.Mtu);
        Assert.Equal("ICMPv6 packet-too-big mtu 1280", p.Get<IcmpV6>()!.Summary);
        Assert.Equal(443, Quote(p).Get<Tcp>()!.DestinationPort);
    }

    [Fact]
    public void AQuoteCutMidHeaderIsNotMalformed()
    {
        // bytes(IPv6(src='2001:db8::2', dst='2001:db8::1')/ICMPv6TimeExceeded()/raw(IPv6(src='2001:db8::1', dst='2001:db8::2', hlim=1)/TCP(sport=40000, dport=443))[:48])
        var p = Dissect("6000000000383a4020010db800000000000000000000000220010db80000000000000000000000010300419200000000600000000014060120010db800000000000000000000000120010db80000000000000000000000029c4001bb00000000");
        Assert.False(p.IsMalformed);
        Assert.Equal("IPv6/IcmpV6/IPv6 in IcmpV6/Tcp in IcmpV6", Flat(p));
        var tcp = Quote(p).Get<Tcp>()!;
        Assert.Equal((8, (ushort)40000, (ushort)443, 0u), (tcp.CutLength, tcp.SourcePort, tcp.DestinationPort, tcp.SequenceNumber));
        Assert.Null(tcp["AcknowledgmentNumber"]);
    }

    [Fact]
    public void ParameterProblemPointerMatchesScapy()
    {
        // bytes(IPv6(src='2001:db8::2', dst='2001:db8::1')/ICMPv6ParamProblem(code=1, ptr=40)/IPv6(src='2001:db8::1', dst='2001:db8::2', nh=200))
        const string hex = "6000000000303a4020010db800000000000000000000000220010db800000000000000000000000104011c4100000028600000000000c84020010db800000000000000000000000120010db8000000000000000000000002";
        Assert.Equal(hex, Build(new IPv6 { Source = D6, Destination = S6 }, new IcmpV6 { Type = 4, Code = 1, Pointer = 40 }, new IPv6 { Source = S6, Destination = D6, NextHeader = 200 }));
        var p = Dissect(hex);
        Assert.Equal(40u, p.Get<IcmpV6>()!.Pointer);
        Assert.Equal("IPv6/IcmpV6/IPv6 in IcmpV6", Flat(p));
    }

    [Fact]
    public void NeighborSolicitationCarriesTheTargetAndOptionsAsRaw()
    {
        // bytes(IPv6(src='fe80::1', dst='ff02::1:ff00:2', hlim=255)/ICMPv6ND_NS(tgt='2001:db8::2')/ICMPv6NDOptSrcLLAddr(lladdr='02:00:00:00:00:01'))
        const string hex = "6000000000203afffe800000000000000000000000000001ff0200000000000000000001ff00000287004b5f0000000020010db80000000000000000000000020101020000000001";
        Assert.Equal(hex, Build(new IPv6 { Source = IPAddress.Parse("fe80::1"), Destination = IPAddress.Parse("ff02::1:ff00:2"), HopLimit = 255 },
            new IcmpV6 { Type = 135, Target = D6 }, new Raw { Load = Convert.FromHexString("0101020000000001") }));
        var p = Dissect(hex);
        Assert.False(p.IsMalformed);
        Assert.Equal(new[] { "IPv6", "IcmpV6", "Raw" }, Names(p));
        var ns = p.Get<IcmpV6>()!;
        Assert.Equal(D6, ns.Target);
        Assert.Equal(0u, ns.RestOfHeader);
        Assert.Equal("ICMPv6 neighbor-solicitation who-has 2001:db8::2", ns.Summary);
    }

    [Fact]
    public void NeighborAdvertisementFlagsMatchScapy()
    {
        // bytes(IPv6(src='2001:db8::2', dst='2001:db8::1', hlim=255)/ICMPv6ND_NA(tgt='2001:db8::2', R=0, S=1, O=1))
        const string hex = "6000000000183aff20010db800000000000000000000000220010db800000000000000000000000188008e7c6000000020010db8000000000000000000000002";
        Assert.Equal(hex, Build(new IPv6 { Source = D6, Destination = S6, HopLimit = 255 }, new IcmpV6 { Type = 136, Solicited = true, Override = true, Target = D6 }));
        // bytes(IPv6(src='2001:db8::2', dst='2001:db8::1', hlim=255)/ICMPv6ND_NA(tgt='2001:db8::2')): Scapy's NA defaults R=1, O=1
        // are not this layer's (one layer, one set of defaults): set them.
        Assert.Equal("6000000000183aff20010db800000000000000000000000220010db800000000000000000000000188004e7ca000000020010db8000000000000000000000002",
            Build(new IPv6 { Source = D6, Destination = S6, HopLimit = 255 }, new IcmpV6 { Type = 136, Router = true, Override = true, Target = D6 }));
        var na = Dissect(hex).Get<IcmpV6>()!;
        Assert.False(na.Router);
        Assert.True(na.Solicited);
        Assert.True(na.Override);
        Assert.Equal(0x6000, na.Id);
        Assert.Equal("ICMPv6 neighbor-advertisement tgt is 2001:db8::2 [SO]", na.Summary);
    }

    [Fact]
    public void AnIcmpV6HeaderCutShortKeepsTheFieldsBeforeTheCut()
    {
        // a Neighbor Solicitation cut inside its target address: type, code, checksum and the reserved word are whole
        var p = Dissect("6000000000103afffe800000000000000000000000000001ff0200000000000000000001ff00000287004b5f0000000020010db800000000");
        Assert.True(p.IsMalformed);
        Assert.Equal("IcmpV6 header truncated: 16 of 24 bytes", p.MalformedReason);
        Assert.Equal(new[] { "IPv6", "IcmpV6" }, Names(p));
        var ns = p.Get<IcmpV6>()!;
        Assert.Equal((byte)135, ns["type"]);
        Assert.Equal((ushort)0x4b5f, ns["cksum"]);
        Assert.Equal((ushort)0, ns["seq"]);
        Assert.Null(ns["tgt"]);
        var echo = Dissect("6000000000043a40000000000000000000000000000000010000000000000000000000000000000180007fbb");
        Assert.True(echo.IsMalformed);
        Assert.Equal("IcmpV6 header truncated: 4 of 8 bytes", echo.MalformedReason);
        Assert.Equal((byte)128, echo.Get<IcmpV6>()!.Type);
        Assert.Null(echo.Get<IcmpV6>()!["id"]);
    }
}
