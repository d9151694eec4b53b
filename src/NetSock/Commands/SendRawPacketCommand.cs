using System.Diagnostics;
using System.Management.Automation;
using NetSock.Injection;
using NetSock.Packets;

namespace NetSock.Commands;

/// <summary>
/// Scapy's send()/sendp(), sr()/sr1() and srloop(): sends crafted packets at layer 3 (a packet that starts with IPv4 or
/// IPv6: the kernel routes and frames it) or at layer 2 (one that starts with Ethernet, or any with -Interface), streams
/// pipeline input, and with -Receive matches the answers that come back to what was sent.
/// </summary>
[Cmdlet(VerbsCommunications.Send, "RawPacket", SupportsShouldProcess = true)]
[OutputType(typeof(Packet), typeof(PacketResponse))]
public sealed class SendRawPacketCommand : BlockingCmdlet
{
    private const int ProgressId = 0x5E4D;

    private readonly RawSender _sender = new();
    private readonly List<PreparedPacket> _looped = new();
    private readonly Stopwatch _progressClock = Stopwatch.StartNew();
    private ReplyCollector? _replies;
    private long _sent, _answered;
    private bool _progressShown, _firstAnswered;
    private List<PacketResponse>? _roundAnswers;

    /// <summary>The packets to send (New-Packet, ConvertTo-Packet, Get-SniffedPacket), streamed from the pipeline.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    [Alias("Packet")]
    public Packet[]? InputObject { get; set; }

    /// <summary>Sends at layer 2 on this interface (sendp's iface); a packet that starts with IP gets an Ethernet header under it.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(InterfaceCompleter))]
    [Alias("iface")]
    public string? Interface { get; set; }

    /// <summary>Copies of each packet to send; with -Loop, the number of rounds.</summary>
    [Parameter]
    [ValidateRange(1, long.MaxValue)]
    public long Count { get; set; } = 1;

    /// <summary>Seconds between two sends (fractions allowed: 0.01 is 10 ms), as Scapy's inter and -Timeout count.</summary>
    [Parameter]
    [ValidateRange(0, 86_400)]
    [Alias("inter")]
    public double Interval { get; set; }

    /// <summary>Sends the packets again and again until Ctrl+C (or -Count rounds); with -Receive, Scapy's srloop.</summary>
    [Parameter]
    public SwitchParameter Loop { get; set; }

    /// <summary>
    /// Sends each IP packet in fragments that carry at most this many bytes of its IP payload (rounded up to a multiple of
    /// 8), as Scapy's send(fragment(p, fragsize=N)); the receiver puts them together again.
    /// </summary>
    [Parameter]
    [ValidateRange(8, 65528)]
    [Alias("fragsize")]
    public int FragmentSize { get; set; }

    /// <summary>Emits each packet as it was sent: auto fields filled, Timestamp the time it went out, Interface where.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>Listens for answers and emits sent/received pairs with the round-trip time, then the unanswered ones (sr).</summary>
    [Parameter]
    [Alias("sr")]
    public SwitchParameter Receive { get; set; }

    /// <summary>Scapy's sr1(): listens as -Receive does and writes the first answer itself (the received packet), then ends.</summary>
    [Parameter]
    [Alias("sr1")]
    public SwitchParameter First { get; set; }

    private bool TimeoutGiven => MyInvocation.BoundParameters.ContainsKey(nameof(Timeout));

    /// <summary>With -Receive, how long to wait for answers after the last send: -Timeout, 2 seconds unless given, 0 without limit.</summary>
    private long AnswerWaitMilliseconds => TimeoutGiven && Timeout == 0 ? long.MaxValue / 4 : (long)((TimeoutGiven ? Timeout : 2) * 1000);

    protected override void BeginProcessing()
    {
        if (Receive || First) Listen(() => _replies = ReplyCollector.Start());     // before the first send, so no answer comes too early
    }

    protected override void ProcessRecord() => Stoppable(() =>
    {
        foreach (var packet in InputObject!)
        {
            if (_firstAnswered) return;      // sr1: answered; nothing more goes out
            var prepared = Prepare(packet);
            if (prepared is null || !ShouldProcess(prepared.Describe(Loop ? 1 : Count), "Send")) continue;
            if (_replies is not null) Listen(() => _replies.ListenOn(prepared.Interface));
            if (Loop) _looped.Add(prepared);
            else SendCopies(prepared, Count);
        }
    });

    protected override void EndProcessing() => Stoppable(() =>
    {
        if (Loop) RunLoop();
        if (_replies is not null)
        {
            AwaitAnswers();
            foreach (var unanswered in _replies.TakeUnanswered())
                if (!First) WriteObject(unanswered);
        }
        CompleteProgress();
        WriteVerbose(_replies is not null ? $"Sent {_sent} packets, received {_answered} answers." : $"Sent {_sent} packets.");
    });

    /// <summary>Opens a capture for the answers; failing to is terminating (nothing could be matched).</summary>
    private void Listen(Action open)
    {
        try
        {
            open();
        }
        catch (NetSockException e) when (e.Kind == NetSockErrorKind.PermissionDenied)
        {
            ThrowNetSockError(new NetSockException("RawPacketNoPrivilege", NetSockErrorKind.PermissionDenied,
                $"Sending raw packets and listening for their answers needs root or CAP_NET_RAW ({e.Message})", null, e));
        }
        catch (NetSockException e)
        {
            ThrowNetSockError(e);
        }
    }

    private PreparedPacket? Prepare(Packet packet)
    {
        try
        {
            return RawSender.Prepare(packet, Interface, FragmentSize > 0 ? FragmentSize : null);
        }
        catch (NetSockException e)
        {
            WriteNetSockError(e);
            return null;
        }
    }

    /// <summary>Sends <paramref name="count"/> copies; plain floods go out in batches (sendmmsg), the rest one by one.</summary>
    private void SendCopies(PreparedPacket prepared, long count)
    {
        try
        {
            if (count > 1 && Interval == 0 && !PassThru && _replies is null)
            {
                for (long left = count; left > 0;)
                {
                    long chunk = Math.Min(left, 65_536);
                    _sent += Wait(() => _sender.SendRepeated(prepared, chunk, StopToken));
                    left -= chunk;
                    Progress(count);
                }
                return;
            }
            for (long i = 0; i < count && !_firstAnswered; i++)
            {
                if (_sent > 0) Pause(Interval * 1000);
                SendOne(prepared);
                Progress(count);
            }
        }
        catch (NetSockException e) when (e.ErrorId != "RawPacketNoPrivilege")
        {
            WriteNetSockError(e);      // this packet cannot go; the next one may
        }
        catch (NetSockException e)
        {
            ThrowNetSockError(e);
        }
    }

    private void SendOne(PreparedPacket prepared)
    {
        var time = _sender.Send(prepared);
        _sent++;
        if (PassThru)
        {
            // What went on the wire: the packet, or its fragments (they share its number).
            foreach (var frame in prepared.Fragments ?? new[] { prepared })
            {
                WriteObject(NetSock.Packets.Packet.Dissect(frame.Bytes,
                    new NetSock.Packets.CaptureInfo(NetSock.Packets.UnixTime.ToNanoseconds(time), frame.Interface, frame.Packet.LinkType, Number: _sent)));
            }
        }
        if (_replies is not null)
        {
            _replies.Expect(prepared.Packet, time);
            EmitAnswers(_replies.Collect(0, StopToken));
        }
    }

    /// <summary>-Loop: every round sends each packet once; with -Receive each round waits for its answers and says how it went (srloop).</summary>
    private void RunLoop()
    {
        long rounds = MyInvocation.BoundParameters.ContainsKey(nameof(Count)) ? Count : long.MaxValue;
        double pause = Interval > 0 || _replies is null ? Interval * 1000 : 1000;     // srloop's inter defaults to 1 s
        if (_replies is null && _looped.Count == 1 && Interval == 0 && !PassThru)
        {
            SendCopies(_looped[0], rounds);       // a flood until Ctrl+C: batches
            return;
        }
        for (long round = 1; round <= rounds && _looped.Count > 0 && !_firstAnswered; round++)
        {
            if (round > 1) Pause(pause);
            _roundAnswers = new List<PacketResponse>();
            foreach (var prepared in _looped)
            {
                SendCopies(prepared, 1);
                if (_replies is null && prepared != _looped[^1]) Pause(Interval * 1000);
            }
            if (_replies is null) continue;
            AwaitAnswers();
            var unanswered = _replies.TakeUnanswered();
            if (First) continue;
            // As srloop prints a round: "RECV n:" and the n answers' summaries, "fail n:" and the n packets nothing answered.
            WriteRound("RECV", _roundAnswers.Select(a => a.Received!.Summary).ToList());
            WriteRound("fail", unanswered.Select(u => u.Sent.Summary).ToList());
            foreach (var miss in unanswered) WriteObject(miss);
        }
        _roundAnswers = null;
        if (_replies is not null && !First)
            WriteHost($"Sent {_sent} packets, received {_answered} packets. {(_sent == 0 ? 0 : 100.0 * _answered / _sent).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)}% hits.");
    }

    /// <summary>One srloop line: "RECV 2: first summary", the others below it, aligned.</summary>
    private void WriteRound(string label, List<string> summaries)
    {
        if (summaries.Count == 0) return;
        string head = $"{label} {summaries.Count}:";
        WriteHost(string.Join(Environment.NewLine, summaries.Select((line, i) => (i == 0 ? head : new string(' ', head.Length)) + " " + line)));
    }

    /// <summary>Emits the answers that come within the answer wait (-Timeout), until nothing sent waits any more.</summary>
    private void AwaitAnswers()
    {
        long deadline = Environment.TickCount64 + AnswerWaitMilliseconds;
        while (_replies!.Waiting > 0 && !_firstAnswered && Environment.TickCount64 < deadline)
            EmitAnswers(_replies.Collect((int)Math.Min(int.MaxValue, deadline - Environment.TickCount64), StopToken));
    }

    private void EmitAnswers(List<PacketResponse> answers)
    {
        foreach (var answer in answers)
        {
            if (_firstAnswered) return;
            _answered++;
            _roundAnswers?.Add(answer);
            if (First)
            {
                _firstAnswered = true;       // sr1: the answer itself, and nothing more is awaited
                WriteObject(answer.Received);
                return;
            }
            WriteObject(answer);
        }
    }

    /// <summary>Waits <paramref name="milliseconds"/> (fractions: spun), collecting answers meanwhile; a stop ends it at once.</summary>
    private void Pause(double milliseconds)
    {
        if (milliseconds <= 0) return;
        long until = Stopwatch.GetTimestamp() + (long)(milliseconds * Stopwatch.Frequency / 1000);
        while (true)
        {
            long left = (until - Stopwatch.GetTimestamp()) * 1000 / Stopwatch.Frequency;
            if (left <= 1) break;
            if (_replies is not null) EmitAnswers(Wait(() => _replies.Collect((int)left - 1, StopToken)));
            else if (StopToken.WaitHandle.WaitOne((int)left - 1)) throw new PipelineStoppedException();
        }
        while (Stopwatch.GetTimestamp() < until) Thread.SpinWait(20);
    }

    private void WriteHost(string line) =>
        WriteInformation(new HostInformationMessage { Message = line }, new[] { "PSHOST", "NetSock" });

    /// <summary>Write-Progress at most four times a second, once a send has gone on for a second.</summary>
    private void Progress(long total)
    {
        if (_progressClock.ElapsedMilliseconds < 250 || (!_progressShown && _sent < 1000)) return;
        _progressClock.Restart();
        _progressShown = true;
        bool known = !Loop && total > 1;
        WriteProgress(new ProgressRecord(ProgressId, "Send-RawPacket", known ? $"{_sent:N0} of {total:N0} packets sent" : $"{_sent:N0} packets sent")
        {
            PercentComplete = known ? (int)Math.Min(100, _sent * 100 / total) : -1,
        });
    }

    private void CompleteProgress()
    {
        if (_progressShown) WriteProgress(new ProgressRecord(ProgressId, "Send-RawPacket", "Done") { RecordType = ProgressRecordType.Completed });
    }

    protected override void Release()
    {
        _replies?.Dispose();
        _replies = null;
        _sender.Dispose();
        base.Release();
    }
}
