using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using NetSock.Capture;
using NetSock.Packets;
using NetSock.Packets.Layers;
using NetSock.Tests.Corpus;
using Xunit.Abstractions;
using Dns = NetSock.Packets.Layers.Dns;

namespace NetSock.Tests;

/// <summary>
/// A theory that needs Scapy (to build the packets) and tshark (the second opinion): skipped, with the reason, when
/// either is missing. When tshark is missing and the tests run as root, Debian's tshark is installed first.
/// </summary>
public sealed class TsharkTheoryAttribute : TheoryAttribute
{
    public TsharkTheoryAttribute()
    {
        if (ScapyOracle.WhyMissing is { } why) Skip = why;
        else if (Tshark.WhyMissing is { } whyNot) Skip = whyNot;
    }
}

/// <summary>Finds tshark, installing Debian's package when it is missing and we are root.</summary>
public static class Tshark
{
    public const string Path = "/usr/bin/tshark";

    private static readonly Lazy<string?> Missing = new(() =>
    {
        if (File.Exists(Path)) return null;
        const string reason = "tshark is the oracle: install it (apt-get install tshark)";
        if (!Privilege.IsRoot) return reason + "; not root, so not installing it";
        var (code, _, err) = Run("/bin/sh", new[] { "-c",
            "echo 'wireshark-common wireshark-common/install-setuid boolean false' | debconf-set-selections && " +
            "DEBIAN_FRONTEND=noninteractive apt-get install -y tshark" }, timeoutMs: 600_000);
        return code == 0 && File.Exists(Path) ? null : $"{reason}; apt-get install failed ({code}): {Tail(err)}";
    });

    public static string? WhyMissing => Missing.Value;

    public static (int Code, string Stdout, string Stderr) Run(string file, IEnumerable<string> args, string? stdin = null, int timeoutMs = 120_000)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        if (stdin is not null) process.StandardInput.Write(stdin);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeoutMs)) { process.Kill(true); throw new TimeoutException($"{file} did not finish within {timeoutMs / 1000} s."); }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    public static string Tail(string s) => s.Length > 2000 ? s[^2000..] : s;
}

/// <summary>
/// Builds the corpus with Scapy into pcap files (one per link type) in a temporary directory, asks tshark once per
/// file for its JSON dissection, reads the same files with NetSock's capture reader, then removes the directory.
/// </summary>
public sealed class TsharkCorpusFixture : IDisposable
{
    /// <summary>One protocol tshark decoded (eth, ip, tcp, ...), with the values of its fields, in order.</summary>
    public sealed record Protocol(string Name, Dictionary<string, List<string>> Fields);

    public sealed record Frame(CapturedFrame Captured, List<Protocol> Tshark);

    private const string Script = """
import sys, json, logging
logging.getLogger("scapy").setLevel(logging.ERROR)
from scapy.all import *
load_contrib('igmp'); load_contrib('mpls'); load_contrib('lldp')
from scapy.layers.vxlan import VXLAN
job = json.load(sys.stdin)
for f in job:
    wrpcap(f["path"], [eval(e) for e in f["exprs"]], linktype=f["linktype"])
print("ok")
""";

    private readonly string _dir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "netsock-tshark-" + Guid.NewGuid().ToString("N"));
    private readonly Lazy<Dictionary<string, Frame>> _frames;

    public TsharkCorpusFixture() => _frames = new(Load);

    public TimeSpan Elapsed { get; private set; }

    public Frame For(string kind) => _frames.Value[kind];

    private Dictionary<string, Frame> Load()
    {
        var clock = Stopwatch.StartNew();
        Directory.CreateDirectory(_dir);
        try
        {
            var groups = TsharkAgreementTests.Corpus.GroupBy(c => c.LinkType).ToList();
            var job = groups.Select(g => new { path = System.IO.Path.Combine(_dir, $"linktype{g.Key}.pcap"), linktype = g.Key, exprs = g.Select(c => c.Scapy).ToArray() }).ToList();
            var (code, _, err) = Tshark.Run(ScapyOracle.Python, new[] { "-c", Script }, JsonSerializer.Serialize(job));
            if (code != 0) throw new InvalidOperationException($"Scapy could not write the corpus ({code}): {Tshark.Tail(err)}");

            var result = new Dictionary<string, Frame>();
            foreach (var (group, file) in groups.Zip(job))
            {
                var (tcode, json, terr) = Tshark.Run(Tshark.Path, new[] { "-r", file.path, "-T", "json" });
                if (tcode != 0) throw new InvalidOperationException($"tshark failed on {file.path} ({tcode}): {Tshark.Tail(terr)}");
                var dissections = ParseTshark(json);
                using var reader = CaptureFileReader.Open(file.path);
                var frames = reader.ReadFrames().ToList();
                var kinds = group.ToList();
                if (frames.Count != kinds.Count || dissections.Count != kinds.Count)
                    throw new InvalidOperationException($"{file.path}: {kinds.Count} packets written, NetSock read {frames.Count}, tshark read {dissections.Count}");
                for (int i = 0; i < kinds.Count; i++) result.Add(kinds[i].Kind, new Frame(frames[i], dissections[i]));
            }
            return result;
        }
        finally
        {
            Elapsed = clock.Elapsed;
            Directory.Delete(_dir, recursive: true);
        }
    }

    /// <summary>tshark -T json: per frame, its protocols in the order tshark met them (those nested in ICMP quotes included).</summary>
    private static List<List<Protocol>> ParseTshark(string json)
    {
        using var doc = JsonDocument.Parse(json); // duplicate keys (a second "ip" or "eth") are kept, in order
        var frames = new List<List<Protocol>>();
        foreach (var packet in doc.RootElement.EnumerateArray())
        {
            var protocols = new List<Protocol>();
            foreach (var p in packet.GetProperty("_source").GetProperty("layers").EnumerateObject())
                if (p.Name != "frame" && p.Value.ValueKind == JsonValueKind.Object) AddProtocol(p.Name, p.Value, protocols);
            frames.Add(protocols);
        }
        return frames;
    }

    private static void AddProtocol(string name, JsonElement body, List<Protocol> protocols)
    {
        var protocol = new Protocol(name, new Dictionary<string, List<string>>());
        protocols.Add(protocol);
        Walk(body, protocol, protocols);
    }

    private static void Walk(JsonElement body, Protocol protocol, List<Protocol> protocols)
    {
        foreach (var p in body.EnumerateObject())
        {
            switch (p.Value.ValueKind)
            {
                case JsonValueKind.String:
                    Add(protocol, p.Name, p.Value.GetString()!);
                    break;
                case JsonValueKind.Array:
                    foreach (var v in p.Value.EnumerateArray())
                        if (v.ValueKind == JsonValueKind.String) Add(protocol, p.Name, v.GetString()!);
                        else if (v.ValueKind == JsonValueKind.Object) Walk(v, protocol, protocols);
                    break;
                case JsonValueKind.Object:
                    // A lower-case key without a dot or a space is a protocol of its own (the IP and UDP headers an ICMP error
                    // quotes); a capitalised one is a section of the protocol it is in (DNS's "Queries", "Answers").
                    if (!p.Name.Contains('.') && !p.Name.Contains(' ') && !p.Name.Contains(':') && p.Name == p.Name.ToLowerInvariant()) AddProtocol(p.Name, p.Value, protocols);
                    else Walk(p.Value, protocol, protocols);
                    break;
            }
        }
    }

    private static void Add(Protocol protocol, string field, string value)
    {
        if (!protocol.Fields.TryGetValue(field, out var list)) protocol.Fields[field] = list = new List<string>();
        list.Add(value);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }
}

/// <summary>
/// Differential test against Wireshark: Scapy builds one packet of each kind, tshark and NetSock dissect the same pcap,
/// and every NetSock field mapped to a tshark field below must read what tshark reads.
/// </summary>
public sealed class TsharkAgreementTests : IClassFixture<TsharkCorpusFixture>
{
    public sealed record Case(string Kind, int LinkType, string Scapy);

    private const string E = "Ether(src='02:00:00:aa:bb:cc', dst='02:00:00:11:22:33')";

    public static readonly Case[] Corpus =
    {
        new("EthIPv4TcpWithOptions", 1, E + "/IP(src='10.0.0.1',dst='10.0.0.2',id=4321,ttl=61,tos=0x28,flags='DF')/TCP(sport=40000,dport=443,seq=123456789,ack=987654321,flags='SA',window=29200,options=[('MSS',1460),('SAckOK',b''),('Timestamp',(1000,2000)),('NOP',None),('WScale',7)])"),
        new("EthIPv4TcpPushAckWithPayload", 1, E + "/IP(src='192.168.1.10',dst='192.168.1.20',id=7)/TCP(sport=5555,dport=80,seq=1,ack=2,flags='PA',window=512)/Raw(b'GET / HTTP/1.0\\r\\n\\r\\n')"),
        new("EthIPv4TcpUrgentEceCwr", 1, E + "/IP(src='10.0.0.3',dst='10.0.0.4')/TCP(sport=1025,dport=25,seq=4294967295,ack=0,flags='UECS',window=65535,urgptr=17)"),
        new("EthIPv4Udp", 1, E + "/IP(src='10.1.1.1',dst='10.1.1.2',ttl=17)/UDP(sport=12345,dport=9999)/Raw(b'hello udp')"),
        new("EthIPv4FragmentNonFirst", 1, E + "/IP(src='10.2.2.1',dst='10.2.2.2',id=0xbeef,flags='MF',frag=5,proto=17)/Raw(b'B'*24)"),
        new("EthIPv6Udp", 1, E + "/IPv6(src='2001:db8::1',dst='2001:db8::2',tc=0x20,fl=0x12345,hlim=33)/UDP(sport=40100,dport=40200)/Raw(b'v6 udp')"),
        new("EthIPv6Tcp", 1, E + "/IPv6(src='2001:db8::a',dst='2001:db8::b')/TCP(sport=22,dport=50000,seq=42,ack=43,flags='A',window=1000)"),
        new("IcmpEchoRequest", 1, E + "/IP(src='10.0.0.1',dst='10.0.0.2')/ICMP(type=8,id=0x1234,seq=5)/Raw(b'ping')"),
        new("IcmpEchoReply", 1, E + "/IP(src='10.0.0.2',dst='10.0.0.1')/ICMP(type=0,id=0x1234,seq=5)/Raw(b'ping')"),
        new("IcmpPortUnreachableQuotingIPv4Udp", 1, E + "/IP(src='10.0.0.2',dst='10.0.0.1')/ICMP(type=3,code=3)/IP(src='10.0.0.1',dst='10.0.0.2',id=99)/UDP(sport=3333,dport=4444)/Raw(b'x')"),
        new("IcmpV6EchoRequest", 1, E + "/IPv6(src='fe80::1',dst='fe80::2')/ICMPv6EchoRequest(id=7,seq=9,data=b'abc')"),
        new("IcmpV6EchoReply", 1, E + "/IPv6(src='fe80::2',dst='fe80::1')/ICMPv6EchoReply(id=7,seq=9,data=b'abc')"),
        new("IcmpV6NeighborSolicitation", 1, E + "/IPv6(src='fe80::1',dst='ff02::1:ff00:2',hlim=255)/ICMPv6ND_NS(tgt='fe80::2')"),
        new("ArpRequest", 1, "Ether(src='02:00:00:aa:bb:cc',dst='ff:ff:ff:ff:ff:ff')/ARP(op=1,hwsrc='02:00:00:aa:bb:cc',psrc='10.0.0.1',hwdst='00:00:00:00:00:00',pdst='10.0.0.2')"),
        new("ArpReply", 1, E + "/ARP(op=2,hwsrc='02:00:00:11:22:33',psrc='10.0.0.2',hwdst='02:00:00:aa:bb:cc',pdst='10.0.0.1')"),
        new("Dot1QIPv4Udp", 1, E + "/Dot1Q(vlan=100,prio=5)/IP(src='10.9.0.1',dst='10.9.0.2')/UDP(sport=1000,dport=2000)"),
        new("QinQ8021ad", 1, "Ether(src='02:00:00:aa:bb:cc',dst='02:00:00:11:22:33',type=0x88a8)/Dot1Q(vlan=200,prio=3)/Dot1Q(vlan=300,id=1)/IP(src='10.8.0.1',dst='10.8.0.2')/ICMP()"),
        new("QinQDouble8100", 1, E + "/Dot1Q(vlan=10,prio=1)/Dot1Q(vlan=20,prio=6)/IP(src='10.8.1.1',dst='10.8.1.2')/UDP(sport=1,dport=2)"),
        new("IgmpV2Report", 1, E + "/IP(src='10.0.0.5',dst='239.1.2.3',ttl=1)/IGMP(type=0x16,gaddr='239.1.2.3')"),
        new("IgmpV2Query", 1, E + "/IP(src='10.0.0.254',dst='224.0.0.1',ttl=1)/IGMP(type=0x11,mrcode=100,gaddr='0.0.0.0')"),
        new("GreIPv4", 1, E + "/IP(src='172.16.0.1',dst='172.16.0.2')/GRE()/IP(src='10.0.0.1',dst='10.0.0.2')/ICMP()"),
        new("GreWithChecksumKeySequence", 1, E + "/IP(src='172.16.0.1',dst='172.16.0.2')/GRE(chksum_present=1,key_present=1,key=0xabcd,seqnum_present=1,sequence_number=77)/IP(src='10.0.0.1',dst='10.0.0.2')/UDP(sport=1,dport=2)"),
        // An atomic fragment (offset 0, M clear): with M set tshark waits for the rest and shows no UDP (its reassembly, not a decoding difference).
        new("IPv6FragmentHeaderAtomic", 1, E + "/IPv6(src='2001:db8::1',dst='2001:db8::2')/IPv6ExtHdrFragment(id=0xdeadbeef,offset=0,m=0)/UDP(sport=1111,dport=2222)/Raw(b'A'*16)"),
        new("IPv6FragmentNonFirst", 1, E + "/IPv6(src='2001:db8::1',dst='2001:db8::2')/IPv6ExtHdrFragment(id=0xcafe,offset=5,m=1,nh=17)/Raw(b'C'*16)"),
        new("IPv6HopByHopRouterAlert", 1, E + "/IPv6(src='fe80::1',dst='ff02::16',hlim=1)/IPv6ExtHdrHopByHop(options=[RouterAlert()])/ICMPv6EchoRequest(id=1,seq=1)"),
        new("Lldp", 1, "Ether(src='02:00:00:aa:bb:cc',dst='01:80:c2:00:00:0e')/LLDPDUChassisID(subtype=4,id='02:00:00:aa:bb:cc')/LLDPDUPortID(subtype=5,id=b'eth0')/LLDPDUTimeToLive(ttl=120)/LLDPDUSystemName(system_name=b'switch1')/LLDPDUEndOfLLDPDU()"),
        new("PPPoESessionPppIPv4", 1, E + "/PPPoE(sessionid=0x1a2b)/PPP(proto=0x0021)/IP(src='100.64.0.1',dst='100.64.0.2')/UDP(sport=40053,dport=40054)"),
        new("MplsTwoLabels", 1, "Ether(src='02:00:00:aa:bb:cc',dst='02:00:00:11:22:33',type=0x8847)/MPLS(label=1000,cos=5,s=0,ttl=64)/MPLS(label=2000,s=1,ttl=63)/IP(src='10.7.0.1',dst='10.7.0.2')/ICMP()"),
        new("VxlanInnerEthernet", 1, E + "/IP(src='192.0.2.1',dst='192.0.2.2')/UDP(sport=49152,dport=4789)/VXLAN(vni=0x123456,flags=0x08)/Ether(src='02:00:00:00:00:01',dst='02:00:00:00:00:02')/IP(src='10.100.0.1',dst='10.100.0.2')/ICMP(type=8,id=3,seq=4)"),
        new("DnsQuery", 1, E + "/IP(src='10.0.0.1',dst='10.0.0.53')/UDP(sport=40000,dport=53)/DNS(id=0x1234,qd=DNSQR(qname='example.test',qtype='AAAA'))"),
        new("DnsResponseAllSections", 1, E + "/IP(src='10.0.0.53',dst='10.0.0.1')/UDP(sport=53,dport=40000)/DNS(id=0x1234,qr=1,aa=1,ra=1,qd=DNSQR(qname='www.example.test'),"
            + "an=DNSRR(rrname='www.example.test',type='CNAME',ttl=60,rdata='web.example.test')/DNSRR(rrname='web.example.test',ttl=60,rdata='198.18.0.80'),"
            + "ns=DNSRR(rrname='example.test',type='NS',ttl=3600,rdata='ns1.example.test'),ar=DNSRR(rrname='ns1.example.test',type='AAAA',ttl=3600,rdata='2001:db8::53'))"),
        // As servers send it: names compressed (the CNAME's owner and the end of its data, the A record's owner are pointers).
        new("DnsCompressedResponse", 1, E + "/IP(src='10.0.0.53',dst='10.0.0.1')/UDP(sport=53,dport=40001)/Raw(bytes.fromhex('000785800001000200000000"
            + "03777777076578616d706c6504746573740000010001c00c000500010000003c000603776562c010c02e000100010000003c0004c6120050'))"),
        new("DnsOverTcp", 1, E + "/IP(src='10.0.0.53',dst='10.0.0.1')/TCP(sport=53,dport=40003,flags='PA',seq=100,ack=200)/DNS(id=5,qr=1,qd=DNSQR(qname='example.test',qtype='MX'),"
            + "an=DNSRRMX(rrname='example.test',type='MX',ttl=300,preference=10,exchange='mail.example.test'))"),
        new("DnsNxDomainWithSoa", 1, E + "/IP(src='10.0.0.53',dst='10.0.0.1')/UDP(sport=53,dport=40002)/DNS(id=12,qr=1,rcode=3,qd=DNSQR(qname='nope.example.test'),"
            + "ns=DNSRRSOA(rrname='example.test',ttl=900,mname='ns1.example.test',rname='hostmaster.example.test',serial=2026112501,refresh=7200,retry=900,expire=1209600,minimum=300))"),
        new("DhcpDiscover", 1, "Ether(src='02:00:00:aa:bb:cc',dst='ff:ff:ff:ff:ff:ff')/IP(src='0.0.0.0',dst='255.255.255.255')/UDP(sport=68,dport=67)/BOOTP(chaddr=bytes.fromhex('020000aabbcc'),xid=0x1234,flags=0x8000)"
            + "/DHCP(options=[('message-type','discover'),('param_req_list',[1,3,6,15]),('hostname','pc1'),'end','pad','pad'])"),
        new("DhcpOffer", 1, E + "/IP(src='198.18.0.1',dst='198.18.0.10')/UDP(sport=67,dport=68)/BOOTP(op=2,xid=0x1234,yiaddr='198.18.0.10',siaddr='198.18.0.1',chaddr=bytes.fromhex('020000aabbcc'))"
            + "/DHCP(options=[('message-type','offer'),('server_id','198.18.0.1'),('lease_time',3600),('subnet_mask','255.255.255.0'),('router','198.18.0.1'),('name_server','198.18.0.53','198.18.0.54'),('domain','example.test'),'end'])"),
        new("DhcpRequest", 1, "Ether(src='02:00:00:aa:bb:cc',dst='ff:ff:ff:ff:ff:ff')/IP(src='0.0.0.0',dst='255.255.255.255')/UDP(sport=68,dport=67)/BOOTP(chaddr=bytes.fromhex('020000aabbcc'),xid=0x1234,secs=3)"
            + "/DHCP(options=[('message-type','request'),('requested_addr','198.18.0.10'),('server_id','198.18.0.1'),'end'])"),
        new("LinuxSllIPv4Tcp", 113, "CookedLinux(pkttype=4,lladdrtype=1,lladdrlen=6,src=b'\\x02\\x00\\x00\\xaa\\xbb\\xcc\\x00\\x00')/IP(src='10.0.0.1',dst='10.0.0.2')/TCP(sport=1234,dport=80,flags='S',seq=1000)"),
        new("RawIPv4Udp", 101, "IP(src='198.51.100.1',dst='198.51.100.2',ttl=9)/UDP(sport=40001,dport=40002)/Raw(b'raw')"),
        new("RawIPv6IcmpV6Echo", 101, "IPv6(src='2001:db8::5',dst='2001:db8::6')/ICMPv6EchoRequest(id=11,seq=12)"),
    };

    /// <summary>
    /// A NetSock field and the tshark field it must equal. Tshark may name alternatives ("vlan.id|ieee8021ad.id"); Ours
    /// projects NetSock's value first; Theirs rescales tshark's number (header lengths in bytes, a flags word's bits).
    /// </summary>
    private sealed record Map(string Field, string Tshark, Func<object?, object?>? Ours = null, Func<ulong, ulong>? Theirs = null, bool AllValues = false);

    /// <summary>A NetSock layer, the tshark protocols that may hold it, and its mapped fields (the first also picks its protocol occurrences).</summary>
    private sealed record LayerMap(string Layer, string[] Protocols, Map[] Fields);

    private static byte[] Bytes(object? v) => (byte[])v!;
    private static object? Option(object? options, byte code, Func<DhcpOption, object?> f) => ((DhcpOption[])options!).FirstOrDefault(o => o.Code == code) is { } o ? f(o) : null;
    private static DnsRecord[] Records(object? dns) => ((Dns)dns!).Answers.Concat(((Dns)dns!).Authority).Concat(((Dns)dns!).Additional).ToArray();
    private static string Each<T>(IEnumerable<T> items, Func<T, object> f) => string.Join(",", items.Select(i => f(i).ToString()!.TrimEnd('.').ToLowerInvariant()));
    private static string Data(object? dns, ushort type) => Each(Records(dns).Where(r => r.Type == type), r => r.Value);
    private static LldpTlv[] Tlvs(object? v) => (LldpTlv[])v!;
    private static object? Tlv(object? v, int type, Func<LldpTlv, object?> f) => Tlvs(v).FirstOrDefault(t => t.Type == type) is { } t ? f(t) : null;

    private static readonly LayerMap[] Table =
    {
        new("Ethernet", new[] { "eth" }, new Map[] { new("Destination", "eth.dst"), new("Source", "eth.src"), new("Type", "eth.type") }),
        new("LinuxSll", new[] { "sll" }, new Map[]
        {
            new("PacketType", "sll.pkttype"), new("AddressType", "sll.hatype"), new("AddressLength", "sll.halen"),
            new("Address", "sll.src.eth", Ours: v => Bytes(v)[..6]), new("Protocol", "sll.etype"),
        }),
        new("Dot1Q", new[] { "ieee8021ad", "vlan" }, new Map[]
        {
            new("VlanId", "vlan.id|ieee8021ad.id"), new("Priority", "vlan.priority|ieee8021ad.priority"),
            new("DropEligible", "vlan.dei|ieee8021ad.dei"), new("Type", "vlan.etype"),
        }),
        new("Mpls", new[] { "mpls" }, new Map[] { new("Label", "mpls.label"), new("TrafficClass", "mpls.exp"), new("BottomOfStack", "mpls.bottom"), new("TimeToLive", "mpls.ttl") }),
        new("PPPoE", new[] { "pppoes" }, new Map[]
        {
            new("SessionId", "pppoe.session_id"), new("Version", "pppoe.version"), new("Type", "pppoe.type"), new("Code", "pppoe.code"), new("Length", "pppoe.payload_length"),
        }),
        new("Ppp", new[] { "ppp" }, new Map[] { new("Protocol", "ppp.protocol") }),
        new("Arp", new[] { "arp" }, new Map[]
        {
            new("Operation", "arp.opcode"), new("HardwareType", "arp.hw.type"), new("ProtocolType", "arp.proto.type"),
            new("HardwareLength", "arp.hw.size"), new("ProtocolLength", "arp.proto.size"),
            new("SenderHardwareAddress", "arp.src.hw_mac"), new("SenderProtocolAddress", "arp.src.proto_ipv4"),
            new("TargetHardwareAddress", "arp.dst.hw_mac"), new("TargetProtocolAddress", "arp.dst.proto_ipv4"),
        }),
        new("IPv4", new[] { "ip" }, new Map[]
        {
            new("TimeToLive", "ip.ttl"), new("Version", "ip.version"), new("InternetHeaderLength", "ip.hdr_len", Theirs: n => n / 4),
            new("TypeOfService", "ip.dsfield"), new("TotalLength", "ip.len"), new("Identification", "ip.id"), new("Flags", "ip.flags"),
            new("FragmentOffset", "ip.frag_offset"), new("Protocol", "ip.proto"), new("Checksum", "ip.checksum"),
            new("Source", "ip.src"), new("Destination", "ip.dst"),
        }),
        new("IPv6", new[] { "ipv6" }, new Map[]
        {
            new("HopLimit", "ipv6.hlim"), new("Version", "ipv6.version"), new("TrafficClass", "ipv6.tclass"), new("FlowLabel", "ipv6.flow"),
            new("PayloadLength", "ipv6.plen"), new("NextHeader", "ipv6.nxt"), new("Source", "ipv6.src"), new("Destination", "ipv6.dst"),
        }),
        new("IPv6HopByHop", new[] { "ipv6" }, new Map[] { new("NextHeader", "ipv6.hopopts.nxt"), new("Length", "ipv6.hopopts.len") }),
        new("IPv6Fragment", new[] { "ipv6" }, new Map[]
        {
            new("NextHeader", "ipv6.fraghdr.nxt"), new("Reserved1", "ipv6.fraghdr.reserved_octet"), new("FragmentOffset", "ipv6.fraghdr.offset"),
            new("Reserved2", "ipv6.fraghdr.reserved_bits"), new("MoreFragments", "ipv6.fraghdr.more"), new("Identification", "ipv6.fraghdr.ident"),
        }),
        new("Gre", new[] { "gre" }, new Map[]
        {
            new("Protocol", "gre.proto"), new("ChecksumPresent", "gre.flags.checksum"), new("RoutingPresent", "gre.flags.routing"),
            new("KeyPresent", "gre.flags.key"), new("SequencePresent", "gre.flags.sequence_number"), new("Version", "gre.flags.version"),
            new("Checksum", "gre.checksum"), new("Reserved1", "gre.offset"), new("Key", "gre.key"), new("SequenceNumber", "gre.sequence_number"),
        }),
        new("Tcp", new[] { "tcp" }, new Map[]
        {
            new("SourcePort", "tcp.srcport"), new("DestinationPort", "tcp.dstport"), new("SequenceNumber", "tcp.seq_raw"),
            new("AcknowledgmentNumber", "tcp.ack_raw"), new("DataOffset", "tcp.hdr_len", Theirs: n => n / 4),
            // tshark's tcp.flags is the 12 bits after the data offset; NetSock splits them into Reserved (3) and Flags (9).
            new("Flags", "tcp.flags", Theirs: n => n & 0x1FF), new("Reserved", "tcp.flags.res"),
            new("WindowSize", "tcp.window_size_value"), new("Checksum", "tcp.checksum"), new("UrgentPointer", "tcp.urgent_pointer"),
        }),
        new("Udp", new[] { "udp" }, new Map[] { new("SourcePort", "udp.srcport"), new("DestinationPort", "udp.dstport"), new("Length", "udp.length"), new("Checksum", "udp.checksum") }),
        new("Icmp", new[] { "icmp" }, new Map[] { new("Type", "icmp.type"), new("Code", "icmp.code"), new("Checksum", "icmp.checksum"), new("Id", "icmp.ident"), new("Seq", "icmp.seq") }),
        new("IcmpV6", new[] { "icmpv6" }, new Map[]
        {
            new("Type", "icmpv6.type"), new("Code", "icmpv6.code"), new("Checksum", "icmpv6.checksum"),
            new("Id", "icmpv6.echo.identifier"), new("Seq", "icmpv6.echo.sequence_number"), new("Target", "icmpv6.nd.ns.target_address"),
        }),
        new("Igmp", new[] { "igmp" }, new Map[] { new("Type", "igmp.type"), new("MaxResponseTime", "igmp.max_resp"), new("Checksum", "igmp.checksum"), new("GroupAddress", "igmp.maddr") }),
        // tshark's vxlan.flags is 16 bits: NetSock's flags byte is its high byte.
        new("Vxlan", new[] { "vxlan" }, new Map[] { new("Vni", "vxlan.vni"), new("Flags", "vxlan.flags", Theirs: n => n >> 8), new("Reserved2", "vxlan.reserved8") }),
        // The records' fields are compared over the whole message (tshark lists answer, authority and additional records alike): Field "" is the layer.
        new("Dns", new[] { "dns" }, new Map[]
        {
            new("Id", "dns.id"), new("Response", "dns.flags.response"), new("Opcode", "dns.flags.opcode"), new("Authoritative", "dns.flags.authoritative"),
            new("Truncated", "dns.flags.truncated"), new("RecursionDesired", "dns.flags.recdesired"), new("RecursionAvailable", "dns.flags.recavail"),
            new("Z", "dns.flags.z"), new("AuthenticData", "dns.flags.authenticated"), new("CheckingDisabled", "dns.flags.checkdisable"),
            new("ResponseCode", "dns.flags.rcode"), new("Length", "dns.length"), new("QuestionCount", "dns.count.queries"), new("AnswerCount", "dns.count.answers"),
            new("AuthorityCount", "dns.count.auth_rr"), new("AdditionalCount", "dns.count.add_rr"),
            new("Questions", "dns.qry.name", Ours: v => Each((DnsQuestion[])v!, q => q.Name), AllValues: true),
            new("Questions", "dns.qry.type", Ours: v => Each((DnsQuestion[])v!, q => q.Type), AllValues: true),
            new("", "dns.resp.name", Ours: v => Each(Records(v), r => r.Name), AllValues: true),
            new("", "dns.resp.type", Ours: v => Each(Records(v), r => r.Type), AllValues: true),
            new("", "dns.resp.ttl", Ours: v => Each(Records(v), r => r.Ttl), AllValues: true),
            new("", "dns.a", Ours: v => Data(v, 1), AllValues: true),
            new("", "dns.aaaa", Ours: v => Data(v, 28), AllValues: true),
            new("", "dns.cname", Ours: v => Data(v, 5), AllValues: true),
            new("", "dns.ns", Ours: v => Data(v, 2), AllValues: true),
            new("", "dns.mx.mail_exchange", Ours: v => Each(Records(v).Where(r => r.Type == 15), r => ((string)r.Value).Split(' ')[1]), AllValues: true),
            new("", "dns.mx.preference", Ours: v => Each(Records(v).Where(r => r.Type == 15), r => ((string)r.Value).Split(' ')[0]), AllValues: true),
            new("", "dns.soa.mname", Ours: v => Each(Records(v).Where(r => r.Type == 6), r => ((string)r.Value).Split(' ')[0]), AllValues: true),
            new("", "dns.soa.serial_number", Ours: v => Each(Records(v).Where(r => r.Type == 6), r => ((string)r.Value).Split(' ')[2]), AllValues: true),
        }),
        new("Bootp", new[] { "dhcp" }, new Map[]
        {
            new("Operation", "dhcp.type"), new("HardwareType", "dhcp.hw.type"), new("HardwareLength", "dhcp.hw.len"), new("Hops", "dhcp.hops"),
            new("TransactionId", "dhcp.id"), new("Seconds", "dhcp.secs"), new("Flags", "dhcp.flags"), new("ClientAddress", "dhcp.ip.client"),
            new("YourAddress", "dhcp.ip.your"), new("ServerAddress", "dhcp.ip.server"), new("GatewayAddress", "dhcp.ip.relay"),
            new("ClientHardwareAddress", "dhcp.hw.mac_addr"),
        }),
        new("Dhcp", new[] { "dhcp" }, new Map[]
        {
            // tshark lists End as dhcp.option.type 0, with dhcp.option.end 255 beside it.
            new("Options", "dhcp.option.type", Ours: v => string.Join(",", ((DhcpOption[])v!).Select(o => o.Code == 255 ? 0 : o.Code)), AllValues: true),
            new("Options", "dhcp.option.end", Ours: v => Option(v, 255, o => o.Code)),
            new("Options", "dhcp.option.dhcp", Ours: v => Option(v, 53, o => o.Data[0])),
            new("Options", "dhcp.option.request_list_item", Ours: v => string.Join(",", ((DhcpOption[])v!).Where(o => o.Code == 55).SelectMany(o => o.Data)), AllValues: true),
            new("Options", "dhcp.option.hostname", Ours: v => Option(v, 12, o => o.Value)),
            new("Options", "dhcp.option.requested_ip_address", Ours: v => Option(v, 50, o => o.Value)),
            new("Options", "dhcp.option.dhcp_server_id", Ours: v => Option(v, 54, o => o.Value)),
            new("Options", "dhcp.option.ip_address_lease_time", Ours: v => Option(v, 51, o => o.Value)),
            new("Options", "dhcp.option.subnet_mask", Ours: v => Option(v, 1, o => o.Value)),
            new("Options", "dhcp.option.router", Ours: v => Option(v, 3, o => string.Join(",", ((IPAddress[])o.Value!).Select(a => a.ToString()))), AllValues: true),
            new("Options", "dhcp.option.domain_name_server", Ours: v => Option(v, 6, o => string.Join(",", ((IPAddress[])o.Value!).Select(a => a.ToString()))), AllValues: true),
            new("Options", "dhcp.option.domain_name", Ours: v => Option(v, 15, o => o.Value)),
        }),
        new("Lldp", new[] { "lldp" }, new Map[]
        {
            new("Tlvs", "lldp.tlv.type", Ours: v => string.Join(",", Tlvs(v).Select(t => t.Type)), AllValues: true),
            new("Tlvs", "lldp.tlv.len", Ours: v => string.Join(",", Tlvs(v).Select(t => t.Length)), AllValues: true),
            new("Tlvs", "lldp.chassis.subtype", Ours: v => Tlv(v, 1, t => t.Data[0])),
            new("Tlvs", "lldp.chassis.id.mac", Ours: v => Tlv(v, 1, t => t.Data[1..])),
            new("Tlvs", "lldp.port.subtype", Ours: v => Tlv(v, 2, t => t.Data[0])),
            new("Tlvs", "lldp.port.id", Ours: v => Tlv(v, 2, t => Encoding.UTF8.GetString(t.Data[1..]))),
            new("Tlvs", "lldp.time_to_live", Ours: v => Tlv(v, 3, t => t.Value)),
            new("Tlvs", "lldp.tlv.system.name", Ours: v => Tlv(v, 5, t => Encoding.UTF8.GetString(t.Data))),
        }),
    };

    private readonly TsharkCorpusFixture _fixture;
    private readonly ITestOutputHelper _output;

    public TsharkAgreementTests(TsharkCorpusFixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
    }

    public static IEnumerable<object[]> Kinds => Corpus.Select(c => new object[] { c.Kind });

    [TsharkTheory]
    [MemberData(nameof(Kinds))]
    public void NetSockReadsWhatTsharkReads(string kind)
    {
        var frame = _fixture.For(kind);
        var packet = Packet.Dissect(frame.Captured.Data, frame.Captured.LinkType);
        Assert.False(packet.IsMalformed, $"NetSock marks {kind} malformed: {packet.MalformedReason}");

        var problems = new List<string>();
        int compared = 0;
        foreach (var map in Table)
        {
            var ours = WithQuotes(packet).Where(l => l.GetInfo().Name == map.Layer).ToList();
            var markers = map.Fields[0].Tshark.Split('|');
            var theirs = frame.Tshark.Where(p => map.Protocols.Contains(p.Name) && markers.Any(p.Fields.ContainsKey)).ToList();
            if (ours.Count != theirs.Count)
            {
                problems.Add($"{map.Layer}: NetSock decodes {ours.Count} such layer(s), tshark {theirs.Count} ({string.Join(":", frame.Tshark.Select(p => p.Name))})");
                continue;
            }
            foreach (var (layer, protocol) in ours.Zip(theirs))
            {
                foreach (var m in map.Fields)
                {
                    var names = m.Tshark.Split('|');
                    var name = names.FirstOrDefault(protocol.Fields.ContainsKey);
                    if (name is null) continue; // tshark does not show this field for this packet
                    object? value = m.Field.Length == 0 ? layer
                        : (layer.GetInfo().FindField(m.Field) ?? throw new InvalidOperationException($"{map.Layer} has no field {m.Field}")).GetValue(layer);
                    if (m.Ours is not null) value = m.Ours(value);
                    string expected = m.AllValues
                        ? string.Join(",", protocol.Fields[name].Select(v => FromTshark(v, m.Theirs)))
                        : FromTshark(protocol.Fields[name][0], m.Theirs);
                    string actual = FromNetSock(value);
                    compared++;
                    if (expected != actual) problems.Add($"{map.Layer}.{m.Field} = {actual}, tshark {name} = {expected} (raw '{string.Join(",", protocol.Fields[name])}')");
                }
            }
        }
        _output.WriteLine($"{kind}: {compared} fields compared; corpus built and dissected in {_fixture.Elapsed.TotalMilliseconds:F0} ms");
        Assert.True(compared > 0, $"no mapped field was compared for {kind}");
        Assert.True(problems.Count == 0, $"{kind}: NetSock and tshark disagree:\n  " + string.Join("\n  ", problems));
    }

    /// <summary>The packet's layers with an ICMP error's quoted layers after it, in the order tshark lists its protocols.</summary>
    private static IEnumerable<Layer> WithQuotes(Packet packet) =>
        packet.Layers.SelectMany(l => l is IcmpLayer { Quoted: { } quote } ? WithQuotes(quote).Prepend(l) : new[] { l });

    [TsharkTheory]
    [InlineData(20)]
    public void CorpusCoversEnoughKinds(int atLeast)
    {
        Assert.True(Corpus.Length >= atLeast);
        Assert.Equal(Corpus.Length, Corpus.Select(c => c.Kind).Distinct().Count());
        foreach (var c in Corpus) Assert.NotNull(_fixture.For(c.Kind)); // every packet reached both tools
    }

    /// <summary>tshark's display text, normalised: 0x.. and decimal numbers as decimal, MACs as bare hex, text in lower case.</summary>
    private static string FromTshark(string text, Func<ulong, ulong>? rescale)
    {
        string t = text.Trim();
        ulong? n = null;
        if (t.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && ulong.TryParse(t[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong h)) n = h;
        else if (t.Length > 0 && t.All(char.IsAsciiDigit) && ulong.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out ulong d)) n = d;
        else if (t is "True" or "true") n = 1;
        else if (t is "False" or "false") n = 0;
        if (n is { } number) return (rescale is null ? number : rescale(number)).ToString(CultureInfo.InvariantCulture);
        if (System.Text.RegularExpressions.Regex.IsMatch(t, "^[0-9A-Fa-f]{2}([:-][0-9A-Fa-f]{2})+$")) return t.Replace(":", "").Replace("-", "").ToLowerInvariant();
        return t.ToLowerInvariant();
    }

    /// <summary>NetSock's value, normalised the same way.</summary>
    private static string FromNetSock(object? value) => value switch
    {
        null => "(null)",
        bool b => b ? "1" : "0",
        Enum e => Convert.ToUInt64(e, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
        TcpFlags f => f.Value.ToString(CultureInfo.InvariantCulture),
        NetSock.Packets.Layers.IPv4Flags f => f.Value.ToString(CultureInfo.InvariantCulture),
        IPAddress a => a.ToString().ToLowerInvariant(),
        MacAddress m => m.ToString().Replace(":", "").ToLowerInvariant(),
        byte[] bytes => Convert.ToHexString(bytes).ToLowerInvariant(),
        string s => s.Trim().ToLowerInvariant(),
        IConvertible c when value.GetType().IsPrimitive => Convert.ToUInt64(c, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
        _ => value.ToString()!.ToLowerInvariant(),
    };
}
