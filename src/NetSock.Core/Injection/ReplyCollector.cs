using System.Collections.Concurrent;
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
/// a probe whose interface is not known is listened for on "any" (Linux cooked frames). Each capture has a thread that
/// hands what arrives to the caller's thread through a bounded queue; each packet is matched with
/// <see cref="Replies.Answers"/> against the sent packets still waiting, the oldest first, and answers one of them.
/// </summary>
public sealed class ReplyCollector : IDisposable
{
    /// <summary>The pseudo-interface of libpcap that captures on every interface.</summary>
    public const string AnyInterface = "any";

    private readonly List<(LiveCapture Capture, Thread Pump)> _captures = new();
    private readonly HashSet<string> _listening = new(StringComparer.Ordinal);
    private readonly BlockingCollection<Packet> _arrived = new(new ConcurrentQueue<Packet>(), 65_536);
    private readonly CancellationTokenSource _stop = new();
    private readonly LinkedList<PacketResponse> _waiting = new();
    private volatile NetSockException? _failure;
    private long _number;
    private bool _disposed;

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
    public IReadOnlyCollection<string> Interfaces => _listening;

    /// <summary>
    /// Listens on <paramref name="interfaceName"/> too (null: on "any"), unless it already does: call it before sending
    /// a packet that leaves by that interface, so its answer cannot come before the capture is there.
    /// </summary>
    public void ListenOn(string? interfaceName)
    {
        string name = interfaceName ?? AnyInterface;
        if (_listening.Contains(name) || _listening.Contains(AnyInterface)) return;
        var capture = LiveCapture.Start(name, null, 262144, false, 16 * 1024 * 1024, immediate: true, incomingOnly: true);
        var pump = new Thread(() => Pump(capture)) { IsBackground = true, Name = $"NetSock answers on {name}" };
        _captures.Add((capture, pump));
        _listening.Add(name);
        pump.Start();
    }

    private void Pump(LiveCapture capture)
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                if (capture.Take(100, _stop.Token) is { } packet) _arrived.TryAdd(packet);     // a full queue drops: nobody reads it
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (NetSockException e)
        {
            _failure ??= e;
        }
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
            if (!_arrived.TryTake(out var packet, answered.Count > 0 ? 0 : left, cancel))
            {
                if (_failure is { } failure) throw failure;
                break;
            }
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

    /// <summary>The sent packets nothing answered, oldest first; they wait no more.</summary>
    public List<PacketResponse> TakeUnanswered()
    {
        var rest = _waiting.ToList();
        _waiting.Clear();
        return rest;
    }

    /// <summary>Stops every capture at once (their threads end within one read of 20 ms) and releases the devices.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _stop.Cancel();
        foreach (var (capture, pump) in _captures)
        {
            pump.Join();
            capture.Dispose();
        }
        _captures.Clear();
        _arrived.Dispose();
        _stop.Dispose();
    }
}
