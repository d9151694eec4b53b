using System.Collections;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using NetSock.Packets;
using NetSock.Packets.Layers;
using Xunit.Abstractions;

namespace NetSock.Tests;

/// <summary>
/// Fuzzes the dissector: a million (NETSOCK_FUZZ_ITERATIONS) random and mutated frames go through Packet.Dissect; every
/// field of every decoded layer is read, one field is changed, and the rebuilt packet is dissected and read again.
/// The design says malformed input never throws out of the dissector, so any exception anywhere in that is a failure.
/// Deterministic: Random(12345) drives seeds, mutations and field changes (frames are drawn in order and then
/// exercised on all cores, each with its own seed), so a failure's frame number and input are reproducible.
/// Seeds are frames built with the core: fixed stacks (Ethernet/IPv4/TCP with options, IPv6/UDP, raw IP, Loopback,
/// LinuxSll) plus, for every layer in LayerRegistry.All, the stacks that dissect back as built with it above each
/// other layer, so layers added later are fuzzed without touching this file. Mutations: every seed truncated at every
/// length, bit flips, random and edge bytes, insertions, deletions, splices, other link types, random frames, and
/// length fields that lie (IPv4 IHL and total length, TCP data offset, UDP length, IPv6 payload length, and every other
/// length-like or auto integer field) set to 0, tiny and huge values.
/// Set NETSOCK_FUZZ_ITERATIONS for a longer run (bench/fuzz.ps1 runs 20 million).
/// </summary>
public sealed class DissectorFuzzTests
{
    private const int RandomSeed = 12345;
    private const long DefaultIterations = 1_000_000;
    private const int BatchSize = 8192;

    private static readonly MacAddress Mac1 = MacAddress.Parse("02:00:00:00:00:01");
    private static readonly MacAddress Mac2 = MacAddress.Parse("02:00:00:00:00:02");
    private static readonly IPAddress V4Source = IPAddress.Parse("192.0.2.1");
    private static readonly IPAddress V4Destination = IPAddress.Parse("198.51.100.2");
    private static readonly IPAddress V6Source = IPAddress.Parse("2001:db8::1");
    private static readonly IPAddress V6Destination = IPAddress.Parse("2001:db8::2");

    /// <summary>Fields whose values announce a length or an offset: the ones a lying frame sets to 0, tiny and huge.</summary>
    private static readonly Regex LengthLike = new("Length|Offset|Len$|Size|Count|Ihl", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    private static readonly ulong[] LyingValues =
        { 0, 1, 2, 3, 4, 5, 7, 8, 15, 16, 19, 20, 21, 39, 40, 41, 60, 64, 255, 256, 1500, 0x7FFF, 0xFFFE, 0xFFFF, 0x7FFF_FFFF, 0xFFFF_FFFF };

    private static readonly byte[] InterestingBytes = { 0x00, 0x01, 0x02, 0x04, 0x05, 0x06, 0x0F, 0x11, 0x29, 0x3A, 0x40, 0x45, 0x4F, 0x50, 0x60, 0x7F, 0x80, 0x86, 0xDD, 0xF0, 0xFF };

    private static readonly LinkType[] LinkTypes = Enum.GetValues<LinkType>();

    private readonly ITestOutputHelper _output;

    public DissectorFuzzTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void DissectorSurvivesRandomAndMutatedFrames()
    {
        long iterations = IterationsFromEnvironment();
        var clock = Stopwatch.StartNew();
        var rng = new Random(RandomSeed);
        var failures = new Failures();
        var notes = new List<string>();

        var fixedTemplates = FixedTemplates().ToList();
        var templates = fixedTemplates.Concat(RegistryTemplates(notes)).ToList();
        var seeds = new List<Frame>();        // valid frames and variants with random field values
        var lying = new List<Frame>();        // frames whose length fields lie
        var truncations = new List<Frame>();  // every valid frame cut at every length
        int fixedSeeds = 0;                   // the seeds of the fixed stacks come first
        for (int t = 0; t < templates.Count; t++)
        {
            var template = templates[t];
            if (t == fixedTemplates.Count) fixedSeeds = seeds.Count;
            if (Build(template.Layers, template.Name, failures) is { } bytes)
            {
                seeds.Add(new Frame(bytes, template.LinkType, template.Name));
                truncations.AddRange(Enumerable.Range(0, bytes.Length).Select(n => new Frame(bytes[..n], template.LinkType, $"{template.Name}, truncated to {n}")));
            }
            for (int v = 0; v < 6; v++)
            {
                var layers = template.Layers.Select(l => l.Clone()).ToArray();
                var changes = new List<string>();
                for (int c = 1 + rng.Next(3); c > 0; c--)
                    changes.Add(SetRandomField(layers, rng, failures, template.Name));
                string name = $"{template.Name} with {string.Join(", ", changes)}";
                if (Build(layers, name, failures) is { } variant)
                    seeds.Add(new Frame(variant, template.LinkType, name));
            }
            lying.AddRange(LyingFrames(template, failures));
        }
        Assert.NotEmpty(seeds);
        if (fixedSeeds == 0) fixedSeeds = seeds.Count;
        Assert.NotEmpty(lying);

        // First the truncations, then random and mutated frames up to the count.
        var setupTime = clock.Elapsed;

        var stats = new Stats();
        var batch = new Work[BatchSize];
        for (long start = 0; start < iterations; start += BatchSize)
        {
            int count = (int)Math.Min(BatchSize, iterations - start);
            for (int i = 0; i < count; i++)
            {
                long number = start + i;
                var frame = number < truncations.Count ? truncations[(int)number] : NextFrame(rng, seeds, fixedSeeds, lying);
                batch[i] = new Work(number, frame, rng.Next());
            }
            Parallel.For(0, count, () => new Stats(), (i, _, local) => { Exercise(batch[i], local, failures); return local; },
                local => { lock (stats) stats.Add(local); });
        }
        clock.Stop();

        _output.WriteLine($"{iterations:N0} frames in {clock.Elapsed.TotalSeconds:N1} s (setup {setupTime.TotalSeconds:N1} s) on {Environment.ProcessorCount} cores: " +
                          $"{iterations / clock.Elapsed.TotalSeconds:N0} frames/s; Random({RandomSeed}).");
        _output.WriteLine($"Seeds: {templates.Count} stacks, {seeds.Count} frames with variants, {lying.Count} lying-length frames, {truncations.Count} truncations.");
        _output.WriteLine($"Malformed: {stats.Malformed:N0}; field changes: {stats.Changed:N0} kept, {stats.Refused:N0} refused by the setter (the decoded value set again instead).");
        _output.WriteLine("Frames that decoded each layer: " + string.Join(", ", stats.Layers.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} {kv.Value:N0}")));
        var never = LayerRegistry.All.Select(l => l.Name).Where(n => !stats.Layers.ContainsKey(n)).ToList();
        if (never.Count > 0) _output.WriteLine("Never decoded: " + string.Join(", ", never));
        foreach (string note in notes) _output.WriteLine(note);

        Assert.True(failures.Count == 0, failures.Report(iterations));
    }

    private static long IterationsFromEnvironment()
    {
        string? text = Environment.GetEnvironmentVariable("NETSOCK_FUZZ_ITERATIONS");
        if (string.IsNullOrWhiteSpace(text)) return DefaultIterations;
        if (!long.TryParse(text.Replace("_", "").Replace(",", ""), out long n) || n < 1)
            throw new ArgumentException($"NETSOCK_FUZZ_ITERATIONS must be a positive whole number, not '{text}'.");
        return n;
    }

    // ---------------------------------------------------------------- one frame

    /// <summary>Dissect, read everything, change one field, rebuild, dissect and read again; any exception is a failure.</summary>
    private static void Exercise(Work work, Stats stats, Failures failures)
    {
        string stage = "dissect (Layers)";
        string? change = null;
        try
        {
            var packet = Packet.Dissect(work.Frame.Bytes, work.Frame.LinkType);
            var layers = packet.Layers;
            stage = "read";
            Read(packet);
            if (packet.IsMalformed) stats.Malformed++;
            foreach (var layer in layers)
                stats.Count(layer.Name);

            stage = "change one field";
            var rng = new Random(work.Seed);
            if (layers.Count > 0)
            {
                int index = rng.Next(layers.Count);
                var layer = layers[index];
                var fields = layer.GetInfo().Fields;
                if (fields.Count > 0)
                {
                    var field = fields[rng.Next(fields.Count)];
                    object? current = field.GetValue(layer);
                    object? value = RandomValue(field, current, rng);
                    change = $"{layer.Name} (layer {index}).{field.Name} = {Describe(value)}";
                    if (TrySet(field, layer, value))
                    {
                        stats.Changed++;
                    }
                    else
                    {
                        stats.Refused++;
                        // A field past the cut of a header cut short reads null and has no decoded value to set again.
                        if (field.IsPresentIn(layer))
                        {
                            change += $", refused by the setter; the decoded value {Describe(current)} set again";
                            field.SetValue(layer, current);
                        }
                        else
                        {
                            change += ", refused by the setter; the field is past the cut of the header and stays absent";
                        }
                    }
                }
            }

            stage = "build (Bytes after the change)";
            _ = packet.GetBytes();
            stage = "re-dissect the rebuilt packet";
            var rebuilt = packet.Rebuilt();
            _ = rebuilt.Layers;
            stage = "read the rebuilt packet";
            Read(rebuilt);
        }
        catch (Exception e)
        {
            failures.Add(work, stage, change, e);
        }
    }

    /// <summary>Every field of every layer (through Info.Fields and GetValue, and what the values expose), summaries, bytes.</summary>
    private static void Read(Packet packet)
    {
        _ = packet.IsMalformed;
        _ = packet.MalformedReason;
        _ = packet.Summary;
        new ConversationTracker().Stamp(packet);     // reads the IP and TCP headers from the bytes: must not throw either
        _ = (packet.Protocol, packet.Info, packet.Source, packet.Destination);
        _ = packet.ToString();
        _ = packet.GetBytes();
        _ = packet.Length;
        foreach (var layer in packet.Layers)
        {
            _ = layer.Name;
            _ = layer.Summary;
            _ = layer.ToString();
            foreach (var field in layer.GetInfo().Fields)
                Touch(field.GetValue(layer), 0);
            foreach (var view in Views.GetOrAdd(layer.GetType(), ViewsOf))
                Touch(view.GetValue(layer), 0);
            _ = packet[layer.Name];
        }
    }

    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> Views = new();

    /// <summary>
    /// A layer's public properties that are not fields (Icmp.Gateway, IcmpV6.Mtu, IPv6Routing.Addresses, ...), read too.
    /// Not those of Layer and IPLayer: Info, Name, Summary are read already; EffectiveSource would ask the host's routes.
    /// </summary>
    private static PropertyInfo[] ViewsOf(Type type)
    {
        var fields = LayerRegistry.Of(type).Fields.Select(f => f.Name).ToHashSet();
        return type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.GetIndexParameters().Length == 0 && !fields.Contains(p.Name)
                        && p.DeclaringType != typeof(Layer) && p.DeclaringType != typeof(IPLayer))
            .ToArray();
    }

    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> OwnProperties = new();

    /// <summary>ToString of a value, its items, and the public properties of NetSock's own value types (TcpOption.Value, TcpFlags.Letters).</summary>
    private static void Touch(object? value, int depth)
    {
        if (value is null || depth > 3) return;
        _ = value.ToString();
        if (value is string or byte[]) return;
        if (value is IEnumerable items)
        {
            foreach (object? item in items)
                Touch(item, depth + 1);
            return;
        }
        var type = value.GetType();
        if (type.Assembly != typeof(Layer).Assembly || type.IsEnum) return;
        var properties = OwnProperties.GetOrAdd(type, t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.GetIndexParameters().Length == 0).ToArray());
        foreach (var property in properties)
            Touch(property.GetValue(value), depth + 1);
    }

    /// <summary>Sets a field; false when the setter refuses the value (its documented validation: an ArgumentException).</summary>
    private static bool TrySet(PacketField field, Layer layer, object? value)
    {
        try
        {
            field.SetValue(layer, value);
            return true;
        }
        catch (TargetInvocationException e) when (e.InnerException is ArgumentException)
        {
            return false;
        }
        catch (NetSockException e) when (e.ErrorId == "PacketFieldInvalid")
        {
            return false;
        }
    }

    // ---------------------------------------------------------------- seeds

    private sealed record Template(string Name, LinkType LinkType, Layer[] Layers);

    private sealed record Frame(byte[] Bytes, LinkType LinkType, string Origin);

    private readonly record struct Work(long Number, Frame Frame, int Seed);

    private static Ethernet Eth() => new() { Source = Mac1, Destination = Mac2 };
    private static IPv4 Ip4() => new() { Source = V4Source, Destination = V4Destination };
    private static IPv6 Ip6() => new() { Source = V6Source, Destination = V6Destination };
    private static Raw Payload(string text) => new() { Load = Encoding.ASCII.GetBytes(text) };

    private static Tcp TcpWithOptions() => new()
    {
        SourcePort = 40000,
        DestinationPort = 80,
        SequenceNumber = 1000,
        AcknowledgmentNumber = 2000,
        Flags = TcpFlags.Parse("PA"),
        Options = new[] { TcpOption.Mss(1460), TcpOption.SAckOK(), TcpOption.Timestamp(1, 0), TcpOption.Nop(), TcpOption.WScale(7), TcpOption.Parse("SAck=1000-2000") },
    };

    /// <summary>The stacks the brief names, built with the core (addresses given, so nothing asks the host's routes).</summary>
    private static IEnumerable<Template> FixedTemplates()
    {
        yield return new("Ether/IPv4/TCP(options)/payload", LinkType.Ethernet, new Layer[] { Eth(), Ip4(), TcpWithOptions(), Payload("GET / HTTP/1.1\r\nHost: example\r\n\r\n") });
        yield return new("Ether/IPv4(options)/TCP", LinkType.Ethernet, new Layer[] { Eth(), new IPv4 { Source = V4Source, Destination = V4Destination, Options = new byte[] { 0x94, 0x04, 0x00, 0x00, 0x01 } }, new Tcp() });
        yield return new("Ether/IPv4/UDP/payload/padding", LinkType.Ethernet, new Layer[] { Eth(), Ip4(), new Udp(), Payload("hi"), new Padding { Load = new byte[16] } });
        yield return new("Ether/IPv6/UDP/payload", LinkType.Ethernet, new Layer[] { Eth(), Ip6(), new Udp { SourcePort = 5353, DestinationPort = 5353 }, Payload("abc") });
        yield return new("Ether/IPv6/TCP(options)", LinkType.Ethernet, new Layer[] { Eth(), Ip6(), TcpWithOptions() });
        yield return new("Ether/IPv4/IPv6/UDP (6in4)", LinkType.Ethernet, new Layer[] { Eth(), Ip4(), Ip6(), new Udp(), Payload("tunnel") });
        yield return new("IPv4/UDP/payload (raw)", LinkType.Raw, new Layer[] { Ip4(), new Udp(), Payload("ping") });
        yield return new("IPv4/IPv4/TCP (raw)", LinkType.Raw, new Layer[] { Ip4(), Ip4(), new Tcp() });
        yield return new("IPv4/TCP(options)/payload (IPv4)", LinkType.IPv4, new Layer[] { Ip4(), TcpWithOptions(), Payload("data") });
        yield return new("IPv6/UDP/payload (raw)", LinkType.Raw, new Layer[] { Ip6(), new Udp(), Payload("pong") });
        yield return new("IPv6/IPv6/TCP (IPv6)", LinkType.IPv6, new Layer[] { Ip6(), Ip6(), new Tcp() });
        yield return new("Loopback/IPv4/TCP(options)/payload", LinkType.Null, new Layer[] { new Loopback(), Ip4(), TcpWithOptions(), Payload("lo") });
        yield return new("Loopback/IPv6/UDP/payload", LinkType.Null, new Layer[] { new Loopback(), Ip6(), new Udp(), Payload("lo6") });
        yield return new("LinuxSll/IPv4/UDP/payload", LinkType.LinuxSll, new Layer[] { new LinuxSll { Address = new byte[] { 2, 0, 0, 0, 0, 1, 0, 0 } }, Ip4(), new Udp(), Payload("sll") });
        yield return new("LinuxSll/IPv6/TCP(options)", LinkType.LinuxSll, new Layer[] { new LinuxSll(), Ip6(), TcpWithOptions() });
        // DHCP rides on BOOTP's magic cookie, not on a binding the registry stacks can meet.
        yield return new("Ether/IPv4/UDP/BOOTP/DHCP", LinkType.Ethernet, new Layer[] { Eth(), Ip4(), new Udp { SourcePort = 68, DestinationPort = 67 },
            new Bootp { ClientHardwareAddress = Mac1, TransactionId = 0x1234, ServerName = "boot", BootFile = "pxelinux.0" },
            new Dhcp { Options = new[] { "message-type=request", "requested_addr=198.18.0.10", "param_req_list=1,3,6", "hostname=pc1", "end" }.Select(DhcpOption.Parse).ToArray() } });
    }

    /// <summary>
    /// Stacks for every layer in LayerRegistry.All, found by building and dissecting back: first the shortest stack
    /// from Ethernet to each layer, then every pair (lower, upper) that dissects as such, with the first layer the
    /// upper one carries on top (a UDP datagram in the IPv4 quoted by an ICMP error) and a payload. Each comes above
    /// Ethernet, LinuxSll, and (when it rides on IP) Loopback and raw IP. A dissect-only binding (a well-known port,
    /// an ICMP error type) is met by setting the integer field of the lower layer that makes it dissect so.
    /// </summary>
    private static IEnumerable<Template> RegistryTemplates(List<string> notes)
    {
        var binds = LayerRegistry.All
            .SelectMany(info => info.Type.GetCustomAttributes<BindAttribute>().Select(b => (b.Lower, Upper: info.Type, b.Selector)))
            .ToList();
        // Link headers and bytes are the first or last layer of a frame, not something a header carries.
        var uppers = LayerRegistry.All.Select(l => l.Type)
            .Where(t => !typeof(BytesLayer).IsAssignableFrom(t) && t != typeof(Loopback) && t != typeof(LinuxSll))
            .ToList();

        List<Layer>? Above(List<Layer> lower, Type upper)
        {
            var stack = lower.Select(l => l.Clone()).Append(Create(upper)).ToList();
            if (DecodesAs(stack, stack.Count - 1)) return stack;
            foreach (var bind in binds.Where(b => b.Lower == lower[^1].GetType() && b.Upper == upper))
                if (MeetBinding(stack, bind.Selector)) return stack;
            return null;
        }

        var shortest = new Dictionary<Type, List<Layer>> { [typeof(Ethernet)] = new() { Create(typeof(Ethernet)) } };
        var queue = new Queue<Type>(shortest.Keys);
        while (queue.Count > 0)
        {
            var lower = queue.Dequeue();
            foreach (var upper in uppers.Where(u => !shortest.ContainsKey(u)))
            {
                if (Above(shortest[lower], upper) is { } stack)
                {
                    shortest[upper] = stack;
                    queue.Enqueue(upper);
                }
            }
        }
        foreach (var info in LayerRegistry.All.Where(l => uppers.Contains(l.Type) && !shortest.ContainsKey(l.Type)))
            notes.Add($"{info.Name}: no stack above Ethernet dissects back as {info.Name}; it is reached only by mutations.");

        var pairs = shortest.Keys.SelectMany(lower => uppers.Select(upper => Above(shortest[lower], upper))).OfType<List<Layer>>().ToList();
        var carries = new Dictionary<Type, Type>();
        foreach (var pair in pairs)
            carries.TryAdd(pair[^2].GetType(), pair[^1].GetType());

        var payload = new Raw { Load = Enumerable.Range(0, 24).Select(i => (byte)(i * 37 + 11)).ToArray() };
        var names = new HashSet<string>();
        foreach (var pair in pairs)
        {
            var full = pair;
            if (carries.TryGetValue(pair[^1].GetType(), out var carried) && Above(pair, carried) is { } longer)
                full = longer;
            full = full.Append(payload).ToList();
            var top = full.Skip(1).ToList();
            string Name(IEnumerable<Layer> layers) => string.Join("/", layers.Select(l => l.Name));
            string name = Name(pair);
            if (!names.Add(name)) continue;
            yield return new($"{name} (registry)", LinkType.Ethernet, pair.ToArray());
            yield return new($"{Name(full)} (registry)", LinkType.Ethernet, full.ToArray());
            yield return new($"LinuxSll/{Name(top)} (registry)", LinkType.LinuxSll,
                top.Select(l => l.Clone()).Prepend(new LinuxSll { Protocol = ((Ethernet)full[0]).Type }).ToArray());
            if (top[0] is IPv4 or IPv6)
            {
                yield return new($"Loopback/{Name(top)} (registry)", LinkType.Null, top.Select(l => l.Clone()).Prepend(new Loopback()).ToArray());
                yield return new($"{Name(top)} (registry, raw)", LinkType.Raw, top.Select(l => l.Clone()).ToArray());
            }
        }
    }

    private static Layer Create(Type type)
    {
        var layer = LayerRegistry.Of(type).Create();
        switch (layer)
        {
            case Ethernet e: e.Source = Mac1; e.Destination = Mac2; break;
            case IPv4 v4: v4.Source = V4Source; v4.Destination = V4Destination; break;
            case IPv6 v6: v6.Source = V6Source; v6.Destination = V6Destination; break;
        }
        return layer;
    }

    /// <summary>
    /// Meets a binding the builder does not choose (a dissect-only one): sets the first integer field of the layer
    /// below the top one to the selector such that the stack dissects back as built. False when none does.
    /// </summary>
    private static bool MeetBinding(List<Layer> stack, int selector)
    {
        var lower = stack[^2];
        foreach (var field in lower.GetInfo().Fields.Where(f => IsIntegral(f.Type)))
        {
            object? before = field.GetValue(lower);
            if (TryConvert(unchecked((ulong)selector), field.Type, out object? value) && TrySetQuietly(field, lower, value) && DecodesAs(stack, stack.Count - 1))
                return true;
            TrySetQuietly(field, lower, before);
        }
        return false;
    }

    /// <summary>True when the stack, built, dissects back as the same layer types up to <paramref name="upTo"/>.</summary>
    private static bool DecodesAs(List<Layer> layers, int upTo)
    {
        try
        {
            var back = Packet.Dissect(Packet.FromLayers(layers).GetBytes(), LinkType.Ethernet).Layers;
            return back.Count > upTo && Enumerable.Range(0, upTo + 1).All(i => back[i].GetType() == layers[i].GetType());
        }
        catch (Exception)
        {
            return false;   // reported when the seed itself is built
        }
    }

    private static bool TrySetQuietly(PacketField field, Layer layer, object? value)
    {
        try
        {
            field.SetValue(layer, value);
            return true;
        }
        catch (TargetInvocationException)
        {
            return false;
        }
    }

    /// <summary>The stack with each length-like or auto integer field set in turn to 0, tiny and huge values, built verbatim.</summary>
    private static IEnumerable<Frame> LyingFrames(Template template, Failures failures)
    {
        for (int i = 0; i < template.Layers.Length; i++)
        {
            foreach (var field in template.Layers[i].GetInfo().Fields.Where(f => IsIntegral(f.Type) && (f.IsAuto || LengthLike.IsMatch(f.Name) || (f.Alias is { } a && LengthLike.IsMatch(a)))))
            {
                foreach (ulong lie in LyingValues)
                {
                    if (lie > MaxOf(field.Type) || !TryConvert(lie, field.Type, out object? value)) continue;
                    var layers = template.Layers.Select(l => l.Clone()).ToArray();
                    if (!TrySet(field, layers[i], value)) continue;
                    string name = $"{template.Name} with {layers[i].Name}.{field.Name} = {lie}";
                    if (Build(layers, name, failures) is { } bytes)
                        yield return new Frame(bytes, template.LinkType, name);
                }
            }
        }
    }

    /// <summary>Builds a crafted stack; a builder exception is a failure (the values passed the setters' validation).</summary>
    private static byte[]? Build(Layer[] layers, string name, Failures failures)
    {
        try
        {
            return Packet.FromLayers(layers).GetBytes();
        }
        catch (Exception e)
        {
            failures.Add(new Work(-1, new Frame(Array.Empty<byte>(), LinkType.Raw, $"seed '{name}'"), 0), "build a seed (Packet.FromLayers(...).Bytes)", name, e);
            return null;
        }
    }

    private static string SetRandomField(Layer[] layers, Random rng, Failures failures, string template)
    {
        int index = rng.Next(layers.Length);
        var layer = layers[index];
        if (layer.GetInfo().Fields.Count == 0) return $"{layer.Name} unchanged";
        var field = layer.GetInfo().Fields[rng.Next(layer.GetInfo().Fields.Count)];
        object? value = RandomValue(field, field.GetValue(layer), rng);
        string change = $"{layer.Name}.{field.Name} = (a random {field.Type.Name})";
        try
        {
            change = $"{layer.Name}.{field.Name} = {Describe(value)}";
            return TrySet(field, layer, value) ? change : $"{change} (refused)";
        }
        catch (Exception e)
        {
            failures.Add(new Work(-1, new Frame(Array.Empty<byte>(), LinkType.Raw, $"seed '{template}'"), 0), "set a field of a crafted layer", change, e);
            return $"{change} (threw)";
        }
    }

    // ---------------------------------------------------------------- mutations

    /// <summary>
    /// A tenth random bytes, a quarter lying-length frames (as built or mutated), the rest valid frames mutated:
    /// half of those from the fixed stacks (the first <paramref name="fixedSeeds"/> seeds), half from any stack.
    /// </summary>
    private static Frame NextFrame(Random rng, List<Frame> seeds, int fixedSeeds, List<Frame> lying)
    {
        int kind = rng.Next(100);
        Frame frame;
        int mutations;
        if (kind < 10)
        {
            // Random bytes: mostly short, now and then long.
            int length = rng.Next(50) == 0 ? rng.Next(2000) : rng.Next(100);
            var bytes = new byte[length];
            rng.NextBytes(bytes);
            frame = new Frame(bytes, LinkTypes[rng.Next(LinkTypes.Length)], $"random {length} bytes");
            mutations = 0;
        }
        else if (kind < 35)
        {
            frame = lying[rng.Next(lying.Count)];
            mutations = rng.Next(3);                  // a third as built, the rest truncated, flipped, ...
        }
        else
        {
            frame = seeds[rng.Next(kind < 67 ? fixedSeeds : seeds.Count)];
            mutations = 1 + (rng.Next(4) == 0 ? rng.Next(4) : 0);
        }
        byte[] data = frame.Bytes;
        var done = new List<string>();
        for (int m = 0; m < mutations; m++)
            data = Mutate(data, rng, seeds, done);
        var linkType = frame.LinkType;
        if (rng.Next(40) == 0)
        {
            linkType = rng.Next(4) == 0 ? (LinkType)rng.Next(300) : LinkTypes[rng.Next(LinkTypes.Length)];
            done.Add($"read as link type {linkType}");
        }
        return done.Count == 0 ? frame with { LinkType = linkType } : new Frame(data, linkType, $"{frame.Origin}; {string.Join("; ", done)}");
    }

    private static byte[] Mutate(byte[] source, Random rng, List<Frame> seeds, List<string> done)
    {
        var data = (byte[])source.Clone();
        int op = data.Length == 0 ? 7 : rng.Next(9);
        switch (op)
        {
            case 0:
            {
                int n = rng.Next(data.Length);
                done.Add($"truncated to {n}");
                return data[..n];
            }
            case 1:
            {
                int flips = 1 + rng.Next(4);
                for (int i = 0; i < flips; i++)
                {
                    int bit = rng.Next(data.Length * 8);
                    data[bit / 8] ^= (byte)(1 << (bit % 8));
                }
                done.Add($"{flips} bit(s) flipped");
                return data;
            }
            case 2:
            {
                int count = 1 + rng.Next(4);
                for (int i = 0; i < count; i++)
                    data[rng.Next(data.Length)] = (byte)rng.Next(256);
                done.Add($"{count} random byte(s)");
                return data;
            }
            case 3:
            {
                int count = 1 + rng.Next(3);
                for (int i = 0; i < count; i++)
                    data[rng.Next(data.Length)] = InterestingBytes[rng.Next(InterestingBytes.Length)];
                done.Add($"{count} interesting byte(s)");
                return data;
            }
            case 4:
            {
                if (data.Length < 2) goto case 3;
                int at = rng.Next(data.Length - 1);
                ushort value = (ushort)(rng.Next(3) switch { 0 => 0, 1 => 0xFFFF, _ => rng.Next(64) });
                data[at] = (byte)(value >> 8);
                data[at + 1] = (byte)value;
                done.Add($"16-bit {value} at {at}");
                return data;
            }
            case 5:
            {
                int at = rng.Next(data.Length + 1);
                var insert = new byte[1 + rng.Next(16)];
                rng.NextBytes(insert);
                done.Add($"{insert.Length} byte(s) inserted at {at}");
                return data[..at].Concat(insert).Concat(data[at..]).ToArray();
            }
            case 6:
            {
                int at = rng.Next(data.Length);
                int count = 1 + rng.Next(Math.Min(16, data.Length - at));
                done.Add($"{count} byte(s) deleted at {at}");
                return data[..at].Concat(data[(at + count)..]).ToArray();
            }
            case 7:
            {
                var tail = new byte[1 + rng.Next(64)];
                rng.NextBytes(tail);
                done.Add($"{tail.Length} random byte(s) appended");
                return data.Concat(tail).ToArray();
            }
            default:
            {
                var other = seeds[rng.Next(seeds.Count)].Bytes;
                int at = rng.Next(data.Length + 1), from = rng.Next(other.Length + 1);
                done.Add($"spliced at {at} with bytes {from}.. of another seed");
                return data[..at].Concat(other[from..]).ToArray();
            }
        }
    }

    // ---------------------------------------------------------------- random field values

    /// <summary>A value of the field's type: null now and then for an auto field, edge values for numbers; the current value for a type it cannot make.</summary>
    private static object? RandomValue(PacketField field, object? current, Random rng)
    {
        if (field.IsAuto && rng.Next(4) == 0) return null;
        return RandomOf(field.Type, current, rng, 0) ?? current;
    }

    private static object? RandomOf(Type type, object? current, Random rng, int depth)
    {
        if (IsIntegral(type))
            return TryConvert(RandomInteger(rng), type, out object? n) ? n : current;
        if (type.IsEnum)
            return Enum.ToObject(type, rng.Next(3) == 0 ? RandomInteger(rng) : (ulong)rng.Next(16));
        if (type == typeof(bool)) return rng.Next(2) == 0;
        if (type == typeof(string)) return new string(Enumerable.Range(0, rng.Next(20)).Select(_ => (char)rng.Next(32, 127)).ToArray());
        if (type == typeof(byte[])) return RandomBytes(rng, rng.Next(4) == 0 ? 0 : rng.Next(50) == 0 ? 300 : rng.Next(1, 48));
        if (type == typeof(IPAddress))
        {
            bool v6 = current is IPAddress a ? a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 : rng.Next(2) == 0;
            return new IPAddress(RandomBytes(rng, v6 ? 16 : 4));
        }
        if (depth < 2 && type.IsArray && type.GetElementType() is { } element)
        {
            var items = Enumerable.Range(0, rng.Next(5)).Select(_ => RandomOf(element, null, rng, depth + 1)).ToList();
            if (items.Any(i => i is null)) return current;
            var array = Array.CreateInstance(element, items.Count);
            for (int i = 0; i < items.Count; i++) array.SetValue(items[i], i);
            return array;
        }
        // NetSock's small value types (TcpFlags, MacAddress) from a number; its byte-backed ones (TcpOption) from bytes.
        foreach (var ctor in type.GetConstructors())
        {
            var parameters = ctor.GetParameters();
            if (parameters.Length != 1) continue;
            var p = parameters[0].ParameterType;
            try
            {
                if (IsIntegral(p) && TryConvert(RandomInteger(rng), p, out object? n)) return ctor.Invoke(new[] { n });
                if (p == typeof(byte[])) return ctor.Invoke(new object[] { RandomBytes(rng, 1 + rng.Next(12)) });
            }
            catch (TargetInvocationException e) when (e.InnerException is ArgumentException)
            {
                return current;
            }
        }
        return current;
    }

    private static ulong RandomInteger(Random rng) => rng.Next(8) switch
    {
        0 => 0,
        1 or 2 => (ulong)rng.Next(16),
        3 => (ulong)rng.Next(256),
        4 => 0xFFFF - (ulong)rng.Next(2),
        5 => ulong.MaxValue,
        _ => (ulong)rng.NextInt64() ^ ((ulong)rng.Next() << 33),
    };

    private static byte[] RandomBytes(Random rng, int length)
    {
        var bytes = new byte[length];
        rng.NextBytes(bytes);
        return bytes;
    }

    private static bool IsIntegral(Type type) => Type.GetTypeCode(type) is TypeCode.Byte or TypeCode.SByte or TypeCode.UInt16 or TypeCode.Int16
        or TypeCode.UInt32 or TypeCode.Int32 or TypeCode.UInt64 or TypeCode.Int64 && !type.IsEnum;

    private static ulong MaxOf(Type type) => Type.GetTypeCode(type) switch
    {
        TypeCode.Byte => byte.MaxValue,
        TypeCode.SByte => (ulong)sbyte.MaxValue,
        TypeCode.UInt16 => ushort.MaxValue,
        TypeCode.Int16 => (ulong)short.MaxValue,
        TypeCode.UInt32 => uint.MaxValue,
        TypeCode.Int32 => int.MaxValue,
        TypeCode.Int64 => long.MaxValue,
        _ => ulong.MaxValue,
    };

    /// <summary>The low bits of <paramref name="value"/> as <paramref name="type"/> (wrapping, like a cast).</summary>
    private static bool TryConvert(ulong value, Type type, out object? result)
    {
        result = type.IsEnum ? null : Type.GetTypeCode(type) switch
        {
            TypeCode.Byte => (byte)value,
            TypeCode.SByte => (sbyte)value,
            TypeCode.UInt16 => (ushort)value,
            TypeCode.Int16 => (short)value,
            TypeCode.UInt32 => (uint)value,
            TypeCode.Int32 => (int)value,
            TypeCode.UInt64 => value,
            TypeCode.Int64 => (long)value,
            _ => null,
        };
        return result is not null;
    }

    private static string Describe(object? value) => value switch
    {
        null => "null (auto)",
        byte[] b => $"0x{Convert.ToHexString(b)}",
        IEnumerable items and not string => "[" + string.Join(", ", items.Cast<object?>().Select(Describe)) + "]",
        _ => $"{value} ({value.GetType().Name})",
    };

    // ---------------------------------------------------------------- bookkeeping

    private sealed class Stats
    {
        public long Malformed;
        public long Changed;
        public long Refused;
        public readonly Dictionary<string, long> Layers = new();

        public void Count(string layer) => Layers[layer] = Layers.GetValueOrDefault(layer) + 1;

        public void Add(Stats other)
        {
            Malformed += other.Malformed;
            Changed += other.Changed;
            Refused += other.Refused;
            foreach (var (name, n) in other.Layers)
                Layers[name] = Layers.GetValueOrDefault(name) + n;
        }
    }

    /// <summary>Exceptions grouped by type and stage, each with its count and the lowest-numbered frame that raised it.</summary>
    private sealed class Failures
    {
        private readonly Dictionary<(string Type, string Stage), (long Count, Work First, string? Change, Exception Exception)> _groups = new();

        public long Count { get { lock (_groups) return _groups.Values.Sum(g => g.Count); } }

        public void Add(Work work, string stage, string? change, Exception e)
        {
            while (e is TargetInvocationException { InnerException: { } inner }) e = inner;
            var key = (e.GetType().FullName ?? e.GetType().Name, stage);
            lock (_groups)
            {
                if (_groups.TryGetValue(key, out var g))
                    _groups[key] = work.Number < g.First.Number && work.Number >= 0 ? (g.Count + 1, work, change, e) : g with { Count = g.Count + 1 };
                else
                    _groups[key] = (1, work, change, e);
            }
        }

        public string Report(long iterations)
        {
            lock (_groups)
            {
                var text = new StringBuilder();
                text.AppendLine($"{_groups.Values.Sum(g => g.Count)} unhandled exception(s) in {iterations:N0} frames " +
                                $"(Random({RandomSeed}), NETSOCK_FUZZ_ITERATIONS={iterations}); by type and stage:");
                foreach (var ((type, stage), g) in _groups.OrderBy(kv => kv.Value.First.Number))
                    text.AppendLine($"  {type} during '{stage}': {g.Count:N0}");
                foreach (var ((type, stage), g) in _groups.OrderBy(kv => kv.Value.First.Number))
                {
                    var frame = g.First.Frame;
                    string hex = Convert.ToHexString(frame.Bytes).ToLowerInvariant();
                    text.AppendLine();
                    text.AppendLine($"{type} during '{stage}', first at frame #{g.First.Number} ({frame.Origin}):");
                    if (g.First.Number >= 0)
                        text.AppendLine($"  input ({frame.Bytes.Length} bytes, link type {frame.LinkType} = {(int)frame.LinkType}): {hex}");
                    if (g.Change is not null)
                        text.AppendLine($"  field change before the rebuild: {g.Change}");
                    if (g.First.Number >= 0)
                        text.AppendLine($"  reproduce: var p = Packet.Dissect(Convert.FromHexString(\"{hex}\"), " +
                                        $"{(Enum.IsDefined(frame.LinkType) ? $"LinkType.{frame.LinkType}" : $"(LinkType){(int)frame.LinkType}")}); then read p.Layers, their fields, p.Summary, p.Bytes");
                    foreach (string line in g.Exception.ToString().Split('\n').Take(25))
                        text.AppendLine("  " + line.TrimEnd());
                }
                return text.ToString();
            }
        }
    }
}
