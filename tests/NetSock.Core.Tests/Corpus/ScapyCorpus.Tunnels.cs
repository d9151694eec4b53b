using System.Runtime.CompilerServices;
using System.Text.Json;
using NetSock.Packets;
using NetSock.Packets.Layers;

namespace NetSock.Tests.Corpus;

/// <summary>Corpus cases of the tunnel and link-control layers: PPPoE and PPP, MPLS, VXLAN, LLDP.</summary>
public static partial class ScapyCorpus
{
    private const string Lan = "Ether(src='02:00:00:00:00:01', dst='02:00:00:00:00:02')";
    private const string Inner = "Ether(src='02:00:00:00:00:03', dst='02:00:00:00:00:04')";
    private const string Ip2 = "IP(src='198.19.0.1', dst='198.19.0.2')";

    /// <summary>
    /// The mandatory LLDP TLVs and End as a bytes literal (chassis MAC, port 'eth0', TTL 120; Scapy builds them as one
    /// layer each), then <paramref name="zeros"/> zeros: NetSock pads only an LLDPDU that ends the frame, Scapy pads past
    /// the LLDPDU's payload, so here the padding to the 60-byte frame is part of the payload.
    /// </summary>
    private static string LldpPayload(int zeros) =>
        "b'\\x02\\x07\\x04\\x02\\x00\\x00\\x00\\x00\\x01\\x04\\x05\\x05eth0\\x06\\x02\\x00\\x78\\x00\\x00" + string.Concat(Enumerable.Repeat("\\x00", zeros)) + "'";

    // A partial class has one static constructor (ScapyCorpus.MoreLayers.cs has it), so these are added by a module
    // initializer; reading More runs that constructor first, so the order of the corpus is fixed.
    [ModuleInitializer]
    internal static void AddTunnels()
    {
        // Scapy compresses PPP's protocol field (one byte below 0x100); NetSock does when Compressed is set.
        ScapySpec.Classes["PPP"] = ("Ppp", new (string, object)[] { ("Compressed", true) });
        More.AddRange(new[]
        {
            // PPPoE session and PPP
            $"{Lan}/PPPoE(sessionid=0x1234)/PPP()/{Ip1}/UDP()",
            $"{Lan}/PPPoE(sessionid=0x1234)/PPP()/IPv6(src='2001:db8::1', dst='2001:db8::2')/TCP()",
            $"{Lan}/PPPoE(sessionid=7)/PPP(proto=0xc021)/Raw(load=b'\\x01\\x01\\x00\\x04')",
            $"{Lan}/PPPoE(sessionid=1, len=200)/PPP()/{Ip1}/ICMP()",
            // PPPoE discovery
            "Ether(src='02:00:00:00:00:01', dst='ff:ff:ff:ff:ff:ff')/PPPoED()",
            $"{Lan}/PPPoED(code=0x65, sessionid=0x1234)/Raw(load=b'\\x01\\x01\\x00\\x00')",
            // MPLS
            $"{Lan}/MPLS()/{Ip1}/UDP()",
            $"{Lan}/MPLS(label=16, ttl=64)/{Ip1}/TCP()",
            $"{Lan}/MPLS(label=16, ttl=64)/MPLS(label=17, cos=5, ttl=63)/IPv6(src='2001:db8::1', dst='2001:db8::2')/UDP()",
            $"{Lan}/MPLS(label=1000, ttl=255)/{Inner}/{Ip1}/UDP()",
            $"{Ip1}/GRE()/MPLS(label=100, ttl=1)/{Ip2}/TCP()",
            $"{Ip1}/MPLS(label=16, ttl=64)/{Ip2}/ICMP()",
            $"{Lan}/Dot1Q(vlan=10)/MPLS(label=20, ttl=5)/{Ip1}/UDP()",
            // VXLAN (flags given: Scapy builds VXLAN()/Ether() as VXLAN-GPE; ports given: NetSock's UDP ports are not auto)
            $"{Ip1}/UDP(sport=4789, dport=4789)/VXLAN(flags=8, vni=42)/{Inner}/{Ip2}/UDP()",
            $"{Ip1}/UDP(sport=40000, dport=4789)/VXLAN(flags=8, vni=0xffffff)/{Inner}/{Ip2}/TCP()",
            $"IPv6(src='2001:db8::1', dst='2001:db8::2')/UDP(sport=4789, dport=4789)/VXLAN(flags=8, vni=1)/{Inner}/IPv6(src='2001:db8:1::1', dst='2001:db8:1::2')/UDP()",
            $"{Lan}/{Ip1}/UDP(sport=8472, dport=8472)/VXLAN(flags=8, vni=7, reserved2=3)/{Inner}/ARP(hwsrc='02:00:00:00:00:03', psrc='198.19.0.1', pdst='198.19.0.2')",
            // LLDP: Scapy's LLDPDU with its TLVs as bytes, and the padding to the minimum frame (less 4 bytes behind a VLAN tag)
            $"Ether(src='02:00:00:00:00:01', dst='01:80:c2:00:00:0e')/LLDPDU()/Raw(load={LldpPayload(24)})",
            $"Ether(src='02:00:00:00:00:01', dst='01:80:c2:00:00:0e')/Dot1Q(vlan=5)/LLDPDU()/Raw(load={LldpPayload(20)})",
        });
    }
}

/// <summary>
/// LLDP TLV by TLV: Scapy builds each TLV as a layer of its own (LLDPDUChassisID, LLDPDUPortID, ...) where NetSock has
/// one Lldp layer with a list, so the corpus's one-expression form does not fit. Here Scapy builds the frame from its TLV
/// classes, NetSock from TLV text; the bytes must be equal, and each TLV NetSock reads from Scapy's bytes must say what
/// Scapy's TLV layer says (type, length, subtype, id, ttl, text, capabilities, management address).
/// </summary>
public sealed class ScapyLldpTests
{
    private const string Frame = "Ether(src='02:00:00:00:00:01', dst='01:80:c2:00:00:0e')";

    private static readonly (string Scapy, string[] Tlvs)[] Cases =
    {
        ($"{Frame}/LLDPDUChassisID(subtype=4, id='02:00:00:00:00:01')/LLDPDUPortID(subtype=5, id='eth0')/LLDPDUTimeToLive(ttl=120)/LLDPDUEndOfLLDPDU()",
            new[] { "ChassisId=mac:02:00:00:00:00:01", "PortId=ifname:eth0", "TTL=120", "End" }),
        ($"{Frame}/LLDPDUChassisID(subtype=5, family=1, id='198.18.0.1')/LLDPDUPortID(subtype=3, id='02:00:00:00:00:02')/LLDPDUTimeToLive(ttl=0)/LLDPDUEndOfLLDPDU()",
            new[] { "ChassisId=ip:198.18.0.1", "PortId=mac:02:00:00:00:00:02", "TTL=0", "End" }),
        ($"{Frame}/LLDPDUChassisID(subtype=7, id='chassis-1')/LLDPDUPortID(subtype=4, family=2, id='2001:db8::1')/LLDPDUTimeToLive(ttl=3600)"
            + "/LLDPDUManagementAddress(management_address_subtype=2, management_address=b' \\x01\\r\\xb8\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x01')/LLDPDUEndOfLLDPDU()",
            new[] { "ChassisId=local:chassis-1", "PortId=ip:2001:db8::1", "TTL=3600", "ManagementAddress=2001:db8::1", "End" }),
        ($"{Frame}/LLDPDUChassisID(subtype=4, id='02:00:00:00:00:01')/LLDPDUPortID(subtype=7, id='port 1/0/1')/LLDPDUTimeToLive(ttl=120)"
            + "/LLDPDUPortDescription(description='uplink to core')/LLDPDUSystemName(system_name='sw1.example')/LLDPDUSystemDescription(description='NetSock test switch')"
            + "/LLDPDUSystemCapabilities(mac_bridge_available=1, router_available=1, station_only_available=1, router_enabled=1)"
            + "/LLDPDUManagementAddress(management_address_subtype=1, management_address=b'\\xc6\\x12\\x00\\x01', interface_numbering_subtype=2, interface_number=3)/LLDPDUEndOfLLDPDU()",
            new[] { "ChassisId=mac:02:00:00:00:00:01", "PortId=local:port 1/0/1", "TTL=120", "PortDescription=uplink to core", "SystemName=sw1.example",
                "SystemDescription=NetSock test switch", "SystemCapabilities=Bridge,Router,Station/Router", "ManagementAddress=198.18.0.1,ifIndex=3", "End" }),
        ("Ether(src='02:00:00:00:00:01', dst='01:80:c2:00:00:0e')/Dot1Q(vlan=5, prio=7)/LLDPDUChassisID(subtype=6, id='mgmt0')/LLDPDUPortID(subtype=1, id='uplink')"
            + "/LLDPDUTimeToLive(ttl=65535)/LLDPDUEndOfLLDPDU()",
            new[] { "ChassisId=ifname:mgmt0", "PortId=ifalias:uplink", "TTL=65535", "End" }),
    };

    private static readonly Lazy<IReadOnlyList<ScapyOracle.Answer>> Answers = new(() => ScapyOracle.Ask(Cases.Select(c => c.Scapy).ToList()));

    private static readonly string[] CapabilityFields =
    {
        "other", "repeater", "mac_bridge", "wlan_access_point", "router", "telephone", "docsis_cable_device", "station_only", "c_vlan_component",
        "s_vlan_component", "two_port_mac_relay",
    };

    public static IEnumerable<object[]> Indexes => Enumerable.Range(0, Cases.Length).Select(i => new object[] { i });

    private static Packet Ours(int i)
    {
        var layers = new List<Layer> { new Ethernet { Source = MacAddress.Parse("02:00:00:00:00:01"), Destination = MacAddress.Parse("01:80:c2:00:00:0e") } };
        if (Cases[i].Scapy.Contains("Dot1Q")) layers.Add(new Dot1Q { VlanId = 5, Priority = 7 });
        layers.Add(new Lldp { Tlvs = Cases[i].Tlvs.Select(LldpTlv.Parse).ToArray() });
        return Packet.FromLayers(layers);
    }

    [ScapyTheory]
    [MemberData(nameof(Indexes))]
    public void NetSockBuildsTheTlvsScapyBuilds(int i)
    {
        var answer = Answers.Value[i];
        Assert.True(answer.Error is null, $"Scapy could not build {Cases[i].Scapy}: {answer.Error}");
        Assert.Equal(answer.Hex, Convert.ToHexString(Ours(i).GetBytes()).ToLowerInvariant());
    }

    [ScapyTheory]
    [MemberData(nameof(Indexes))]
    public void NetSockReadsTheTlvsScapyReads(int i)
    {
        var answer = Answers.Value[i];
        Assert.True(answer.Error is null, $"Scapy could not build {Cases[i].Scapy}: {answer.Error}");
        var packet = Packet.Dissect(Convert.FromHexString(answer.Hex!), LinkType.Ethernet);
        Assert.False(packet.IsMalformed, packet.MalformedReason);
        var tlvs = packet.Get<Lldp>()!.Tlvs;
        var theirs = answer.Layers!.Where(l => l.Name.StartsWith("LLDPDU", StringComparison.Ordinal) && l.Name != "LLDPDU").ToList();
        Assert.Equal(theirs.Count, tlvs.Length);
        Assert.Equal(Cases[i].Tlvs, tlvs.Select(t => t.ToString()));
        foreach (var (scapy, tlv) in theirs.Zip(tlvs))
        {
            string where = $"{scapy.Name} in {Cases[i].Scapy}";
            byte[] data = tlv.Data;
            foreach (var (name, value) in scapy.Fields)
            {
                string? ours = name switch
                {
                    "_type" => tlv.Type.ToString(),
                    "_length" => tlv.Length.ToString(),
                    "subtype" => data[0].ToString(),
                    "family" => data[1].ToString(),
                    "id" when value.ValueKind == JsonValueKind.String => ((string)tlv.Value!)[(((string)tlv.Value!).IndexOf(':') + 1)..],
                    "id" => Convert.ToHexString(data, 1, data.Length - 1),
                    "ttl" => tlv.Value!.ToString(),
                    "system_name" or "description" => Convert.ToHexString(data),
                    "_management_address_string_length" => data[0].ToString(),
                    "management_address_subtype" => data[1].ToString(),
                    "management_address" => Convert.ToHexString(data, 2, data[0] - 1),
                    "interface_numbering_subtype" => data[data[0] + 1].ToString(),
                    "interface_number" => System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(data[0] + 2)).ToString(),
                    "_oid_string_length" => data[data[0] + 6].ToString(),
                    "object_id" => Convert.ToHexString(data, data[0] + 7, data.Length - data[0] - 7),
                    _ when name.EndsWith("_available") || name.EndsWith("_enabled") => CapabilityBit(data, name),
                    _ => null,
                };
                if (ours is null) continue;
                string expected = value.ValueKind switch
                {
                    JsonValueKind.Number => value.GetInt64().ToString(),
                    JsonValueKind.String => value.GetString()!,
                    _ => value.GetProperty("hex").GetString()!,
                };
                Assert.True(string.Equals(expected, ours, StringComparison.OrdinalIgnoreCase), $"{name}: Scapy reads {expected}, NetSock reads {ours} ({where})");
            }
        }
    }

    private static string? CapabilityBit(byte[] data, string name)
    {
        bool enabled = name.EndsWith("_enabled");
        string capability = name[..name.LastIndexOf('_')];
        int bit = Array.IndexOf(CapabilityFields, capability);
        if (bit < 0) return null;   // reserved bits
        int word = System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(enabled ? 2 : 0));
        return ((word >> bit) & 1).ToString();
    }
}
