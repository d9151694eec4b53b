using System.Runtime.InteropServices;

namespace NetSock;

/// <summary>Whether this process runs with the privilege raw sockets, injection and capture need.</summary>
public static partial class Privilege
{
    /// <summary>True when the effective user is root (Linux and macOS).</summary>
    public static bool IsRoot => !OperatingSystem.IsWindows() && geteuid() == 0;

    /// <summary>
    /// What to do about a missing privilege, narrowest first: sudo for the one command, or the capability for one shell
    /// (an ambient capability, inherited by what that shell starts and by nothing else). Not setcap on the dotnet host,
    /// which would give raw sockets to every .NET program on the machine.
    /// </summary>
    public static string Advice(bool capture = false)
    {
        string caps = capture ? "+net_raw,+net_admin" : "+net_raw";
        return "Run the one command as root (sudo dotnet pwsh -c '...'), or give only one shell the capability, staying yourself: " +
               $"sudo setpriv --reuid=\"$(id -u)\" --regid=\"$(id -g)\" --init-groups --inh-caps={caps} --ambient-caps={caps} -- dotnet pwsh " +
               "(what that shell starts inherits it; nothing else does). Avoid setcap on the dotnet host: it would give raw sockets to every .NET program on the machine.";
    }

    [LibraryImport("libc")]
    private static partial uint geteuid();
}
