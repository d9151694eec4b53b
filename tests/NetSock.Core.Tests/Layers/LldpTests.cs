using NetSock.Packets;
using NetSock.Packets.Layers;
using static NetSock.Tests.Layers.Golden;

namespace NetSock.Tests.Layers;

public class LldpTests
{
    private static readonly MacAddress NearestBridge = MacAddress.Parse("01:80:c2:00:00:0e");

    private static Ethernet Frame() => new() { Source = MacA, Destination = NearestBridge };

    private static LldpTlv[] Tlvs(params string[] texts) => texts.Select(LldpTlv.Parse).ToArray();

    private static readonly string[] Mandatory = { "ChassisId=mac:02:00:00:00:00:01", "PortId=ifname:eth0", "TTL=120", "End" };

    // bytes(Ether(src='02:00:00:00:00:01', dst='01:80:c2:00:00:0e')/LLDPDUChassisID(subtype=4, id='02:00:00:00:00:01')
    //       /LLDPDUPortID(subtype=5, id='eth0')/LLDPDUTimeToLive(ttl=120)/LLDPDUEndOfLLDPDU())   (padded to 60 bytes, as Scapy does)
    private const string MandatoryHex = "0180c200000e02000000000188cc02070402000000000104050565746830060200780000000000000000000000000000000000000000000000000000";

    [Fact]
    public void TheMandatoryTlvsAndEndMatchScapyPaddedToTheMinimumFrame()
    {
        Assert.Equal(MandatoryHex, Build(Frame(), new Lldp { Tlvs = Tlvs(Mandatory) }));
        // the same from the value helpers and from hex values
        Assert.Equal(MandatoryHex, Build(Frame(), new Lldp
        {
            Tlvs = new[] { LldpTlv.ChassisId(MacA), LldpTlv.PortId("eth0"), LldpTlv.Ttl(120), LldpTlv.End() },
        }));
        Assert.Equal(MandatoryHex, Build(Frame(), new Lldp { Tlvs = Tlvs("ChassisId=04:02:00:00:00:00:01", "Type2=0565746830", "Type3=0078", "Type0") }));
        Assert.Equal(60, Packet.FromLayers(new Layer[] { Frame(), new Lldp { Tlvs = Tlvs(Mandatory) } }).Length);
    }

    [Fact]
    public void PaddingCountsTheVlanTagAndIsOnlyAddedOnEthernet()
    {
        // bytes(Ether(src=A, dst='01:80:c2:00:00:0e')/Dot1Q(vlan=5)/<the mandatory TLVs>/LLDPDUEndOfLLDPDU())
        Assert.Equal("0180c200000e0200000000018100000588cc020704020000000001040505657468300602007800000000000000000000000000000000000000000000",
            Build(Frame(), new Dot1Q { VlanId = 5 }, new Lldp { Tlvs = Tlvs(Mandatory) }));
        // no Ethernet below: the LLDPDU alone
        Assert.Equal("02070402000000000104050565746830060200780000", Build(new Lldp { Tlvs = Tlvs(Mandatory) }));
        // a layer above: nothing is added (padding goes at the end of the frame, past that layer)
        Assert.Equal(66, Packet.FromLayers(new Layer[] { Frame(), new Lldp { Tlvs = Tlvs(Mandatory) }, new Padding { Load = new byte[30] } }).Length);
        Assert.Equal(38, Packet.FromLayers(new Layer[] { Frame(), new Lldp { Tlvs = Tlvs(Mandatory) }, new Padding { Load = new byte[2] } }).Length);
        // empty: the frame is all padding
        Assert.Equal(60, Packet.FromLayers(new Layer[] { Frame(), new Lldp() }).Length);
    }

    [Fact]
    public void TheCommonTlvsMatchScapy()
    {
        // bytes(Ether(src=A, dst='01:80:c2:00:00:0e')/<the mandatory TLVs>/LLDPDUPortDescription(description='uplink to core')
        //       /LLDPDUSystemName(system_name='sw1.example')/LLDPDUSystemDescription(description='NetSock test switch')
        //       /LLDPDUSystemCapabilities(mac_bridge_available=1, router_available=1, router_enabled=1)
        //       /LLDPDUManagementAddress(management_address_subtype=1, management_address=b'\xc6\x12\x00\x01', interface_numbering_subtype=2, interface_number=3)
        //       /LLDPDUEndOfLLDPDU())   (longer than 60 bytes: no padding)
        const string hex = "0180c200000e02000000000188cc0207040200000000010405056574683006020078080e75706c696e6b20746f20636f72650a0b7377312e6578616d706c65"
            + "0c134e6574536f636b2074657374207377697463680e0400140010100c0501c61200010200000003000000";
        var tlvs = Tlvs("ChassisId=mac:02:00:00:00:00:01", "PortId=ifname:eth0", "TTL=120", "PortDescription=uplink to core", "SystemName=sw1.example",
            "SystemDescription=NetSock test switch", "SystemCapabilities=Bridge,Router/Router", "ManagementAddress=198.18.0.1,ifIndex=3", "End");
        Assert.Equal(hex, Build(Frame(), new Lldp { Tlvs = tlvs }));

        // bytes(Ether(src=A, dst='01:80:c2:00:00:0e')/LLDPDUChassisID(subtype=7, id='chassis-1')/LLDPDUPortID(subtype=4, family=2, id='2001:db8::1')
        //       /LLDPDUTimeToLive(ttl=3600)/LLDPDUManagementAddress(management_address_subtype=2, management_address=<2001:db8::1>)/LLDPDUEndOfLLDPDU())
        Assert.Equal("0180c200000e02000000000188cc020a07636861737369732d310412040220010db800000000000000000000000106020e101018110220010db80000000000000000000000010100000000000000",
            Build(Frame(), new Lldp { Tlvs = Tlvs("ChassisId=local:chassis-1", "PortId=ip:2001:db8::1", "TTL=3600", "ManagementAddress=2001:db8::1", "End") }));

        // bytes(Ether(src=A, dst='01:80:c2:00:00:0e')/LLDPDUChassisID(subtype=5, family=1, id='198.18.0.1')/LLDPDUPortID(subtype=3, id='02:00:00:00:00:02')
        //       /LLDPDUTimeToLive(ttl=0)/LLDPDUEndOfLLDPDU())
        Assert.Equal("0180c200000e02000000000188cc02060501c61200010407030200000000020602000000000000000000000000000000000000000000000000000000",
            Build(Frame(), new Lldp { Tlvs = Tlvs("ChassisId=ip:198.18.0.1", "PortId=mac:02:00:00:00:00:02", "TTL=0", "End") }));
    }

    [Fact]
    public void TlvsReadBackAsTheTextTheyWereMadeFrom()
    {
        string[] texts =
        {
            "ChassisId=mac:02:00:00:00:00:01", "ChassisId=ip:198.18.0.1", "ChassisId=local:chassis-1", "ChassisId=ifname:eth0", "PortId=ip:2001:db8::1",
            "PortId=circuit:c1", "PortId=ifalias:uplink", "TTL=120", "PortDescription=uplink to core", "SystemName=sw1", "SystemDescription=NetSock",
            "SystemCapabilities=Bridge,Router/Router", "SystemCapabilities=None/None", "SystemCapabilities=Station,Bit13/Station",
            "ManagementAddress=198.18.0.1", "ManagementAddress=198.18.0.1,ifIndex=3", "ManagementAddress=2001:db8::1,port=7,oid=2B0601",
            "End", "OrgSpecific=0080C20100", "Type9=0A0B", "Type0=00", "Bytes=0209040200000000", "ChassisId=0802",
        };
        foreach (string text in texts)
            Assert.Equal(text, LldpTlv.Parse(text).ToString());
        // other spellings read to the same TLV
        Assert.Equal("ChassisId=mac:02:00:00:00:00:01", LldpTlv.Parse("chassisid=04:02:00:00:00:00:01").ToString());
        Assert.Equal("TTL=255", LldpTlv.Parse("TimeToLive=0xff").ToString());
        Assert.Equal("SystemCapabilities=Bridge/Bridge", LldpTlv.Parse("SystemCapabilities=Bridge").ToString());
        Assert.Equal("SystemCapabilities=Bridge,Router/Router", LldpTlv.Parse("SystemCapabilities=0x14/16").ToString());
        // a text TLV that is not text falls back to its type and hex
        Assert.Equal("Type5=0A01", LldpTlv.Parse("Type5=0a01").ToString());
    }

    [Fact]
    public void AnyTlvReadsBackFromItsTextToTheSameBytes()
    {
        var rng = new Random(4242);
        byte[] Bytes(int n) { var b = new byte[n]; rng.NextBytes(b); return b; }
        var samples = new List<LldpTlv>();
        for (int i = 0; i < 3000; i++)
        {
            int type = rng.Next(4) == 0 ? rng.Next(128) : rng.Next(10);
            byte[] data = rng.Next(3) switch
            {
                0 => Bytes(rng.Next(24)),
                1 => System.Text.Encoding.UTF8.GetBytes(new string(Enumerable.Range(0, rng.Next(12)).Select(_ => (char)rng.Next(32, 127)).ToArray())).Prepend((byte)rng.Next(9)).ToArray(),
                _ => Bytes(rng.Next(5)).Prepend((byte)rng.Next(8)).ToArray(),
            };
            samples.Add(LldpTlv.Make(type, data));
            samples.Add(new LldpTlv(Bytes(1 + rng.Next(10))));     // anything, malformed or not
        }
        foreach (var tlv in samples)
            Assert.Equal(Convert.ToHexString(tlv.Encoded), Convert.ToHexString(LldpTlv.Parse(tlv.ToString()).Encoded));
    }

    [Fact]
    public void TlvPropertiesDescribeTheValue()
    {
        var ttl = LldpTlv.Parse("TTL=120");
        Assert.Equal(3, ttl.Type);
        Assert.Equal(2, ttl.Length);
        Assert.Equal("TTL", ttl.Name);
        Assert.Equal((ushort)120, ttl.Value);
        Assert.True(ttl.IsWellFormed);
        Assert.Equal("06020078", Convert.ToHexString(ttl.Encoded).ToLowerInvariant());
        Assert.Equal("mac:02:00:00:00:00:01", LldpTlv.Parse("ChassisId=mac:02:00:00:00:00:01").Value);
        Assert.Equal("sw1", LldpTlv.Parse("SystemName=sw1").Value);
        Assert.Null(LldpTlv.End().Value);
        Assert.Equal(new byte[] { 0x0A, 0x0B }, LldpTlv.Parse("Type9=0a0b").Value);
        // 9-bit lengths: a 300-byte value
        var big = LldpTlv.Make(6, new byte[300]);
        Assert.Equal(300, big.Length);
        Assert.Equal("0d2c", Convert.ToHexString(big.Encoded, 0, 2).ToLowerInvariant());
    }

    [Fact]
    public void BadTlvTextIsRefusedWithTheForms()
    {
        foreach (string text in new[] { "Nonsense=1", "TTL=70000", "TTL", "ChassisId=mac:zz", "ChassisId=xyz", "Type200=00", "SystemCapabilities=Flying", "ManagementAddress=nowhere", "End=00" })
        {
            var e = Assert.Throws<FormatException>(() => LldpTlv.Parse(text));
            Assert.Contains("ChassisId=mac:", e.Message);
        }
        Assert.Throws<ArgumentException>(() => LldpTlv.Make(6, new byte[512]));
        Assert.Throws<ArgumentOutOfRangeException>(() => LldpTlv.Make(128, Array.Empty<byte>()));
        Assert.Throws<ArgumentException>(() => new LldpTlv(Array.Empty<byte>()));
    }

    [Fact]
    public void AWrongLengthIsSentVerbatim()
    {
        // bytes(Ether(src=A, dst='01:80:c2:00:00:0e')/LLDPDUChassisID(_length=9, subtype=4, id='02:00:00:00:00:01')/LLDPDUPortID(subtype=5, id='eth0')
        //       /LLDPDUTimeToLive(ttl=120)/LLDPDUEndOfLLDPDU())
        const string hex = "0180c200000e02000000000188cc02090402000000000104050565746830060200780000000000000000000000000000000000000000000000000000";
        Assert.Equal(hex, Build(Frame(), new Lldp { Tlvs = Tlvs("Bytes=0209040200000000 01", "PortId=ifname:eth0", "TTL=120", "End") }));
        var p = Dissect(hex, LinkType.Ethernet);
        Assert.False(p.IsMalformed);
        var first = p.Get<Lldp>()!.Tlvs[0];
        Assert.Equal(9, first.Length);
        Assert.Equal("ChassisId=040200000000010405", first.ToString());     // 9 bytes: not a MAC any more
        Assert.False(p.Get<Lldp>()!.Tlvs[1].IsWellFormed);                  // and what follows is misread, as on the peer
        Assert.Equal(hex, Hex(p));
    }

    [Fact]
    public void DissectingGivesTheTlvsBackAndTheRestIsPadding()
    {
        var p = Dissect(MandatoryHex, LinkType.Ethernet);
        Assert.False(p.IsMalformed, p.MalformedReason);
        Assert.Equal(new[] { "Ethernet", "Lldp", "Padding" }, Names(p));
        Assert.Equal((ushort)0x88CC, p.Get<Ethernet>()!.Type);
        var lldp = p.Get<Lldp>()!;
        Assert.Equal(Mandatory, lldp.Tlvs.Select(t => t.ToString()));
        Assert.Equal(new byte[] { 1, 2, 3, 0 }, lldp.Tlvs.Select(t => t.Type));
        Assert.Equal(24, p.Get<Padding>()!.Load.Length);
        Assert.Equal("LLDP chassis mac:02:00:00:00:00:01 port ifname:eth0 ttl 120", lldp.Summary);
        // rebuilt after a change: the Padding layer keeps the frame at 60 bytes, nothing is added twice
        lldp.Tlvs = lldp.Tlvs.Select(t => t.Type == 3 ? LldpTlv.Ttl(0) : t).ToArray();
        Assert.Equal(MandatoryHex.Replace("06020078", "06020000"), Hex(p));

        // behind a VLAN tag
        var tagged = Dissect("0180c200000e0200000000018100000588cc020704020000000001040505657468300602007800000000000000000000000000000000000000000000", LinkType.Ethernet);
        Assert.Equal(new[] { "Ethernet", "Dot1Q", "Lldp", "Padding" }, Names(tagged));
    }

    [Fact]
    public void ABadTlvIsKeptAsItsBytesWithoutFailingTheFrame()
    {
        // the port ID says 5 bytes follow; the frame ends after 2 of them
        var p = Dissect("0180c200000e02000000000188cc" + "020704020000000001" + "04056574", LinkType.Ethernet);
        Assert.False(p.IsMalformed, p.MalformedReason);
        Assert.Equal(new[] { "Ethernet", "Lldp" }, Names(p));
        var tlvs = p.Get<Lldp>()!.Tlvs;
        Assert.Equal(2, tlvs.Length);
        Assert.False(tlvs[1].IsWellFormed);
        Assert.Equal("Bytes=04056574", tlvs[1].ToString());
        Assert.Equal("04056574", Convert.ToHexString(tlvs[1].Encoded).ToLowerInvariant());
        // one byte left: a TLV of that byte
        var odd = Dissect("0180c200000e02000000000188cc" + "06020078" + "02", LinkType.Ethernet).Get<Lldp>()!.Tlvs;
        Assert.Equal(new[] { "TTL=120", "Bytes=02" }, odd.Select(t => t.ToString()));
        Assert.Equal(0, odd[1].Length);
    }

    [Fact]
    public void ATruncatedFrameIsMalformedBeforeTheLldpdu()
    {
        // an Ethernet header cut short: the LLDPDU is never reached
        var p = Dissect("0180c200000e020000000001", LinkType.Ethernet);
        Assert.True(p.IsMalformed);
        Assert.Contains("Ethernet header truncated: 12 of 14 bytes", p.MalformedReason);
        Assert.Equal(new[] { "Raw" }, Names(p));
    }
}
