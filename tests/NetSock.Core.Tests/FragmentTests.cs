using NetSock.Packets;
using NetSock.Packets.Layers;
using static NetSock.Tests.Layers.Golden;

namespace NetSock.Tests;

public class FragmentTests
{
    [Fact]
    public void IPv4FragmentsAreScapysFragments()
    {
        // [bytes(f) for f in fragment(IP(src=S, dst=D)/UDP(sport=40000, dport=9)/Raw(b'x'*40), fragsize=16)]
        var packet = Packet.FromLayers(new Layer[] { new IPv4 { Source = S, Destination = D }, new Udp { SourcePort = 40000, DestinationPort = 9 }, new Raw { Load = Enumerable.Repeat((byte)'x', 40).ToArray() } });
        Assert.Equal(new[]
        {
            "45000024000120004011cea0c6120001c61200029c40000900306db37878787878787878",
            "45000024000120024011ce9ec6120001c612000278787878787878787878787878787878",
            "45000024000100044011ee9cc6120001c612000278787878787878787878787878787878",
        }, Fragments.Split(packet, 16).Select(Hex));
    }

    [Fact]
    public void ASizeIsRoundedDownToEightAndOptionsAndOffsetsCarryOn()
    {
        // [bytes(f) for f in fragment(IP(src=S, dst=D, options=[IPOption_RR()])/ICMP(id=1, seq=2)/Raw(b'a'*20), fragsize=10)]:
        // pieces of 8 bytes, the last one up to 10
        var packet = Packet.FromLayers(new Layer[]
        {
            new IPv4 { Source = S, Destination = D, Options = Convert.FromHexString("07030400") }, new Icmp { Id = 1, Seq = 2 },
            new Raw { Load = Enumerable.Repeat((byte)'a', 20).ToArray() },
        });
        var fragments = Fragments.Split(packet, 10);
        Assert.Equal(new[]
        {
            "46000020000120004001c2b1c6120001c61200020703040008002a2f00010002",
            "46000020000120014001c2b0c6120001c6120002070304006161616161616161",
            "46000020000120024001c2afc6120001c6120002070304006161616161616161",
            "4600001c000100034001e2b2c6120001c61200020703040061616161",
        }, fragments.Select(Hex));
        Assert.Equal((byte)1, fragments[3].Get<IPv4>()!.Protocol);      // the protocol of what was cut: ICMP
        // tcpdump's way of saying so: frag id:length@offset, + when more follow
        Assert.Equal("IP 198.18.0.1 > 198.18.0.2 ttl 64 frag 1:8@8+", Dissect(Hex(fragments[1])).Get<IPv4>()!.Summary);
        Assert.Equal("IP 198.18.0.1 > 198.18.0.2 ttl 64 frag 1:4@24", Dissect(Hex(fragments[3])).Get<IPv4>()!.Summary);
        // A fragment of a fragment adds to its offset.
        var again = Fragments.Split(fragments[1], 4 + 4);
        Assert.Equal(new ushort[] { 1 }, again.Select(f => f.Get<IPv4>()!.FragmentOffset));
        Assert.Equal(new ushort[] { 1, 2 }, Fragments.Split(Packet.FromLayers(new Layer[] { new IPv4 { Source = S, Destination = D, FragmentOffset = 1 }, new Raw { Load = new byte[16] } }), 8)
            .Select(f => f.Get<IPv4>()!.FragmentOffset));
    }

    [Fact]
    public void IPv6FragmentsRepeatTheUnfragmentablePartAndCarryOneId()
    {
        var payload = Enumerable.Range(0, 100).Select(i => (byte)i).ToArray();
        var packet = Packet.FromLayers(new Layer[] { new IPv6 { Source = S6, Destination = D6 }, new IPv6HopByHop(), new Udp { SourcePort = 1, DestinationPort = 2 }, new Raw { Load = payload } });
        byte[] whole = packet.GetBytes();
        var fragments = Fragments.Split(packet, 40);
        Assert.Equal(3, fragments.Count);
        var headers = fragments.Select(f => f.Get<IPv6Fragment>()!).ToList();
        Assert.Equal(new ushort[] { 0, 5, 10 }, headers.Select(h => h.FragmentOffset));
        Assert.Equal(new byte[] { 1, 1, 0 }, headers.Select(h => h.MoreFragments));
        Assert.Single(headers.Select(h => h.Identification).Distinct());
        Assert.All(headers, h => Assert.Equal((byte)17, h.NextHeader));
        Assert.All(fragments, f => Assert.Equal(new[] { "IPv6", "IPv6HopByHop", "IPv6Fragment" }, Names(Dissect(Hex(f))).Take(3)));
        Assert.All(fragments, f => Assert.Equal((byte)44, Dissect(Hex(f)).Get<IPv6HopByHop>()!.NextHeader));
        // Put together, the pieces are the UDP datagram that was cut (everything after the Hop-by-Hop header).
        byte[] joined = fragments.SelectMany(f => f.GetBytes()[56..]).ToArray();     // after IPv6 (40), Hop-by-Hop (8), Fragment (8)
        Assert.Equal(whole[48..], joined);
    }

    [Fact]
    public void APieceOfTheSentPacketDoesNotAnswerIt()
    {
        var loopback = System.Net.IPAddress.Loopback;
        // On lo the fragments sent come back in; with UDP 53 > 53 they would look like answers.
        var sent = Packet.FromLayers(new Layer[] { new IPv4 { Source = loopback, Destination = loopback }, new Udp(), new Raw { Load = new byte[40] } }).Rebuilt();
        Assert.All(Fragments.Split(sent, 16), f => Assert.False(Replies.Answers(f.Rebuilt(), sent)));
        // A reply that comes in fragments answers by its first fragment; the others carry no header to compare.
        var echo = Packet.FromLayers(new Layer[] { new IPv4 { Source = S, Destination = D }, new Icmp { Id = 7 }, new Raw { Load = new byte[40] } }).Rebuilt();
        var reply = Packet.FromLayers(new Layer[] { new IPv4 { Source = D, Destination = S, Identification = 99 }, new Icmp { Type = 0, Id = 7 }, new Raw { Load = new byte[40] } });
        var pieces = Fragments.Split(reply, 16);
        Assert.True(Replies.Answers(reply.Rebuilt(), echo));
        Assert.True(Replies.Answers(pieces[0].Rebuilt(), echo));
        Assert.False(Replies.Answers(pieces[1].Rebuilt(), echo));
    }

    [Fact]
    public void WhatCannotBeFragmentedIsSaid()
    {
        var arp = Packet.FromLayers(new Layer[] { new Ethernet { Source = MacA, Destination = MacB }, new Arp { SenderProtocolAddress = S, TargetProtocolAddress = D } });
        Assert.Contains("Only an IP packet", Assert.Throws<ArgumentException>(() => Fragments.Split(arp, 8)).Message);
        var fragment = Packet.FromLayers(new Layer[] { new IPv6 { Source = S6, Destination = D6 }, new IPv6Fragment(), new Udp() });
        Assert.Contains("already", Assert.Throws<ArgumentException>(() => Fragments.Split(fragment, 8)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Fragments.Split(arp, 4));
        var small = Packet.FromLayers(new Layer[] { new IPv4 { Source = S, Destination = D }, new Udp() });
        Assert.Equal(Hex(small), Hex(Assert.Single(Fragments.Split(small, 1480))));
    }
}
