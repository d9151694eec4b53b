using NetSock.Packets;
using SharpPcap;
using SharpPcap.LibPcap;

namespace NetSock.Capture;

/// <summary>Counters of a live capture: what libpcap saw, what the kernel's buffer and the interface dropped, what was delivered.</summary>
/// <param name="Received">libpcap's count of packets it saw (on lo each packet is seen twice: sent and received).</param>
public sealed record CaptureStatistics(string Interface, long Received, long KernelDropped, long InterfaceDropped, long Delivered);

/// <summary>
/// A live capture on one interface with libpcap, read on the caller's own thread: non-blocking pcap_next_ex, and poll()
/// for 20 ms when the buffer is empty (so a stop is seen at once). No capture thread, no queue between threads: what the
/// caller cannot take at once waits in the kernel's capture buffer (-BufferSize), whose drops libpcap counts exactly
/// (pcap_stats is read directly: SharpPcap's Statistics reported no drops where the kernel had dropped most packets).
/// (SharpPcap's own capture thread, with a queue, delivered only ~50–80 k packets/s here and lost the rest uncounted.)
/// </summary>
public sealed class LiveCapture : IDisposable
{
    private readonly LibPcapLiveDevice _device;

    private readonly string _name;
    private LinkType _linkType;
    private bool _cookedV2;
    private Dictionary<int, string>? _interfaceNames;
    private nint _handle;
    private int _fd = -1;
    private long _delivered;
    private bool _disposed;

    private LiveCapture(LibPcapLiveDevice device, string name)
    {
        _device = device;
        _name = name;
    }

    /// <summary>
    /// Opens <paramref name="interfaceName"/>, compiles <paramref name="filter"/> (BPF) and starts capturing.
    /// <paramref name="immediate"/> delivers each packet at once (send-and-receive); <paramref name="incomingOnly"/> keeps
    /// the packets this host sends out of the capture (PACKET_IGNORE_OUTGOING), as loopback always does.
    /// <paramref name="conversations"/>, when given, stamps each packet with its place in its TCP stream or echo exchange
    /// (Info's relative sequence numbers, scaled window, "request in N"), counting the packets from 1 as they are taken.
    /// </summary>
    public static LiveCapture Start(string interfaceName, string? filter, int snapLength = 262144, bool promiscuous = false,
        int bufferSize = 64 * 1024 * 1024, bool immediate = false, bool incomingOnly = false, ConversationTracker? conversations = null)
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
        var capture = new LiveCapture(device, interfaceName) { _conversations = conversations };
        try
        {
            device.Open(new DeviceConfiguration
            {
                Mode = promiscuous ? DeviceModes.Promiscuous : DeviceModes.None,
                Snaplen = snapLength,
                BufferSize = bufferSize,
                // Not immediate mode: there libpcap's read never times out, so pcap_next_ex would block with nothing
                // arriving. A 20 ms read timeout delivers packets within 20 ms and lets a stop be seen.
                Immediate = immediate,
                ReadTimeout = 20,
            });
        }
        catch (PcapException e)
        {
            device.Dispose();
            throw e.Message.Contains("ermission", StringComparison.Ordinal) || e.Message.Contains("not permitted", StringComparison.Ordinal)
                ? new NetSockException("CaptureNoPrivilege", NetSockErrorKind.PermissionDenied,
                    $"Capturing on {interfaceName} needs root or CAP_NET_RAW ({e.Message}). {Privilege.Advice(capture: true)}", interfaceName, e)
                : new NetSockException("CaptureOpenFailed", NetSockErrorKind.ResourceUnavailable, $"libpcap could not open {interfaceName}: {e.Message}", interfaceName, e);
        }
        capture._linkType = (LinkType)(int)device.LinkType;
        capture.UseLibpcapDirectly(incomingOnly || (device.Flags & 0x1) != 0);    // PCAP_IF_LOOPBACK
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

    private unsafe void UseLibpcapDirectly(bool incomingOnly)
    {
        if (!Libpcap.Available) return;
        _handle = _device.Handle.DangerousGetHandle();
        _fd = Libpcap.GetSelectableFd(_handle);
        byte* errbuf = stackalloc byte[256];
        if (_fd < 0 || Libpcap.SetNonBlock(_handle, 1, errbuf) != 0)
        {
            _handle = 0;    // then SharpPcap reads
            return;
        }
        // On loopback every packet passes twice, going out and coming in, and libpcap drops the outgoing copy after the
        // kernel queued it: PACKET_IGNORE_OUTGOING (Linux 4.20) keeps that copy out of the capture buffer, which then
        // holds twice as many packets. What is delivered is the same; where the kernel refuses, nothing changes.
        if (incomingOnly) Sockets.NativeSockets.SetOption(_fd, 263 /* SOL_PACKET */, 23 /* PACKET_IGNORE_OUTGOING */, 1);
        // On "any", the cooked header version 2 carries the interface index, which version 1 lacks: capture with it and
        // hand on version 1 (what tcpdump -i any records), the index turned into the packet's Interface.
        if (_linkType == LinkType.LinuxSll && Libpcap.SetDatalink != null && Libpcap.SetDatalink(_handle, (int)LinkType.LinuxSll2) == 0)
            _cookedV2 = true;
    }

    /// <summary>The next packet, waiting up to about <paramref name="milliseconds"/> (0: only one already queued); null when none came.</summary>
    public Packet? Take(int milliseconds, CancellationToken cancel)
    {
        long until = Environment.TickCount64 + milliseconds;
        while (true)
        {
            cancel.ThrowIfCancellationRequested();
            if (NextPacket((int)Math.Clamp(until - Environment.TickCount64, 0, 20)) is { } packet)
            {
                _delivered++;
                return packet;
            }
            if (Environment.TickCount64 >= until) return null;
        }
    }

    /// <summary>One pcap_next_ex: a packet, or null when none came within <paramref name="wait"/> milliseconds.</summary>
    private unsafe Packet? NextPacket(int wait)
    {
        if (_handle == 0)
        {
            // Where libpcap's own entry point is not found (Windows' Npcap), SharpPcap's wrapper reads.
            var status = _device.GetNextPacket(out PacketCapture e);
            if (status == GetPacketStatus.PacketRead)
                return Captured(e.Data.ToArray(), (long)e.Header.Timeval.Seconds, (long)e.Header.Timeval.MicroSeconds, (e.Header as PcapHeader)?.PacketLength ?? (uint)e.Data.Length);
            return status == GetPacketStatus.Error ? throw Failed(_device.LastError) : null;
        }
        // Non-blocking reads; poll() waits for the next packet only when the buffer is empty (libpcap's read timeout
        // on Linux starts only once a packet has come, so a blocking read could wait forever on a quiet interface).
        nint header, data;
        int rc = Libpcap.NextEx(_handle, &header, &data);
        if (rc == 0 && wait > 0 && Sockets.NativeSockets.Poll(_fd, Sockets.NativeSockets.PollIn, wait) > 0)
            rc = Libpcap.NextEx(_handle, &header, &data);
        if (rc == 1)
        {
            // struct pcap_pkthdr on LP64: struct timeval { long tv_sec; long tv_usec; }, bpf_u_int32 caplen, len.
            var h = (PcapPacketHeader*)header;
            return Captured(new ReadOnlySpan<byte>((void*)data, (int)h->CapturedLength).ToArray(), h->Seconds, h->Microseconds, h->Length);
        }
        return rc == 0 ? null : throw Failed(_device.LastError);
    }

    /// <summary>Follows the conversations of the capture for Info, when asked (Get-SniffedPacket; not send-and-receive, whose answers stand alone).</summary>
    private ConversationTracker? _conversations;

    private Packet Captured(byte[] bytes, long seconds, long micro, uint length)
    {
        string interfaceName = _name;
        if (_cookedV2 && bytes.Length >= 20)
        {
            interfaceName = InterfaceName(System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4)));
            bytes = CookedV1(bytes);
            length -= 4;
        }
        // The cooked header's packet type: 4 (PACKET_OUTGOING) went out; 0 to us, 1 broadcast, 2 multicast, 3 to another host came in.
        PacketDirection? direction = _linkType == LinkType.LinuxSll && bytes.Length >= 2
            ? bytes[1] == 4 && bytes[0] == 0 ? PacketDirection.Out : PacketDirection.In
            : null;
        var packet = Packet.Dissect(bytes, new CaptureInfo(seconds * 1_000_000_000 + micro * 1000, interfaceName, _linkType,
            (int)Math.Min(length, int.MaxValue), Direction: direction));
        _conversations?.Stamp(packet);
        return packet;
    }

    /// <summary>
    /// A Linux cooked header version 2 (protocol, reserved, interface index, ARPHRD type, packet type, address length,
    /// 8-byte address) rewritten as version 1 (packet type, ARPHRD type, address length, address, protocol).
    /// </summary>
    private static byte[] CookedV1(byte[] v2)
    {
        var v1 = new byte[v2.Length - 4];
        v1[1] = v2[10];                                   // packet type (16 bits in version 1)
        v2.AsSpan(8, 2).CopyTo(v1.AsSpan(2));             // ARPHRD type
        v1[5] = v2[11];                                   // address length (16 bits)
        v2.AsSpan(12, 8).CopyTo(v1.AsSpan(6));            // address
        v2.AsSpan(0, 2).CopyTo(v1.AsSpan(14));            // protocol
        v2.AsSpan(20).CopyTo(v1.AsSpan(16));
        return v1;
    }

    private string InterfaceName(int index)
    {
        _interfaceNames ??= new();
        if (_interfaceNames.TryGetValue(index, out string? name)) return name;
        Span<byte> buffer = stackalloc byte[16];      // IF_NAMESIZE
        name = IfIndexToName((uint)index, ref System.Runtime.InteropServices.MemoryMarshal.GetReference(buffer)) == 0
            ? $"if{index}"
            : System.Text.Encoding.ASCII.GetString(buffer[..Math.Max(0, buffer.IndexOf((byte)0))]);
        return _interfaceNames[index] = name;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "if_indextoname")]
    private static extern nint IfIndexToName(uint index, ref byte name);

    private NetSockException Failed(string? why) =>
        new("CaptureFailed", NetSockErrorKind.ResourceUnavailable, $"libpcap stopped capturing on {_name}: {why}", _name);

    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct PcapPacketHeader
    {
        public long Seconds;
        public long Microseconds;
        public uint CapturedLength;
        public uint Length;
    }

    /// <summary>libpcap's entry points called directly on 64-bit Linux (SharpPcap's GetNextPacket costs more per packet
    /// than the rest of a capture together); not available elsewhere.</summary>
    private static unsafe class Libpcap
    {
        public static readonly delegate* unmanaged<nint, nint*, nint*, int> NextEx;
        public static readonly delegate* unmanaged<nint, int, byte*, int> SetNonBlock;
        public static readonly delegate* unmanaged<nint, int> GetSelectableFd;
        public static readonly delegate* unmanaged<nint, uint*, int> Stats;
        public static readonly delegate* unmanaged<nint, int, int> SetDatalink;
        public static bool Available => NextEx is not null;

        static Libpcap()
        {
            if (!OperatingSystem.IsLinux() || !Environment.Is64BitProcess) return;
            foreach (string name in new[] { "libpcap.so.0.8", "libpcap.so.1", "libpcap.so" })
            {
                if (!System.Runtime.InteropServices.NativeLibrary.TryLoad(name, out nint lib)) continue;
                if (System.Runtime.InteropServices.NativeLibrary.TryGetExport(lib, "pcap_next_ex", out nint next) &&
                    System.Runtime.InteropServices.NativeLibrary.TryGetExport(lib, "pcap_setnonblock", out nint nonblock) &&
                    System.Runtime.InteropServices.NativeLibrary.TryGetExport(lib, "pcap_get_selectable_fd", out nint fd) &&
                    System.Runtime.InteropServices.NativeLibrary.TryGetExport(lib, "pcap_stats", out nint stats))
                {
                    NextEx = (delegate* unmanaged<nint, nint*, nint*, int>)next;
                    SetNonBlock = (delegate* unmanaged<nint, int, byte*, int>)nonblock;
                    GetSelectableFd = (delegate* unmanaged<nint, int>)fd;
                    Stats = (delegate* unmanaged<nint, uint*, int>)stats;
                    if (System.Runtime.InteropServices.NativeLibrary.TryGetExport(lib, "pcap_set_datalink", out nint datalink))
                        SetDatalink = (delegate* unmanaged<nint, int, int>)datalink;
                }
                return;
            }
        }
    }

    public unsafe CaptureStatistics Statistics
    {
        get
        {
            if (_disposed) return new CaptureStatistics(_name, 0, 0, 0, _delivered);
            if (_handle != 0)
            {
                // struct pcap_stat: u_int ps_recv, ps_drop, ps_ifdrop.
                uint* s = stackalloc uint[4];
                if (Libpcap.Stats(_handle, s) == 0) return new CaptureStatistics(_name, s[0], s[1], s[2], _delivered);
            }
            var stats = _device.Statistics;
            return new CaptureStatistics(_name, stats.ReceivedPackets, stats.DroppedPackets, stats.InterfaceDroppedPackets, _delivered);
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
