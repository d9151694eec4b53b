using System.Net;
using NetSock.Packets;
using SharpPcap;
using SharpPcap.LibPcap;

namespace NetSock.Capture;

/// <summary>An interface libpcap can capture on (Scapy's get_if_list() / conf.iface, tcpdump -D).</summary>
public sealed record CaptureInterface(
    string Name,
    string? Description,
    IPAddress[] Addresses,
    MacAddress? MacAddress,
    bool IsUp,
    bool IsRunning,
    bool IsLoopback,
    LinkType? LinkType)
{
    /// <summary>The interfaces libpcap sees, in its order. Link types are read by opening each device, which needs privilege; without it they are null.</summary>
    public static IReadOnlyList<CaptureInterface> List()
    {
        try
        {
            return LibPcapLiveDeviceList.New().Select(Describe).ToList();
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException)
        {
            throw CaptureLibrary.Missing(e);
        }
    }

    /// <summary>Scapy's conf.iface: the first interface that is up, running and not loopback; else loopback.</summary>
    public static CaptureInterface Default(IReadOnlyList<CaptureInterface> all) =>
        all.FirstOrDefault(i => i.IsUp && i.IsRunning && !i.IsLoopback && i.Name != "any" && i.Addresses.Length > 0)
        ?? all.FirstOrDefault(i => i.IsLoopback)
        ?? throw new NetSockException("CaptureInterfaceNone", NetSockErrorKind.NotFound, "libpcap sees no interface to capture on.");

    private static CaptureInterface Describe(LibPcapLiveDevice device)
    {
        var nic = device.Interface!;     // every listed device has its interface record
        const uint Loopback = 0x1, Up = 0x2, Running = 0x4;
        byte[]? mac = nic.MacAddress?.GetAddressBytes();
        return new CaptureInterface(
            nic.Name,
            string.IsNullOrEmpty(nic.Description) ? null : nic.Description,
            nic.Addresses.Select(a => a.Addr?.ipAddress).OfType<IPAddress>().ToArray(),
            mac is { Length: 6 } ? Packets.MacAddress.Read(mac) : null,
            (nic.Flags & Up) != 0,
            (nic.Flags & Running) != 0,
            (nic.Flags & Loopback) != 0,
            LinkTypeOf(device));
    }

    private static LinkType? LinkTypeOf(LibPcapLiveDevice device)
    {
        if (!Privilege.IsRoot) return null;
        try
        {
            device.Open(new DeviceConfiguration { Mode = DeviceModes.None, ReadTimeout = 1 });
            try { return (LinkType)(int)device.LinkType; }
            finally { device.Close(); }
        }
        catch (PcapException)
        {
            return null;
        }
    }

    public override string ToString() => Name;
}
