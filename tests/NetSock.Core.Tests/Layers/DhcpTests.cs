using System.Net;
using NetSock.Packets;
using NetSock.Packets.Layers;
using static NetSock.Tests.Layers.Golden;

namespace NetSock.Tests.Layers;

public class DhcpTests
{
    private static readonly string Zeros = new('0', 2 * 202);       // sname, file and the rest of chaddr: 10 + 64 + 128 bytes

    // bytes(IP(src='0.0.0.0', dst='255.255.255.255')/UDP(sport=68, dport=67)/BOOTP(chaddr=MAC_A, xid=0x1234, flags=0x8000)
    //   /DHCP(options=[('message-type','discover'), ('param_req_list',[1,3,6,15]), ('hostname','pc1'), 'end']))
    private static readonly string Discover = "4500011b00010000401179d200000000ffffffff004400430107f94f" + "010106000000123400008000"
        + "00000000000000000000000000000000" + "020000000001" + Zeros + "63825363" + "35010137040103060f0c03706331ff";

    // bytes(BOOTP(op=2, xid=0x1234, yiaddr='198.18.0.10', siaddr='198.18.0.1', chaddr=MAC_A)/DHCP(options=[('message-type','offer'),
    //   ('server_id','198.18.0.1'), ('lease_time',3600), ('subnet_mask','255.255.255.0'), ('router','198.18.0.1'),
    //   ('name_server','198.18.0.53','198.18.0.54'), ('domain','example.test'), 'end']))
    private static readonly string Offer = "020106000000123400000000" + "00000000c612000ac612000100000000" + "020000000001" + Zeros + "63825363"
        + "3501023604c6120001330400000e100104ffffff000304c61200010608c6120035c61200360f0c6578616d706c652e74657374ff";

    private static DhcpOption[] Options(params string[] text) => text.Select(DhcpOption.Parse).ToArray();

    [Fact]
    public void DefaultsMatchScapy()
    {
        // bytes(BOOTP()) and bytes(BOOTP()/DHCP()): 236 bytes, then the magic cookie when DHCP follows
        Assert.Equal("01010600" + new string('0', 2 * 232), Build(new Bootp()));
        Assert.Equal("01010600" + new string('0', 2 * 232) + "63825363", Build(new Bootp(), new Dhcp()));
    }

    [Fact]
    public void ADiscoverAndAnOfferAreBuiltAsScapyBuildsThem()
    {
        Assert.Equal(Discover, Build(new IPv4 { Source = IPAddress.Any, Destination = IPAddress.Broadcast }, new Udp { SourcePort = 68, DestinationPort = 67 },
            new Bootp { ClientHardwareAddress = MacA, TransactionId = 0x1234, Flags = 0x8000 },
            new Dhcp { Options = Options("message-type=discover", "param_req_list=1,3,6,15", "hostname=pc1", "end") }));
        Assert.Equal(Offer, Build(
            new Bootp { Operation = 2, TransactionId = 0x1234, YourAddress = IPAddress.Parse("198.18.0.10"), ServerAddress = IPAddress.Parse("198.18.0.1"), ClientHardwareAddress = MacA },
            new Dhcp { Options = Options("message-type=offer", "server_id=198.18.0.1", "lease_time=3600", "subnet_mask=255.255.255.0", "router=198.18.0.1", "name_server=198.18.0.53,198.18.0.54", "domain=example.test", "end") }));
    }

    [Fact]
    public void DissectingFollowsPort67AndGivesTheOptionsBack()
    {
        var p = Dissect(Discover);
        Assert.False(p.IsMalformed, p.MalformedReason);
        Assert.Equal(new[] { "IPv4", "Udp", "Bootp", "Dhcp" }, Names(p));
        var bootp = p.Get<Bootp>()!;
        Assert.Equal(0x1234u, bootp.TransactionId);
        Assert.Equal(MacA, bootp.ClientHardwareAddress);
        Assert.Equal((ushort)0x8000, bootp.Flags);
        var dhcp = p.Get<Dhcp>()!;
        Assert.Equal("discover", dhcp.MessageType);
        Assert.Equal(new[] { "message-type=discover", "param_req_list=1,3,6,15", "hostname=pc1", "end" }, dhcp.Options.Select(o => o.ToString()));
        Assert.Equal("BOOTP request xid 0x00001234 from 02:00:00:00:00:01", bootp.Summary);
        Assert.Equal("DHCP Discover", dhcp.Summary);
        Assert.Equal(Discover, Hex(p.Rebuilt()));

        var offer = new Bootp();
        ((Layer)offer).Decode(Convert.FromHexString(Offer), new DecodeContext());
        Assert.Equal(IPAddress.Parse("198.18.0.10"), offer.YourAddress);
        Assert.Equal("BOOTP reply xid 0x00001234 to 02:00:00:00:00:01 yiaddr 198.18.0.10", offer.Summary);
    }

    [Fact]
    public void PaddingAfterEndIsKeptApartAndValuesAreTyped()
    {
        // bytes(BOOTP(xid=0x1234, chaddr=MAC_A)/DHCP(options=[('message-type','request'), ('requested_addr','198.18.0.10'),
        //   ('server_id','198.18.0.1'), ('client_id', b'\x01\x02\x00\x00\x00\x00\x01'), 'end', 'pad', 'pad'])), over UDP 68 > 67
        string request = "010106000000123400000000" + "00000000000000000000000000000000" + "020000000001" + Zeros + "63825363"
            + "3501033204c612000a3604c61200013d0701020000000001ff0000";
        var p = Dissect(Build(new IPv4 { Source = S, Destination = D }, new Udp { SourcePort = 68, DestinationPort = 67 }, new Raw { Load = Convert.FromHexString(request) }));
        Assert.False(p.IsMalformed, p.MalformedReason);
        Assert.Equal(new[] { "IPv4", "Udp", "Bootp", "Dhcp", "Padding" }, Names(p));
        var options = p.Get<Dhcp>()!.Options;
        Assert.Equal(IPAddress.Parse("198.18.0.10"), options[1].Value);
        Assert.Equal("client_id=01020000000001", options[3].ToString());
        Assert.Equal("DHCP Request requested_addr=198.18.0.10 server_id=198.18.0.1", p.Get<Dhcp>()!.Summary);
        Assert.Equal(new IPAddress[] { IPAddress.Parse("198.18.0.53"), IPAddress.Parse("198.18.0.54") }, DhcpOption.Parse("name_server=198.18.0.53,198.18.0.54").Value);
        Assert.Equal(3600u, DhcpOption.Parse("lease_time=3600").Value);
    }

    [Fact]
    public void WhatIsNotBootpStaysRawAndABrokenOptionIsMalformed()
    {
        var shortOne = Dissect(Build(new IPv4 { Source = S, Destination = D }, new Udp { SourcePort = 68, DestinationPort = 67 }, new Raw { Load = new byte[] { 1, 2, 3 } }));
        Assert.False(shortOne.IsMalformed, shortOne.MalformedReason);
        Assert.Equal(new[] { "IPv4", "Udp", "Raw" }, Names(shortOne));
        // An option whose length runs past the end of the datagram: message-type (35) claims 12 bytes, one is there.
        string good = Build(new IPv4 { Source = S, Destination = D }, new Udp { SourcePort = 68, DestinationPort = 67 }, new Bootp(), new Dhcp { Options = Options("message-type=discover") });
        Assert.EndsWith("63825363350101", good);
        var p = Dissect(good[..^6] + "350c09");
        Assert.True(p.IsMalformed);
        Assert.Contains("DHCP option", p.MalformedReason!);
    }

    [Fact]
    public void AReplyAnswersTheRequestWithItsXid()
    {
        Packet Message(uint xid, byte op, ushort sport, ushort dport) => Packet.FromLayers(new Layer[]
            { new IPv4 { Source = op == 1 ? S : D, Destination = op == 1 ? D : S }, new Udp { SourcePort = sport, DestinationPort = dport }, new Bootp { Operation = op, TransactionId = xid }, new Dhcp() }).Rebuilt();
        var discover = Message(0xabcd, 1, 68, 67);
        Assert.True(Replies.Answers(Message(0xabcd, 2, 67, 68), discover));
        Assert.False(Replies.Answers(Message(0xabce, 2, 67, 68), discover));
    }

    [Fact]
    public void OptionTextIsCheckedAndExplained()
    {
        Assert.Equal("option250=abcd", DhcpOption.Parse("option250=abcd").ToString());
        Assert.Equal("message-type=ack", DhcpOption.Parse("message-type=5").ToString());
        var e = Assert.Throws<FormatException>(() => DhcpOption.Parse("router=2001:db8::1"));
        Assert.Contains("IPv4", e.Message);
        Assert.Contains("message-type=discover", e.Message);
        Assert.Throws<FormatException>(() => DhcpOption.Parse("bogus=1"));
        Assert.Throws<ArgumentException>(() => new Bootp { ServerName = new string('s', 65) });
        Assert.Throws<ArgumentException>(() => new Bootp { YourAddress = IPAddress.IPv6Loopback });
    }
}
