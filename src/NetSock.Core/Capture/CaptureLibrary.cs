namespace NetSock.Capture;

/// <summary>The packet-capture library (libpcap, Npcap) that SharpPcap finds at run time.</summary>
public static class CaptureLibrary
{
    /// <summary>libpcap's own version string; a clear error naming the package to install when it is missing.</summary>
    public static string Version
    {
        get
        {
            try
            {
                return SharpPcap.Pcap.Version;
            }
            catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException)
            {
                throw Missing(e);
            }
        }
    }

    internal static NetSockException Missing(Exception e) => new("CaptureLibraryMissing", NetSockErrorKind.NotSupported,
        OperatingSystem.IsWindows()
            ? "Packet capture needs Npcap, which was not found. Install Npcap (with WinPcap API compatibility)."
            : "Packet capture needs libpcap (libpcap.so.0.8 or libpcap.so.1), which was not found. On Debian or Ubuntu: sudo apt-get install libpcap0.8",
        null, e);
}
