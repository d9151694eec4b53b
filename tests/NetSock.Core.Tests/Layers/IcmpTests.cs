using System.Net;
using NetSock.Packets;
using NetSock.Packets.Layers;
using static NetSock.Tests.Layers.Golden;

namespace NetSock.Tests.Layers;

public class IcmpTests
{
    [Fact]
    public void DefaultsMatchScapy()
    {
        // bytes(IP(src='198.18.0.1', dst='198.18.0.2')/ICMP()): echo-request, id 0, seq 0
        Assert.Equal("4500001c000100004001eeb8c6120001c61200020800f7ff00000000", Build(new IPv4 { Source = S, Destination = D }, new Icmp()));
        // bytes(ICMP())
        Assert.Equal("0800f7ff00000000", Build(new Icmp()));
    }

    [Fact]
    public void EchoWithFieldsSetMatchesScapy()
    {
        // bytes(IP(src='198.18.0.1', dst='198.18.0.2', ttl=3)/ICMP(id=0x1234, seq=7)/b'ping')
        Assert.Equal("450000200001000003012bb5c6120001c6120002080006f41234000770696e67",
            Build(new IPv4 { Source = S, Destination = D, TimeToLive = 3 }, new Icmp { Id = 0x1234, Seq = 7 }, new Raw { Load = "ping"u8.ToArray() }));
        // bytes(IP(src='198.18.0.2', dst='198.18.0.1')/ICMP(type=0, id=0x1234, seq=7)/b'ping')
        Assert.Equal("45000020000100004001eeb4c6120002c612000100000ef41234000770696e67",
            Build(new IPv4 { Source = D, Destination = S }, new Icmp { Type = 0, Id = 0x1234, Seq = 7 }, new Raw { Load = "ping"u8.ToArray() }));
    }

    [Fact]
    public void AWrongChecksumIsSentVerbatim()
    {
        // bytes(IP(src='198.18.0.1', dst='198.18.0.2')/ICMP(chksum=0xdead, id=1, seq=1))
        const string hex = "4500001c000100004001eeb8c6120001c61200020800dead00010001";
        Assert.Equal(hex, Build(new IPv4 { Source = S, Destination = D }, new Icmp { Checksum = 0xDEAD, Id = 1, Seq = 1 }));
        Assert.Equal((ushort)0xDEAD, Dissect(hex).Get<Icmp>()!.Checksum);
    }

    [Fact]
    public void DissectingAnEchoGivesTheFieldsBack()
    {
        var p = Dissect("450000200001000003012bb5c6120001c6120002080006f41234000770696e67");
        Assert.False(p.IsMalformed);
        Assert.Equal(new[] { "IPv4", "Icmp", "Raw" }, Names(p));
        var icmp = p.Get<Icmp>()!;
        Assert.Equal(8, icmp.Type);
        Assert.Equal(0, icmp.Code);
        Assert.Equal((ushort)0x06f4, icmp.Checksum);
        Assert.Equal(0x1234, icmp.Id);
        Assert.Equal(7, icmp.Seq);
        Assert.Equal("ICMP echo-request id 4660 seq 7", icmp.Summary);
        Assert.Equal((byte)1, p.Get<IPv4>()!.Protocol);
    }

    [Fact]
    public void PortUnreachableQuotesTheDatagramAsAPacketOfItsOwn()
    {
        // bytes(IP(src='198.18.0.2', dst='198.18.0.1')/ICMP(type=3, code=3)/IP(src='198.18.0.1', dst='198.18.0.2')/UDP(sport=40000, dport=53)/b'q')
        const string hex = "45000039000100004001ee9bc6120002c61200010303893f000000004500001d000100004011eea7c6120001c61200029c4000350009663e71";
        var built = Packet.FromLayers(new Layer[] { new IPv4 { Source = D, Destination = S }, new Icmp { Type = 3, Code = 3 },
            new IPv4 { Source = S, Destination = D }, new Udp { SourcePort = 40000, DestinationPort = 53 }, new Raw { Load = "q"u8.ToArray() } });
        Assert.Equal(hex, Hex(built));
        var p = Dissect(hex);
        foreach (var error in new[] { built, p })
        {
            // Scapy: IP / ICMP / IPerror / UDPerror / Raw, and pkt[UDP] finds nothing: the quote is not the packet's own.
            Assert.False(error.IsMalformed);
            Assert.Equal(new[] { "IPv4", "Icmp" }, Names(error));
            Assert.Equal("IPv4/Icmp/IPv4 in Icmp/Udp in Icmp/Raw in Icmp", Flat(error));
            Assert.Null(error.Get<Udp>());
            Assert.Null(error["Udp"]);
            Assert.False(error.Has("Raw"));
            Assert.Equal("ICMP", error.Protocol);                    // tshark's _ws.col.Protocol
            Assert.StartsWith("Destination unreachable (Port unreachable)", error.Info);   // tshark's Info, from the ICMP header, not the quote
            Assert.Equal(D.ToString(), error.Source);      // the error's own addresses, not the quoted datagram's
            Assert.Equal(S.ToString(), error.Destination);
            var quoted = error.Get<Icmp>()!.Quoted!;
            Assert.Equal(S, quoted.Get<IPv4>()!.Source);
            Assert.Equal(D, quoted.Get<IPv4>()!.Destination);
            Assert.Equal(40000, quoted.Get<Udp>()!.SourcePort);
            Assert.Equal(53, quoted.Get<Udp>()!.DestinationPort);
        }
        Assert.True(p.Get<Icmp>()!.IsError);
        Assert.Equal(8 + 29, p.Get<Icmp>()!.HeaderLength);
        Assert.Equal("ICMP dest-unreach port-unreachable", p.Get<Icmp>()!.Summary);
    }

    [Fact]
    public void LayersStackedOnACraftedErrorGoIntoItsQuote()
    {
        // New-Packet IPv4 | New-Packet Icmp -Type 3 -Code 3 | New-Packet IPv4 | New-Packet Udp: each stacks on the top.
        var error = Packet.FromLayers(new Layer[] { new IPv4 { Source = D, Destination = S }, new Icmp { Type = 3, Code = 3 } })
            .Stack(new IPv4 { Source = S, Destination = D }).Stack(new Udp { SourcePort = 40000, DestinationPort = 53 }).Stack(new Raw { Load = "q"u8.ToArray() });
        Assert.Equal("IPv4/Icmp/IPv4 in Icmp/Udp in Icmp/Raw in Icmp", Flat(error));
        Assert.Equal("45000039000100004001ee9bc6120002c61200010303893f000000004500001d000100004011eea7c6120001c61200029c4000350009663e71", Hex(error));
        // An echo's payload stays the packet's own.
        Assert.Equal(new[] { "IPv4", "Icmp", "Raw" }, Names(Packet.FromLayers(new Layer[] { new IPv4 { Destination = D }, new Icmp(), new Raw { Load = new byte[] { 1 } } })));
    }

    [Fact]
    public void AChangeInsideTheQuoteRebuildsTheError()
    {
        var p = Dissect("45000039000100004001ee9bc6120002c61200010303893f000000004500001d000100004011eea7c6120001c61200029c4000350009663e71");
        var copy = Packet.FromLayers(p.Layers);
        p.Get<Icmp>()!.Quoted!.Get<Udp>()!.DestinationPort = 54;
        // The decoded checksums are kept as they were (set values are sent verbatim): only the quoted port changes.
        Assert.Equal("45000039000100004001ee9bc6120002c61200010303893f000000004500001d000100004011eea7c6120001c61200029c4000360009663e71", Hex(p));
        Assert.Equal(53, Quote(copy).Get<Udp>()!.DestinationPort);     // a copy owns its quote
    }

    [Fact]
    public void TimeExceededQuotesTheDatagramAsIPv4AndTcp()
    {
        // bytes(IP(src='198.18.0.2', dst='198.18.0.1')/ICMP(type=11)/IP(src='198.18.0.1', dst='198.18.0.2', ttl=1)/TCP(sport=40000, dport=443, flags='S', seq=1000))
        const string hex = "45000044000100004001ee90c6120002c61200010b00814200000000450000280001000001062da8c6120001c61200029c4001bb000003e8000000005002200061d70000";
        Assert.Equal(hex, Build(new IPv4 { Source = D, Destination = S }, new Icmp { Type = 11 },
            new IPv4 { Source = S, Destination = D, TimeToLive = 1 }, new Tcp { SourcePort = 40000, DestinationPort = 443, SequenceNumber = 1000 }));
        var p = Dissect(hex);
        Assert.False(p.IsMalformed);
        Assert.Equal("IPv4/Icmp/IPv4 in Icmp/Tcp in Icmp", Flat(p));
        Assert.Null(p.Get<Tcp>());
        Assert.Equal(1000u, Quote(p).Get<Tcp>()!.SequenceNumber);
        Assert.Equal((byte)1, Quote(p).Get<IPv4>()!.TimeToLive);
    }

    [Fact]
    public void AQuoteCutAfterEightBytesKeepsThePortsAndSequenceAndIsNotMalformed()
    {
        // RFC 792 quotes the IP header and 64 bits of the datagram: the TCP header is cut short, which is how the quote
        // ends, not a malformed packet. As Scapy's TCPerror, the fields before the cut are read.
        // bytes(IP(src='198.18.0.2', dst='198.18.0.1')/ICMP(type=11)/raw(IP(src='198.18.0.1', dst='198.18.0.2', ttl=1)/TCP(sport=40000, dport=443, flags='S', seq=1000))[:28])
        const string hex = "45000038000100004001ee9cc6120002c61200010b00531c00000000450000280001000001062da8c6120001c61200029c4001bb000003e8";
        Assert.Equal(hex, Build(new IPv4 { Source = D, Destination = S }, new Icmp { Type = 11 }, new Raw { Load = Convert.FromHexString(hex[56..]) }));
        var p = Dissect(hex);
        Assert.False(p.IsMalformed);
        Assert.Null(p.MalformedReason);
        Assert.Equal("IPv4/Icmp/IPv4 in Icmp/Tcp in Icmp", Flat(p));
        var quote = Quote(p);
        Assert.False(quote.IsMalformed);
        Assert.Equal((ushort)40, quote.Get<IPv4>()!.TotalLength);   // the original datagram's length, as quoted
        var tcp = quote.Get<Tcp>()!;
        Assert.Equal(8, tcp.CutLength);
        Assert.Equal(40000, tcp.SourcePort);
        Assert.Equal(443, tcp.DestinationPort);
        Assert.Equal(1000u, tcp.SequenceNumber);
        Assert.Null(tcp["ack"]);
        Assert.Null(tcp["Flags"]);
        // A change elsewhere rebuilds the quote as it came: the TCP header stays cut at 8 bytes.
        p.Get<IPv4>()!.TimeToLive = 63;
        Assert.Equal(hex[..16] + "3f01" + hex[20..], Hex(p));
    }

    [Fact]
    public void AQuoteThatIsWrongRatherThanShortMakesTheErrorMalformed()
    {
        // the quoted IPv4 header says IHL 3 (12 bytes): wrong, not cut short
        var p = Dissect("45000030000100004001eea4c6120002c61200010b00000000000000" + "430000280001000001062da8c6120001c6120002");
        Assert.True(p.IsMalformed);
        Assert.Contains("below the minimum", p.MalformedReason);
        Assert.Contains("quotes is malformed", p.MalformedReason);
        Assert.Equal(new[] { "Raw" }, Names(Quote(p)));
    }

    [Fact]
    public void TheOtherTypesRestOfHeaderViewsMatchScapy()
    {
        // bytes(ICMP(type=3, code=4, nexthopmtu=1400))
        Assert.Equal("0304f78300000578", Build(new Icmp { Type = 3, Code = 4, NextHopMtu = 1400 }));
        // bytes(ICMP(type=5, code=1, gw='198.18.0.9'))
        Assert.Equal("050134e3c6120009", Build(new Icmp { Type = 5, Code = 1, Gateway = IPAddress.Parse("198.18.0.9") }));
        // bytes(ICMP(type=12, ptr=20))
        Assert.Equal("0c00dfff14000000", Build(new Icmp { Type = 12, Pointer = 20 }));
        // bytes(ICMP(type=11, length=3))   (RFC 4884 length)
        Assert.Equal("0b00f4fc00030000", Build(new Icmp { Type = 11, QuotedLength = 3 }));

        var redirect = Dissect("4500001c000100004001eeb8c6120001c6120002" + "050134e3c6120009").Get<Icmp>()!;
        Assert.Equal(IPAddress.Parse("198.18.0.9"), redirect.Gateway);
        Assert.Equal(0xc6120009u, redirect.RestOfHeader);
        Assert.Equal("ICMP redirect code 1 to 198.18.0.9", redirect.Summary);
    }

    [Fact]
    public void AnIcmpHeaderCutShortKeepsTheFieldsBeforeTheCut()
    {
        // tshark: "ICMP 23 [Malformed Packet]"; NetSock keeps Type, Code and Checksum, the 4 bytes that are whole.
        var p = Dissect("4500001c000100004001eeb8c6120001c6120002" + "0800f7ff00");
        Assert.True(p.IsMalformed);
        Assert.Equal("Icmp header truncated: 5 of 8 bytes", p.MalformedReason);
        Assert.Equal(new[] { "IPv4", "Icmp" }, Names(p));
        var icmp = p.Get<Icmp>()!;
        Assert.Equal(5, icmp.CutLength);
        Assert.Equal((byte)8, icmp["type"]);
        Assert.Equal((byte)0, icmp["code"]);
        Assert.Equal((ushort)0xf7ff, icmp["chksum"]);
        Assert.Null(icmp["id"]);
        Assert.Null(icmp["seq"]);
        var cutAt3 = Dissect("4500001c000100004001eeb8c6120001c6120002" + "0800f7");
        Assert.True(cutAt3.IsMalformed);
        Assert.Equal("Icmp header truncated: 3 of 8 bytes", cutAt3.MalformedReason);
        Assert.Equal((byte)8, cutAt3.Get<Icmp>()!.Type);
        Assert.Equal((byte)0, cutAt3.Get<Icmp>()!.Code);
        Assert.Null(cutAt3.Get<Icmp>()!["chksum"]);
        Assert.Equal("4500001c000100004001eeb8c6120001c6120002" + "0800f7", Hex(cutAt3));
    }
}
