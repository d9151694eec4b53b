using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace NetSock.Sockets;

/// <summary>What a path names, as far as a Unix socket cares.</summary>
public enum UnixPathKind
{
    Missing,
    Socket,
    Directory,
    RegularFile,
    Fifo,
    Device,
    /// <summary>The path exists but its type could not be read (no statx, or a folder on the way may not be searched).</summary>
    Unknown,
}

/// <summary>
/// Unix socket paths: the length the kernel takes, what an existing path is, and the OS's refusals to bind or reach one
/// as NetSockExceptions that say what is wrong and what to do. ErrorIds start with NetSocketPath.
/// </summary>
public static partial class UnixPaths
{
    /// <summary>
    /// The most bytes (UTF-8) a Unix socket path may have: sun_path holds 108 bytes on Linux (104 on macOS and the BSDs),
    /// and .NET keeps the last one for the closing NUL.
    /// </summary>
    public static int MaximumBytes { get; } = (OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD() ? 104 : 108) - 1;

    /// <summary>The endpoint of <paramref name="path"/>, or NetSocketPathTooLong when the kernel could not take it.</summary>
    public static UnixDomainSocketEndPoint EndPoint(string path)
    {
        int bytes = Encoding.UTF8.GetByteCount(path);
        if (bytes > MaximumBytes)
            throw new NetSockException("NetSocketPathTooLong", NetSockErrorKind.InvalidArgument,
                $"The Unix socket path '{path}' is {bytes} bytes long, but a Unix socket path can have at most {MaximumBytes} bytes (the size of sun_path, less its closing NUL). Use a shorter path, such as one under /tmp.", path);
        return new UnixDomainSocketEndPoint(path);
    }

    /// <summary>
    /// The endpoint of a peer at <paramref name="path"/> that something must have bound: NetSocketPathTooLong,
    /// NetSocketPathNotFound (with <paramref name="whenMissing"/>), NetSocketPathIsDirectory or NetSocketPathNotSocket
    /// when that cannot be.
    /// </summary>
    public static UnixDomainSocketEndPoint Peer(string path, string whenMissing)
    {
        var ep = EndPoint(path);
        return Kind(path) switch
        {
            UnixPathKind.Missing => throw new NetSockException("NetSocketPathNotFound", NetSockErrorKind.NotFound, whenMissing, path),
            UnixPathKind.Directory => throw new NetSockException("NetSocketPathIsDirectory", NetSockErrorKind.InvalidArgument,
                $"'{path}' is a directory, not a Unix socket. Give the path of the socket file a server bound in it (Start-TcpListener -Path, Receive-Datagram -Path).", path),
            UnixPathKind.RegularFile or UnixPathKind.Fifo or UnixPathKind.Device => throw NotSocket(path,
                "nothing can listen on it. Give the path of a socket a server bound (Start-TcpListener -Path, Receive-Datagram -Path)"),
            _ => ep,
        };
    }

    /// <summary>
    /// Why bind() to <paramref name="path"/> failed: the path is a directory or a file that is not a socket, a socket
    /// file already there, a read-only or full file system, or a folder the user may not write to.
    /// </summary>
    public static NetSockException BindFailed(SocketException e, string path, object? target)
    {
        if (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            return Kind(path) switch
            {
                UnixPathKind.Directory => new NetSockException("NetSocketPathIsDirectory", NetSockErrorKind.InvalidArgument,
                    $"Cannot create the Unix socket '{path}': it is a directory. Give the path of a socket file to create, such as '{Path.Combine(path, "server.sock")}'.", target ?? path, e),
                UnixPathKind.RegularFile or UnixPathKind.Fifo or UnixPathKind.Device => NotSocket(path,
                    "a socket cannot be created there. Choose another -Path, or remove the file if nothing needs it"),
                _ => new NetSockException("NetSocketAddressInUse", NetSockErrorKind.ResourceUnavailable,
                    $"The Unix socket path '{path}' already exists. Remove the file (Remove-Item) if no server uses it, or choose another -Path.", target ?? path, e),
            };
        }
        int errno = e.SocketErrorCode == SocketError.AccessDenied ? 13 : BindErrno(path);
        var mapped = FileErrors.Map(new IOException(errno == 0 ? e.Message : Marshal.GetPInvokeErrorMessage(errno), errno), "NetSocketPath", path, "create the Unix socket");
        return new NetSockException(mapped.ErrorId, mapped.Kind, mapped.Message, target ?? path, e);
    }

    /// <summary>A refusal to connect or send to the Unix socket at <paramref name="path"/>; null when it is not about the path.</summary>
    public static NetSockException? PeerRefused(SocketException e, string path, string whenNobodyListens) => e.SocketErrorCode switch
    {
        SocketError.AccessDenied => new NetSockException("NetSocketPathAccessDenied", NetSockErrorKind.PermissionDenied,
            $"Permission denied reaching the Unix socket '{path}': it takes write permission on the socket file and search permission on every folder above it. Ask its owner to widen them (chmod), or run as a user who may.", path, e),
        SocketError.ConnectionRefused => new NetSockException("NetSocketConnectionRefused", NetSockErrorKind.ConnectionError,
            $"Nothing listens on the Unix socket '{path}': the file is there, but the server that bound it has closed it or exited. {whenNobodyListens}", path, e),
        SocketError.ProtocolType => new NetSockException("NetSocketPathWrongType", NetSockErrorKind.InvalidArgument,
            $"The Unix socket '{path}' is of the other type: a stream socket (Start-TcpListener -Path) takes Connect-TcpEndpoint -Path, a datagram socket (Receive-Datagram -Path) takes Send-Datagram -Path.", path, e),
        _ => null,
    };

    private static NetSockException NotSocket(string path, string consequence) => new("NetSocketPathNotSocket", NetSockErrorKind.InvalidArgument,
        $"'{path}' is {Describe(Kind(path))}, not a Unix socket: {consequence}.", path);

    private static string Describe(UnixPathKind kind) => kind switch
    {
        UnixPathKind.RegularFile => "a regular file",
        UnixPathKind.Fifo => "a FIFO (named pipe)",
        UnixPathKind.Device => "a device file",
        UnixPathKind.Directory => "a directory",
        _ => "a file",
    };

    /// <summary>What <paramref name="path"/> names, following symbolic links (statx on Linux).</summary>
    public static UnixPathKind Kind(string path)
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                Span<byte> buffer = stackalloc byte[256];     // struct statx; stx_mode is the u16 at offset 28
                if (Statx(-100 /* AT_FDCWD */, path, 0, 1 /* STATX_TYPE */, ref MemoryMarshal.GetReference(buffer)) == 0)
                {
                    return (BitConverter.ToUInt16(buffer[28..]) & 0xF000) switch
                    {
                        0xC000 => UnixPathKind.Socket,
                        0x4000 => UnixPathKind.Directory,
                        0x8000 => UnixPathKind.RegularFile,
                        0x1000 => UnixPathKind.Fifo,
                        0x2000 or 0x6000 => UnixPathKind.Device,
                        _ => UnixPathKind.Unknown,
                    };
                }
                return Marshal.GetLastPInvokeError() is 2 or 20 /* ENOENT, ENOTDIR */ ? UnixPathKind.Missing : UnixPathKind.Unknown;
            }
            catch (EntryPointNotFoundException)
            {
                // glibc before 2.28: fall back to what .NET can tell.
            }
        }
        return Directory.Exists(path) ? UnixPathKind.Directory : File.Exists(path) ? UnixPathKind.Unknown : UnixPathKind.Missing;
    }

    /// <summary>
    /// The errno of bind() to <paramref name="path"/>, asked of the OS again with a socket of its own: .NET reports the
    /// errors it has no name for (EROFS, ENOSPC, ...) without their errno. 0 when the errno cannot be had.
    /// </summary>
    private static int BindErrno(string path)
    {
        if (!OperatingSystem.IsLinux()) return 0;
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        byte[] address = new byte[110];
        BitConverter.TryWriteBytes(address, (ushort)1 /* AF_UNIX */);
        int length = Encoding.UTF8.GetBytes(path, address.AsSpan(2, address.Length - 3));
        if (Bind((int)probe.SafeHandle.DangerousGetHandle(), address, (uint)(2 + length + 1)) == 0)
        {
            File.Delete(path);      // it worked this time: remove what the probe made
            return 0;
        }
        return Marshal.GetLastPInvokeError();
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, ref byte buffer);

    [LibraryImport("libc", EntryPoint = "bind", SetLastError = true)]
    private static partial int Bind(int fd, byte[] address, uint length);
}
