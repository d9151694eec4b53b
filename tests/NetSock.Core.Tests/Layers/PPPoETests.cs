using NetSock.Packets;
using NetSock.Packets.Layers;
using static NetSock.Tests.Layers.Golden;

namespace NetSock.Tests.Layers;

public class PPPoETests
{
    private static Ethernet Frame() => new() { Source = MacA, Destination = MacB };

    [Fact]
    public void DefaultsMatchScapy()
    {
        // bytes(PPPoE()), bytes(PPPoED())
        Assert.Equal("110000000000", Build(new PPPoE()));
        Assert.Equal("110900000000", Build(new PPPoED()));
        // bytes(PPP()): Scapy compresses the protocol field; NetSock does when asked
        Assert.Equal("21", Build(new Ppp { Compressed = true }));
        Assert.Equal("0021", Build(new Ppp()));
    }

    [Fact]
    public void ASessionCarryingIPv4MatchesScapy()
    {
        // bytes(Ether(src=A, dst=B)/PPPoE(sessionid=0x1234)/PPP()/IP(src=S, dst=D)/UDP())
        Assert.Equal("020000000002020000000001886411001234001d214500001c000100004011eea8c6120001c6120002003500350008734c",
            Build(Frame(), new PPPoE { SessionId = 0x1234 }, new Ppp { Compressed = true }, new IPv4 { Source = S, Destination = D }, new Udp()));
        // bytes(Ether(src=A, dst=B)/PPPoE(sessionid=0x1234)/Raw(load=b'\x00\x21')/IP(src=S, dst=D)/UDP()): the uncompressed protocol NetSock sends by default
        Assert.Equal("020000000002020000000001886411001234001e00214500001c000100004011eea8c6120001c6120002003500350008734c",
            Build(Frame(), new PPPoE { SessionId = 0x1234 }, new Ppp(), new IPv4 { Source = S, Destination = D }, new Udp()));
    }

    [Fact]
    public void ASessionCarryingIPv6AndOtherProtocolsMatchesScapy()
    {
        // bytes(Ether(src=A, dst=B)/PPPoE(sessionid=0x1234)/PPP()/IPv6(src=S6, dst=D6))
        Assert.Equal("0200000000020200000000018864110012340029576000000000003b4020010db800000000000000000000000120010db8000000000000000000000002",
            Build(Frame(), new PPPoE { SessionId = 0x1234 }, new Ppp { Compressed = true }, new IPv6 { Source = S6, Destination = D6 }));
        // bytes(Ether(src=A, dst=B)/PPPoE(sessionid=7)/PPP(proto=0xc021)/Raw(load=b'\x01\x01\x00\x04')): two bytes, compressed or not
        const string lcp = "0200000000020200000000018864110000070006c02101010004";
        Assert.Equal(lcp, Build(Frame(), new PPPoE { SessionId = 7 }, new Ppp { Protocol = 0xC021 }, new Raw { Load = new byte[] { 1, 1, 0, 4 } }));
        Assert.Equal(lcp, Build(Frame(), new PPPoE { SessionId = 7 }, new Ppp { Protocol = 0xC021, Compressed = true }, new Raw { Load = new byte[] { 1, 1, 0, 4 } }));
    }

    [Fact]
    public void AWrongLengthIsSentVerbatim()
    {
        // bytes(Ether(src=A, dst=B)/PPPoE(sessionid=1, len=99)/PPP()/IP(src=S, dst=D))
        const string hex = "02000000000202000000000188641100000100632145000014000100004000eec1c6120001c6120002";
        Assert.Equal(hex, Build(Frame(), new PPPoE { SessionId = 1, Length = 99 }, new Ppp { Compressed = true }, new IPv4 { Source = S, Destination = D }));
        var p = Dissect(hex, LinkType.Ethernet);
        Assert.False(p.IsMalformed, p.MalformedReason);     // a length past the frame: read on, as Scapy does
        Assert.Equal((ushort)99, p.Get<PPPoE>()!.Length);
        Assert.Equal(new[] { "Ethernet", "PPPoE", "Ppp", "IPv4" }, Names(p));
    }

    [Fact]
    public void DissectingGivesTheFieldsBack()
    {
        var p = Dissect("020000000002020000000001886411001234001e00214500001c000100004011eea8c6120001c6120002003500350008734c" + "00000000", LinkType.Ethernet);
        Assert.False(p.IsMalformed, p.MalformedReason);
        Assert.Equal(new[] { "Ethernet", "PPPoE", "Ppp", "IPv4", "Udp", "Padding" }, Names(p));
        var pppoe = p.Get<PPPoE>()!;
        Assert.Equal(1, pppoe.Version);
        Assert.Equal(1, pppoe.Type);
        Assert.Equal(0, pppoe.Code);
        Assert.Equal((ushort)0x1234, pppoe.SessionId);
        Assert.Equal((ushort)30, pppoe.Length);
        Assert.Equal("PPPoE [ses 0x1234] len 30", pppoe.Summary);
        var ppp = p.Get<Ppp>()!;
        Assert.Equal((ushort)0x0021, ppp.Protocol);
        Assert.False(ppp.Compressed);
        Assert.Equal("PPP IPv4 (0x0021)", ppp.Summary);

        // compressed, as Scapy sends it
        var compressed = Dissect("0200000000020200000000018864110012340029576000000000003b4020010db800000000000000000000000120010db8000000000000000000000002", LinkType.Ethernet);
        Assert.Equal(new[] { "Ethernet", "PPPoE", "Ppp", "IPv6" }, Names(compressed));
        Assert.Equal((ushort)0x57, compressed.Get<Ppp>()!.Protocol);
        Assert.True(compressed.Get<Ppp>()!.Compressed);

        // LCP is not decoded: Raw
        var lcp = Dissect("0200000000020200000000018864110000070006c02101010004", LinkType.Ethernet);
        Assert.Equal(new[] { "Ethernet", "PPPoE", "Ppp", "Raw" }, Names(lcp));
        Assert.Equal("PPP LCP (0xc021)", lcp.Get<Ppp>()!.Summary);

        // a code other than 0 is not a session: the payload is Raw
        Assert.Equal(new[] { "Ethernet", "PPPoE", "Raw" }, Names(Dissect("0200000000020200000000018864" + "1107123400020021", LinkType.Ethernet)));
    }

    [Fact]
    public void DiscoveryKeepsItsTagsAsBytes()
    {
        // bytes(Ether(src=A, dst='ff:ff:ff:ff:ff:ff')/PPPoED()/PPPoED_Tags(tag_list=[PPPoETag(tag_type=0x0101, tag_value=b''),
        //       PPPoETag(tag_type=0x0103, tag_value=b'\x01\x02\x03\x04')]))
        const string padi = "ffffffffffff020000000001886311090000000c010100000103000401020304";
        var tags = Convert.FromHexString("010100000103000401020304");
        Assert.Equal(padi, Build(new Ethernet { Source = MacA, Destination = MacAddress.Broadcast }, new PPPoED { Tags = tags }));
        // bytes(Ether(src=A, dst=B)/PPPoED(code=0x65, sessionid=0x1234))
        Assert.Equal("0200000000020200000000018863116512340000", Build(Frame(), new PPPoED { Code = 0x65, SessionId = 0x1234 }));

        var p = Dissect(padi + new string('0', 28), LinkType.Ethernet);    // padded to 60 bytes on the wire
        Assert.False(p.IsMalformed, p.MalformedReason);
        Assert.Equal(new[] { "Ethernet", "PPPoED", "Padding" }, Names(p));
        var d = p.Get<PPPoED>()!;
        Assert.Equal(tags, d.Tags);
        Assert.Equal(0x09, d.Code);
        Assert.Equal((ushort)12, d.Length);
        Assert.Equal("PPPoE PADI [ses 0x0] tags 12 bytes", d.Summary);
        // a wrong length is kept; the tags are what the frame holds
        const string lying = "ffffffffffff020000000001886311090000006301010000";
        Assert.Equal(lying, Build(new Ethernet { Source = MacA, Destination = MacAddress.Broadcast }, new PPPoED { Length = 99, Tags = new byte[] { 1, 1, 0, 0 } }));
        var back = Dissect(lying, LinkType.Ethernet).Get<PPPoED>()!;
        Assert.Equal((ushort)99, back.Length);
        Assert.Equal(new byte[] { 1, 1, 0, 0 }, back.Tags);
    }

    [Fact]
    public void TruncatedHeadersAreMalformedNotAnException()
    {
        var pppoe = Dissect("02000000000202000000000188641100", LinkType.Ethernet);
        Assert.True(pppoe.IsMalformed);
        Assert.Contains("PPPoE header truncated: 2 of 6 bytes", pppoe.MalformedReason);
        Assert.Equal(new[] { "Ethernet", "Raw" }, Names(pppoe));

        var discovery = Dissect("0200000000020200000000018863110900", LinkType.Ethernet);
        Assert.True(discovery.IsMalformed);
        Assert.Contains("PPPoED header truncated: 3 of 6 bytes", discovery.MalformedReason);

        // an uncompressed protocol (even first byte) cut after one byte
        var ppp = Dissect("02000000000202000000000188641100123400010" + "0", LinkType.Ethernet);
        Assert.True(ppp.IsMalformed);
        Assert.Contains("Ppp header truncated: 1 of 2 bytes", ppp.MalformedReason);
        Assert.Equal(new[] { "Ethernet", "PPPoE", "Raw" }, Names(ppp));
    }
}
