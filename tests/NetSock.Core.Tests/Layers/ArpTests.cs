using System.Net;
using NetSock.Packets;
using NetSock.Packets.Layers;
using static NetSock.Tests.Layers.Golden;

namespace NetSock.Tests.Layers;

public class ArpTests
{
    [Fact]
    public void DefaultsMatchScapy()
    {
        // bytes(ARP(psrc='198.18.0.1', hwsrc='02:00:00:00:00:01')): hwtype 1, ptype 0x0800, hwlen 6, plen 4, who-has, hwdst 0, pdst 0.0.0.0
        Assert.Equal("0001080006040001020000000001c612000100000000000000000000",
            Build(new Arp { SenderProtocolAddress = S, SenderHardwareAddress = MacA }));
    }

    [Fact]
    public void SenderAddressesAreAutoFromTheRouteLikeScapy()
    {
        // bytes(ARP(pdst='127.0.0.1')): psrc from the route (127.0.0.1), hwsrc the interface's MAC (loopback: zero)
        Assert.Equal("00010800060400010000000000007f0000010000000000007f000001", Build(new Arp { TargetProtocolAddress = IPAddress.Loopback }));
        var arp = new Arp();
        _ = Packet.FromLayers(new Layer[] { arp }).GetBytes();
        Assert.Null(arp.SenderProtocolAddress);     // building filled a copy: the layer keeps its auto fields
    }

    [Fact]
    public void AReplyWithFieldsSetMatchesScapy()
    {
        // bytes(Ether(src=B, dst=A)/ARP(op='is-at', hwsrc=B, psrc='198.18.0.2', hwdst=A, pdst='198.18.0.1'))
        Assert.Equal("02000000000102000000000208060001080006040002020000000002c6120002020000000001c6120001",
            Build(new Ethernet { Source = MacB, Destination = MacA },
                new Arp { Operation = ArpOperation.IsAt, SenderHardwareAddress = MacB, SenderProtocolAddress = D, TargetHardwareAddress = MacA, TargetProtocolAddress = S }));
    }

    [Fact]
    public void AWrongLengthIsSentVerbatim()
    {
        // Scapy's ARP(hwlen=8, ...) re-sizes hwsrc to 8 bytes; here the field is sent as given and the addresses keep
        // the Ethernet/IPv4 layout: bytes(ARP(hwsrc=A, psrc='198.18.0.1', pdst='198.18.0.2')) is
        // 0001080006040001020000000001c6120001000000000000c6120002; this is it with byte 4 changed from 06 to 08.
        const string hex = "0001080008040001020000000001c6120001000000000000c6120002";
        Assert.Equal(hex, Build(new Arp { HardwareLength = 8, SenderHardwareAddress = MacA, SenderProtocolAddress = S, TargetProtocolAddress = D }));
        var p = Dissect("0200000000020200000000010806" + hex, LinkType.Ethernet);
        Assert.True(p.IsMalformed);       // an 8-byte hardware address is not decoded as a MAC: kept as Raw, with the reason
        Assert.Contains("hardware address length 8", p.MalformedReason);
        Assert.Equal(new[] { "Ethernet", "Raw" }, Names(p));
    }

    [Fact]
    public void DissectingGivesTheFieldsBackAndTheFramePaddingApart()
    {
        string frame = "02000000000102000000000208060001080006040002020000000002c6120002020000000001c6120001" + new string('0', 36);
        var p = Dissect(frame, LinkType.Ethernet);
        Assert.False(p.IsMalformed);
        Assert.Equal(new[] { "Ethernet", "Arp", "Padding" }, Names(p));
        var arp = p.Get<Arp>()!;
        Assert.Equal(ArpOperation.IsAt, arp.Operation);
        Assert.Equal(MacB, arp.SenderHardwareAddress);
        Assert.Equal(D, arp.SenderProtocolAddress);
        Assert.Equal(MacA, arp.TargetHardwareAddress);
        Assert.Equal(S, arp.TargetProtocolAddress);
        Assert.Equal((byte)6, arp.HardwareLength);
        Assert.Equal((byte)4, arp.ProtocolLength);
        Assert.Equal("ARP 198.18.0.2 is-at 02:00:00:00:00:02", arp.Summary);
        Assert.Equal("pdst", arp.GetInfo().GetField("TargetProtocolAddress").Alias);
        Assert.Same(arp.GetInfo().GetField("op"), arp.GetInfo().GetField("Operation"));
    }

    [Fact]
    public void ArpRefusesIPv6Addresses() =>
        Assert.Throws<ArgumentException>(() => new Arp { TargetProtocolAddress = IPAddress.IPv6Loopback });

    [Fact]
    public void TruncatedArpIsMalformedNotAnException()
    {
        var p = Dissect("0200000000010200000000020806" + "0001080006040002020000000002c612", LinkType.Ethernet);
        Assert.True(p.IsMalformed);
        Assert.Contains("Arp header truncated", p.MalformedReason);
        Assert.Equal(new[] { "Ethernet", "Raw" }, Names(p));
        Assert.True(Dissect("0200000000010200000000020806" + "000108", LinkType.Ethernet).IsMalformed);
    }
}
