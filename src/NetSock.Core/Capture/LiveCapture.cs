using System.Collections.Concurrent;
using NetSock.Packets;
using SharpPcap;
using SharpPcap.LibPcap;

namespace NetSock.Capture;

/// <summary>Counters of a live capture: what the kernel and the interface saw and dropped, and what NetSock's queue dropped.</summary>
/// <param name="Received">libpcap's count of packets it saw (on lo each packet is seen twice: sent and received).</param>
/// <param name="Undelivered">Packets already captured but still queued when the capture ended (by -Count, -Timeout or a stop).</param>
public sealed record CaptureStatistics(string Interface, long Received, long KernelDropped, long InterfaceDropped, long QueueDropped, long Delivered, long Undelivered);

/// <summary>
/// A live capture on one interface with libpcap (SharpPcap) in immediate mode. Packets arrive on SharpPcap's thread and
/// are copied into a bounded queue that the caller drains on its own thread; what the full queue turns away is counted.
/// </summary>
public sealed class LiveCapture : IDisposable
{
    private readonly LibPcapLiveDevice _device;
    private readonly BlockingCollection<(byte[] Data, long Seconds, long Microseconds, int Length, LinkType LinkType)> _queue;
    private long _undelivered;
    private readonly string _name;
    private long _queueDropped;
    private long _delivered;
    private bool _disposed;

    private LiveCapture(LibPcapLiveDevice device, string name, int queueCapacity)
    {
        _device = device;
        _name = name;
        _queue = new(queueCapacity);
    }

    /// <summary>Opens <paramref name="interfaceName"/>, compiles <paramref name="filter"/> (BPF) and starts capturing.</summary>
    public static LiveCapture Start(string interfaceName, string? filter, int snapLength = 262144, bool promiscuous = false,
        int bufferSize = 16 * 1024 * 1024, int queueCapacity = 200_000)
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
        var capture = new LiveCapture(device, interfaceName, queueCapacity);
        try
        {
            device.Open(new DeviceConfiguration
            {
                Mode = promiscuous ? DeviceModes.Promiscuous : DeviceModes.None,
                Snaplen = snapLength,
                BufferSize = bufferSize,
                Immediate = true,
                ReadTimeout = 100,
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
        device.OnPacketArrival += capture.Arrived;
        device.StartCapture();
        return capture;
    }

    private void Arrived(object sender, PacketCapture e)
    {
        // The capture is valid only inside this callback, on SharpPcap's thread: copy the bytes and the header's
        // fields, queue them, never block; the packet object is made on the consumer's thread.
        var header = e.Header;
        var frame = (e.Data.ToArray(), (long)header.Timeval.Seconds, (long)header.Timeval.MicroSeconds, (int)((header as PcapHeader)?.PacketLength ?? (uint)e.Data.Length), (LinkType)(int)e.Device.LinkType);
        if (!_queue.TryAdd(frame)) Interlocked.Increment(ref _queueDropped);
    }

    /// <summary>The next packet, waiting up to <paramref name="milliseconds"/>; null when none came.</summary>
    public Packet? Take(int milliseconds, CancellationToken cancel)
    {
        if (!_queue.TryTake(out var frame, milliseconds, cancel)) return null;
        _delivered++;
        var packet = Packet.Dissect(frame.Data, frame.LinkType);
        long ticks = frame.Seconds * TimeSpan.TicksPerSecond + frame.Microseconds * 10;
        packet.Timestamp = new DateTimeOffset(UnixEpochTicks + ticks + LocalOffset.Ticks, LocalOffset);
        packet.TimestampNanoseconds = frame.Seconds * 1_000_000_000 + frame.Microseconds * 1000;
        packet.OriginalLength = frame.Length;
        packet.Interface = _name;
        return packet;
    }

    private static readonly long UnixEpochTicks = DateTime.UnixEpoch.Ticks;
    private static readonly TimeSpan LocalOffset = TimeZoneInfo.Local.BaseUtcOffset;

    public CaptureStatistics Statistics
    {
        get
        {
            var s = _disposed ? null : _device.Statistics;
            long undelivered = _disposed ? _undelivered : _queue.Count;
            return new CaptureStatistics(_name, s?.ReceivedPackets ?? 0, s?.DroppedPackets ?? 0, s?.InterfaceDroppedPackets ?? 0, Interlocked.Read(ref _queueDropped), _delivered, undelivered);
        }
    }

    /// <summary>Stops the capture and releases the device at once.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _device.OnPacketArrival -= Arrived;
        try { _device.StopCapture(); } catch (PcapException) { }
        _undelivered = _queue.Count;
        _device.Close();
        _device.Dispose();
        _queue.Dispose();
    }
}
