using System.Management.Automation;
using NetSock.Capture;
using NetSock.Packets;

namespace NetSock.Commands;

/// <summary>
/// Scapy's sniff(), tcpdump's job: captures packets on an interface with a BPF filter and streams them out as they
/// arrive, decoded lazily, until -Count packets or -Timeout seconds or Ctrl+C / Select-Object -First; the device is
/// released at once, and the kernel's and interface's counters are reported.
/// </summary>
[Cmdlet(VerbsCommon.Get, "SniffedPacket", DefaultParameterSetName = LiveSet)]
[OutputType(typeof(Packet), typeof(CaptureStatistics))]
public sealed class GetSniffedPacketCommand : NetSockCmdlet
{
    private const string LiveSet = "Live";
    private const string FileSet = "File";

    private readonly CancellationTokenSource _stop = new();
    private LiveCapture? _capture;

    /// <summary>The interface to capture on (tab completes); default: the first up, non-loopback one, as Scapy's conf.iface.</summary>
    [Parameter(Position = 0, ParameterSetName = LiveSet)]
    [ArgumentCompleter(typeof(InterfaceCompleter))]
    [Alias("iface")]
    public string? Interface { get; set; }

    /// <summary>pcap or pcapng files to read instead of an interface (rdpcap, tcpdump -r); wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = FileSet, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [SupportsWildcards]
    public string[]? Path { get; set; }

    /// <summary>A BPF filter as tcpdump takes it ('udp port 53', 'tcp and host 127.0.0.1'), compiled by libpcap.</summary>
    [Parameter]
    public string? Filter { get; set; }

    /// <summary>Stops after this many packets (0: no limit).</summary>
    [Parameter]
    [ValidateRange(0, long.MaxValue)]
    public long Count { get; set; }

    /// <summary>Stops after this many seconds (0: no limit).</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public double Timeout { get; set; }

    /// <summary>Puts the interface in promiscuous mode.</summary>
    [Parameter(ParameterSetName = LiveSet)]
    public SwitchParameter Promiscuous { get; set; }

    /// <summary>Bytes kept of each packet (tcpdump -s).</summary>
    [Parameter(ParameterSetName = LiveSet)]
    [ValidateRange(64, 262144)]
    public int SnapLength { get; set; } = 262144;

    /// <summary>The kernel's capture buffer, in bytes (tcpdump -B, in KiB there); 64 MiB by default, so bursts wait rather than drop.</summary>
    [Parameter(ParameterSetName = LiveSet)]
    [ValidateRange(65536, int.MaxValue)]
    public int BufferSize { get; set; } = 64 * 1024 * 1024;

    /// <summary>
    /// Shows TCP sequence and acknowledgment numbers in Info as they are on the wire, not relative to each stream's
    /// first (tshark -o tcp.relative_sequence_numbers:FALSE).
    /// </summary>
    [Parameter]
    public SwitchParameter AbsoluteSequenceNumbers { get; set; }

    /// <summary>Emits a statistics object (received, dropped by the kernel and the interface, delivered) after the packets.</summary>
    [Parameter]
    public SwitchParameter Statistics { get; set; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == FileSet)
        {
            ReadFiles();
            return;
        }
        try
        {
            string name = Interface ?? CaptureInterface.Default(CaptureInterface.List()).Name;
            _capture = LiveCapture.Start(name, Filter, SnapLength, Promiscuous, BufferSize, conversations: new ConversationTracker(AbsoluteSequenceNumbers));
            WriteVerbose($"Capturing on {name}{(Filter is null ? "" : $" with filter '{Filter}'")}.");
            long deadline = Timeout > 0 ? Environment.TickCount64 + (long)(Timeout * 1000) : long.MaxValue;
            long number = 0;
            while ((Count == 0 || number < Count) && Environment.TickCount64 < deadline)
            {
                Packet? packet;
                try
                {
                    packet = _capture.Take((int)Math.Clamp(deadline - Environment.TickCount64, 1, 100), _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    throw new PipelineStoppedException();
                }
                if (packet is null) continue;
                packet.Number = ++number;
                WriteObject(packet);
            }
            Finish();
        }
        catch (NetSockException e)
        {
            ThrowNetSockError(e);
        }
    }

    private long _emitted;

    private void ReadFiles()
    {
        foreach (string pattern in Path!)
        {
            IEnumerable<string> files;
            try
            {
                files = SessionState.Path.GetResolvedProviderPathFromPSPath(pattern, out _);
            }
            catch (ItemNotFoundException)
            {
                WriteNetSockError(new NetSockException("CaptureFileNotFound", NetSockErrorKind.NotFound, $"No capture file matches '{pattern}'.", pattern));
                continue;
            }
            foreach (string file in files)
            {
                // Written in batches of 64: PowerShell's per-call cost of WriteObject is paid once per batch, and the
                // packets still stream; the good packets before damage come out before the error about the file.
                try
                {
                    foreach (var batch in CaptureFiles.ReadBatches(file, Filter, 64, AbsoluteSequenceNumbers))
                    {
                        long left = Count > 0 ? Count - _emitted : long.MaxValue;
                        var part = batch.Length <= left ? batch : batch[..(int)left];
                        _emitted += part.Length;
                        WriteObject(part, enumerateCollection: true);
                        if (_emitted == Count) return;
                    }
                }
                catch (NetSockException e) when (e.ErrorId == "CaptureFilterInvalid")
                {
                    ThrowNetSockError(e);
                }
                catch (NetSockException e)
                {
                    WriteNetSockError(e);      // a damaged file: its good packets came out; go on with the next file
                }
            }
        }
    }

    private void Finish()
    {
        var stats = _capture!.Statistics;
        Release();
        WriteVerbose($"{stats.Interface}: {stats.Received} received, {stats.KernelDropped} dropped by the kernel, {stats.InterfaceDropped} by the interface; {stats.Delivered} delivered.");
        if (stats.KernelDropped > 0)
            WriteWarning($"The kernel dropped {stats.KernelDropped} packets because the pipeline did not keep up with the capture: a larger -BufferSize or a narrower -Filter helps.");
        if (Statistics) WriteObject(stats);
    }

    protected override void StopProcessing() => _stop.Cancel();

    // The device is released however the command ends: count reached, timeout, Ctrl+C, Select-Object -First, an error.
    protected override void Release()
    {
        _capture?.Dispose();
        _capture = null;
    }
}
