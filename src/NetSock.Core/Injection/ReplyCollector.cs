using NetSock.Capture;
using NetSock.Packets;

namespace NetSock.Injection;

/// <summary>A sent packet and its answer (Scapy's sr() pairs), or a sent packet nothing answered.</summary>
public sealed class PacketResponse
{
    internal PacketResponse(long number, Packet sent, DateTimeOffset sentTime)
    {
        Number = number;
        Sent = sent;
        SentTime = sentTime;
    }

    /// <summary>The place of the sent packet among those sent (1 for the first).</summary>
    public long Number { get; }

    /// <summary>The packet as it went out, auto fields filled.</summary>
    public Packet Sent { get; }

    public DateTimeOffset SentTime { get; }

    /// <summary>The answer, as captured on the interface it came in by (Ethernet on an Ethernet link, lo's frames on lo; a Linux cooked header when it was caught on "any"); null when none came in time.</summary>
    public Packet? Received { get; private set; }

    /// <summary>From just before the send to the answer's capture timestamp (the kernel's).</summary>
    public TimeSpan? RoundTrip { get; private set; }

    public bool Answered => Received is not null;

    internal void Answer(Packet received)
    {
        Received = received;
        RoundTrip = received.Timestamp is { } t ? t - SentTime : null;
    }

    public override string ToString() => Received is null ? $"{Sent.Summary} ==> (no answer)" : $"{Sent.Summary} ==> {Received.Summary}";
}

/// <summary>
/// Listens for answers while packets are sent: a capture on each interface the probes leave by (so an answer on an
/// Ethernet link keeps its Ethernet header, with the peer's MAC) and on lo (answers from this host's own addresses),
/// opened before the first send through that interface, in immediate mode and without the host's own outgoing packets;
/// a probe whose interface is not known is listened for on "any" (Linux cooked frames). The captures are read on the
/// caller's thread, as LiveCapture is meant to be: with one, a read waits on it; with several, each is read in turn, the
/// wait in slices of a few milliseconds. Each packet is matched with <see cref="Replies.Answers"/> against the sent
/// packets still waiting, the oldest first, and answers one of them.
/// </summary>
public sealed class ReplyCollector : IDisposable
{
    /// <summary>The pseudo-interface of libpcap that captures on every interface.</summary>
    public const string AnyInterface = "any";

    private const int Slice = 5;

    private readonly List<LiveCapture> _captures = new();
    private readonly List<string> _listening = new();
    private readonly LinkedList<PacketResponse> _waiting = new();
    private long _number;
    private int _turn;

    private ReplyCollector()
    {
    }

    /// <summary>Starts listening on lo; <see cref="ListenOn"/> adds the interfaces the probes leave by.</summary>
    public static ReplyCollector Start()
    {
        var collector = new ReplyCollector();
        try
        {
            collector.ListenOn("lo");
        }
        catch
        {
            collector.Dispose();
            throw;
        }
        return collector;
    }

    /// <summary>The interfaces listened on, in the order they were opened.</summary>
    public IReadOnlyList<string> Interfaces => _listening;

    /// <summary>
    /// Listens on <paramref name="interfaceName"/> too (null: on "any"), unless it already does: call it before sending
    /// a packet that leaves by that interface, so its answer cannot come before the capture is there.
    /// </summary>
    public void ListenOn(string? interfaceName)
    {
        string name = interfaceName ?? AnyInterface;
        if (_listening.Contains(name) || _listening.Contains(AnyInterface)) return;
        _captures.Add(LiveCapture.Start(name, null, 262144, false, 16 * 1024 * 1024, immediate: true, incomingOnly: true));
        _listening.Add(name);
    }

    /// <summary>How many sent packets still wait for an answer.</summary>
    public int Waiting => _waiting.Count;

    /// <summary>Records a packet that was sent at <paramref name="time"/>; its answer is looked for from now on.</summary>
    public void Expect(Packet sent, DateTimeOffset time) => _waiting.AddLast(new PacketResponse(++_number, sent, time));

    /// <summary>
    /// The sent packets answered by what arrives within <paramref name="milliseconds"/> (0: only what has already
    /// arrived); returns as soon as at least one is answered, or when nothing waits any more.
    /// </summary>
    public List<PacketResponse> Collect(int milliseconds, CancellationToken cancel)
    {
        var answered = new List<PacketResponse>();
        long until = Environment.TickCount64 + milliseconds;
        while (_waiting.Count > 0)
        {
            int left = (int)Math.Max(0, until - Environment.TickCount64);
            var packet = Next(answered.Count > 0 ? 0 : left, cancel);
            if (packet is null) break;
            for (var node = _waiting.First; node is not null; node = node.Next)
            {
                if (!Replies.Answers(packet, node.Value.Sent)) continue;
                node.Value.Answer(packet);
                answered.Add(node.Value);
                _waiting.Remove(node);
                break;
            }
        }
        return answered;
    }

    /// <summary>The next packet from any of the captures within <paramref name="milliseconds"/>, or null.</summary>
    private Packet? Next(int milliseconds, CancellationToken cancel)
    {
        if (_captures.Count == 1) return _captures[0].Take(milliseconds, cancel);
        long until = Environment.TickCount64 + milliseconds;
        while (true)
        {
            foreach (var capture in _captures)
                if (capture.Take(0, cancel) is { } ready) return ready;
            long left = until - Environment.TickCount64;
            if (left <= 0) return null;
            _turn = (_turn + 1) % _captures.Count;
            if (_captures[_turn].Take((int)Math.Min(left, Slice), cancel) is { } packet) return packet;
        }
    }

    /// <summary>The sent packets nothing answered, oldest first; they wait no more.</summary>
    public List<PacketResponse> TakeUnanswered()
    {
        var rest = _waiting.ToList();
        _waiting.Clear();
        return rest;
    }

    /// <summary>Stops every capture at once and releases the devices.</summary>
    public void Dispose()
    {
        foreach (var capture in _captures) capture.Dispose();
        _captures.Clear();
    }
}
