using System.Buffers.Binary;
using System.Diagnostics;
using System.Text.Json;
using NetSock.Capture;
using NetSock.Packets;
using NetSock.Tests.Corpus;

namespace NetSock.Tests;

/// <summary>
/// tcpdump, tshark and editcap (Debian's tcpdump, tshark and wireshark-common), installed once when running as root
/// and missing, and Scapy to make the input. Tests that need them skip, with the reason, when they cannot be had.
/// </summary>
public static class CaptureTools
{
    private static readonly string[] Tools = { "tcpdump", "tshark", "editcap" };

    private static readonly Lazy<string?> Missing = new(() =>
    {
        if (ScapyOracle.WhyMissing is { } why) return why;
        if (Tools.All(Has)) return null;
        if (!Privilege.IsRoot)
            return $"tcpdump and tshark are the oracles: install them (apt-get install tcpdump tshark), or run the tests as root to have them installed";
        try
        {
            var env = new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" };
            Run("/bin/sh", new[] { "-c", "echo 'wireshark-common wireshark-common/install-setuid boolean false' | debconf-set-selections" }, env, 60_000);
            var (code, _, err) = Run("apt-get", new[] { "install", "-y", "tcpdump", "tshark" }, env, 600_000);
            if (!Tools.All(Has)) return $"tcpdump and tshark are the oracles and could not be installed (apt-get exited {code}: {Last(err)})";
        }
        catch (Exception e)
        {
            return $"tcpdump and tshark are the oracles and could not be installed: {e.Message}";
        }
        return null;
    });

    /// <summary>Why the tools cannot be used, or null when they can.</summary>
    public static string? WhyMissing => Missing.Value;

    private static string Last(string s) => s.Trim().Split('\n').LastOrDefault() ?? "";

    private static bool Has(string tool) => (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin")
        .Split(':').Append("/usr/sbin").Append("/usr/bin").Any(d => d.Length > 0 && File.Exists(Path.Combine(d, tool)));

    public static (int Code, string Stdout, string Stderr) Run(string exe, IEnumerable<string> args, IDictionary<string, string>? env = null, int timeoutMs = 120_000)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (string a in args) psi.ArgumentList.Add(a);
        if (env != null) foreach (var (k, v) in env) psi.Environment[k] = v;
        using var process = Process.Start(psi)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeoutMs)) { process.Kill(true); throw new TimeoutException($"{exe} did not finish within {timeoutMs / 1000} s."); }
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Runs a tool and fails the test, quoting its stderr, when it exits non-zero.</summary>
    public static string Must(string exe, params string[] args)
    {
        var (code, stdout, stderr) = Run(exe, args);
        if (code != 0) throw new InvalidOperationException($"{exe} {string.Join(' ', args)} exited {code}: {stderr}");
        return stdout;
    }

    /// <summary>stderr without the warning tshark always prints when run as root.</summary>
    public static string[] Warnings(string stderr) => stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Where(l => !l.StartsWith("Running as user \"root\"", StringComparison.Ordinal)).ToArray();
}

public sealed class CaptureToolsFactAttribute : FactAttribute
{
    public CaptureToolsFactAttribute()
    {
        if (CaptureTools.WhyMissing is { } why) Skip = why;
    }
}

public sealed class CaptureToolsTheoryAttribute : TheoryAttribute
{
    public CaptureToolsTheoryAttribute()
    {
        if (CaptureTools.WhyMissing is { } why) Skip = why;
    }
}

/// <summary>
/// Files made by Scapy and converted by tcpdump and editcap (tshark's), once for the class, in a unique temp
/// directory, with what every frame must read as.
/// </summary>
public sealed class CaptureFileCorpus : IDisposable
{
    public sealed record Expected(string Hex, long Ns, int WireLen);

    public string Dir { get; } = Path.Combine(Path.GetTempPath(), "netsock-capfile-" + Guid.NewGuid().ToString("N"));

    private readonly Lazy<Dictionary<string, List<Expected>>> _sets;

    public CaptureFileCorpus()
    {
        Directory.CreateDirectory(Dir);
        _sets = new(Make);
    }

    public IReadOnlyList<Expected> Set(string name) => _sets.Value[name];

    public string File(string name)
    {
        _ = _sets.Value;
        return Path.Combine(Dir, name);
    }

    private const string Script = """
import sys, json, logging
logging.getLogger("scapy").setLevel(logging.ERROR)
from scapy.all import *
d = sys.argv[1]
T = 1700000000
def stamp(pkts, frac):
    for i, p in enumerate(pkts):
        p.time = EDecimal(f"{T + i * 7}.{frac[i % len(frac)]:09d}")
    return pkts
frac = [123456789, 1, 987654321, 500000000, 0, 42]
eth = stamp([Ether(src='00:11:22:33:44:55', dst='66:77:88:99:aa:bb')/IP(src='10.0.0.1', dst='10.0.0.2')/TCP(sport=1234, dport=80, flags='S'),
             Ether()/IP(dst='192.0.2.9')/UDP(sport=5353, dport=53)/DNS(qd=DNSQR(qname='example.com')),
             Ether()/IPv6(dst='2001:db8::1')/ICMPv6EchoRequest(data=b'ping'),
             Ether()/ARP(pdst='10.0.0.254'),
             Ether()/Dot1Q(vlan=7)/IP()/ICMP()/Raw(b'\x00' * 300),
             Ether()/IP()/UDP()/Raw(bytes(range(256)) * 4),
             Ether()/IP(dst='10.9.9.9')/TCP(flags='PA')/Raw(b'GET / HTTP/1.1\r\n\r\n')], frac)
eth[3].wirelen = 1500
sll = stamp([CookedLinux(pkttype=0, lladdrtype=1, lladdrlen=6, src=b'\x00\x11\x22\x33\x44\x55\x00\x00', proto=0x0800)/IP()/ICMP(),
             CookedLinux(pkttype=4, proto=0x86dd)/IPv6()/UDP(),
             CookedLinux(proto=0x0800)/IP(dst='8.8.8.8')/UDP()/DNS()], frac)
raw = stamp([IP(dst='1.1.1.1')/ICMP(), IPv6()/TCP(), IP()/UDP()/Raw(b'abc'), IP(dst='9.9.9.9')/TCP(flags='R')], frac)
def exp(pkts, nano):
    out = []
    for p in pkts:
        ns = int(p.time * 10**9)
        b = bytes(p)
        out.append({"hex": b.hex(), "ns": ns, "wirelen": int(p.wirelen) if p.wirelen is not None else len(b)})
    return out
wrpcap(d + '/eth.pcap', eth)
wrpcap(d + '/eth_nano.pcap', eth, nano=True)
w = PcapWriter(d + '/eth_be.pcap', endianness='>', linktype=1); w.write(eth); w.close()
wrpcap(d + '/sll.pcap', sll, linktype=113)
wrpcap(d + '/raw.pcap', raw, linktype=101)
wrpcap(d + '/raw_nano.pcap', raw, linktype=101, nano=True)
wrpcapng(d + '/eth.pcapng', eth)
json.dump({"eth": exp(eth, False), "eth_nano": exp(eth, True), "sll": exp(sll, False), "raw": exp(raw, False), "raw_nano": exp(raw, True)},
          open(d + '/expected.json', 'w'))
""";

    private Dictionary<string, List<Expected>> Make()
    {
        CaptureTools.Must(ScapyOracle.Python, "-c", Script, Dir);
        string F(string n) => Path.Combine(Dir, n);
        // Written by tcpdump.
        CaptureTools.Must("tcpdump", "-r", F("eth.pcap"), "-w", F("tcpdump_eth.pcap"));
        CaptureTools.Must("tcpdump", "-r", F("eth_nano.pcap"), "--time-stamp-precision=nano", "-w", F("tcpdump_eth_nano.pcap"));
        CaptureTools.Must("tcpdump", "-r", F("sll.pcap"), "-w", F("tcpdump_sll.pcap"));
        CaptureTools.Must("tcpdump", "-r", F("raw.pcap"), "-w", F("tcpdump_raw.pcap"));
        // Written by tshark (editcap and tshark -w).
        CaptureTools.Must("editcap", "-F", "pcapng", F("eth.pcap"), F("editcap_eth.pcapng"));
        CaptureTools.Must("editcap", "-F", "pcapng", F("eth_nano.pcap"), F("editcap_eth_nano.pcapng"));
        CaptureTools.Must("editcap", "-F", "nsecpcap", F("eth_nano.pcap"), F("editcap_eth_nano.pcap"));
        CaptureTools.Must("editcap", "-F", "pcapng", F("sll.pcap"), F("editcap_sll.pcapng"));
        CaptureTools.Must("editcap", "-F", "pcapng", F("raw_nano.pcap"), F("editcap_raw_nano.pcapng"));
        CaptureTools.Must("tshark", "-r", F("eth.pcapng"), "-F", "pcapng", "-w", F("tshark_eth.pcapng"));
        CaptureTools.Must("tshark", "-r", F("eth_nano.pcap"), "-F", "pcap", "-w", F("tshark_eth.pcap"));
        var json = JsonSerializer.Deserialize<Dictionary<string, List<JsonElement>>>(System.IO.File.ReadAllText(F("expected.json")))!;
        return json.ToDictionary(kv => kv.Key, kv => kv.Value.Select(e => new Expected(
            e.GetProperty("hex").GetString()!, e.GetProperty("ns").GetInt64(), e.GetProperty("wirelen").GetInt32())).ToList());
    }

    public void Dispose()
    {
        try { Directory.Delete(Dir, true); } catch (IOException) { }
    }
}

public sealed class CaptureFileTests : IClassFixture<CaptureFileCorpus>, IDisposable
{
    private readonly CaptureFileCorpus _corpus;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "netsock-capfile-t-" + Guid.NewGuid().ToString("N"));

    public CaptureFileTests(CaptureFileCorpus corpus)
    {
        _corpus = corpus;
        Directory.CreateDirectory(_dir);
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    private string Temp(string name) => Path.Combine(_dir, name);

    private static List<CapturedFrame> ReadAll(string path)
    {
        using var r = CaptureFileReader.Open(path);
        return r.ReadFrames().ToList();
    }

    /// <summary>Reads until the error; returns the frames before it and the error.</summary>
    private static (List<CapturedFrame> Frames, NetSockException Error) ReadUntilError(string path)
    {
        var frames = new List<CapturedFrame>();
        using var r = CaptureFileReader.Open(path);
        var e = Assert.Throws<NetSockException>(() => { foreach (var f in r.ReadFrames()) frames.Add(f); });
        return (frames, e);
    }

    /// <summary>tshark's interface names for each frame ("unknown" or empty: none).</summary>
    private static List<string?> TsharkInterfaces(string path) => CaptureTools.Must("tshark", "-r", path, "-T", "fields", "-e", "frame.interface_name")
        .Split('\n').SkipLast(1).Select(s => s.Trim() is "" or "unknown" ? null : s.Trim()).ToList();

    // ------------------------------------------------------------ files written by Scapy, tcpdump and tshark

    public static TheoryData<string, string, CaptureFileFormat, LinkType> ToolFiles => new()
    {
        { "eth.pcap", "eth", CaptureFileFormat.Pcap, LinkType.Ethernet },
        { "eth_nano.pcap", "eth_nano", CaptureFileFormat.Pcap, LinkType.Ethernet },
        { "eth_be.pcap", "eth", CaptureFileFormat.Pcap, LinkType.Ethernet },
        { "sll.pcap", "sll", CaptureFileFormat.Pcap, LinkType.LinuxSll },
        { "raw.pcap", "raw", CaptureFileFormat.Pcap, LinkType.Raw },
        { "eth.pcapng", "eth", CaptureFileFormat.PcapNg, LinkType.Ethernet },
        { "tcpdump_eth.pcap", "eth", CaptureFileFormat.Pcap, LinkType.Ethernet },
        { "tcpdump_eth_nano.pcap", "eth_nano", CaptureFileFormat.Pcap, LinkType.Ethernet },
        { "tcpdump_sll.pcap", "sll", CaptureFileFormat.Pcap, LinkType.LinuxSll },
        { "tcpdump_raw.pcap", "raw", CaptureFileFormat.Pcap, LinkType.Raw },
        { "editcap_eth.pcapng", "eth", CaptureFileFormat.PcapNg, LinkType.Ethernet },
        { "editcap_eth_nano.pcapng", "eth_nano", CaptureFileFormat.PcapNg, LinkType.Ethernet },
        { "editcap_eth_nano.pcap", "eth_nano", CaptureFileFormat.Pcap, LinkType.Ethernet },
        { "editcap_sll.pcapng", "sll", CaptureFileFormat.PcapNg, LinkType.LinuxSll },
        { "editcap_raw_nano.pcapng", "raw_nano", CaptureFileFormat.PcapNg, LinkType.Raw },
        { "tshark_eth.pcapng", "eth", CaptureFileFormat.PcapNg, LinkType.Ethernet },
        { "tshark_eth.pcap", "eth", CaptureFileFormat.Pcap, LinkType.Ethernet },
    };

    [CaptureToolsTheory]
    [MemberData(nameof(ToolFiles))]
    public void ReadsFilesWrittenByTools(string file, string set, CaptureFileFormat format, LinkType linkType)
    {
        string path = _corpus.File(file);
        var expected = _corpus.Set(set);
        using var reader = CaptureFileReader.Open(path);
        Assert.Equal(format, reader.Format);
        var frames = reader.ReadFrames().ToList();
        Assert.Equal(expected.Count, frames.Count);
        var names = format == CaptureFileFormat.PcapNg ? TsharkInterfaces(path) : null;
        // tshark's reading of the timestamps (writers differ in how they round to microseconds).
        var times = CaptureTools.Must("tshark", "-r", path, "-T", "fields", "-e", "frame.time_epoch")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(t => long.Parse(t.Trim().Replace(".", ""))).ToList();
        for (int i = 0; i < frames.Count; i++)
        {
            var f = frames[i];
            Assert.Equal(expected[i].Hex, Convert.ToHexString(f.Data).ToLowerInvariant());
            Assert.Equal(times[i], f.TimestampNanoseconds);
            Assert.Equal(DateTimeOffset.UnixEpoch.AddTicks(times[i] / 100), f.Timestamp);
            if (set.EndsWith("_nano") && file.Contains("nano")) Assert.Equal(expected[i].Ns, f.TimestampNanoseconds);
            else Assert.InRange(f.TimestampNanoseconds - expected[i].Ns / 1000 * 1000, -1000, 1000);
            Assert.Equal(expected[i].WireLen, f.OriginalLength);
            Assert.Equal(linkType, f.LinkType);
            Assert.Equal(names?[i], f.Interface);
        }
        // A second enumeration starts again from the beginning.
        Assert.Equal(frames.Count, reader.ReadFrames().Count());
    }

    [CaptureToolsFact]
    public void ReadsInterfaceNamesAndSeveralInterfacesFromTshark()
    {
        string ours = Temp("multi.pcapng"), theirs = Temp("multi-editcap.pcapng");
        var eth = ReadAll(_corpus.File("eth_nano.pcap"));
        var raw = ReadAll(_corpus.File("raw_nano.pcap"));
        using (var w = CaptureFileWriter.Create(ours, CaptureFileFormat.PcapNg, LinkType.Ethernet, nanosecond: true))
        {
            for (int i = 0; i < Math.Max(eth.Count, raw.Count); i++)
            {
                if (i < eth.Count) w.Write(eth[i].Data, eth[i].TimestampNanoseconds, eth[i].OriginalLength, i % 2 == 0 ? "eth0" : "eth1");
                if (i < raw.Count) w.Write(raw[i].Data, raw[i].TimestampNanoseconds, raw[i].OriginalLength, "tun0", LinkType.Raw);
            }
        }
        CaptureTools.Must("editcap", ours, theirs);
        var names = TsharkInterfaces(theirs);
        var frames = ReadAll(theirs);
        Assert.Equal(eth.Count + raw.Count, frames.Count);
        Assert.Equal(names, frames.Select(f => f.Interface).ToList());
        Assert.Equal(new[] { "eth0", "eth1", "tun0" }, frames.Select(f => f.Interface).Distinct().OrderBy(n => n).ToArray());
        Assert.All(frames, f => Assert.Equal(f.Interface == "tun0" ? LinkType.Raw : LinkType.Ethernet, f.LinkType));
        Assert.Equal(eth.Select(f => f.TimestampNanoseconds), frames.Where(f => f.Interface != "tun0").Select(f => f.TimestampNanoseconds));
        Assert.Equal(raw.Select(f => Convert.ToHexString(f.Data)), frames.Where(f => f.Interface == "tun0").Select(f => Convert.ToHexString(f.Data)));
    }

    // ------------------------------------------------------------ round trips and files NetSock writes

    public static TheoryData<CaptureFileFormat, bool> Formats => new()
    {
        { CaptureFileFormat.Pcap, false }, { CaptureFileFormat.Pcap, true },
        { CaptureFileFormat.PcapNg, false }, { CaptureFileFormat.PcapNg, true },
    };

    [CaptureToolsTheory]
    [MemberData(nameof(Formats))]
    public void RoundTripIsByteIdentical(CaptureFileFormat format, bool nano)
    {
        foreach (string source in new[] { "eth_nano.pcap", "sll.pcap", "raw_nano.pcap", "editcap_eth_nano.pcapng" })
        {
            var input = ReadAll(_corpus.File(source));
            string first = Temp($"rt1-{source}-{format}-{nano}"), second = Temp($"rt2-{source}-{format}-{nano}");
            using (var w = CaptureFileWriter.Create(first, format, input[0].LinkType, nanosecond: nano))
                foreach (var f in input) w.Write(f);
            var back = ReadAll(first);
            Assert.Equal(input.Count, back.Count);
            for (int i = 0; i < input.Count; i++)
            {
                Assert.Equal(input[i].Data, back[i].Data);
                Assert.Equal(input[i].OriginalLength, back[i].OriginalLength);
                Assert.Equal(input[i].LinkType, back[i].LinkType);
                Assert.Equal(nano ? input[i].TimestampNanoseconds : input[i].TimestampNanoseconds / 1000 * 1000, back[i].TimestampNanoseconds);
            }
            // Writing what was read back gives the very same file.
            using (var w = CaptureFileWriter.Create(second, format, back[0].LinkType, nanosecond: nano))
                foreach (var f in back) w.Write(f);
            Assert.Equal(File.ReadAllBytes(first), File.ReadAllBytes(second));
            Assert.Equal(back, ReadAll(second), new FrameComparer());
        }
    }

    private sealed class FrameComparer : IEqualityComparer<CapturedFrame>
    {
        public bool Equals(CapturedFrame? a, CapturedFrame? b) => a!.Data.AsSpan().SequenceEqual(b!.Data) && a with { Data = b.Data } == b;
        public int GetHashCode(CapturedFrame f) => f.Data.Length;
    }

    [CaptureToolsTheory]
    [MemberData(nameof(Formats))]
    public void FilesNetSockWritesOpenInTsharkAndTcpdump(CaptureFileFormat format, bool nano)
    {
        var input = ReadAll(_corpus.File("eth_nano.pcap"));
        string path = Temp($"ours-{format}-{nano}");
        using (var w = CaptureFileWriter.Create(path, format, LinkType.Ethernet, nanosecond: nano))
            foreach (var f in input) w.Write(f.Data, f.TimestampNanoseconds, f.OriginalLength, format == CaptureFileFormat.PcapNg ? "eth0" : null);

        var (code, stdout, stderr) = CaptureTools.Run("tshark", new[] { "-r", path });
        Assert.True(code == 0, $"tshark exited {code}: {stderr}");
        Assert.Empty(CaptureTools.Warnings(stderr));
        Assert.Equal(input.Count, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        var fields = CaptureTools.Must("tshark", "-r", path, "-T", "fields", "-e", "frame.time_epoch", "-e", "frame.len", "-e", "frame.cap_len", "-e", "frame.interface_name")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).ToList();
        for (int i = 0; i < input.Count; i++)
        {
            long ns = nano ? input[i].TimestampNanoseconds : input[i].TimestampNanoseconds / 1000 * 1000;
            Assert.Equal($"{ns / 1_000_000_000}.{ns % 1_000_000_000:D9}", fields[i][0]);
            Assert.Equal(input[i].OriginalLength.ToString(), fields[i][1]);
            Assert.Equal(input[i].Data.Length.ToString(), fields[i][2]);
            if (format == CaptureFileFormat.PcapNg) Assert.Equal("eth0", fields[i][3].Trim());
        }

        var (tcode, tout, terr) = CaptureTools.Run("tcpdump", new[] { "-nn", "-r", path });
        Assert.True(tcode == 0, $"tcpdump exited {tcode}: {terr}");
        Assert.Equal(input.Count, tout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [CaptureToolsFact]
    public void AppendsToPcapAndPcapNg()
    {
        var input = ReadAll(_corpus.File("eth_nano.pcap"));
        foreach (var format in new[] { CaptureFileFormat.Pcap, CaptureFileFormat.PcapNg })
        {
            string path = Temp($"append-{format}");
            using (var w = CaptureFileWriter.Create(path, format, LinkType.Ethernet, nanosecond: true))
                for (int i = 0; i < 3; i++) w.Write(input[i].Data, input[i].TimestampNanoseconds, input[i].OriginalLength, format == CaptureFileFormat.PcapNg ? "a" : null);
            using (var w = CaptureFileWriter.Create(path, format, LinkType.Ethernet, append: true, nanosecond: true))
                for (int i = 3; i < input.Count; i++) w.Write(input[i].Data, input[i].TimestampNanoseconds, input[i].OriginalLength, format == CaptureFileFormat.PcapNg ? (i % 2 == 0 ? "a" : "b") : null);
            var back = ReadAll(path);
            Assert.Equal(input.Select(f => Convert.ToHexString(f.Data)), back.Select(f => Convert.ToHexString(f.Data)));
            Assert.Equal(input.Select(f => f.TimestampNanoseconds), back.Select(f => f.TimestampNanoseconds));
            var (code, _, stderr) = CaptureTools.Run("tshark", new[] { "-r", path });
            Assert.True(code == 0, stderr);
            Assert.Empty(CaptureTools.Warnings(stderr));
            if (format == CaptureFileFormat.PcapNg)
            {
                Assert.Equal(back.Select(f => f.Interface).ToList(), TsharkInterfaces(path));
                var ids = CaptureTools.Must("tshark", "-r", path, "-T", "fields", "-e", "frame.interface_id").Split('\n', StringSplitOptions.RemoveEmptyEntries);
                Assert.Equal(back.Select(f => f.Interface == "a" ? "0" : "1"), ids);
            }
        }
    }

    [Fact]
    public void AppendingAnotherLinkTypeToPcapIsRefused()
    {
        string path = Temp("lt.pcap");
        using (var w = CaptureFileWriter.Create(path, CaptureFileFormat.Pcap, LinkType.Ethernet))
            w.Write(new byte[60], 0L, 60);
        var e = Assert.Throws<NetSockException>(() => CaptureFileWriter.Create(path, CaptureFileFormat.Pcap, LinkType.Raw, append: true));
        Assert.Equal("CaptureFileLinkTypeMismatch", e.ErrorId);
        Assert.Contains("Ethernet", e.Message);
        using (var w = CaptureFileWriter.Create(path, CaptureFileFormat.Pcap, LinkType.Ethernet))
        {
            var e2 = Assert.Throws<NetSockException>(() => w.Write(new byte[20], 0L, 20, null, LinkType.Raw));
            Assert.Equal("CaptureFileLinkTypeMismatch", e2.ErrorId);
        }
    }

    [Fact]
    public void ReadsSeveralSectionsAndBigEndianPcap()
    {
        string a = Temp("a.pcapng"), b = Temp("b.pcapng"), both = Temp("both.pcapng");
        using (var w = CaptureFileWriter.Create(a, CaptureFileFormat.PcapNg, LinkType.Ethernet))
            w.Write(new byte[] { 1, 2, 3 }, 1_000_000_000L, 3, "x");
        using (var w = CaptureFileWriter.Create(b, CaptureFileFormat.PcapNg, LinkType.Raw, nanosecond: true))
        {
            w.Write(new byte[] { 0x45, 5 }, 2_000_000_001L, 2, "y");
            w.Write(new byte[] { 0x45, 6 }, 3_000_000_002L, 2, "x");
        }
        File.WriteAllBytes(both, File.ReadAllBytes(a).Concat(File.ReadAllBytes(b)).ToArray());
        var frames = ReadAll(both);
        Assert.Equal(new[] { "x", "y", "x" }, frames.Select(f => f.Interface));
        Assert.Equal(new[] { LinkType.Ethernet, LinkType.Raw, LinkType.Raw }, frames.Select(f => f.LinkType));
        Assert.Equal(new[] { 1_000_000_000L, 2_000_000_001L, 3_000_000_002L }, frames.Select(f => f.TimestampNanoseconds));

        // A big-endian nanosecond pcap, made by hand.
        var be = new List<byte>();
        void U32(uint v) { var x = new byte[4]; BinaryPrimitives.WriteUInt32BigEndian(x, v); be.AddRange(x); }
        U32(0xA1B23C4D); be.AddRange(new byte[] { 0, 2, 0, 4 }); U32(0); U32(0); U32(65535); U32(101);
        U32(5); U32(6); U32(2); U32(40); be.AddRange(new byte[] { 0x45, 0 });
        File.WriteAllBytes(Temp("be.pcap"), be.ToArray());
        var f1 = Assert.Single(ReadAll(Temp("be.pcap")));
        Assert.Equal(5_000_000_006L, f1.TimestampNanoseconds);
        Assert.Equal(40, f1.OriginalLength);
        Assert.Equal(LinkType.Raw, f1.LinkType);
    }

    // ------------------------------------------------------------ damaged files

    private string WriteFive(CaptureFileFormat format, string name)
    {
        string path = Temp(name);
        using var w = CaptureFileWriter.Create(path, format, LinkType.Ethernet);
        for (int i = 0; i < 5; i++) w.Write(Enumerable.Repeat((byte)i, 60).ToArray(), i * 1_000_000_000L, 60, "eth0");
        return path;
    }

    [Theory]
    [InlineData(CaptureFileFormat.Pcap)]
    [InlineData(CaptureFileFormat.PcapNg)]
    public void TruncatedFileYieldsGoodFramesThenNamesTheOffset(CaptureFileFormat format)
    {
        string path = WriteFive(format, $"trunc-{format}");
        byte[] all = File.ReadAllBytes(path);
        int record = format == CaptureFileFormat.Pcap ? 16 + 60 : 32 + 60;
        int lastStart = all.Length - record;

        // Cut in the middle of the last record's data.
        File.WriteAllBytes(path, all[..(all.Length - 10)]);
        var (frames, e) = ReadUntilError(path);
        Assert.Equal(4, frames.Count);
        Assert.Equal("CaptureFileCorrupt", e.ErrorId);
        Assert.Equal(NetSockErrorKind.InvalidArgument, e.Kind);
        Assert.Contains(path, e.Message);
        Assert.Contains($"the file ends {record - 10} bytes into a", e.Message);
        Assert.Contains($"at offset {lastStart}", e.Message);

        // Cut in the middle of the last record's header.
        File.WriteAllBytes(path, all[..(lastStart + 6)]);
        (frames, e) = ReadUntilError(path);
        Assert.Equal(4, frames.Count);
        Assert.Equal(new byte[] { 3 }, frames[3].Data.Distinct());
        Assert.Contains($"the file ends 6 bytes into a", e.Message);
        Assert.Contains($"at offset {lastStart}", e.Message);
    }

    [Fact]
    public void CorruptPcapLengthYieldsGoodFramesThenNamesTheOffset()
    {
        string path = WriteFive(CaptureFileFormat.Pcap, "corrupt.pcap");
        byte[] all = File.ReadAllBytes(path);
        int third = 24 + 2 * (16 + 60);
        BinaryPrimitives.WriteUInt32LittleEndian(all.AsSpan(third + 8), 300000);
        File.WriteAllBytes(path, all);
        var (frames, e) = ReadUntilError(path);
        Assert.Equal(2, frames.Count);
        Assert.Equal("CaptureFileCorrupt", e.ErrorId);
        Assert.Contains($"record header at offset {third} says 300000 bytes but the snap length is 262144", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void CorruptPcapNgLengthYieldsGoodFramesThenNamesTheOffset()
    {
        string path = WriteFive(CaptureFileFormat.PcapNg, "corrupt.pcapng");
        byte[] all = File.ReadAllBytes(path);
        int third = all.Length - 3 * (32 + 60);
        BinaryPrimitives.WriteUInt32LittleEndian(all.AsSpan(third + 4), 93);
        File.WriteAllBytes(path, all);
        var (frames, e) = ReadUntilError(path);
        Assert.Equal(2, frames.Count);
        Assert.Equal("CaptureFileCorrupt", e.ErrorId);
        Assert.Contains($"block at offset {third}", e.Message);
        Assert.Contains("93 bytes long", e.Message);

        // A captured length bigger than its block.
        all = File.ReadAllBytes(WriteFive(CaptureFileFormat.PcapNg, "corrupt2.pcapng"));
        BinaryPrimitives.WriteUInt32LittleEndian(all.AsSpan(third + 20), 1000);
        File.WriteAllBytes(path, all);
        (frames, e) = ReadUntilError(path);
        Assert.Equal(2, frames.Count);
        Assert.Contains($"packet block at offset {third} says 1000 captured bytes but the block holds only 60", e.Message);
    }

    [Fact]
    public void NotACaptureFileNamesTheMagic()
    {
        string path = Temp("hello.txt");
        File.WriteAllText(path, "hello world");
        var e = Assert.Throws<NetSockException>(() => CaptureFileReader.Open(path));
        Assert.Equal("CaptureFileUnknownFormat", e.ErrorId);
        Assert.Equal(NetSockErrorKind.InvalidArgument, e.Kind);
        Assert.Contains("68656c6c", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void MissingFileIsNotFound()
    {
        string path = Temp("nope.pcap");
        var e = Assert.Throws<NetSockException>(() => CaptureFileReader.Open(path));
        Assert.Equal("CaptureFileNotFound", e.ErrorId);
        Assert.Equal(NetSockErrorKind.NotFound, e.Kind);
        Assert.Contains(path, e.Message);
    }

    // ------------------------------------------------------------ appending to a damaged file

    [Theory]
    [InlineData(CaptureFileFormat.Pcap)]
    [InlineData(CaptureFileFormat.PcapNg)]
    public void AppendingToAFileThatEndsInsideARecordIsRefusedWithTheOffset(CaptureFileFormat format)
    {
        string path = WriteFive(format, $"killed-{format}");
        byte[] all = File.ReadAllBytes(path);
        int record = format == CaptureFileFormat.Pcap ? 16 + 60 : 32 + 60;
        int lastStart = all.Length - record;
        byte[] cut = all[..(all.Length - 10)];       // what a writer killed in its last record leaves
        File.WriteAllBytes(path, cut);

        var e = Assert.Throws<NetSockException>(() => CaptureFileWriter.Create(path, format, LinkType.Ethernet, append: true));
        Assert.Equal("CaptureFileCorrupt", e.ErrorId);
        Assert.Contains(path, e.Message);
        Assert.Contains($"at offset {lastStart}", e.Message);
        Assert.Contains("-Repair", e.Message);
        Assert.Equal(cut, File.ReadAllBytes(path));        // left as it was
    }

    [Theory]
    [InlineData(CaptureFileFormat.Pcap)]
    [InlineData(CaptureFileFormat.PcapNg)]
    public void RepairCutsTheFileBackToItsLastWholeRecordThenAppends(CaptureFileFormat format)
    {
        string path = WriteFive(format, $"repair-{format}");
        byte[] all = File.ReadAllBytes(path);
        int record = format == CaptureFileFormat.Pcap ? 16 + 60 : 32 + 60;
        int lastStart = all.Length - record;
        File.WriteAllBytes(path, all[..(all.Length - 10)]);

        using (var w = CaptureFileWriter.Create(path, format, LinkType.Ethernet, append: true, repair: true))
        {
            w.Write(Enumerable.Repeat((byte)7, 60).ToArray(), 7_000_000_000L, 60, "eth0");
            w.Write(Enumerable.Repeat((byte)8, 60).ToArray(), 8_000_000_000L, 60, "eth0");
        }
        var frames = ReadAll(path);
        Assert.Equal(new byte[] { 0, 1, 2, 3, 7, 8 }, frames.Select(f => f.Data[0]));
        Assert.Equal(new[] { 0L, 1, 2, 3, 7, 8 }.Select(s => s * 1_000_000_000L), frames.Select(f => f.TimestampNanoseconds));
        // The broken record is gone: the new ones start where it started (the pcapng interface is reused, no new block).
        Assert.Equal(lastStart + 2 * record, new FileInfo(path).Length);
        Assert.Equal(all[..lastStart], File.ReadAllBytes(path)[..lastStart]);
    }

    [Fact]
    public void RepairOfAPcapCutInsideItsHeaderWritesTheFileAgain()
    {
        string path = WriteFive(CaptureFileFormat.Pcap, "header-cut.pcap");
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..10]);
        using (var w = CaptureFileWriter.Create(path, CaptureFileFormat.Pcap, LinkType.Raw, append: true, repair: true))
            w.Write(new byte[] { 0x45, 0, 0, 20 }, 5_000_000_000L, 4);
        var frame = Assert.Single(ReadAll(path));
        Assert.Equal(LinkType.Raw, frame.LinkType);
        Assert.Equal(24 + 16 + 4, new FileInfo(path).Length);
    }

    // ------------------------------------------------------------ OS errors: named, counted, never lost silently

    [Fact]
    public void AWriteTheDeviceRefusesIsAnErrorThatCountsThePacketsWrittenWhole()
    {
        if (!File.Exists("/dev/full")) return;      // Linux's always-full device
        var w = CaptureFileWriter.Create("/dev/full", CaptureFileFormat.Pcap, LinkType.Raw);
        for (int i = 0; i < 3; i++) w.Write(new byte[] { 0x45, 0, 0, 20 }, i, 4);
        Assert.Equal(3, w.PacketsWritten);
        // The records wait in the buffer: the final flush is where the error comes, and it is not swallowed.
        var e = Assert.Throws<NetSockException>(w.Dispose);
        Assert.Equal("CaptureFileDiskFull", e.ErrorId);
        Assert.Equal(NetSockErrorKind.ResourceUnavailable, e.Kind);
        Assert.Contains("'/dev/full'", e.Message);
        Assert.Contains("0 packets were written whole", e.Message);
        Assert.Equal(0L, e.Data["PacketsWritten"]);
        Assert.Equal(0, w.PacketsWritten);
        w.Dispose();        // once is enough: no second error
    }

    [Fact]
    public void ADirectoryIsSaidToBeOneWhenReadOrWritten()
    {
        var read = Assert.Throws<NetSockException>(() => CaptureFileReader.Open(_dir));
        Assert.Equal("CaptureFileIsDirectory", read.ErrorId);
        Assert.Contains("it is a directory", read.Message);
        var write = Assert.Throws<NetSockException>(() => CaptureFileWriter.Create(_dir, CaptureFileFormat.Pcap, LinkType.Raw));
        Assert.Equal("CaptureFileIsDirectory", write.ErrorId);
    }

    [Fact]
    public void AMissingDirectoryIsNotFound()
    {
        var e = Assert.Throws<NetSockException>(() => CaptureFileWriter.Create(Temp("no/such/dir.pcap"), CaptureFileFormat.Pcap, LinkType.Raw));
        Assert.Equal("CaptureFileNotFound", e.ErrorId);
        Assert.Equal(NetSockErrorKind.NotFound, e.Kind);
    }

    // ------------------------------------------------------------ FIFOs (mkfifo), the live-pipe habit

    private string Fifo(string name)
    {
        string path = Temp(name);
        var (code, _, err) = CaptureTools.Run("mkfifo", new[] { path });
        Assert.True(code == 0, $"mkfifo failed: {err}");
        return path;
    }

    [Fact]
    public async Task AFifoIsWrittenLiveToItsReader()
    {
        if (!OperatingSystem.IsLinux()) return;
        string fifo = Fifo("live.fifo");
        // The reader waits for the writer and the writer for the reader: neither blocks in open(2).
        var reader = Task.Run(() =>
        {
            using var r = CaptureFileReader.Open(fifo);
            return r.ReadFrames().ToList();
        });
        using (var w = CaptureFileWriter.Create(fifo, CaptureFileFormat.PcapNg, LinkType.Raw))
            for (int i = 1; i <= 3; i++) w.Write(new byte[] { 0x45, (byte)i }, i * 1_000_000_000L, 2, "lo");
        var frames = await reader.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(new byte[] { 1, 2, 3 }, frames.Select(f => f.Data[1]));
        Assert.All(frames, f => Assert.Equal("lo", f.Interface));
    }

    [Fact]
    public void WaitingForAFifosOtherEndEndsWhenTheTokenIsCancelled()
    {
        if (!OperatingSystem.IsLinux()) return;
        string fifo = Fifo("nobody.fifo");
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        Assert.ThrowsAny<OperationCanceledException>(() => CaptureFileWriter.Create(fifo, CaptureFileFormat.Pcap, LinkType.Raw, token: cts.Token));
        using var cts2 = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        Assert.ThrowsAny<OperationCanceledException>(() => CaptureFileReader.Open(fifo, cts2.Token));
    }
}
