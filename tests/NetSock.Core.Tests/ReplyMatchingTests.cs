using System.Net;
using NetSock.Packets;
using NetSock.Packets.Layers;
using static NetSock.Tests.Layers.Golden;

namespace NetSock.Tests;

/// <summary>
/// Golden pairs for <see cref="Replies.Answers"/> (Scapy's answers()), the rule Send-RawPacket -Receive matches with.
/// Both sides go through the wire and back, as in the cmdlet: the sent packet is dissected from the bytes it was
/// built to, the received one from the bytes a capture would hand up (a LinuxSll header on "any").
/// </summary>
public class ReplyMatchingTests
{
    private static readonly IPAddress Other = IPAddress.Parse("198.18.0.3");
    private static readonly IPAddress Other6 = IPAddress.Parse("2001:db8::3");
    private static readonly IPAddress SolicitedNodeD6 = IPAddress.Parse("ff02::1:ff00:2");
    private static readonly IPAddress Lo = IPAddress.Loopback;

    /// <summary>Built to bytes and dissected again, with the link type of its first layer: a packet as it is on the wire.</summary>
    private static Packet Wire(params Layer[] layers)
    {
        var built = Packet.FromLayers(layers);
        return Packet.Dissect(built.GetBytes(), built.LinkType);
    }

    /// <summary>A Linux cooked header, as a capture on "any" puts under what arrived (packet type 0: to us).</summary>
    private static LinuxSll Sll() => new() { PacketType = 0, AddressType = 1, AddressLength = 6, Address = Convert.FromHexString("0200000000020000") };

    private static Ethernet EtherAToB() => new() { Source = MacA, Destination = MacB };

    private static Ethernet EtherBToA() => new() { Source = MacB, Destination = MacA };

    // ---- ICMP echo ----

    private static Packet EchoRequest() => Wire(new IPv4 { Source = S, Destination = D }, new Icmp { Type = 8, Id = 0x1234, Seq = 7 }, new Raw { Load = "ping"u8.ToArray() });

    [Fact]
    public void AnEchoReplyWithTheSameIdAndSeqFromTheDestinationAnswers()
    {
        var reply = Wire(new IPv4 { Source = D, Destination = S }, new Icmp { Type = 0, Id = 0x1234, Seq = 7 }, new Raw { Load = "ping"u8.ToArray() });
        Assert.True(Replies.Answers(reply, EchoRequest()));
    }

    [Theory]
    [InlineData(0x1235, 7)]
    [InlineData(0x1234, 8)]
    [InlineData(0x0000, 0)]
    public void AnEchoReplyWithAnotherIdOrSeqDoesNotAnswer(int id, int seq)
    {
        var reply = Wire(new IPv4 { Source = D, Destination = S }, new Icmp { Type = 0, Id = (ushort)id, Seq = (ushort)seq });
        Assert.False(Replies.Answers(reply, EchoRequest()));
    }

    [Fact]
    public void AnEchoReplyFromAnotherHostOrToAnotherHostDoesNotAnswer()
    {
        var fromElsewhere = Wire(new IPv4 { Source = Other, Destination = S }, new Icmp { Type = 0, Id = 0x1234, Seq = 7 });
        var toElsewhere = Wire(new IPv4 { Source = D, Destination = Other }, new Icmp { Type = 0, Id = 0x1234, Seq = 7 });
        Assert.False(Replies.Answers(fromElsewhere, EchoRequest()));
        Assert.False(Replies.Answers(toElsewhere, EchoRequest()));
    }

    [Fact]
    public void AnotherEchoRequestDoesNotAnswerAnEchoRequest()
    {
        // B pinging A with the same id and seq is a request, not a reply.
        var request = Wire(new IPv4 { Source = D, Destination = S }, new Icmp { Type = 8, Id = 0x1234, Seq = 7 });
        Assert.False(Replies.Answers(request, EchoRequest()));
    }

    [Fact]
    public void AnIPv6PacketDoesNotAnswerAnIPv4One()
    {
        var reply = Wire(new IPv6 { Source = D6, Destination = S6 }, new IcmpV6 { Type = 129, Id = 0x1234, Seq = 7 });
        Assert.False(Replies.Answers(reply, EchoRequest()));
    }

    // ---- TCP ----

    private const uint Isn = 1_000_000;

    private static Packet Syn() => Wire(new IPv4 { Source = S, Destination = D }, new Tcp { SourcePort = 40000, DestinationPort = 443, SequenceNumber = Isn, Flags = TcpFlags.Syn });

    private static Packet FromB(Tcp tcp) => Wire(new IPv4 { Source = D, Destination = S }, tcp);

    [Fact]
    public void ASynAckThatAcknowledgesSeqPlusOneAnswersTheSyn()
    {
        var synAck = FromB(new Tcp { SourcePort = 443, DestinationPort = 40000, SequenceNumber = 77, AcknowledgmentNumber = Isn + 1, Flags = TcpFlags.Parse("SA") });
        Assert.True(Replies.Answers(synAck, Syn()));
    }

    [Fact]
    public void ASynAckThatAcknowledgesSeqPlus100DoesNotAnswer()
    {
        var synAck = FromB(new Tcp { SourcePort = 443, DestinationPort = 40000, SequenceNumber = 77, AcknowledgmentNumber = Isn + 100, Flags = TcpFlags.Parse("SA") });
        Assert.False(Replies.Answers(synAck, Syn()));
    }

    [Theory]
    [InlineData(443, 40001)]
    [InlineData(444, 40000)]
    [InlineData(40000, 443)]
    public void ASynAckOnOtherPortsDoesNotAnswer(int sport, int dport)
    {
        var synAck = FromB(new Tcp { SourcePort = (ushort)sport, DestinationPort = (ushort)dport, SequenceNumber = 77, AcknowledgmentNumber = Isn + 1, Flags = TcpFlags.Parse("SA") });
        Assert.False(Replies.Answers(synAck, Syn()));
    }

    [Fact]
    public void ARstAnswersASyn()
    {
        // Linux's answer from a closed port: RST/ACK, ack = seq + 1, seq 0.
        var rstAck = FromB(new Tcp { SourcePort = 443, DestinationPort = 40000, SequenceNumber = 0, AcknowledgmentNumber = Isn + 1, Flags = TcpFlags.Parse("RA") });
        Assert.True(Replies.Answers(rstAck, Syn()));
        // A bare RST (no ACK) on the swapped ports answers too.
        var rst = FromB(new Tcp { SourcePort = 443, DestinationPort = 40000, SequenceNumber = 0, Flags = TcpFlags.Rst });
        Assert.True(Replies.Answers(rst, Syn()));
    }

    [Fact]
    public void NothingAnswersASentRst()
    {
        var sentRst = Wire(new IPv4 { Source = S, Destination = D }, new Tcp { SourcePort = 40000, DestinationPort = 443, SequenceNumber = Isn, Flags = TcpFlags.Rst });
        var rstAck = FromB(new Tcp { SourcePort = 443, DestinationPort = 40000, SequenceNumber = 0, AcknowledgmentNumber = Isn, Flags = TcpFlags.Parse("RA") });
        var ack = FromB(new Tcp { SourcePort = 443, DestinationPort = 40000, SequenceNumber = 0, AcknowledgmentNumber = Isn + 1, Flags = TcpFlags.Ack });
        Assert.False(Replies.Answers(rstAck, sentRst));
        Assert.False(Replies.Answers(ack, sentRst));
    }

    [Fact]
    public void AnAckOfSentDataAnswersWithinThePayloadLength()
    {
        // A PSH/ACK with 10 bytes at seq 5000 acknowledging 9000: the answer acknowledges 5010 and starts at 9000.
        var sent = Wire(new IPv4 { Source = S, Destination = D }, new Tcp { SourcePort = 40000, DestinationPort = 443, SequenceNumber = 5000, AcknowledgmentNumber = 9000, Flags = TcpFlags.Parse("PA") },
            new Raw { Load = "0123456789"u8.ToArray() });
        Assert.True(Replies.Answers(FromB(new Tcp { SourcePort = 443, DestinationPort = 40000, SequenceNumber = 9000, AcknowledgmentNumber = 5010, Flags = TcpFlags.Ack }), sent));
        Assert.False(Replies.Answers(FromB(new Tcp { SourcePort = 443, DestinationPort = 40000, SequenceNumber = 9000, AcknowledgmentNumber = 5100, Flags = TcpFlags.Ack }), sent));
        Assert.False(Replies.Answers(FromB(new Tcp { SourcePort = 443, DestinationPort = 40000, SequenceNumber = 12000, AcknowledgmentNumber = 5010, Flags = TcpFlags.Ack }), sent));
    }

    // ---- UDP ----

    private static Packet UdpQuery() => Wire(new IPv4 { Source = S, Destination = D }, new Udp { SourcePort = 40000, DestinationPort = 53 }, new Raw { Load = "q"u8.ToArray() });

    [Fact]
    public void AUdpReplyOnTheSwappedPortsAnswers()
    {
        var reply = Wire(new IPv4 { Source = D, Destination = S }, new Udp { SourcePort = 53, DestinationPort = 40000 }, new Raw { Load = "a"u8.ToArray() });
        Assert.True(Replies.Answers(reply, UdpQuery()));
    }

    [Theory]
    [InlineData(40000, 53)]
    [InlineData(53, 40001)]
    [InlineData(54, 40000)]
    public void AUdpDatagramOnOtherPortsDoesNotAnswer(int sport, int dport)
    {
        var reply = Wire(new IPv4 { Source = D, Destination = S }, new Udp { SourcePort = (ushort)sport, DestinationPort = (ushort)dport });
        Assert.False(Replies.Answers(reply, UdpQuery()));
    }

    // ---- ICMP errors quoting what was sent ----

    private static Packet PortUnreachable(IPAddress quotedSource, IPAddress quotedDestination, ushort sport, ushort dport) =>
        Wire(new IPv4 { Source = D, Destination = S }, new Icmp { Type = 3, Code = 3 },
            new IPv4 { Source = quotedSource, Destination = quotedDestination }, new Udp { SourcePort = sport, DestinationPort = dport }, new Raw { Load = "q"u8.ToArray() });

    [Fact]
    public void APortUnreachableQuotingTheSentIPv4UdpAnswers()
    {
        var error = PortUnreachable(S, D, 40000, 53);
        Assert.Equal(new[] { "IPv4", "Icmp" }, Names(error));
        Assert.Equal(new[] { "IPv4", "Udp", "Raw" }, Names(error.Get<Icmp>()!.Quoted!));
        Assert.True(Replies.Answers(error, UdpQuery()));
    }

    [Fact]
    public void APortUnreachableFromARouterOnTheWayAnswersToo()
    {
        // The error's own source is whoever sent it; only the quote must be the sent packet.
        var fromRouter = Wire(new IPv4 { Source = Other, Destination = S }, new Icmp { Type = 3, Code = 1 },
            new IPv4 { Source = S, Destination = D }, new Udp { SourcePort = 40000, DestinationPort = 53 });
        Assert.True(Replies.Answers(fromRouter, UdpQuery()));
    }

    [Theory]
    [InlineData(40001, 53)]
    [InlineData(40000, 54)]
    [InlineData(53, 40000)]
    public void APortUnreachableQuotingOtherPortsDoesNotAnswer(int sport, int dport)
    {
        Assert.False(Replies.Answers(PortUnreachable(S, D, (ushort)sport, (ushort)dport), UdpQuery()));
    }

    [Fact]
    public void APortUnreachableQuotingOtherAddressesDoesNotAnswer()
    {
        Assert.False(Replies.Answers(PortUnreachable(S, Other, 40000, 53), UdpQuery()));
        Assert.False(Replies.Answers(PortUnreachable(Other, D, 40000, 53), UdpQuery()));
    }

    [Fact]
    public void ATimeExceededQuotingTheSentSynAnswersIt()
    {
        var error = Wire(new IPv4 { Source = Other, Destination = S }, new Icmp { Type = 11 },
            new IPv4 { Source = S, Destination = D, TimeToLive = 1 }, new Tcp { SourcePort = 40000, DestinationPort = 443, SequenceNumber = Isn, Flags = TcpFlags.Syn });
        Assert.True(Replies.Answers(error, Syn()));
        var otherSeq = Wire(new IPv4 { Source = Other, Destination = S }, new Icmp { Type = 11 },
            new IPv4 { Source = S, Destination = D, TimeToLive = 1 }, new Tcp { SourcePort = 40000, DestinationPort = 443, SequenceNumber = Isn + 5, Flags = TcpFlags.Syn });
        Assert.False(Replies.Answers(otherSeq, Syn()));
    }

    [Fact]
    public void ATimeExceededQuotingOnlyEightBytesOfTheSynAnswersIt()
    {
        // RFC 792: the IP header and 64 bits of the datagram. The quoted TCP header is cut after the sequence number,
        // which is all the match needs.
        byte[] syn = Syn().GetBytes();
        var error = Packet.Dissect(Packet.FromLayers(new Layer[] { new IPv4 { Source = Other, Destination = S }, new Icmp { Type = 11 }, new Raw { Load = syn[..28] } }).GetBytes(), LinkType.Raw);
        Assert.Equal(8, error.Get<Icmp>()!.Quoted!.Get<Tcp>()!.CutLength);
        Assert.True(Replies.Answers(error, Syn()));
        byte[] otherSeq = (byte[])syn.Clone();
        otherSeq[27] ^= 1;
        var wrong = Packet.Dissect(Packet.FromLayers(new Layer[] { new IPv4 { Source = Other, Destination = S }, new Icmp { Type = 11 }, new Raw { Load = otherSeq[..28] } }).GetBytes(), LinkType.Raw);
        Assert.False(Replies.Answers(wrong, Syn()));
    }

    // ---- ICMPv6 ----

    private static Packet EchoRequest6() => Wire(new IPv6 { Source = S6, Destination = D6 }, new IcmpV6 { Type = 128, Id = 0x4321, Seq = 3 });

    [Fact]
    public void AnIcmpV6EchoReplyWithTheSameIdAndSeqAnswers()
    {
        Assert.True(Replies.Answers(Wire(new IPv6 { Source = D6, Destination = S6 }, new IcmpV6 { Type = 129, Id = 0x4321, Seq = 3 }), EchoRequest6()));
    }

    [Fact]
    public void AnIcmpV6EchoReplyWithAnotherIdOrSeqOrFromElsewhereDoesNotAnswer()
    {
        Assert.False(Replies.Answers(Wire(new IPv6 { Source = D6, Destination = S6 }, new IcmpV6 { Type = 129, Id = 0x4322, Seq = 3 }), EchoRequest6()));
        Assert.False(Replies.Answers(Wire(new IPv6 { Source = D6, Destination = S6 }, new IcmpV6 { Type = 129, Id = 0x4321, Seq = 4 }), EchoRequest6()));
        Assert.False(Replies.Answers(Wire(new IPv6 { Source = Other6, Destination = S6 }, new IcmpV6 { Type = 129, Id = 0x4321, Seq = 3 }), EchoRequest6()));
        Assert.False(Replies.Answers(Wire(new IPv6 { Source = D6, Destination = S6 }, new IcmpV6 { Type = 128, Id = 0x4321, Seq = 3 }), EchoRequest6()));
    }

    [Fact]
    public void ANeighborAdvertisementForTheTargetAnswersASolicitationSentToTheSolicitedNodeGroup()
    {
        var ns = Wire(new IPv6 { Source = S6, Destination = SolicitedNodeD6, HopLimit = 255 }, new IcmpV6 { Type = 135, Target = D6 });
        var na = Wire(new IPv6 { Source = D6, Destination = S6, HopLimit = 255 }, new IcmpV6 { Type = 136, Solicited = true, Override = true, Target = D6 });
        Assert.True(Replies.Answers(na, ns));
    }

    [Fact]
    public void ANeighborAdvertisementForAnotherTargetDoesNotAnswer()
    {
        var ns = Wire(new IPv6 { Source = S6, Destination = SolicitedNodeD6, HopLimit = 255 }, new IcmpV6 { Type = 135, Target = D6 });
        var na = Wire(new IPv6 { Source = Other6, Destination = S6, HopLimit = 255 }, new IcmpV6 { Type = 136, Solicited = true, Target = Other6 });
        Assert.False(Replies.Answers(na, ns));
    }

    [Fact]
    public void AnIcmpV6PortUnreachableQuotingTheSentUdpAnswers()
    {
        var sent = Wire(new IPv6 { Source = S6, Destination = D6 }, new Udp { SourcePort = 40000, DestinationPort = 53 });
        var error = Wire(new IPv6 { Source = D6, Destination = S6 }, new IcmpV6 { Type = 1, Code = 4 },
            new IPv6 { Source = S6, Destination = D6 }, new Udp { SourcePort = 40000, DestinationPort = 53 });
        var otherPort = Wire(new IPv6 { Source = D6, Destination = S6 }, new IcmpV6 { Type = 1, Code = 4 },
            new IPv6 { Source = S6, Destination = D6 }, new Udp { SourcePort = 40000, DestinationPort = 54 });
        Assert.True(Replies.Answers(error, sent));
        Assert.False(Replies.Answers(otherPort, sent));
    }

    // ---- ARP ----

    private static Packet WhoHas() => Wire(new Ethernet { Source = MacA, Destination = MacAddress.Broadcast },
        new Arp { Operation = ArpOperation.WhoHas, SenderHardwareAddress = MacA, SenderProtocolAddress = S, TargetProtocolAddress = D });

    [Fact]
    public void AnArpIsAtFromTheAskedAddressAnswersTheWhoHas()
    {
        var isAt = Wire(EtherBToA(), new Arp { Operation = ArpOperation.IsAt, SenderHardwareAddress = MacB, SenderProtocolAddress = D, TargetHardwareAddress = MacA, TargetProtocolAddress = S });
        Assert.True(Replies.Answers(isAt, WhoHas()));
    }

    [Fact]
    public void AnArpIsAtFromAnotherAddressDoesNotAnswer()
    {
        var isAt = Wire(EtherBToA(), new Arp { Operation = ArpOperation.IsAt, SenderHardwareAddress = MacB, SenderProtocolAddress = Other, TargetHardwareAddress = MacA, TargetProtocolAddress = S });
        Assert.False(Replies.Answers(isAt, WhoHas()));
    }

    [Fact]
    public void AnotherArpWhoHasDoesNotAnswerAWhoHas()
    {
        var whoHas = Wire(EtherBToA(), new Arp { Operation = ArpOperation.WhoHas, SenderHardwareAddress = MacB, SenderProtocolAddress = D, TargetProtocolAddress = S });
        Assert.False(Replies.Answers(whoHas, WhoHas()));
    }

    [Fact]
    public void AnArpIsAtCapturedWithALinuxCookedHeaderAnswersTheWhoHasSentWithEthernet()
    {
        var isAt = Wire(Sll(), new Arp { Operation = ArpOperation.IsAt, SenderHardwareAddress = MacB, SenderProtocolAddress = D, TargetHardwareAddress = MacA, TargetProtocolAddress = S });
        Assert.Equal(LinkType.LinuxSll, isAt.LinkType);
        Assert.Equal(new[] { "LinuxSll", "Arp" }, Names(isAt));
        Assert.True(Replies.Answers(isAt, WhoHas()));
    }

    // ---- link headers ----

    [Fact]
    public void AReplyCapturedWithALinuxCookedHeaderAnswersAPacketSentWithEthernet()
    {
        var sent = Wire(EtherAToB(), new IPv4 { Source = S, Destination = D }, new Icmp { Type = 8, Id = 0x1234, Seq = 7 });
        var reply = Wire(Sll(), new IPv4 { Source = D, Destination = S }, new Icmp { Type = 0, Id = 0x1234, Seq = 7 });
        Assert.Equal(LinkType.Ethernet, sent.LinkType);
        Assert.Equal(LinkType.LinuxSll, reply.LinkType);
        Assert.Equal(new[] { "LinuxSll", "IPv4", "Icmp" }, Names(reply));
        Assert.True(Replies.Answers(reply, sent));
        var wrongSeq = Wire(Sll(), new IPv4 { Source = D, Destination = S }, new Icmp { Type = 0, Id = 0x1234, Seq = 8 });
        Assert.False(Replies.Answers(wrongSeq, sent));
    }

    [Fact]
    public void AReplyCapturedWithEthernetAnswersAPacketSentAtLayer3()
    {
        var reply = Wire(EtherBToA(), new IPv4 { Source = D, Destination = S }, new Icmp { Type = 0, Id = 0x1234, Seq = 7 });
        Assert.True(Replies.Answers(reply, EchoRequest()));
    }

    [Fact]
    public void AnIcmpErrorCapturedWithALinuxCookedHeaderAnswersWhatItQuotes()
    {
        var error = Wire(Sll(), new IPv4 { Source = D, Destination = S }, new Icmp { Type = 3, Code = 3 },
            new IPv4 { Source = S, Destination = D }, new Udp { SourcePort = 40000, DestinationPort = 53 }, new Raw { Load = "q"u8.ToArray() });
        Assert.True(Replies.Answers(error, UdpQuery()));
    }

    // ---- a packet is not its own answer ----

    [Fact]
    public void AnEchoRequestSeenComingBackOnLoopbackDoesNotAnswerItself()
    {
        // Sent to 127.0.0.1 at layer 3, the request shows up again on "any" as an incoming packet on lo.
        var sent = Wire(new IPv4 { Source = Lo, Destination = Lo }, new Icmp { Type = 8, Id = 7, Seq = 1 });
        var seen = Wire(new LinuxSll { PacketType = 0, AddressType = 772, AddressLength = 6 }, new IPv4 { Source = Lo, Destination = Lo }, new Icmp { Type = 8, Id = 7, Seq = 1 });
        Assert.False(Replies.Answers(seen, sent));
        Assert.False(Replies.Answers(sent, sent));
    }

    [Fact]
    public void AnIcmpV6EchoRequestSeenComingBackOnLoopbackDoesNotAnswerItself()
    {
        var sent = Wire(new IPv6 { Source = IPAddress.IPv6Loopback, Destination = IPAddress.IPv6Loopback }, new IcmpV6 { Type = 128, Id = 7, Seq = 1 });
        Assert.False(Replies.Answers(sent, sent));
    }

    [Fact]
    public void AUdpDatagramWithEqualPortsSeenComingBackOnLoopbackDoesNotAnswerItself()
    {
        // New-Packet IPv4 | New-Packet Udp with every default: 127.0.0.1 > 127.0.0.1, port 53 > 53. The copy of it
        // that arrives on lo is the packet itself, not an answer (the answer, if any, is ICMP port-unreachable or a reply).
        var sent = Wire(new IPv4 { Source = Lo, Destination = Lo }, new Udp(), new Raw { Load = "q"u8.ToArray() });
        var seen = Wire(new LinuxSll { PacketType = 0, AddressType = 772, AddressLength = 6 }, new IPv4 { Source = Lo, Destination = Lo }, new Udp(), new Raw { Load = "q"u8.ToArray() });
        Assert.False(Replies.Answers(seen, sent));
    }

    [Fact]
    public void ATcpSynWithEqualPortsSeenComingBackOnLoopbackDoesNotAnswerItself()
    {
        var syn = new Tcp { SourcePort = 5555, DestinationPort = 5555, SequenceNumber = 0, Flags = TcpFlags.Syn };
        var sent = Wire(new IPv4 { Source = Lo, Destination = Lo }, syn);
        var seen = Wire(new LinuxSll { PacketType = 0, AddressType = 772, AddressLength = 6 }, new IPv4 { Source = Lo, Destination = Lo }, syn);
        Assert.False(Replies.Answers(seen, sent));
    }
}
