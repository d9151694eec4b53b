using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace NetSock.Sockets;

/// <summary>
/// Reads datagrams fast on Linux: recvmmsg() takes up to 64 queued datagrams per system call into buffers reused for
/// the whole run, and an empty queue is waited on with poll() on the caller's thread in slices of at most 100 ms, so a
/// stop or a timeout is noticed at once and no thread hop is paid per datagram. (Elsewhere callers use
/// <see cref="Datagrams.ReceiveAsync"/>.)
/// </summary>
public sealed unsafe partial class DatagramReader
{
    private const int MostPerCall = 64;
    private const int NameSize = 128;      // sizeof(struct sockaddr_storage)
    private const int IovSize = 16;        // struct iovec on LP64
    private const int HeaderSize = 64;     // struct mmsghdr on LP64: msghdr (56) + msg_len (4) + padding

    private readonly NetSocket _socket;
    private readonly int _max;
    private readonly int _batch;
    private readonly Encoding? _encoding;
    private readonly byte[] _data;
    private readonly byte[] _names;
    private readonly byte[] _iov;
    private readonly byte[] _headers;
    private readonly Queue<Datagram> _ready = new();
    private readonly byte[] _lastName = new byte[NameSize];
    private int _lastNameLength = -1;
    private EndPoint? _lastFrom;

    /// <param name="expected">How many datagrams the caller will take at most: never more are read from the kernel.</param>
    public DatagramReader(NetSocket socket, int maximumBytes, int expected, Encoding? encoding = null)
    {
        Datagrams.RequireDatagramSocket(socket);
        _socket = socket;
        _max = maximumBytes;
        _encoding = encoding;
        _batch = (int)Math.Clamp(Math.Min(expected, 4L * 1024 * 1024 / maximumBytes), 1, MostPerCall);
        _data = GC.AllocateArray<byte>(_batch * maximumBytes, pinned: true);
        _names = GC.AllocateArray<byte>(_batch * NameSize, pinned: true);
        _iov = GC.AllocateArray<byte>(_batch * IovSize, pinned: true);
        _headers = GC.AllocateArray<byte>(_batch * HeaderSize, pinned: true);
    }

    /// <summary>True where this reader works: Linux on a 64-bit processor.</summary>
    public static bool Supported => OperatingSystem.IsLinux() && Environment.Is64BitProcess;

    /// <summary>
    /// The next datagram: a queued one at once, else waits up to <paramref name="timeout"/> (null: no limit).
    /// <paramref name="wanted"/> is how many the caller still takes: no more than that are read from the kernel.
    /// </summary>
    public Datagram Next(TimeSpan? timeout, CancellationToken cancel, int wanted = 1)
    {
        if (_ready.Count > 0) return _ready.Dequeue();
        long deadline = timeout is { } t && t > TimeSpan.Zero ? Environment.TickCount64 + (long)Math.Ceiling(t.TotalMilliseconds) : long.MaxValue;
        while (true)
        {
            if (ReceiveBatch(Math.Min(wanted, _batch)) > 0) return _ready.Dequeue();
            cancel.ThrowIfCancellationRequested();
            long left = deadline - Environment.TickCount64;
            if (left <= 0)
                throw new NetSockException("DatagramTimeout", NetSockErrorKind.Timeout,
                    $"No datagram arrived on {_socket.LocalEndPoint} within {timeout!.Value.TotalSeconds:0.###} s. Give a longer -Timeout, or -Timeout 0 to wait without limit.", _socket);
            try
            {
                NativeSockets.WaitReady(_socket.Socket, NativeSockets.PollIn, Math.Min(deadline, Environment.TickCount64 + 100), cancel);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                throw Failed(9);
            }
        }
    }

    private int ReceiveBatch(int most)
    {
        int count;
        fixed (byte* data = _data, names = _names, iov = _iov, headers = _headers)
        {
            for (int i = 0; i < most; i++)
            {
                byte* v = iov + i * IovSize;
                *(nint*)v = (nint)(data + i * _max);
                *(nint*)(v + 8) = _max;
                byte* h = headers + i * HeaderSize;
                new Span<byte>(h, HeaderSize).Clear();
                *(nint*)h = (nint)(names + i * NameSize);          // msg_name
                *(uint*)(h + 8) = NameSize;                          // msg_namelen
                *(nint*)(h + 16) = (nint)v;                          // msg_iov
                *(nint*)(h + 24) = 1;                                // msg_iovlen
            }
            count = recvmmsg(Handle, headers, most, MsgDontWait, null);
        }
        if (count < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno is 11 or 4) return 0;     // EAGAIN: nothing queued; EINTR
            throw Failed(errno);
        }
        var now = DateTimeOffset.Now;
        for (int i = 0; i < count; i++)
        {
            int length = BinaryPrimitives.ReadInt32LittleEndian(_headers.AsSpan(i * HeaderSize + 56, 4));
            int nameLength = BinaryPrimitives.ReadInt32LittleEndian(_headers.AsSpan(i * HeaderSize + 8, 4));
            var bytes = _data.AsSpan(i * _max, Math.Min(length, _max));
            _socket.AddBytesReceived(bytes.Length);
            _ready.Enqueue(Datagrams.Wrap(_socket, bytes, From(_names.AsSpan(i * NameSize, Math.Min(nameLength, NameSize))), now, _encoding));
        }
        return count;
    }

    /// <summary>The sender's address, reusing the last one when the same sender sends again.</summary>
    private EndPoint? From(ReadOnlySpan<byte> name)
    {
        if (name.Length == _lastNameLength && name.SequenceEqual(_lastName.AsSpan(0, name.Length))) return _lastFrom;
        name.CopyTo(_lastName);
        _lastNameLength = name.Length;
        _lastFrom = name.Length < 2 ? null : BitConverter.ToUInt16(name) switch
        {
            2 when name.Length >= 8 => new IPEndPoint(new IPAddress(name.Slice(4, 4)), BinaryPrimitives.ReadUInt16BigEndian(name[2..])),
            10 when name.Length >= 28 => new IPEndPoint(new IPAddress(name.Slice(8, 16), BinaryPrimitives.ReadUInt32LittleEndian(name[24..])), BinaryPrimitives.ReadUInt16BigEndian(name[2..])),
            1 => name.Length > 2 && name[2] != 0 ? new UnixDomainSocketEndPoint(Encoding.UTF8.GetString(name[2..]).TrimEnd('\0')) : null,
            _ => null,
        };
        return _lastFrom;
    }

    private nint Handle
    {
        get
        {
            try { return _socket.Socket.SafeHandle.DangerousGetHandle(); }
            catch (ObjectDisposedException e) { throw new NetSockException("NetSocketClosed", NetSockErrorKind.InvalidOperation, $"Socket {_socket.Id} is closed. Open a new one.", _socket, e); }
        }
    }

    private NetSockException Failed(int errno) => _socket.State == NetSocketState.Closed || errno == 9 /* EBADF */
        ? new NetSockException("NetSocketClosed", NetSockErrorKind.InvalidOperation, $"Socket {_socket.Id} was closed while receiving.", _socket)
        : new NetSockException("DatagramReceiveFailed", NetSockErrorKind.ConnectionError,
            $"Receiving on {_socket.LocalEndPoint} failed: {new SocketException(errno is 111 ? (int)SocketError.ConnectionRefused : (int)SocketError.SocketError).Message} (errno {errno}).", _socket);

    private const int MsgDontWait = 0x40;

    [LibraryImport("libc", EntryPoint = "recvmmsg", SetLastError = true)]
    private static partial int recvmmsg(nint fd, byte* headers, int count, int flags, void* timeout);

}
