using System.Net;
using NetSock.Packets;
using NetSock.Packets.Layers;

namespace NetSock.Tests;

/// <summary>Golden bytes both ways: what NetSock builds equals what Scapy builds (hex from Scapy 2.5 beside each case), and dissecting it gives the fields back.</summary>
public class PacketBuildTests
{
    private static readonly IPAddress Lo = IPAddress.Loopback;

    [Fact]
    public void IPv4TcpWithDefaultsMatchesScapy()
    {
        // bytes(IP(src='127.0.0.1', dst='127.0.0.1')/TCP())
        var p = Packet.FromLayers(new Layer[] { new IPv4 { Source = Lo, Destination = Lo }, new Tcp() });
        Assert.Equal("450000280001000040067ccd7f0000017f00000100140050000000000000000050022000917c0000", Convert.ToHexString(p.GetBytes()).ToLowerInvariant());
    }

    [Fact]
    public void IPv4TcpWithOptionsAndPayloadMatchesScapy()
    {
        // bytes(IP(src='127.0.0.1', dst='127.0.0.1', ttl=5)/TCP(dport=443, flags='SA',
        //   options=[('MSS',1460),('SAckOK',b''),('Timestamp',(1,0)),('WScale',7)])/b'hi')
        var tcp = new Tcp
        {
            DestinationPort = 443,
            Flags = TcpFlags.Parse("SA"),
            Options = new[] { TcpOption.Parse("MSS=1460"), TcpOption.Parse("SAckOK"), TcpOption.Parse("Timestamp=1,0"), TcpOption.Parse("WScale=7") },
        };
        var p = Packet.FromLayers(new Layer[] { new IPv4 { Source = Lo, Destination = Lo, TimeToLive = 5 }, tcp, new Raw { Load = "hi"u8.ToArray() } });
        Assert.Equal("4500003e000100000506b7b77f0000017f000001001401bb0000000000000000a0122000b9b90000020405b40402080a0000000100000000030307006869",
            Convert.ToHexString(p.GetBytes()).ToLowerInvariant());
    }

    [Fact]
    public void IPv6UdpMatchesScapy()
    {
        // bytes(IPv6(src='::1', dst='::1')/UDP()/b'abc')
        var p = Packet.FromLayers(new Layer[] { new IPv6 { Source = IPAddress.IPv6Loopback }, new Udp(), new Raw { Load = "abc"u8.ToArray() } });
        Assert.Equal("60000000000b1140000000000000000000000000000000010000000000000000000000000000000100350035000b3b0a616263",
            Convert.ToHexString(p.GetBytes()).ToLowerInvariant());
    }

    [Fact]
    public void EthernetIPv4UdpMatchesScapy()
    {
        // bytes(Ether(src='02:00:00:00:00:01', dst='02:00:00:00:00:02')/IP(src='198.18.0.1', dst='198.18.0.2')/UDP())
        var p = Packet.FromLayers(new Layer[]
        {
            new Ethernet { Source = MacAddress.Parse("02:00:00:00:00:01"), Destination = MacAddress.Parse("02:00:00:00:00:02") },
            new IPv4 { Source = IPAddress.Parse("198.18.0.1"), Destination = IPAddress.Parse("198.18.0.2") },
            new Udp(),
        });
        Assert.Equal("02000000000202000000000108004500001c000100004011eea8c6120001c6120002003500350008734c", Convert.ToHexString(p.GetBytes()).ToLowerInvariant());
    }

    [Fact]
    public void DissectingScapysBytesGivesTheFieldsBack()
    {
        var p = Packet.Dissect(Convert.FromHexString("4500003e000100000506b7b77f0000017f000001001401bb0000000000000000a0122000b9b90000020405b40402080a0000000100000000030307006869"), LinkType.Raw);
        Assert.False(p.IsMalformed);
        Assert.Equal(new[] { "IPv4", "Tcp", "Raw" }, p.Layers.Select(l => l.Name));
        var ip = p.Get<IPv4>()!;
        Assert.Equal(5, ip.TimeToLive);
        Assert.Equal((ushort)0xb7b7, ip.Checksum);
        Assert.Equal((byte)6, ip.Protocol);
        var tcp = p.Get<Tcp>()!;
        Assert.Equal(443, tcp.DestinationPort);
        Assert.Equal("SA", tcp.Flags.ToString());
        Assert.Equal("SA", tcp.Flags.Letters);
        Assert.Equal(new[] { "MSS=1460", "SAckOK", "Timestamp=1,0", "WScale=7", "EOL" }, tcp.Options.Select(o => o.ToString()));
        Assert.Equal("hi", System.Text.Encoding.ASCII.GetString(((Raw)p["Raw"]!).Load));
    }

    [Fact]
    public void AUserSetWrongChecksumAndLengthAreSentVerbatim()
    {
        var p = Packet.FromLayers(new Layer[] { new IPv4 { Source = Lo, Destination = Lo, Checksum = 0xBEEF, TotalLength = 999 }, new Udp { Checksum = 0x1234 } });
        var back = Packet.Dissect(p.GetBytes(), LinkType.Raw);
        Assert.Equal((ushort)0xBEEF, back.Get<IPv4>()!.Checksum);
        Assert.Equal((ushort)999, back.Get<IPv4>()!.TotalLength);
        Assert.Equal((ushort)0x1234, back.Get<Udp>()!.Checksum);
    }

    [Fact]
    public void StackingLeavesTheOriginalUnchanged()
    {
        var ip = Packet.FromLayers(new Layer[] { new IPv4 { Destination = Lo } });
        var tcp = ip / new Tcp { DestinationPort = 22 };
        ((Tcp)tcp["Tcp"]!).DestinationPort = 23;
        ((IPv4)tcp["IPv4"]!).TimeToLive = 1;
        Assert.Single(ip.Layers);
        Assert.Equal(64, ip.Get<IPv4>()!.TimeToLive);
        Assert.Null(ip.Get<IPv4>()!.Checksum);      // building did not fill the auto fields of the packet itself
        _ = ip.GetBytes();
        Assert.Null(ip.Get<IPv4>()!.Checksum);
    }

    [Fact]
    public void ADissectedPacketKeepsItsBytesUntilAFieldChanges()
    {
        byte[] original = Convert.FromHexString("450000280001000040067ccd7f0000017f00000100140050000000000000000050022000917c0000");
        var p = Packet.Dissect(original, LinkType.Raw);
        Assert.Same(original, p.GetBytes());
        p.Get<IPv4>()!.TimeToLive = 1;
        Assert.Equal(1, p.GetBytes()[8]);
        Assert.Equal(0x7c, p.GetBytes()[10]);           // the decoded checksum is a set field now: kept, as Scapy does
    }

    [Fact]
    public void EthernetPaddingIsKeptApartFromThePayload()
    {
        byte[] frame = Convert.FromHexString("02000000000202000000000108004500001c000100004011eea8c6120001c6120002003500350008734c" + new string('0', 36));
        var p = Packet.Dissect(frame);
        Assert.Equal(new[] { "Ethernet", "IPv4", "Udp", "Padding" }, p.Layers.Select(l => l.Name));
        Assert.Equal(18, ((Padding)p["Padding"]!).Load.Length);
    }

    [Fact]
    public void TruncatedInputIsMalformedNotAnException()
    {
        var p = Packet.Dissect(Convert.FromHexString("4500003e00010000050"[..18]), LinkType.Raw);
        Assert.True(p.IsMalformed);
        Assert.Equal("IPv4 header truncated: 9 of 20 bytes", p.MalformedReason);
        var ip = Assert.IsType<IPv4>(p.Layers.Single());     // the fields before the cut, as tshark shows them
        Assert.Equal((ushort)0x3e, ip["len"]);
        Assert.Equal((byte)5, ip["ttl"]);
        Assert.Null(ip["proto"]);
    }

    [Theory]
    [InlineData("S", 0x002)]
    [InlineData("SA", 0x012)]
    [InlineData("Syn,Ack", 0x012)]
    [InlineData("syn, ack", 0x012)]
    [InlineData("FPU", 0x029)]
    [InlineData("0x18", 0x018)]
    [InlineData("ACK", 0x010)]
    public void TcpFlagsParseLettersNamesAndNumbers(string text, int value) => Assert.Equal(value, TcpFlags.Parse(text).Value);

    [Fact]
    public void TheRegistryKnowsEachLayerOnceWithItsFieldsInWireOrder()
    {
        var ip = LayerRegistry.Get("ip");
        Assert.Equal("IPv4", ip.Name);
        Assert.Equal(new[] { "Version", "InternetHeaderLength", "TypeOfService", "TotalLength", "Identification", "Flags", "FragmentOffset", "TimeToLive", "Protocol", "Checksum", "Source", "Destination", "Options" },
            ip.Fields.Select(f => f.Name));
        Assert.Equal("TimeToLive", ip.GetField("ttl").Name);
        Assert.True(ip.GetField("chksum").IsAuto);
        Assert.True(ip.GetField("src").IsAuto);
        Assert.False(ip.GetField("dst").IsAuto);
        Assert.Equal((byte)64, ip.GetField("ttl").Default);
        var e = Assert.Throws<NetSockException>(() => LayerRegistry.Get("Nope"));
        Assert.Equal("PacketLayerUnknown", e.ErrorId);
    }

    [Fact]
    public void AChecksumAboveARoutingHeaderUsesTheFinalDestinationAsRfc8200Says()
    {
        // bytes(IPv6(src='2001:db8::1', dst='2001:db8::2')/IPv6ExtHdrRouting(addresses=['2001:db8::3', '2001:db8::4'])/UDP())
        var p = Packet.FromLayers(new Layer[]
        {
            new IPv6 { Source = IPAddress.Parse("2001:db8::1"), Destination = IPAddress.Parse("2001:db8::2") },
            new IPv6Routing { Addresses = new[] { IPAddress.Parse("2001:db8::3"), IPAddress.Parse("2001:db8::4") } },
            new Udp(),
        });
        Assert.Equal("6000000000302b4020010db800000000000000000000000120010db8000000000000000000000002110400020000000020010db800000000000000000000000320010db8000000000000000000000004003500350008a3fd",
            Convert.ToHexString(p.GetBytes()).ToLowerInvariant());
    }

    [Fact]
    public void AutoEthernetAddressesFollowTheLayersAboveThroughVlanTags()
    {
        // An ARP request goes to everyone; a reply to the asker; a loopback IP destination has the zero MAC.
        var request = Packet.FromLayers(new Layer[] { new Ethernet(), new Dot1Q(), new Arp { TargetProtocolAddress = IPAddress.Loopback } }).Rebuilt();
        Assert.Equal(MacAddress.Broadcast, request.Get<Ethernet>()!.Destination);
        var reply = Packet.FromLayers(new Layer[] { new Ethernet(), new Arp { Operation = ArpOperation.IsAt, TargetHardwareAddress = MacAddress.Parse("02:00:00:00:00:09") } }).Rebuilt();
        Assert.Equal(MacAddress.Parse("02:00:00:00:00:09"), reply.Get<Ethernet>()!.Destination);
        var ip = Packet.FromLayers(new Layer[] { new Ethernet(), new Dot1Q(), new IPv4 { Destination = IPAddress.Loopback } }).Rebuilt();
        Assert.Equal(MacAddress.Zero, ip.Get<Ethernet>()!.Destination);
        Assert.Equal((ushort)0x8100, ip.Get<Ethernet>()!.Type);
    }

    [Theory]
    [InlineData(typeof(Loopback), LinkType.Null)]
    [InlineData(typeof(LinuxSll), LinkType.LinuxSll)]
    [InlineData(typeof(Ethernet), LinkType.Ethernet)]
    [InlineData(typeof(IPv4), LinkType.Raw)]
    public void ACraftedPacketTakesItsLinkTypeFromItsFirstLayerAndRebuildsClean(Type first, LinkType expected)
    {
        var layers = new List<Layer> { LayerRegistry.Of(first).Create() };
        if (first != typeof(IPv4)) layers.Add(new IPv4 { Source = Lo, Destination = Lo });
        layers.Add(new Udp());
        var p = Packet.FromLayers(layers);
        Assert.Equal(expected, p.LinkType);
        var rebuilt = p.Rebuilt();
        Assert.False(rebuilt.IsMalformed, rebuilt.MalformedReason);
        Assert.Equal(layers.Select(l => l.Name), rebuilt.Layers.Select(l => l.Name));
    }
}
