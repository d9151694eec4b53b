using System.Net;
using NetSock.Packets;
using NetSock.Packets.Layers;
using static NetSock.Tests.Layers.Golden;
using Dns = NetSock.Packets.Layers.Dns;

namespace NetSock.Tests.Layers;

public class DnsTests
{
    // bytes(IP(src=S, dst=D)/UDP(sport=40000, dport=53)/DNS(id=1, qd=DNSQR(qname='example.test')))
    private const string Query = "4500003a000100004011ee8ac6120001c61200029c40003500269e7c000101000001000000000000076578616d706c6504746573740000010001";

    // bytes(DNS(id=7, qr=1, aa=1, ra=1, qd=DNSQR(qname='www.example.test'), an=DNSRR(rrname='www.example.test', type='CNAME',
    //   ttl=60, rdata='web.example.test')/DNSRR(rrname='web.example.test', ttl=60, rdata='198.18.0.80')))
    private const string Response = "00078580000100020000000003777777076578616d706c650474657374000001000103777777076578616d706c6504746573740000050001"
        + "0000003c001203776562076578616d706c6504746573740003776562076578616d706c65047465737400000100010000003c0004c6120050";

    // The same response as a server sends it, names compressed (RFC 1035 4.1.4): the CNAME's owner points to the question's
    // name (c00c), its data ends with a pointer to "example.test" (c010), the A record's owner points into that data (c02e).
    private const string Compressed = "000785800001000200000000" + "03777777076578616d706c650474657374000001" + "0001"
        + "c00c000500010000003c000603776562c010" + "c02e000100010000003c0004c6120050";

    [Fact]
    public void DefaultsMatchScapy()
    {
        // bytes(DNS()): recursion desired, one question for www.example.com, type A, class IN
        Assert.Equal("00000100000100000000000003777777076578616d706c6503636f6d0000010001", Build(new Dns()));
        Assert.Equal(Query, Build(new IPv4 { Source = S, Destination = D }, new Udp { SourcePort = 40000 }, new Dns { Id = 1, Questions = new[] { DnsQuestion.Parse("example.test") } }));
    }

    [Fact]
    public void ARecordsAndFlagsAreBuiltAsScapyBuildsThem()
    {
        var dns = new Dns
        {
            Id = 7, Response = 1, Authoritative = 1, RecursionAvailable = 1, Questions = new[] { DnsQuestion.Parse("www.example.test") },
            Answers = new[] { DnsRecord.Parse("www.example.test 60 CNAME web.example.test"), DnsRecord.Parse("web.example.test 60 IN A 198.18.0.80") },
        };
        Assert.Equal(Response, Build(dns));
        // bytes(DNS(id=0xbeef, rd=0, qd=DNSQR(qname='example.test', qtype='AAAA', qclass='CH')))
        Assert.Equal("beef00000001000000000000076578616d706c65047465737400001c0003",
            Build(new Dns { Id = 0xBEEF, RecursionDesired = 0, Questions = new[] { DnsQuestion.Parse("example.test CH AAAA") } }));
    }

    [Theory]
    // bytes(DNS(id=9, qr=1, qd=DNSQR(qname='example.test', qtype='MX'), an=DNSRRMX(rrname='example.test', type='MX', ttl=300, preference=10, exchange='mail.example.test')))
    // (type given: Scapy 2.5's DNSRRMX writes type 6, SOA, unless told)
    [InlineData("example.test MX", "example.test 300 MX 10 mail.example.test", 9,
        "000981000001000100000000076578616d706c65047465737400000f0001076578616d706c65047465737400000f00010000012c0015000a046d61696c076578616d706c65047465737400")]
    // bytes(DNS(id=10, qr=1, qd=DNSQR(qname='example.test', qtype='TXT'), an=DNSRR(rrname='example.test', type='TXT', ttl=5, rdata=['hello world', 'v=spf1 -all'])))
    [InlineData("example.test TXT", "example.test 5 TXT \"hello world\" \"v=spf1 -all\"", 10,
        "000a81000001000100000000076578616d706c6504746573740000100001076578616d706c65047465737400001000010000000500180b68656c6c6f20776f726c640b763d73706631202d616c6c")]
    // bytes(DNS(id=11, qr=1, qd=DNSQR(qname='_sip._udp.example.test', qtype='SRV'), an=DNSRRSRV(rrname='_sip._udp.example.test', ttl=86400, priority=0, weight=5, port=5060, target='sip.example.test')))
    [InlineData("_sip._udp.example.test SRV", "_sip._udp.example.test 86400 SRV 0 5 5060 sip.example.test", 11,
        "000b81000001000100000000045f736970045f756470076578616d706c6504746573740000210001045f736970045f756470076578616d706c65047465737400002100010001518000180000000513c403736970076578616d706c65047465737400")]
    public void RecordDataOfEachKindIsBuiltAndReadBack(string question, string record, ushort id, string scapy)
    {
        var dns = new Dns { Id = id, Response = 1, Questions = new[] { DnsQuestion.Parse(question) }, Answers = new[] { DnsRecord.Parse(record) } };
        Assert.Equal(scapy, Build(dns));
        var answer = Assert.Single(Decode(scapy).Answers);
        Assert.Equal(DnsRecord.Parse(record), answer);
        Assert.Equal(DnsRecord.Parse(answer.ToString()), answer);   // the text form reads back as the same record
    }

    [Fact]
    public void TheSoaOfANegativeAnswerIsReadBack()
    {
        // bytes(DNS(id=12, qr=1, rcode=3, qd=DNSQR(qname='nope.example.test'), ns=DNSRRSOA(rrname='example.test', ttl=900, mname='ns1.example.test',
        //   rname='hostmaster.example.test', serial=2026112501, refresh=7200, retry=900, expire=1209600, minimum=300)))
        const string scapy = "000c81030001000000010000046e6f7065076578616d706c6504746573740000010001076578616d706c650474657374000006000100000384003f036e7331"
            + "076578616d706c650474657374000a686f73746d6173746572076578616d706c6504746573740078c405f500001c2000000384001275000000012c";
        var dns = Decode(scapy);
        Assert.Equal(3, dns.ResponseCode);
        var soa = Assert.Single(dns.Authority);
        Assert.Equal("ns1.example.test. hostmaster.example.test. 2026112501 7200 900 1209600 300", soa.Value);
        Assert.Equal("example.test. 900 IN SOA ns1.example.test. hostmaster.example.test. 2026112501 7200 900 1209600 300", soa.ToString());
        Assert.Equal("DNS 12 NXDomain 0/1/0", dns.Summary);
        Assert.Equal(scapy, Build(new Dns
        {
            Id = 12, Response = 1, ResponseCode = 3, Questions = new[] { DnsQuestion.Parse("nope.example.test") },
            Authority = new[] { DnsRecord.Parse(soa.ToString()) },
        }));
    }

    [Fact]
    public void DissectingFollowsUdpPort53AndGivesTheFieldsBack()
    {
        var p = Dissect(Query);
        Assert.False(p.IsMalformed, p.MalformedReason);
        Assert.Equal(new[] { "IPv4", "Udp", "Dns" }, Names(p));
        var dns = p.Get<Dns>()!;
        Assert.Equal(1, dns.Id);
        Assert.Equal(0, dns.Response);
        Assert.Equal(1, dns.RecursionDesired);
        Assert.Equal((ushort)1, dns.QuestionCount);
        var q = Assert.Single(dns.Questions);
        Assert.Equal("example.test.", q.Name);
        Assert.Equal("A", q.TypeName);
        Assert.Equal("IN", q.ClassName);
        Assert.Equal("DNS 1+ A? example.test.", dns.Summary);
        Assert.Equal(Query, Hex(p.Rebuilt()));
    }

    [Fact]
    public void OverTcpTheMessageHasItsLengthBeforeIt()
    {
        // bytes(IP(src=S, dst=D)/TCP(sport=40000, dport=53, flags='PA', seq=1, ack=1)/DNS(id=3, qd=DNSQR(qname='example.test')))
        const string scapy = "45000048000100004006ee87c6120001c61200029c4000350000000100000001501820002e650000001e000301000001000000000000076578616d706c6504746573740000010001";
        Assert.Equal(scapy, Build(new IPv4 { Source = S, Destination = D },
            new Tcp { SourcePort = 40000, DestinationPort = 53, Flags = TcpFlags.Parse("PA"), SequenceNumber = 1, AcknowledgmentNumber = 1 },
            new Dns { Id = 3, Questions = new[] { DnsQuestion.Parse("example.test") } }));
        var p = Dissect(scapy);
        Assert.False(p.IsMalformed, p.MalformedReason);
        Assert.Equal(new[] { "IPv4", "Tcp", "Dns" }, Names(p));
        Assert.Equal((ushort)30, p.Get<Dns>()!.Length);
        Assert.Equal("example.test.", p.Get<Dns>()!.Questions[0].Name);
        p.Get<Dns>()!.Id = 4;                       // rebuilt: the length written again before the message
        Assert.Equal("001e000401000001000000000000076578616d706c6504746573740000010001", Hex(p)[80..]);
        // The same message over UDP has no length before it.
        Assert.Equal("000301000001000000000000076578616d706c6504746573740000010001", Build(new Dns { Id = 3, Length = 99, Questions = new[] { DnsQuestion.Parse("example.test") } }));
        // A segment from the middle of a stream (no whole message after a length) stays Raw, not malformed.
        var middle = Dissect(Build(new IPv4 { Source = S, Destination = D }, new Tcp { SourcePort = 53, DestinationPort = 40000 }, new Raw { Load = Convert.FromHexString("4000aabbccdd") }));
        Assert.False(middle.IsMalformed, middle.MalformedReason);
        Assert.Equal(new[] { "IPv4", "Tcp", "Raw" }, Names(middle));
    }

    [Fact]
    public void CompressedNamesAreFollowedAndWrittenWhole()
    {
        var dns = Decode(Compressed);
        Assert.Equal("www.example.test.", Assert.Single(dns.Questions).Name);
        Assert.Equal(2, dns.Answers.Length);
        Assert.Equal("www.example.test. 60 IN CNAME web.example.test.", dns.Answers[0].ToString());
        Assert.Equal("web.example.test.", dns.Answers[0].Value);
        Assert.Equal("web.example.test. 60 IN A 198.18.0.80", dns.Answers[1].ToString());
        Assert.Equal(IPAddress.Parse("198.18.0.80"), dns.Answers[1].Value);
        Assert.Equal("DNS 7 2/0/0 CNAME web.example.test., A 198.18.0.80", dns.Summary);
        Assert.Equal(Response, Build(dns));     // rebuilt uncompressed, as Scapy builds it
    }

    [Theory]
    [InlineData("000000000001000000000000c00c00010001", "pointer to itself")]
    [InlineData("000000000001000000000000c00ec00c00010001", "two pointers to each other")]
    [InlineData("0000000000010000000000000541424300010001", "label past the end")]
    [InlineData("0000000000020000000000000000010001" + "0a4142434445", "second question's name cut short")]
    [InlineData("000000000000000100000000000001000100000000ffff", "record data longer than the message")]
    [InlineData("000000000001000000000000800001000100", "label of a reserved type")]
    public void ABrokenMessageIsMalformedNotAnError(string message, string what)
    {
        // IP/UDP to port 53 around the broken DNS message: the packet is marked malformed and the message kept as Raw.
        string hex = Build(new IPv4 { Source = S, Destination = D }, new Udp { SourcePort = 53 }, new Raw { Load = Convert.FromHexString(message) });
        var p = Dissect(hex);
        Assert.True(p.IsMalformed, what);
        Assert.Contains("DNS", p.MalformedReason!, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(message, Convert.ToHexString(((Raw)p.Layers[^1]).Load).ToLowerInvariant());
    }

    [Theory]
    [InlineData("616263", "three bytes")]
    [InlineData("68656c6c6f20776f726c642c2074686973206973206e6f7420646e73", "text whose 'counts' would need kilobytes")]
    public void APayloadThatCannotBeDnsStaysRawOnPort53(string payload, string what)
    {
        // NetSock's (and Scapy's) UDP ports default to 53: a crafted datagram that is not DNS must not read back as broken DNS.
        var p = Dissect(Build(new IPv4 { Source = S, Destination = D }, new Udp(), new Raw { Load = Convert.FromHexString(payload) }));
        Assert.False(p.IsMalformed, $"{what}: {p.MalformedReason}");
        Assert.Equal(new[] { "IPv4", "Udp", "Raw" }, Names(p));
    }

    [Fact]
    public void AResponseAnswersTheQueryWithItsId()
    {
        Packet Message(ushort sport, ushort dport, ushort id, byte qr) => Packet.FromLayers(new Layer[]
            { new IPv4 { Source = qr == 0 ? S : D, Destination = qr == 0 ? D : S }, new Udp { SourcePort = sport, DestinationPort = dport }, new Dns { Id = id, Response = qr } }).Rebuilt();
        var query = Message(40000, 53, 0x1234, 0);
        Assert.True(Replies.Answers(Message(53, 40000, 0x1234, 1), query));
        Assert.False(Replies.Answers(Message(53, 40000, 0x1235, 1), query));   // another id
        Assert.False(Replies.Answers(Message(53, 40000, 0x1234, 0), query));   // a query does not answer a query
    }

    [Fact]
    public void TextFormsAreCheckedAndExplained()
    {
        Assert.Equal("example.test. IN AAAA", DnsQuestion.Parse("example.test AAAA").ToString());
        Assert.Equal("example.test. CH TXT", DnsQuestion.Parse("example.test. TXT CH").ToString());
        Assert.Equal(65, DnsQuestion.Parse("example.test TYPE65").Type);
        Assert.Equal("a\\.b.example.test.", new DnsQuestion("a\\.b.example.test").Name);     // an escaped dot inside a label
        Assert.Equal(". 0 IN TYPE200 \\# 2 abcd", DnsRecord.Parse(". TYPE200 \\# 2 abcd").ToString());
        Assert.Equal(new byte[] { 0xab, 0xcd }, DnsRecord.Parse("x.test TYPE200 \\# 2 abcd").Value);
        var e = Assert.Throws<FormatException>(() => DnsRecord.Parse("example.test A 2001:db8::1"));
        Assert.Contains("IPv4", e.Message);
        Assert.Contains("zone file", e.Message);
        Assert.Throws<FormatException>(() => DnsRecord.Parse("example.test"));
        Assert.Throws<FormatException>(() => DnsQuestion.Parse("example.test BOGUS"));
        var label = Assert.Throws<ArgumentException>(() => new DnsQuestion(new string('a', 64) + ".test"));
        Assert.Contains("63", label.Message);
        Assert.Throws<ArgumentException>(() => new DnsQuestion(string.Join(".", Enumerable.Repeat(new string('a', 60), 5))));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dns { Response = 2 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dns { Opcode = 16 });
    }

    [Fact]
    public void ChangingADissectedMessageRebuildsIt()
    {
        var p = Dissect(Query);
        p.Get<Dns>()!.Id = 0x4242;
        var rebuilt = Dissect(Hex(p));
        Assert.Equal(0x4242, rebuilt.Get<Dns>()!.Id);
        Assert.Equal("example.test.", rebuilt.Get<Dns>()!.Questions[0].Name);
        Assert.False(rebuilt.IsMalformed, rebuilt.MalformedReason);
    }

    private static Dns Decode(string hex)
    {
        var dns = new Dns();
        int length = ((Layer)dns).Decode(Convert.FromHexString(hex), new DecodeContext());
        Assert.Equal(hex.Length / 2, length);
        return dns;
    }
}
