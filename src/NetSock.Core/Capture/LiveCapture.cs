using NetSock.Packets;
using SharpPcap;
using SharpPcap.LibPcap;

namespace NetSock.Capture;

/// <summary>Counters of a live capture: what libpcap saw, what the kernel's buffer and the interface dropped, what was delivered.</summary>
/// <param name="Received">libpcap's count of packets it saw (on lo each packet is seen twice: sent and received).</param>
public sealed record CaptureStatistics(string Interface, long Received, long KernelDropped, long InterfaceDropped, long Delivered);

/// <summary>
/// A live capture on one interface with libpcap (SharpPcap), read on the caller's own thread with pcap_next_ex (a 20 ms
/// read timeout delivers packets promptly and lets a stop be seen at once): no capture thread, no queue between threads, and
/// what the caller cannot take at once waits in the kernel's capture buffer (-BufferSize), whose drops libpcap counts.
/// (SharpPcap's own capture thread, with a queue, delivered only ~50–80 k packets/s here and lost the rest uncounted.)
/// </summary>
public sealed class LiveCapture : IDisposable
{
    private readonly LibPcapLiveDevice _device;

    private readonly string _name;
    private LinkType _linkType;
    private long _delivered;
    private bool _disposed;

    private LiveCapture(LibPcapLiveDevice device, string name)
    {
        _device = device;
        _name = name;
    }

    /// <summary>Opens <paramref name="interfaceName"/>, compiles <paramref name="filter"/> (BPF) and starts capturing.</summary>
    public static LiveCapture Start(string interfaceName, string? filter, int snapLength = 262144, bool promiscuous = false,
        int bufferSize = 16 * 1024 * 1024)
    {
        LibPcapLiveDevice device;
        try
        {
            var devices = LibPcapLiveDeviceList.New();
            device = devices.FirstOrDefault(d => d.Name == interfaceName) ?? throw new NetSockException("CaptureInterfaceNotFound", NetSockErrorKind.NotFound,
                $"No capture interface is named '{interfaceName}'. The interfaces are: {string.Join(", ", devices.Select(d => d.Name))} (Get-CaptureInterface lists them).", interfaceName);
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException)
        {
            throw CaptureLibrary.Missing(e);
        }
        var capture = new LiveCapture(device, interfaceName);
        try
        {
            device.Open(new DeviceConfiguration
            {
                Mode = promiscuous ? DeviceModes.Promiscuous : DeviceModes.None,
                Snaplen = snapLength,
                BufferSize = bufferSize,
                // Not immediate mode: there libpcap's read never times out, so pcap_next_ex would block with nothing
                // arriving. A 20 ms read timeout delivers packets within 20 ms and lets a stop be seen.
                Immediate = false,
                ReadTimeout = 20,
            });
        }
        catch (PcapException e)
        {
            device.Dispose();
            throw e.Message.Contains("ermission", StringComparison.Ordinal) || e.Message.Contains("not permitted", StringComparison.Ordinal)
                ? new NetSockException("CaptureNoPrivilege", NetSockErrorKind.PermissionDenied,
                    $"Capturing on {interfaceName} needs root or CAP_NET_RAW ({e.Message}). Run pwsh as root (sudo), or give the program that runs it the capability: setcap cap_net_raw,cap_net_admin+ep {Environment.ProcessPath}.", interfaceName, e)
                : new NetSockException("CaptureOpenFailed", NetSockErrorKind.ResourceUnavailable, $"libpcap could not open {interfaceName}: {e.Message}", interfaceName, e);
        }
        capture._linkType = (LinkType)(int)device.LinkType;
        try
        {
            if (!string.IsNullOrWhiteSpace(filter)) device.Filter = filter;
        }
        catch (PcapException e)
        {
            device.Close();
            device.Dispose();
            throw new NetSockException("CaptureFilterInvalid", NetSockErrorKind.InvalidArgument,
                $"libpcap cannot compile the filter '{filter}': {e.Message.Trim()}. Write it as tcpdump would take it, e.g. 'udp port 53' or 'tcp and host 127.0.0.1'.", filter, e);
        }
        return capture;
    }

    /// <summary>The next packet, waiting up to about <paramref name="milliseconds"/> (in libpcap's 20 ms read timeouts); null when none came.</summary>
    public Packet? Take(int milliseconds, CancellationToken cancel)
    {
        long until = Environment.TickCount64 + milliseconds;
        while (true)
        {
            cancel.ThrowIfCancellationRequested();
            var status = _device.GetNextPacket(out PacketCapture e);
            if (status == GetPacketStatus.PacketRead)
            {
                var header = e.Header;
                var packet = Packet.Dissect(e.Data.ToArray(), _linkType);
                long seconds = (long)header.Timeval.Seconds, micro = (long)header.Timeval.MicroSeconds;
                packet.Timestamp = new DateTimeOffset(UnixEpochTicks + seconds * TimeSpan.TicksPerSecond + micro * 10 + LocalOffset.Ticks, LocalOffset);
                packet.TimestampNanoseconds = seconds * 1_000_000_000 + micro * 1000;
                packet.OriginalLength = (int)((header as PcapHeader)?.PacketLength ?? (uint)e.Data.Length);
                packet.Interface = _name;
                _delivered++;
                return packet;
            }
            if (status == GetPacketStatus.Error)
                throw new NetSockException("CaptureFailed", NetSockErrorKind.ResourceUnavailable, $"libpcap stopped capturing on {_name}: {_device.LastError}", _name);
            if (Environment.TickCount64 >= until) return null;
        }
    }

    private static readonly long UnixEpochTicks = DateTime.UnixEpoch.Ticks;
    private static readonly TimeSpan LocalOffset = TimeZoneInfo.Local.BaseUtcOffset;

    public CaptureStatistics Statistics
    {
        get
        {
            var s = _disposed ? null : _device.Statistics;
            return new CaptureStatistics(_name, s?.ReceivedPackets ?? 0, s?.DroppedPackets ?? 0, s?.InterfaceDroppedPackets ?? 0, _delivered);
        }
    }

    /// <summary>Stops the capture and releases the device at once.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _device.Close();
        _device.Dispose();
    }
}
