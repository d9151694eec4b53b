using System.Diagnostics;
using System.Net;
using System.Text.Json;
using NetSock.Packets;
using NetSock.Packets.Layers;
using Dns = NetSock.Packets.Layers.Dns;

// Ops/second of the packet core, the operations bench/packet.ps1 compares with Scapy:
//   build:   Packet.FromLayers(IPv4(src, dst 127.0.0.1) / Tcp() / 32-byte payload).Bytes   (Scapy: bytes(IP()/TCP()/(b'x'*32)))
//   dissect: Packet.Dissect(Ether/IPv4/TCP/payload frame).Get<Tcp>().DestinationPort      (Scapy: Ether(frame)[TCP].dport)
//   dns:     Packet.Dissect(Ether/IPv4/UDP/DNS response).Get<Dns>().Answers[1].Value     (Scapy: Ether(frame)[DNS].an[1].rdata)
//   dhcp:    Packet.Dissect(Ether/IPv4/UDP/BOOTP/DHCP offer).Get<Bootp>().YourAddress      (Scapy: Ether(frame)[BOOTP].yiaddr)
// After a warm-up, each operation is timed for --rounds rounds of about --seconds each; the median round is reported.
// Usage: dotnet run -c Release --project bench/PacketBench [-- --rounds 7 --seconds 0.5 --json results.json]

int rounds = 7;
double seconds = 0.5;
string? jsonPath = null;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--rounds": rounds = int.Parse(args[++i]); break;
        case "--seconds": seconds = double.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
        case "--json": jsonPath = args[++i]; break;
        default:
            Console.Error.WriteLine($"Unknown argument '{args[i]}'. Usage: PacketBench [--rounds N] [--seconds S] [--json PATH]");
            return 2;
    }
}

var loopback = IPAddress.Loopback;
byte[] payload = new byte[32];
Array.Fill(payload, (byte)'x');

// The frame the dissect operation reads, and that the Scapy side dissects too (its hex goes into the JSON).
byte[] frame = Packet.FromLayers(new Layer[]
{
    new Ethernet { Source = MacAddress.Parse("02:00:00:00:00:01"), Destination = MacAddress.Parse("02:00:00:00:00:02") },
    new IPv4 { Source = loopback, Destination = loopback },
    new Tcp(),
    new Raw { Load = payload },
}).GetBytes();

// A DNS response as servers send it (names compressed: a CNAME, then the A record of its target), over UDP from port 53.
byte[] dnsFrame = Packet.FromLayers(new Layer[]
{
    new Ethernet { Source = MacAddress.Parse("02:00:00:00:00:01"), Destination = MacAddress.Parse("02:00:00:00:00:02") },
    new IPv4 { Source = IPAddress.Parse("198.18.0.53"), Destination = IPAddress.Parse("198.18.0.1") },
    new Udp { SourcePort = 53, DestinationPort = 40000 },
    new Raw { Load = Convert.FromHexString("00078580000100020000000003777777076578616d706c6504746573740000010001c00c000500010000003c000603776562c010c02e000100010000003c0004c6120050") },
}).GetBytes();

// A DHCP offer: BOOTP with the offered address, then the options (message type, server, lease, mask, router, DNS, domain).
byte[] dhcpFrame = Packet.FromLayers(new Layer[]
{
    new Ethernet { Source = MacAddress.Parse("02:00:00:00:00:01"), Destination = MacAddress.Parse("02:00:00:00:00:02") },
    new IPv4 { Source = IPAddress.Parse("198.18.0.1"), Destination = IPAddress.Parse("198.18.0.10") },
    new Udp { SourcePort = 67, DestinationPort = 68 },
    new Bootp { Operation = 2, TransactionId = 0x1234, YourAddress = IPAddress.Parse("198.18.0.10"), ClientHardwareAddress = MacAddress.Parse("02:00:00:00:00:02") },
    new Dhcp
    {
        Options = new[] { "message-type=offer", "server_id=198.18.0.1", "lease_time=3600", "subnet_mask=255.255.255.0", "router=198.18.0.1", "name_server=198.18.0.53", "domain=example.test", "end" }
            .Select(DhcpOption.Parse).ToArray(),
    },
}).GetBytes();

long sink = 0;

int Build()
{
    var packet = Packet.FromLayers(new Layer[] { new IPv4 { Source = loopback, Destination = loopback }, new Tcp(), new Raw { Load = payload } });
    return packet.GetBytes().Length;
}

int DissectPort() => Packet.Dissect(frame).Get<Tcp>()!.DestinationPort;

int DissectDhcp() => Packet.Dissect(dhcpFrame).Get<Bootp>()!.YourAddress.GetAddressBytes()[3];

int DissectDns() => ((IPAddress)Packet.Dissect(dnsFrame).Get<Dns>()!.Answers[1].Value).GetAddressBytes()[3];

if (Build() != 72) throw new InvalidOperationException($"IPv4/TCP/32-byte payload built to {Build()} bytes, not 72.");
if (DissectPort() != 80) throw new InvalidOperationException($"The frame dissected to TCP port {DissectPort()}, not 80.");
if (DissectDhcp() != 10) throw new InvalidOperationException($"The DHCP offer's yiaddr ends in {DissectDhcp()}, not 10 (198.18.0.10).");
if (DissectDns() != 80) throw new InvalidOperationException($"The DNS response's A record ends in {DissectDns()}, not 80 (198.18.0.80).");

var results = new List<Result>
{
    Measure("build IPv4/TCP/32-byte payload to bytes", Build),
    Measure("dissect Ether/IPv4/TCP/payload, read TCP dport", DissectPort),
    Measure("dissect Ether/IPv4/UDP/DNS response, read its A record", DissectDns),
    Measure("dissect Ether/IPv4/UDP/BOOTP/DHCP offer, read yiaddr", DissectDhcp),
};

Console.WriteLine($"NetSock packet core, .NET {Environment.Version}, {Environment.ProcessorCount} cores; median of {rounds} rounds of ~{seconds:0.##} s:");
foreach (var r in results)
    Console.WriteLine($"  {r.Operation,-50} {r.OpsPerSecond,12:N0} ops/s   (rounds {string.Join(", ", r.Rounds.Select(x => x.ToString("N0")))})");
if (jsonPath is not null)
{
    File.WriteAllText(jsonPath, JsonSerializer.Serialize(new
    {
        runtime = Environment.Version.ToString(),
        frameHex = Convert.ToHexString(frame).ToLowerInvariant(),
        dnsFrameHex = Convert.ToHexString(dnsFrame).ToLowerInvariant(),
        dhcpFrameHex = Convert.ToHexString(dhcpFrame).ToLowerInvariant(),
        results = results.Select(r => new { operation = r.Operation, opsPerSecond = r.OpsPerSecond, rounds = r.Rounds }),
    }));
}
GC.KeepAlive(sink);
return 0;

Result Measure(string operation, Func<int> op)
{
    // Warm-up: slices of 0.2 s until the tiered JIT has settled (three slices within 5% after at least 2 s; 15 s at
    // most); the last slices' rate sizes a round.
    var rates = new List<double>();
    var warm = Stopwatch.StartNew();
    long slice = 1000;
    while (true)
    {
        var clock = Stopwatch.StartNew();
        for (long i = 0; i < slice; i++) sink += op();
        double rate = slice / clock.Elapsed.TotalSeconds;
        rates.Add(rate);
        slice = Math.Max(1000, (long)(rate * 0.2));
        var last = rates.TakeLast(3).ToList();
        bool settled = last.Count == 3 && last.Min() >= 0.95 * last.Max();
        if ((settled && warm.Elapsed.TotalSeconds >= 2) || warm.Elapsed.TotalSeconds >= 15) break;
    }
    long perRound = Math.Max(1000, (long)(rates.TakeLast(3).Average() * seconds));

    var perSecond = new List<double>();
    for (int r = 0; r < rounds; r++)
    {
        var clock = Stopwatch.StartNew();
        for (long i = 0; i < perRound; i++) sink += op();
        clock.Stop();
        perSecond.Add(perRound / clock.Elapsed.TotalSeconds);
    }
    var sorted = perSecond.OrderBy(x => x).ToList();
    return new Result(operation, Math.Round(sorted[sorted.Count / 2]), perSecond.Select(x => Math.Round(x)).ToArray());
}

record Result(string Operation, double OpsPerSecond, double[] Rounds);
