using System.Runtime.InteropServices;

namespace NetSock;

/// <summary>Whether this process runs with the privilege raw sockets, injection and capture need.</summary>
public static partial class Privilege
{
    /// <summary>True when the effective user is root (Linux and macOS).</summary>
    public static bool IsRoot => !OperatingSystem.IsWindows() && geteuid() == 0;

    [LibraryImport("libc")]
    private static partial uint geteuid();
}
