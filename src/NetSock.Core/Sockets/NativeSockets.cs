using System.Buffers.Binary;
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

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    private static unsafe partial nint recv(nint fd, byte* buffer, nint length, int flags);

    [LibraryImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    private static unsafe partial int setsockopt(int fd, int level, int name, void* value, uint length);

    /// <summary>setsockopt(2) with an int value on a bare descriptor; false (errno in GetLastPInvokeError) when refused.</summary>
    internal static unsafe bool SetOption(int fd, int level, int name, int value) => setsockopt(fd, level, name, &value, sizeof(int)) == 0;

    [LibraryImport("libc", EntryPoint = "sendto", SetLastError = true)]
    private static unsafe partial nint sendto(nint fd, byte* buffer, nint length, int flags, byte* address, uint addressLength);

    [LibraryImport("libc", EntryPoint = "sendmmsg", SetLastError = true)]
    private static unsafe partial int sendmmsg(nint fd, byte* headers, uint count, int flags);

    [LibraryImport("libc", EntryPoint = "if_nametoindex", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial uint IfNameToIndex(string name);

    /// <summary>sendto(2) of one datagram or frame; the errno when it fails, else 0.</summary>
    internal static unsafe int SendTo(nint fd, ReadOnlySpan<byte> data, ReadOnlySpan<byte> address)
    {
        fixed (byte* d = data)
        fixed (byte* a = address)
            return sendto(fd, d, data.Length, 0, a, (uint)address.Length) < 0 ? Marshal.GetLastPInvokeError() : 0;
    }

    /// <summary>
    /// Sends the same datagram or frame <paramref name="count"/> times with sendmmsg(2), up to 1024 per system call;
    /// returns how many went out and the errno that stopped it (0 when all did). ENOBUFS (a full device queue) is waited out.
    /// </summary>
    internal static unsafe (long Sent, int Errno) SendRepeated(nint fd, ReadOnlySpan<byte> data, ReadOnlySpan<byte> address, long count, CancellationToken cancel)
    {
        const int Batch = 1024, HeaderSize = 64, IovSize = 16;
        byte* headers = stackalloc byte[HeaderSize * Batch];
        byte* iov = stackalloc byte[IovSize];
        long sent = 0;
        fixed (byte* d = data)
        fixed (byte* a = address)
        {
            *(nint*)iov = (nint)d;
            *(nint*)(iov + 8) = data.Length;
            new Span<byte>(headers, HeaderSize * Batch).Clear();
            for (int i = 0; i < Batch; i++)
            {
                byte* h = headers + i * HeaderSize;       // struct msghdr: name, namelen, iov, iovlen, control, controllen, flags
                *(nint*)h = (nint)a;
                *(uint*)(h + 8) = (uint)address.Length;
                *(nint*)(h + 16) = (nint)iov;
                *(nint*)(h + 24) = 1;
            }
            while (sent < count)
            {
                cancel.ThrowIfCancellationRequested();
                int n = sendmmsg(fd, headers, (uint)Math.Min(Batch, count - sent), 0);
                if (n < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (IsMomentary(errno)) { Thread.Sleep(1); continue; }
                    return (sent, errno);
                }
                sent += n;
            }
        }
        return (sent, 0);
    }

    /// <summary>ENOBUFS, EAGAIN, EINTR: the device queue is full for a moment, or a signal came; the send is tried again.</summary>
    internal static bool IsMomentary(int errno) => errno is 105 or 11 or 4;

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static unsafe partial int poll(byte* fds, nuint count, int timeout);

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
            sent = send(socket.SafeHandle.DangerousGetHandle(), p, data.Length, MsgDontWait | MsgNoSignal);
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

    /// <summary>recv() with MSG_DONTWAIT on Linux: the bytes read (0 when the peer closed), or -1 when nothing is queued.</summary>
    public static unsafe int ReceiveNow(Socket socket, Span<byte> buffer)
    {
        nint n;
        fixed (byte* p = buffer)
            n = recv(socket.SafeHandle.DangerousGetHandle(), p, buffer.Length, 0x40 /* MSG_DONTWAIT */);
        if (n >= 0) return (int)n;
        int errno = Marshal.GetLastPInvokeError();
        if (errno is 11 or 4) return -1;
        throw new SocketException(errno switch
        {
            104 => (int)SocketError.ConnectionReset,
            107 => (int)SocketError.NotConnected,
            9 => (int)SocketError.OperationAborted,
            _ => ErrnoToSocketError(errno),
        });
    }

    public const short PollIn = 1, PollOut = 4;

    /// <summary>
    /// Waits on the calling thread until the socket is ready for <paramref name="events"/>, in slices of at most 100 ms
    /// so a cancellation is seen at once; false when <paramref name="deadline"/> (Environment.TickCount64) passes first.
    /// </summary>
    public static bool WaitReady(Socket socket, short events, long deadline, CancellationToken cancel)
    {
        while (true)
        {
            cancel.ThrowIfCancellationRequested();
            long left = deadline - Environment.TickCount64;
            if (left <= 0) return false;
            int ready = Poll((int)socket.SafeHandle.DangerousGetHandle(), events, (int)Math.Min(left, 100));
            if (ready > 0) return true;
            if (ready < 0 && Marshal.GetLastPInvokeError() is not 4)
                throw new SocketException(ErrnoToSocketError(Marshal.GetLastPInvokeError()));
        }
    }

    /// <summary>poll(2) on one descriptor: above 0 when ready, 0 on timeout, -1 on error (errno in GetLastPInvokeError).</summary>
    internal static unsafe int Poll(int fd, short events, int milliseconds)
    {
        Span<byte> pollfd = stackalloc byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(pollfd, fd);
        BinaryPrimitives.WriteInt16LittleEndian(pollfd[4..], events);
        BinaryPrimitives.WriteInt16LittleEndian(pollfd[6..], 0);
        fixed (byte* p = pollfd)
            return poll(p, 1, milliseconds);
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
