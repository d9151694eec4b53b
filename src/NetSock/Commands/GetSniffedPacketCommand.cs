using System.Management.Automation;
using NetSock.Capture;
using NetSock.Packets;

namespace NetSock.Commands;

/// <summary>
/// Scapy's sniff(), tcpdump's job: captures packets on an interface with a BPF filter and streams them out as they
/// arrive, decoded lazily, until -Count packets or -Timeout seconds or Ctrl+C / Select-Object -First; the device is
/// released at once, and the kernel's and interface's counters are reported. Reads capture files too (-Path, or a
/// file's path given where the interface goes), as Import-Pcap does.
/// </summary>
[Cmdlet(VerbsCommon.Get, "SniffedPacket", DefaultParameterSetName = LiveSet)]
[OutputType(typeof(Packet), typeof(CaptureStatistics))]
public sealed class GetSniffedPacketCommand : CaptureFileCmdlet
{
    private const string LiveSet = "Live";
    private const string FileSet = "File";

    private LiveCapture? _capture;

    /// <summary>
    /// The interface to capture on (tab completes); default: the first up, non-loopback one, as Scapy's conf.iface.
    /// A capture file's path given here, where no interface has that name, is read as -Path reads it.
    /// </summary>
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
            WriteCaptureFiles(Path!, literal: false, Filter, Count, AbsoluteSequenceNumbers);
            return;
        }
        try
        {
            string name = Interface ?? CaptureInterface.Default(CaptureInterface.List()).Name;
            if (!StartCapture(name)) return;
            WriteVerbose($"Capturing on {name}{(Filter is null ? "" : $" with filter '{Filter}'")}.");
            long deadline = Timeout > 0 ? Environment.TickCount64 + (long)(Timeout * 1000) : long.MaxValue;
            long number = 0;
            while ((Count == 0 || number < Count) && Environment.TickCount64 < deadline)
            {
                Packet? packet;
                try
                {
                    packet = _capture!.Take((int)Math.Clamp(deadline - Environment.TickCount64, 1, 100), StopToken);
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

    /// <summary>
    /// Opens the capture on <paramref name="name"/>; when no interface has that name but it is a capture file's path
    /// (tcpdump -r's habit), reads the file instead and returns false.
    /// </summary>
    private bool StartCapture(string name)
    {
        NetSockException notFound;
        try
        {
            _capture = LiveCapture.Start(name, Filter, SnapLength, Promiscuous, BufferSize, conversations: new ConversationTracker(AbsoluteSequenceNumbers));
            return true;
        }
        catch (NetSockException e) when (e.ErrorId == "CaptureInterfaceNotFound" && Interface is not null)
        {
            notFound = e;
        }
        if (!NamesFiles(name))
            throw new NetSockException(notFound.ErrorId, notFound.Kind, $"{notFound.Message} To read a capture file, give its path to -Path (no file '{name}' exists either).", notFound.Target, notFound);
        WriteVerbose($"No interface is named '{name}'; reading it as a capture file.");
        WriteCaptureFiles(new[] { name }, literal: false, Filter, Count, AbsoluteSequenceNumbers);
        return false;
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

    // The device is released however the command ends: count reached, timeout, Ctrl+C, Select-Object -First, an error.
    protected override void Release()
    {
        _capture?.Dispose();
        _capture = null;
    }
}
