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

    /// <summary>The answer, as captured (on "any": a Linux cooked header first); null when none came in time.</summary>
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
/// Listens for answers while packets are sent: a capture on every interface ("any"), opened before the first send, in
/// immediate mode and without the host's own outgoing packets; each packet that arrives is matched with
/// <see cref="Replies.Answers"/> against the sent packets still waiting, the oldest first, and answers one of them.
/// </summary>
public sealed class ReplyCollector : IDisposable
{
    private readonly LiveCapture _capture;
    private readonly LinkedList<PacketResponse> _waiting = new();
    private long _number;

    private ReplyCollector(LiveCapture capture) => _capture = capture;

    /// <summary>Starts listening; replies to packets sent from now on are caught.</summary>
    public static ReplyCollector Start() =>
        new(LiveCapture.Start("any", null, 262144, false, 16 * 1024 * 1024, immediate: true, incomingOnly: true));

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
            var packet = _capture.Take(answered.Count > 0 ? 0 : left, cancel);
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

    /// <summary>The sent packets nothing answered, oldest first; they wait no more.</summary>
    public List<PacketResponse> TakeUnanswered()
    {
        var rest = _waiting.ToList();
        _waiting.Clear();
        return rest;
    }

    public void Dispose() => _capture.Dispose();
}
