namespace NetSock.Tests.Corpus;

/// <summary>Corpus cases of the link, ICMP, IGMP, GRE and IPv6 extension layers.</summary>
public static partial class ScapyCorpus
{
    private const string Ip1 = "IP(src='198.18.0.1', dst='198.18.0.2')";

    static ScapyCorpus()
    {
        foreach (var (scapyClass, type) in new[] { ("ICMPv6EchoRequest", 128L), ("ICMPv6EchoReply", 129L), ("ICMPv6DestUnreach", 1L), ("ICMPv6TimeExceeded", 3L), ("ICMPv6ND_NS", 135L), ("ICMPv6ND_NA", 136L) })
            ScapySpec.Classes[scapyClass] = ("IcmpV6", new (string, object)[] { ("type", type) });
        More.AddRange(new[]
        {
            // 802.1Q
            $"Ether(src='02:00:00:00:00:01', dst='02:00:00:00:00:02')/Dot1Q(vlan=10)/{Ip1}/UDP()",
            $"Ether(src='02:00:00:00:00:01', dst='02:00:00:00:00:02')/Dot1Q(vlan=4095, prio=7, id=1)/{Ip1}/TCP()",
            $"Ether(src='02:00:00:00:00:01', dst='02:00:00:00:00:02', type=0x88a8)/Dot1Q(vlan=100)/Dot1Q(vlan=10)/{Ip1}/UDP()",
            "Ether(src='02:00:00:00:00:01', dst='02:00:00:00:00:02')/Dot1Q(vlan=20)/IPv6(src='2001:db8::1', dst='2001:db8::2')/UDP()",
            // ARP
            "Ether(src='02:00:00:00:00:01', dst='ff:ff:ff:ff:ff:ff')/ARP(hwsrc='02:00:00:00:00:01', psrc='198.18.0.1', pdst='198.18.0.2')",
            "Ether(src='02:00:00:00:00:02', dst='02:00:00:00:00:01')/ARP(op=2, hwsrc='02:00:00:00:00:02', psrc='198.18.0.2', hwdst='02:00:00:00:00:01', pdst='198.18.0.1')",
            "Ether(src='02:00:00:00:00:01', dst='ff:ff:ff:ff:ff:ff')/Dot1Q(vlan=5)/ARP(hwsrc='02:00:00:00:00:01', psrc='198.18.0.1', pdst='198.18.0.1')",
            // ICMP
            $"{Ip1}/ICMP()",
            $"{Ip1}/ICMP(type=8, id=0x1234, seq=7)/Raw(load=b'abcdefgh')",
            $"{Ip1}/ICMP(type=0, id=0x1234, seq=7)/Raw(load=b'abcdefgh')",
            $"{Ip1}/ICMP(chksum=0xbad)",
            $"IP(src='198.18.0.2', dst='198.18.0.1')/ICMP(type=3, code=3)/IP(src='198.18.0.1', dst='198.18.0.2')/UDP(sport=40000, dport=9)",
            $"IP(src='198.18.0.2', dst='198.18.0.1')/ICMP(type=11, code=0)/IP(src='198.18.0.1', dst='198.18.0.2', ttl=1)/TCP(sport=40000, dport=80)",
            $"IP(src='198.18.0.2', dst='198.18.0.1')/ICMP(type=3, code=4)/IP(src='198.18.0.1', dst='198.18.0.2', flags='DF')/UDP()",
            // ICMPv6
            "IPv6(src='2001:db8::1', dst='2001:db8::2')/ICMPv6EchoRequest()",
            "IPv6(src='2001:db8::1', dst='2001:db8::2')/ICMPv6EchoRequest(id=0x42, seq=3)/Raw(load=b'ping6')",
            "IPv6(src='2001:db8::2', dst='2001:db8::1')/ICMPv6EchoReply(id=0x42, seq=3)/Raw(load=b'ping6')",
            "IPv6(src='::1', dst='::1')/ICMPv6EchoRequest(cksum=0x1111)",
            "IPv6(src='2001:db8::2', dst='2001:db8::1')/ICMPv6DestUnreach(code=4)/IPv6(src='2001:db8::1', dst='2001:db8::2')/UDP(sport=40000, dport=9)",
            "IPv6(src='2001:db8::2', dst='2001:db8::1')/ICMPv6TimeExceeded()/IPv6(src='2001:db8::1', dst='2001:db8::2', hlim=1)/TCP()",
            "IPv6(src='2001:db8::1', dst='ff02::1:ff00:2', hlim=255)/ICMPv6ND_NS(tgt='2001:db8::2')",
            // IGMP (v2; Scapy binds IGMP with ttl=1, so the IP layer says so)
            "IP(src='198.18.0.1', dst='224.0.0.1', ttl=1)/IGMP()",
            "IP(src='198.18.0.1', dst='239.1.2.3', ttl=1)/IGMP(type=0x16, gaddr='239.1.2.3')",
            // GRE
            $"{Ip1}/GRE()/IP(src='198.18.1.1', dst='198.18.1.2')/UDP()",
            $"{Ip1}/GRE(key_present=1, key=42)/IP(src='198.18.1.1', dst='198.18.1.2')/ICMP()",
            $"{Ip1}/GRE(seqnum_present=1, sequence_number=7)/IPv6(src='2001:db8::1', dst='2001:db8::2')/UDP()",
            // IPv6 extension headers
            "IPv6(src='2001:db8::1', dst='2001:db8::2')/IPv6ExtHdrHopByHop()/UDP()",
            "IPv6(src='2001:db8::1', dst='2001:db8::2')/IPv6ExtHdrDestOpt()/TCP()",
            "IPv6(src='2001:db8::1', dst='2001:db8::2')/IPv6ExtHdrFragment(id=5, m=1)/UDP()/Raw(load=b'first fragment')",
            "IPv6(src='2001:db8::1', dst='2001:db8::2')/IPv6ExtHdrFragment(id=5, offset=3)/Raw(load=b'second fragment')",
            "IPv6(src='2001:db8::1', dst='2001:db8::2')/IPv6ExtHdrHopByHop()/IPv6ExtHdrDestOpt()/ICMPv6EchoRequest()",
        });
    }
}
