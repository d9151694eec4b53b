using System.Net;
using System.Text.Json;
using NetSock.Packets;
using NetSock.Packets.Layers;

namespace NetSock.Tests.Corpus;

/// <summary>A theory that needs Scapy: skipped, with the reason, when python3-scapy is not installed.</summary>
public sealed class ScapyTheoryAttribute : TheoryAttribute
{
    public ScapyTheoryAttribute()
    {
        if (ScapyOracle.WhyMissing is { } why) Skip = why;
    }
}

/// <summary>Scapy's answers for the whole corpus, asked once.</summary>
public sealed class ScapyCorpusFixture
{
    private readonly Lazy<Dictionary<string, ScapyOracle.Answer>> _answers = new(() =>
    {
        var specs = ScapyCorpus.Specs.ToList();
        return specs.Zip(ScapyOracle.Ask(specs)).ToDictionary(p => p.First, p => p.Second);
    });

    public ScapyOracle.Answer For(string spec) => _answers.Value[spec];
}

/// <summary>
/// The corpus: each Scapy expression is built by both tools and the bytes must be equal, byte for byte; then Scapy's
/// bytes are dissected by NetSock and every field NetSock declares with a Scapy name must read what Scapy reads.
/// </summary>
public sealed class ScapyCorpusTests : IClassFixture<ScapyCorpusFixture>
{
    private readonly ScapyCorpusFixture _scapy;

    public ScapyCorpusTests(ScapyCorpusFixture scapy) => _scapy = scapy;

    public static IEnumerable<object[]> Cases => ScapyCorpus.Specs.Select(s => new object[] { s });

    [ScapyTheory]
    [MemberData(nameof(Cases))]
    public void NetSockBuildsTheBytesScapyBuilds(string spec)
    {
        var answer = _scapy.For(spec);
        Assert.True(answer.Error is null, $"Scapy could not build {spec}: {answer.Error}");
        Assert.Equal(answer.Hex, Convert.ToHexString(ScapySpec.Build(spec).GetBytes()).ToLowerInvariant());
    }

    [ScapyTheory]
    [MemberData(nameof(Cases))]
    public void NetSockReadsTheFieldsScapyReads(string spec)
    {
        var answer = _scapy.For(spec);
        Assert.True(answer.Error is null, $"Scapy could not build {spec}: {answer.Error}");
        var first = ScapySpec.Build(spec).Layers[0];
        var linkType = first switch { Ethernet => LinkType.Ethernet, Loopback => LinkType.Null, LinuxSll => LinkType.LinuxSll, _ => LinkType.Raw };
        var ours = Packet.Dissect(Convert.FromHexString(answer.Hex!), linkType);
        if (ScapyCorpus.Malformed.Contains(spec))
        {
            // A header that lies about its length: Scapy reads on regardless, NetSock marks the packet malformed.
            Assert.True(ours.IsMalformed, $"{spec} should be malformed");
            return;
        }
        Assert.False(ours.IsMalformed, ours.MalformedReason);
        // Scapy guesses layers from ports (DNS on 53, L2TP on 1701): compare up to the first layer NetSock does not have.
        var theirs = answer.Layers!.TakeWhile(l => ScapySpec.LayerFor(l.Name) is not null).ToList();
        // Scapy's IPerror / UDPerror follow the ICMP layer in its list; NetSock's are the ICMP layer's Quoted packet.
        var layers = WithQuotes(ours).ToList();
        var names = layers.Select(l => l.Name).ToList();
        // Scapy reads any bytes on port 53 as DNS; NetSock keeps a payload that cannot be a DNS message as Raw.
        int dns = theirs.FindIndex(l => l.Name == "DNS");
        if (dns >= 0 && dns < names.Count && names[dns] == "Raw") theirs = theirs.Take(dns).ToList();
        if (names.Count == theirs.Count + 1 && names[^1] == "Raw" && theirs[^1].Fields.TryGetValue("data", out var data))
        {
            // Scapy keeps an ICMPv6 echo's payload in the message's own 'data' field; NetSock stacks a Raw layer.
            Assert.Equal(data.GetProperty("hex").GetString(), Convert.ToHexString(((Raw)layers[^1]).Load).ToLowerInvariant());
            names.RemoveAt(names.Count - 1);
        }
        Assert.Equal(theirs.Select(l => ScapySpec.LayerFor(l.Name)!.Name), theirs.Count == answer.Layers!.Count ? names : names.Take(theirs.Count));
        foreach (var (scapyLayer, layer) in theirs.Zip(layers))
        {
            foreach (var field in layer.GetInfo().Fields.Where(f => f.Alias is not null && scapyLayer.Fields.ContainsKey(f.Alias)))
            {
                var expected = Normalize(scapyLayer.Fields[field.Alias!]);
                if (expected is null) continue;     // a value Scapy prints as a structure (options lists): covered by the bytes test
                Assert.True(Equals(expected, Normalize(field.GetValue(layer))),
                    $"{layer.Name}.{field.Name}: Scapy reads {expected}, NetSock reads {Normalize(field.GetValue(layer))} in {spec}");
            }
        }
    }

    private static IEnumerable<Layer> WithQuotes(Packet packet) =>
        packet.Layers.SelectMany(l => l is IcmpLayer { Quoted: { } quote } ? WithQuotes(quote).Prepend(l) : new[] { l });

    private static object? Normalize(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => value.GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture),
        JsonValueKind.String when value.GetString()!.StartsWith('[') || value.GetString()!.StartsWith('<') => null,
        JsonValueKind.String => value.GetString()!.ToLowerInvariant(),
        JsonValueKind.Object when value.TryGetProperty("hex", out var hex) => hex.GetString(),
        _ => null,
    };

    private static object? Normalize(object? value) => value switch
    {
        null => null,
        byte[] bytes => Convert.ToHexString(bytes).ToLowerInvariant(),
        TcpFlags flags => flags.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
        NetSock.Packets.Layers.IPv4Flags flags => flags.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Enum e => Convert.ToInt64(e).ToString(System.Globalization.CultureInfo.InvariantCulture),
        IPAddress or MacAddress => value.ToString()!.ToLowerInvariant(),
        IConvertible c => c.ToInt64(System.Globalization.CultureInfo.InvariantCulture).ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}

/// <summary>The corpus of Scapy expressions, kept together so one Scapy run answers them all. Addresses: loopback and the lab ranges only.</summary>
public static partial class ScapyCorpus
{
    private const string E = "Ether(src='02:00:00:00:00:01', dst='02:00:00:00:00:02')";
    private const string Ip = "IP(src='198.18.0.1', dst='198.18.0.2')";
    private const string Ip6 = "IPv6(src='2001:db8::1', dst='2001:db8::2')";

    /// <summary>Cases whose bytes lie about a length so that NetSock's dissector marks them malformed (Scapy reads on).</summary>
    public static readonly HashSet<string> Malformed = new()
    {
        "Ether(src='02:00:00:00:00:01', dst='02:00:00:00:00:02', type=0x0800)/Raw(load=b'lying type')",
        "IPv6(src='2001:db8::1', dst='2001:db8::2', plen=4)/UDP()",
        "IP(src='198.18.0.1', dst='198.18.0.2', ihl=15)/Raw(load=b'x')",
    };

    /// <summary>Every expression of the corpus; other files of this partial class add theirs to <see cref="More"/>.</summary>
    public static IEnumerable<string> Specs => Core.Concat(More);

    private static readonly List<string> More = new();

    private static readonly string[] Core =
    {
        // IPv4 and TCP
        "IP(src='127.0.0.1', dst='127.0.0.1')/TCP()",
        "IP(dst='127.0.0.1')/TCP(dport=22)",
        $"{Ip}/TCP(sport=1234, dport=80, seq=1000, ack=2000, flags='PA', window=512)/Raw(load=b'GET / HTTP/1.0\\r\\n\\r\\n')",
        $"{Ip}/TCP(flags='FA')",
        $"{Ip}/TCP(flags='R', seq=4294967295)",
        $"{Ip}/TCP(flags='SEC', urgptr=7, reserved=5)",
        $"{Ip}/TCP(flags='U', urgptr=65535)",
        $"{Ip}/TCP(options=[('MSS', 1460)])",
        $"{Ip}/TCP(options=[('MSS', 1460), ('SAckOK', b''), ('Timestamp', (123456, 0)), ('NOP', None), ('WScale', 7)])",
        $"{Ip}/TCP(flags='A', options=[('NOP', None), ('NOP', None), ('Timestamp', (1, 2))])",
        $"{Ip}/TCP(flags='A', options=[('NOP', None), ('NOP', None), ('SAck', (1000, 2000))])",
        $"{Ip}/TCP(chksum=0xdead)",
        $"{Ip}/TCP(dataofs=5, options=[('MSS', 536)])",
        $"IP(src='198.18.0.1', dst='198.18.0.2', ttl=1, tos=0xb8, id=4242)/TCP()",
        $"IP(src='198.18.0.1', dst='198.18.0.2', flags='DF')/TCP()",
        $"IP(src='198.18.0.1', dst='198.18.0.2', flags='MF', frag=0)/UDP()",
        $"IP(src='198.18.0.1', dst='198.18.0.2', frag=185)/Raw(load=b'fragment')",
        $"IP(src='198.18.0.1', dst='198.18.0.2', chksum=0x1234)/UDP()",
        $"IP(src='198.18.0.1', dst='198.18.0.2', ihl=15)/Raw(load=b'x')",
        $"IP(src='198.18.0.1', dst='198.18.0.2', options=b'\\x01\\x01\\x01\\x00')/UDP()",
        $"IP(src='198.18.0.1', dst='198.18.0.2', proto=102)/Raw(load=b'seed protocol 102')",
        $"IP(src='198.18.0.1', dst='198.18.0.2', proto=102)",
        $"IP(src='198.18.0.1', dst='198.18.0.2', version=5)/UDP()",
        // UDP
        $"{Ip}/UDP()",
        $"{Ip}/UDP(sport=5000, dport=5001)/Raw(load=b'hello')",
        $"{Ip}/UDP(chksum=0)/Raw(load=b'no checksum')",
        $"{Ip}/UDP()/Raw(load=b'odd')",
        $"IP(src='127.0.0.1', dst='127.0.0.1')/UDP(sport=1701, dport=1701)/Raw(load=b'not L2TP to us')",
        // IPv6
        "IPv6(src='::1', dst='::1')/UDP()/Raw(load=b'abc')",
        $"{Ip6}/TCP(dport=443, flags='S')",
        $"{Ip6}/TCP(options=[('MSS', 1220), ('WScale', 14)])",
        $"{Ip6}/UDP(sport=546, dport=547)",
        $"IPv6(src='2001:db8::1', dst='2001:db8::2', tc=0xb8, fl=0xabcde, hlim=1)/UDP()",
        $"IPv6(src='2001:db8::1', dst='2001:db8::2', plen=4)/UDP()",
        $"IPv6(src='2001:db8::1', dst='2001:db8::2', nh=59)",
        $"IPv6(src='2001:db8::1', dst='2001:db8::2')/IP(src='198.18.0.1', dst='198.18.0.2')/UDP()",
        $"IP(src='198.18.0.1', dst='198.18.0.2')/IPv6(src='2001:db8::1', dst='2001:db8::2')/TCP()",
        // Ethernet
        $"{E}/{Ip}/TCP()",
        $"{E}/{Ip}/UDP()/Raw(load=b'payload')",
        $"{E}/{Ip6}/UDP()",
        $"{E}/Raw(load=b'\\x00\\x01')",
        $"Ether(src='02:00:00:00:00:01', dst='ff:ff:ff:ff:ff:ff', type=0x88b5)/Raw(load=b'local experimental')",
        $"Ether(src='02:00:00:00:00:01', dst='02:00:00:00:00:02', type=0x0800)/Raw(load=b'lying type')",
        // Other link types
        $"Loopback(type=2)/{Ip}/UDP()",
        $"CookedLinux(pkttype=4, lladdrtype=1, lladdrlen=6, src=b'\\x02\\x00\\x00\\x00\\x00\\x01\\x00\\x00')/{Ip}/TCP()",
    };
}
