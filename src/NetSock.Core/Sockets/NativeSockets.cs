using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace NetSock.Sockets;

/// <summary>
/// libc socket(2) for the family/type/protocol triples .NET refuses to pass through on Unix
/// (it knows only some protocol numbers: a raw socket of protocol 102 fails with "Protocol not supported").
/// </summary>
internal static partial class NativeSockets
{
    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    private static partial int socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    private static unsafe partial nint send(nint fd, byte* buffer, nint length, int flags);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int close(int fd);

    /// <summary>Linux numbers of the socket types.</summary>
    private static int LinuxType(SocketType type) => type switch
    {
        SocketType.Stream => 1,
        SocketType.Dgram => 2,
        SocketType.Raw => 3,
        SocketType.Rdm => 4,
        SocketType.Seqpacket => 5,
        _ => -1,
    };

    /// <summary>Opens a socket with libc; returns the socket or throws a SocketException carrying errno's meaning.</summary>
    public static Socket Open(AddressFamily family, SocketType type, int protocol)
    {
        if (!OperatingSystem.IsLinux())
            throw new SocketException((int)SocketError.ProtocolNotSupported);
        int fd = socket(SocketSymbols.NativeNumber(family), LinuxType(type), protocol);
        if (fd < 0)
            throw new SocketException(ErrnoToSocketError(Marshal.GetLastPInvokeError()));
        try
        {
            return new Socket(new SafeSocketHandle(fd, ownsHandle: true));
        }
        catch
        {
            close(fd);
            throw;
        }
    }

    /// <summary>
    /// send() with MSG_DONTWAIT on Linux: what the kernel takes at once, 0 when the send buffer is full (the caller
    /// then waits asynchronously, cancellably). Elsewhere 0, so the caller always takes the async path.
    /// </summary>
    public static unsafe int SendNow(Socket socket, ReadOnlySpan<byte> data)
    {
        if (!OperatingSystem.IsLinux() || data.IsEmpty) return 0;
        const int MsgDontWait = 0x40, MsgNoSignal = 0x4000;
        nint sent;
        fixed (byte* p = data)
            sent = send(socket.Handle, p, data.Length, MsgDontWait | MsgNoSignal);
        if (sent >= 0) return (int)sent;
        int errno = Marshal.GetLastPInvokeError();
        if (errno is 11 or 4) return 0;           // EAGAIN/EWOULDBLOCK, EINTR: wait for room
        throw new SocketException(errno switch
        {
            32 or 104 => (int)SocketError.ConnectionReset,   // EPIPE, ECONNRESET
            107 => (int)SocketError.NotConnected,            // ENOTCONN
            _ => ErrnoToSocketError(errno),
        });
    }

    private static int ErrnoToSocketError(int errno) => errno switch
    {
        1 or 13 => (int)SocketError.AccessDenied,            // EPERM, EACCES
        93 => (int)SocketError.ProtocolNotSupported,         // EPROTONOSUPPORT
        94 => (int)SocketError.SocketNotSupported,           // ESOCKTNOSUPPORT
        91 => (int)SocketError.ProtocolType,                 // EPROTOTYPE
        97 => (int)SocketError.AddressFamilyNotSupported,    // EAFNOSUPPORT
        22 => (int)SocketError.InvalidArgument,              // EINVAL
        24 or 23 => (int)SocketError.TooManyOpenSockets,     // EMFILE, ENFILE
        _ => (int)SocketError.SocketError,
    };
}
