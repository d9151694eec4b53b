using System.Net;
using NetSock.Capture;
using NetSock.Packets;
using NetSock.Packets.Layers;
using Dns = NetSock.Packets.Layers.Dns;

namespace NetSock.Tests;

/// <summary>A fact that needs tshark: skipped, with the reason, when it is missing (installed first when root).</summary>
public sealed class TsharkFactAttribute : FactAttribute
{
    public TsharkFactAttribute()
    {
        if (Tshark.WhyMissing is { } why) Skip = why;
    }
}

/// <summary>
/// Wireshark's Protocol and Info columns: one pcap written with NetSock's layers (a TCP handshake with options, an HTTP
/// request and its acknowledgment, a DNS query and answer, an ICMP port unreachable, an ARP request and reply, and a
/// few more), read by NetSock's capture reader and by tshark (its _ws.col.Protocol and _ws.col.Info), compared packet
/// by packet, with Source and Destination (tshark -n: MAC addresses unnamed). The one deliberate difference: tshark ends an HTTP line with a space (the CRLF it stopped at), NetSock
/// does not. Not made by NetSock, so not in the file: tshark's analysis notes ("[TCP Retransmission]").
/// </summary>
public sealed class TsharkColumnsTests
{
    private static readonly IPAddress Client = IPAddress.Parse("198.18.0.1"), Server = IPAddress.Parse("198.18.0.2");
    private static readonly MacAddress ClientMac = MacAddress.Parse("02:00:00:00:00:01"), ServerMac = MacAddress.Parse("02:00:00:00:00:02");

    private static Layer[] ToServer() => new Layer[] { new Ethernet { Source = ClientMac, Destination = ServerMac }, new IPv4 { Source = Client, Destination = Server } };
    private static Layer[] ToClient() => new Layer[] { new Ethernet { Source = ServerMac, Destination = ClientMac }, new IPv4 { Source = Server, Destination = Client } };

    private static Packet Make(Layer[] below, params Layer[] above) => Packet.FromLayers(below.Concat(above));

    private static Tcp Segment(ushort sport, ushort dport, string flags, uint seq, uint ack, ushort window, params string[] options) => new()
    {
        SourcePort = sport, DestinationPort = dport, Flags = TcpFlags.Parse(flags), SequenceNumber = seq, AcknowledgmentNumber = ack,
        WindowSize = window, Options = options.Select(TcpOption.Parse).ToArray(),
    };

    /// <summary>The capture: what each packet is, and the packet.</summary>
    public static IReadOnlyList<(string Kind, Packet Packet)> Capture()
    {
        byte[] quoted = Packet.FromLayers(new Layer[] { new IPv4 { Source = Client, Destination = Server }, new Udp { SourcePort = 40000, DestinationPort = 9 } }).GetBytes();
        return new (string, Packet)[]
        {
            ("SYN with options", Make(ToServer(), Segment(41850, 8000, "S", 1000, 0, 65495, "MSS=65495", "SAckOK", "Timestamp=1000,0", "NOP", "WScale=7"))),
            ("SYN-ACK", Make(ToClient(), Segment(8000, 41850, "SA", 5000, 1001, 65483, "MSS=65495", "SAckOK", "Timestamp=2000,1000", "NOP", "WScale=7"))),
            ("ACK, window scaled", Make(ToServer(), Segment(41850, 8000, "A", 1001, 5001, 512, "NOP", "NOP", "Timestamp=1001,2000"))),
            ("HTTP GET", Make(ToServer(), Segment(41850, 8000, "PA", 1001, 5001, 512, "NOP", "NOP", "Timestamp=1001,2000"),
                new Raw { Load = "GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray() })),
            ("ACK of the request", Make(ToClient(), Segment(8000, 41850, "A", 5001, 1038, 510))),
            ("FIN", Make(ToServer(), Segment(41850, 8000, "FA", 1038, 5001, 512))),
            ("lone RST-ACK", Make(ToServer(), Segment(41851, 8000, "RA", 777, 99, 0))),
            ("SACK", Make(ToServer(), Segment(41852, 9999, "A", 5, 0, 8192, "SAck=100-200"))),
            ("DNS query", Make(ToServer(), new Udp { SourcePort = 5353, DestinationPort = 53 },
                new Dns { Id = 0x1234, Questions = new[] { new DnsQuestion("example.test") } })),
            ("DNS answer", Make(ToClient(), new Udp { SourcePort = 53, DestinationPort = 5353 },
                new Dns { Id = 0x1234, Response = 1, RecursionAvailable = 1, Questions = new[] { new DnsQuestion("example.test") },
                    Answers = new[] { DnsRecord.Parse("example.test 60 IN A 198.18.0.9"), DnsRecord.Parse("example.test 60 IN AAAA 2001:db8::9") } })),
            ("DNS no such name", Make(ToClient(), new Udp { SourcePort = 53, DestinationPort = 5353 },
                new Dns { Id = 7, Response = 1, ResponseCode = 3, Questions = new[] { DnsQuestion.Parse("nx.test MX") } })),
            ("ICMP port unreachable", Make(ToClient(), new Icmp { Type = 3, Code = 3 }, new Raw { Load = quoted })),
            ("ICMP echo request", Make(ToServer(), new Icmp { Type = 8, Id = 1, Seq = 1 }, new Raw { Load = "abcd"u8.ToArray() })),
            ("UDP", Make(ToServer(), new Udp { SourcePort = 40000, DestinationPort = 9 }, new Raw { Load = "abcd"u8.ToArray() })),
            ("ARP request", Packet.FromLayers(new Layer[] { new Ethernet { Source = ClientMac, Destination = MacAddress.Broadcast },
                new Arp { Operation = ArpOperation.WhoHas, SenderHardwareAddress = ClientMac, SenderProtocolAddress = Client, TargetProtocolAddress = Server } })),
            ("ARP reply", Packet.FromLayers(new Layer[] { new Ethernet { Source = ServerMac, Destination = ClientMac },
                new Arp { Operation = ArpOperation.IsAt, SenderHardwareAddress = ServerMac, SenderProtocolAddress = Server, TargetHardwareAddress = ClientMac, TargetProtocolAddress = Client } })),
            ("DHCP discover", Packet.FromLayers(new Layer[] { new Ethernet { Source = ClientMac, Destination = MacAddress.Broadcast },
                new IPv4 { Source = IPAddress.Any, Destination = IPAddress.Broadcast }, new Udp { SourcePort = 68, DestinationPort = 67 },
                new Bootp { ClientHardwareAddress = ClientMac, TransactionId = 0x1234 },
                new Dhcp { Options = new[] { DhcpOption.Parse("message-type=discover"), DhcpOption.Parse("end") } } })),
            ("ICMPv6 echo request", Packet.FromLayers(new Layer[] { new Ethernet { Source = ClientMac, Destination = ServerMac },
                new IPv6 { Source = IPAddress.Parse("2001:db8::1"), Destination = IPAddress.Parse("2001:db8::2") }, new IcmpV6 { Type = 128, Id = 1, Seq = 1 } })),
            ("ICMPv6 neighbor solicitation", Packet.FromLayers(new Layer[] { new Ethernet { Source = ClientMac, Destination = ServerMac },
                new IPv6 { Source = IPAddress.Parse("2001:db8::1"), Destination = IPAddress.Parse("2001:db8::2"), HopLimit = 255 },
                new IcmpV6 { Type = 135, Target = IPAddress.Parse("2001:db8::2") }, new Raw { Load = Convert.FromHexString("0101020000000001") } })),
            ("ICMP echo reply", Make(ToClient(), new Icmp { Type = 0, Id = 1, Seq = 1 }, new Raw { Load = "abcd"u8.ToArray() })),
            ("ICMPv6 echo reply", Packet.FromLayers(new Layer[] { new Ethernet { Source = ServerMac, Destination = ClientMac },
                new IPv6 { Source = IPAddress.Parse("2001:db8::2"), Destination = IPAddress.Parse("2001:db8::1") }, new IcmpV6 { Type = 129, Id = 1, Seq = 1 } })),
            ("ICMP echo reply again", Make(ToClient(), new Icmp { Type = 0, Id = 1, Seq = 1 }, new Raw { Load = "abcd"u8.ToArray() })),
        };
    }

    [TsharkFact]
    public void ColumnsAreTsharks()
    {
        var capture = Capture();
        string path = Path.Combine(Path.GetTempPath(), $"netsock-columns-{Guid.NewGuid():N}.pcap");
        try
        {
            using (var writer = CaptureFileWriter.Create(path, CaptureFileFormat.Pcap, LinkType.Ethernet))
            {
                long ns = 1_700_000_000_000_000_000;
                foreach (var (_, packet) in capture)
                {
                    byte[] bytes = packet.GetBytes();
                    writer.Write(bytes, ns += 1000, bytes.Length);
                }
            }
            var (code, stdout, stderr) = Tshark.Run(Tshark.Path, new[] { "-r", path, "-T", "fields", "-n", "-e", "_ws.col.Source", "-e", "_ws.col.Destination", "-e", "_ws.col.Protocol", "-e", "_ws.col.Info" });
            Assert.True(code == 0, $"tshark failed ({code}): {Tshark.Tail(stderr)}");
            var theirs = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).ToList();
            var ours = CaptureFiles.Read(path, null).ToList();
            Assert.Equal(capture.Count, theirs.Count);
            Assert.Equal(capture.Count, ours.Count);
            for (int i = 0; i < capture.Count; i++)
            {
                string kind = capture[i].Kind, protocol = theirs[i][2], info = theirs[i][3];
                Assert.True(theirs[i][0] == ours[i].Source, $"{kind}: Source is '{ours[i].Source}', tshark's '{theirs[i][0]}'");
                Assert.True(theirs[i][1] == ours[i].Destination, $"{kind}: Destination is '{ours[i].Destination}', tshark's '{theirs[i][1]}'");
                if (protocol == "HTTP") info = info.TrimEnd();      // tshark: "GET /index.html HTTP/1.1 " (the CRLF as a space)
                Assert.True(protocol == ours[i].Protocol, $"{kind}: Protocol is '{ours[i].Protocol}', tshark's '{protocol}'");
                Assert.True(info == ours[i].Info, $"{kind}: Info is\n  '{ours[i].Info}', tshark's\n  '{info}'");
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>The strings tshark printed for this capture (tshark 4.0), kept here so that the text is asserted without tshark too.</summary>
    [Fact]
    public void InfoOfTheCaptureReadInOrder()
    {
        var capture = Capture();
        var tracker = new ConversationTracker();
        var packets = capture.Select(c => Packet.Dissect(c.Packet.GetBytes(), LinkType.Ethernet)).ToList();
        packets.ForEach(tracker.Stamp);
        var info = packets.Select(p => $"{p.Protocol}\t{p.Info}").ToList();
        Assert.Equal("TCP\t41850 → 8000 [SYN] Seq=0 Win=65495 Len=0 MSS=65495 SACK_PERM TSval=1000 TSecr=0 WS=128", info[0]);
        Assert.Equal("TCP\t8000 → 41850 [SYN, ACK] Seq=0 Ack=1 Win=65483 Len=0 MSS=65495 SACK_PERM TSval=2000 TSecr=1000 WS=128", info[1]);
        Assert.Equal("TCP\t41850 → 8000 [ACK] Seq=1 Ack=1 Win=65536 Len=0 TSval=1001 TSecr=2000", info[2]);
        Assert.Equal("HTTP\tGET /index.html HTTP/1.1", info[3]);
        Assert.Equal("TCP\t8000 → 41850 [ACK] Seq=1 Ack=38 Win=65280 Len=0", info[4]);
        Assert.Equal("TCP\t41850 → 8000 [FIN, ACK] Seq=38 Ack=1 Win=65536 Len=0", info[5]);
        Assert.Equal("TCP\t41851 → 8000 [RST, ACK] Seq=1 Ack=1 Win=0 Len=0", info[6]);
        Assert.Equal("TCP\t41852 → 9999 [ACK] Seq=1 Ack=1 Win=8192 Len=0 SLE=101 SRE=201", info[7]);
        Assert.Equal("DNS\tStandard query 0x1234 A example.test", info[8]);
        Assert.Equal("DNS\tStandard query response 0x1234 A example.test A 198.18.0.9 AAAA 2001:db8::9", info[9]);
        Assert.Equal("DNS\tStandard query response 0x0007 No such name MX nx.test", info[10]);
        Assert.Equal("ICMP\tDestination unreachable (Port unreachable)", info[11]);
        Assert.Equal("ICMP\tEcho (ping) request  id=0x0001, seq=1/256, ttl=64", info[12]);
        Assert.Equal("UDP\t40000 → 9 Len=4", info[13]);
        Assert.Equal("ARP\tWho has 198.18.0.2? Tell 198.18.0.1", info[14]);
        Assert.Equal("ARP\t198.18.0.2 is at 02:00:00:00:00:02", info[15]);
        Assert.Equal("DHCP\tDHCP Discover - Transaction ID 0x1234", info[16]);
        Assert.Equal("ICMPv6\tEcho (ping) request id=0x0001, seq=1, hop limit=64", info[17]);
        Assert.Equal("ICMPv6\tNeighbor Solicitation for 2001:db8::2 from 02:00:00:00:00:01", info[18]);
        Assert.Equal("ICMP\tEcho (ping) reply    id=0x0001, seq=1/256, ttl=64 (request in 13)", info[19]);
        Assert.Equal("ICMPv6\tEcho (ping) reply id=0x0001, seq=1, hop limit=64 (request in 18)", info[20]);
        Assert.Equal("ICMP\tEcho (ping) reply    id=0x0001, seq=1/256, ttl=64", info[21]);      // a request is answered once
    }

    [Fact]
    public void AnIcmpErrorIsTheTopmostProtocolWithTheOuterAddresses()
    {
        var error = Packet.Dissect(Capture().Single(c => c.Kind == "ICMP port unreachable").Packet.GetBytes(), LinkType.Ethernet);
        Assert.Equal("ICMP", error.Protocol);
        Assert.Equal("198.18.0.2", error.Source);
        Assert.Equal("198.18.0.1", error.Destination);
    }

    [Fact]
    public void AbsoluteSequenceNumbersShowTheWireNumbersAndKeepTheScaledWindow()
    {
        var packets = Capture().Take(3).Select(c => Packet.Dissect(c.Packet.GetBytes(), LinkType.Ethernet)).ToList();
        var tracker = new ConversationTracker(absoluteSequenceNumbers: true);
        packets.ForEach(tracker.Stamp);
        Assert.Equal("41850 → 8000 [SYN] Seq=1000 Win=65495 Len=0 MSS=65495 SACK_PERM TSval=1000 TSecr=0 WS=128", packets[0].Info);
        Assert.Equal("41850 → 8000 [ACK] Seq=1001 Ack=5001 Win=65536 Len=0 TSval=1001 TSecr=2000", packets[2].Info);
    }

    [Fact]
    public void ALonePacketIsAStreamOfItsOwnAsTsharkShowsIt()
    {
        // tshark -r on a file of this one segment: "1000 → 2000 [ACK] Seq=1 Ack=1 Win=512 Len=0".
        var lone = Make(ToServer(), Segment(1000, 2000, "A", 1001, 5001, 512));
        Assert.Equal("1000 → 2000 [ACK] Seq=1 Ack=1 Win=512 Len=0", lone.Info);
        var syn = Make(ToServer(), Segment(1000, 2000, "S", 1001, 0, 512, "WScale=7"));
        Assert.Equal("1000 → 2000 [SYN] Seq=0 Win=512 Len=0 WS=128", syn.Info);
    }

    [Fact]
    public void WithoutTheHandshakeTheWindowIsNotScaled()
    {
        var packets = Capture().Skip(2).Take(1).Select(c => Packet.Dissect(c.Packet.GetBytes(), LinkType.Ethernet)).ToList();
        var tracker = new ConversationTracker();
        packets.ForEach(tracker.Stamp);
        Assert.Equal("41850 → 8000 [ACK] Seq=1 Ack=1 Win=512 Len=0 TSval=1001 TSecr=2000", packets[0].Info);
    }

    [Fact]
    public void ANewSynOnTheSamePortsStartsTheStreamAgain()
    {
        var tracker = new ConversationTracker();
        var first = Packet.Dissect(Make(ToServer(), Segment(41850, 8000, "S", 1000, 0, 100)).GetBytes(), LinkType.Ethernet);
        var data = Packet.Dissect(Make(ToServer(), Segment(41850, 8000, "A", 1001, 1, 100)).GetBytes(), LinkType.Ethernet);
        var again = Packet.Dissect(Make(ToServer(), Segment(41850, 8000, "S", 90000, 0, 100)).GetBytes(), LinkType.Ethernet);
        var after = Packet.Dissect(Make(ToServer(), Segment(41850, 8000, "A", 90011, 1, 100)).GetBytes(), LinkType.Ethernet);
        foreach (var p in new[] { first, data, again, after }) tracker.Stamp(p);
        Assert.Contains("Seq=1 Ack=1 ", data.Info);
        Assert.Contains("[SYN] Seq=0 ", again.Info);
        Assert.Contains("Seq=11 ", after.Info);
    }

    [Fact]
    public void PacketsReadFromAFileAreStamped()
    {
        // The relative numbers come through CaptureFiles.Read (Get-SniffedPacket -Path), not only a tracker called by hand.
        string path = Path.Combine(Path.GetTempPath(), $"netsock-columns-{Guid.NewGuid():N}.pcap");
        try
        {
            using (var writer = CaptureFileWriter.Create(path, CaptureFileFormat.Pcap, LinkType.Ethernet))
                foreach (var (_, packet) in Capture().Take(3))
                    writer.Write(packet.GetBytes(), 1_700_000_000_000_000_000, packet.GetBytes().Length);
            var read = CaptureFiles.Read(path, null).ToList();
            Assert.Equal("41850 → 8000 [ACK] Seq=1 Ack=1 Win=65536 Len=0 TSval=1001 TSecr=2000", read[2].Info);
            var absolute = CaptureFiles.Read(path, null, absoluteSequenceNumbers: true).ToList();
            Assert.Equal("41850 → 8000 [ACK] Seq=1001 Ack=5001 Win=65536 Len=0 TSval=1001 TSecr=2000", absolute[2].Info);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
