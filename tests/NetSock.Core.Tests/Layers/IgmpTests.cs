using System.Net;
using NetSock.Packets;
using NetSock.Packets.Layers;
using static NetSock.Tests.Layers.Golden;

namespace NetSock.Tests.Layers;

public class IgmpTests
{
    private static readonly IPAddress Group = IPAddress.Parse("239.1.2.3");

    [Fact]
    public void DefaultsMatchScapy()
    {
        // bytes(IGMP()): general query, max resp time 20 (2 s), group 0.0.0.0  (scapy.contrib.igmp)
        Assert.Equal("1114eeeb00000000", Build(new Igmp()));
        // bytes(IP(src='198.18.0.1', dst='224.0.0.1')/IGMP()): Scapy's binding makes the TTL 1 (RFC 2236); IPv4 here keeps 64 unless set
        Assert.Equal("4500001c00010000010213cbc6120001e00000011114eeeb00000000",
            Build(new IPv4 { Source = S, Destination = IPAddress.Parse("224.0.0.1"), TimeToLive = 1 }, new Igmp()));
    }

    [Fact]
    public void AReportWithFieldsSetMatchesScapy()
    {
        // bytes(IP(src='198.18.0.1', dst='239.1.2.3', ttl=1)/IGMP(type=0x16, mrcode=0, gaddr='239.1.2.3'))
        Assert.Equal("4500001c00010000010202c8c6120001ef0102031600f8faef010203",
            Build(new IPv4 { Source = S, Destination = Group, TimeToLive = 1 }, new Igmp { Type = 0x16, MaxResponseTime = 0, GroupAddress = Group }));
    }

    [Fact]
    public void AWrongChecksumIsSentVerbatim()
    {
        // bytes(IP(src='198.18.0.1', dst='224.0.0.2', ttl=1)/IGMP(type=0x17, mrcode=0, gaddr='239.1.2.3', chksum=0x1234))
        const string hex = "4500001c00010000010213cac6120001e000000217001234ef010203";
        Assert.Equal(hex, Build(new IPv4 { Source = S, Destination = IPAddress.Parse("224.0.0.2"), TimeToLive = 1 },
            new Igmp { Type = 0x17, MaxResponseTime = 0, GroupAddress = Group, Checksum = 0x1234 }));
        Assert.Equal((ushort)0x1234, Dissect(hex).Get<Igmp>()!.Checksum);
    }

    [Fact]
    public void TheChecksumCoversAnIGMPv3QuerysExtraFields()
    {
        // bytes(IGMP(type=0x11, mrcode=100, gaddr='0.0.0.0')/b'\x02\x7d\x00\x00')
        Assert.Equal("1164ec1e00000000027d0000", Build(new Igmp { MaxResponseTime = 100 }, new Raw { Load = Convert.FromHexString("027d0000") }));
    }

    [Fact]
    public void DissectingGivesTheFieldsBack()
    {
        var p = Dissect("4500001c00010000010202c8c6120001ef0102031600f8faef010203");
        Assert.False(p.IsMalformed);
        Assert.Equal(new[] { "IPv4", "Igmp" }, Names(p));
        var igmp = p.Get<Igmp>()!;
        Assert.Equal(0x16, igmp.Type);
        Assert.Equal(0, igmp.MaxResponseTime);
        Assert.Equal((ushort)0xf8fa, igmp.Checksum);
        Assert.Equal(Group, igmp.GroupAddress);
        Assert.Equal("IGMP v2 report 239.1.2.3", igmp.Summary);
        Assert.Equal((byte)2, p.Get<IPv4>()!.Protocol);
    }

    [Fact]
    public void TruncatedIgmpIsMalformedNotAnException()
    {
        var p = Dissect("4500001c00010000010202c8c6120001ef010203" + "1600f8faef01");
        Assert.True(p.IsMalformed);
        Assert.Contains("Igmp header truncated", p.MalformedReason);
        Assert.Equal(new[] { "IPv4", "Raw" }, Names(p));
    }
}
