using System.Globalization;
using System.Net;
using System.Text.Json;
using NetSock.Capture;
using NetSock.Packets;
using NetSock.Packets.Layers;
using static NetSock.Tests.Layers.Golden;

namespace NetSock.Tests.Layers;

/// <summary>A fact that needs tshark: skipped, with the reason, when it is missing (and cannot be installed).</summary>
public sealed class TsharkFactAttribute : FactAttribute
{
    public TsharkFactAttribute()
    {
        if (Tshark.WhyMissing is { } why) Skip = why;
    }
}

/// <summary>
/// A header cut short inside its fixed part (a snap length, a truncated file) keeps the fields that are whole, as
/// tshark shows them; the packet stays malformed, and builds back as it came.
/// </summary>
public class CutHeaderTests
{
    // bytes(IP(src='198.18.0.1', dst='198.18.0.2')/TCP(sport=40000, dport=443, seq=1000, ack=5, flags='A'))[:30]: TCP cut at 10
    private const string TcpCutAt10 = "45000028000100004006eea7c6120001c61200029c4001bb000003e80000";
    // bytes(IP(src='198.18.0.1', dst='198.18.0.2')/UDP(sport=40000, dport=53))[:25]: UDP cut at 5
    private const string UdpCutAt5 = "4500001c000100004011eea8c6120001c61200029c40003500";
    // bytes(IP(src='198.18.0.1', dst='198.18.0.2', ttl=9)/ICMP())[:15]: IPv4 cut at 15, inside the source address
    private const string IPv4CutAt15 = "4500001c00010000090125b9c61200";
    // bytes(IPv6(src='2001:db8::1', dst='2001:db8::2')/UDP())[:30]: IPv6 cut at 30, inside the destination address
    private const string IPv6CutAt30 = "600000000008114020010db800000000000000000000000120010db80000";

    [Fact]
    public void ATcpHeaderCutAt10BytesKeepsThePortsAndTheSequenceNumber()
    {
        var p = Dissect(TcpCutAt10);
        Assert.True(p.IsMalformed);
        Assert.Equal("Tcp header truncated: 10 of 20 bytes", p.MalformedReason);
        Assert.Equal(new[] { "IPv4", "Tcp" }, Names(p));
        var tcp = p.Get<Tcp>()!;
        Assert.Equal(10, tcp.CutLength);
        Assert.Equal(40000, tcp.SourcePort);
        Assert.Equal(443, tcp.DestinationPort);
        Assert.Equal(1000u, tcp.SequenceNumber);
        Assert.Equal((ushort)40000, tcp["sport"]);
        Assert.Equal(1000u, tcp["SequenceNumber"]);
        foreach (string absent in new[] { "ack", "dataofs", "reserved", "flags", "window", "chksum", "urgptr", "options" })
            Assert.Null(tcp[absent]);
        Assert.Equal(new[] { "SourcePort", "DestinationPort", "SequenceNumber" }, tcp.GetInfo().Fields.Where(f => f.IsPresentIn(tcp)).Select(f => f.Name));
        Assert.Equal("TCP", p.Protocol);
    }

    [Fact]
    public void AUdpHeaderCutAt5BytesKeepsThePorts()
    {
        var p = Dissect(UdpCutAt5);
        Assert.True(p.IsMalformed);
        Assert.Equal("Udp header truncated: 5 of 8 bytes", p.MalformedReason);
        var udp = p.Get<Udp>()!;
        Assert.Equal((40000, 53), ((int)udp.SourcePort, (int)udp.DestinationPort));
        Assert.Null(udp["len"]);
        Assert.Null(udp["chksum"]);
    }

    [Fact]
    public void AnIPv4HeaderCutAt15BytesKeepsTheFieldsBeforeTheCut()
    {
        var p = Dissect(IPv4CutAt15);
        Assert.True(p.IsMalformed);
        Assert.Equal("IPv4 header truncated: 15 of 20 bytes", p.MalformedReason);
        Assert.Equal(new[] { "IPv4" }, Names(p));
        var ip = p.Get<IPv4>()!;
        Assert.Equal(15, ip.CutLength);
        Assert.Equal((byte)4, ip["version"]);
        Assert.Equal((byte)5, ip["ihl"]);
        Assert.Equal((ushort)28, ip["len"]);
        Assert.Equal((ushort)1, ip["id"]);
        Assert.Equal((byte)9, ip["ttl"]);
        Assert.Equal((byte)1, ip["proto"]);
        Assert.Equal((ushort)0x25b9, ip["chksum"]);
        Assert.Null(ip["src"]);
        Assert.Null(ip["dst"]);
        Assert.Null(ip["options"]);
        Assert.Equal(("", ""), (p.Source, p.Destination));     // tshark: N/A, not the zeros the cut left
    }

    [Fact]
    public void AnIPv6HeaderCutInsideTheDestinationKeepsTheSource()
    {
        var p = Dissect(IPv6CutAt30);
        Assert.Equal("IPv6 header truncated: 30 of 40 bytes", p.IsMalformed ? p.MalformedReason : "not malformed");
        var ip = p.Get<IPv6>()!;
        Assert.Equal(S6, ip["src"]);
        Assert.Equal((byte)17, ip["nh"]);
        Assert.Null(ip["dst"]);
        Assert.Equal(("2001:db8::1", ""), (p.Source, p.Destination));
    }

    [Fact]
    public void ACutHeaderBuildsBackAsItCame()
    {
        foreach (string hex in new[] { TcpCutAt10, UdpCutAt5, IPv4CutAt15, IPv6CutAt30 })
        {
            var p = Dissect(hex);
            Assert.Equal(hex, Hex(Packet.FromLayers(p.Layers)));     // built from the layers, not the kept bytes
        }
        var tcp = Dissect(TcpCutAt10);
        tcp.Get<Tcp>()!.SourcePort = 1;
        Assert.Equal(TcpCutAt10[..40] + "0001" + TcpCutAt10[44..], Hex(tcp));
        Assert.Equal(TcpCutAt10.Length / 2, tcp.Rebuilt().Length);
    }

    [Fact]
    public void ShowPacketShowsTheFieldsBeforeTheCutAndWhy()
    {
        string text = PacketText.Show(Dissect(TcpCutAt10));
        Assert.Contains("###[ Tcp ]###\n  SourcePort      = 40000\n  DestinationPort = 443\n  SequenceNumber  = 1000\nMalformed: Tcp header truncated: 10 of 20 bytes", text);
        Assert.DoesNotContain("AcknowledgmentNumber", text);
    }

    [Fact]
    public void ShowPacketShowsAnErrorsQuoteAfterIt()
    {
        var p = Dissect("45000039000100004001ee9bc6120002c61200010303893f000000004500001d000100004011eea7c6120001c61200029c4000350009663e71");
        string text = PacketText.Show(p);
        Assert.Contains("###[ Icmp ]###", text);
        Assert.Contains("###[ IPv4 in Icmp ]###", text);
        Assert.Contains("###[ Udp in Icmp ]###\n  SourcePort      = 40000\n  DestinationPort = 53", text);
        Assert.Contains("###[ Raw in Icmp ]###", text);
    }

    /// <summary>Every field tshark shows for the cut frames, NetSock has, with the same value.</summary>
    [TsharkFact]
    public void TsharkShowsNoFieldThatNetSockLacks()
    {
        var frames = new[] { TcpCutAt10, UdpCutAt5, IPv4CutAt15, IPv6CutAt30, "4500001c000100004001eeb8c6120001c6120002" + "0800f7ff00" };
        string path = Path.Combine(Path.GetTempPath(), $"netsock-cut-{Guid.NewGuid():N}.pcap");
        try
        {
            using (var writer = CaptureFileWriter.Create(path, CaptureFileFormat.Pcap, LinkType.Raw))
                foreach (string hex in frames) writer.Write(Convert.FromHexString(hex), DateTimeOffset.UnixEpoch, hex.Length / 2);
            var (code, json, err) = Tshark.Run(Tshark.Path, new[] { "-r", path, "-T", "json" });
            Assert.True(code == 0, err);
            using var doc = JsonDocument.Parse(json);
            var map = new Dictionary<string, (string Layer, string Field)>
            {
                ["ip.version"] = ("IPv4", "version"), ["ip.len"] = ("IPv4", "len"), ["ip.id"] = ("IPv4", "id"), ["ip.ttl"] = ("IPv4", "ttl"),
                ["ip.proto"] = ("IPv4", "proto"), ["ip.checksum"] = ("IPv4", "chksum"), ["ip.src"] = ("IPv4", "src"), ["ip.dst"] = ("IPv4", "dst"),
                ["ipv6.nxt"] = ("IPv6", "nh"), ["ipv6.hlim"] = ("IPv6", "hlim"), ["ipv6.src"] = ("IPv6", "src"), ["ipv6.dst"] = ("IPv6", "dst"),
                ["tcp.srcport"] = ("Tcp", "sport"), ["tcp.dstport"] = ("Tcp", "dport"), ["tcp.seq_raw"] = ("Tcp", "seq"), ["tcp.ack_raw"] = ("Tcp", "ack"),
                ["udp.srcport"] = ("Udp", "sport"), ["udp.dstport"] = ("Udp", "dport"), ["udp.length"] = ("Udp", "len"),
                ["icmp.type"] = ("Icmp", "type"), ["icmp.code"] = ("Icmp", "code"), ["icmp.checksum"] = ("Icmp", "chksum"),
            };
            int i = 0, compared = 0;
            foreach (var frame in doc.RootElement.EnumerateArray())
            {
                var p = Dissect(frames[i++]);
                Assert.True(p.IsMalformed);
                var shown = new Dictionary<string, string>();
                foreach (var protocol in frame.GetProperty("_source").GetProperty("layers").EnumerateObject())
                    if (protocol.Value.ValueKind == JsonValueKind.Object) Collect(protocol.Value, protocol.Name + ".", shown);
                foreach (var (tsharkField, (layer, field)) in map)
                {
                    if (!shown.TryGetValue(tsharkField, out string? theirs)) continue;
                    object? ours = p[layer]?[field];
                    Assert.True(ours is not null, $"tshark shows {tsharkField} = {theirs} in frame {i}; NetSock has no {layer}.{field}");
                    Assert.Equal(Normal(theirs), Normal(ours));
                    compared++;
                }
            }
            Assert.True(compared >= 15, $"only {compared} fields compared");
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>The fields of one protocol tshark decoded ("ip.ttl" in "ip"; not the "ip.version" tshark also puts in "ipv6").</summary>
    private static void Collect(JsonElement element, string prefix, Dictionary<string, string> shown)
    {
        foreach (var p in element.EnumerateObject())
        {
            if (p.Value.ValueKind == JsonValueKind.String && p.Name.StartsWith(prefix, StringComparison.Ordinal)) shown.TryAdd(p.Name, p.Value.GetString()!);
            else if (p.Value.ValueKind == JsonValueKind.Object) Collect(p.Value, prefix, shown);
        }
    }

    private static string Normal(object? value) => value switch
    {
        string s when s.StartsWith("0x", StringComparison.Ordinal) => ulong.Parse(s[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
        IPAddress a => a.ToString(),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture)!,
    };
}
