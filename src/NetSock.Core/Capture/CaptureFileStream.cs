using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace NetSock.Capture;

/// <summary>
/// Opens a capture file as tcpdump users expect of a path: a regular file, or a FIFO (mkfifo, the live-pipe habit of
/// tcpdump -w and Wireshark -i). A FIFO is opened without blocking in open(2) — the wait for its other end runs in
/// slices that check a <see cref="CancellationToken"/>, so Ctrl+C ends it at once — and is then read or written through
/// poll(2) in the same slices. Every OS error comes out as a NetSockException from <see cref="FileErrors"/>
/// (CaptureFileIsDirectory, CaptureFileNotFound, CaptureFileAccessDenied, ...), never as a raw .NET exception.
/// </summary>
internal static partial class CaptureFileStream
{
    /// <summary>The noun of the ErrorIds: CaptureFileNotFound, CaptureFileDiskFull, ...</summary>
    internal const string Noun = "CaptureFile";

    /// <summary>How long one wait for a FIFO's other end lasts before the token is checked again.</summary>
    private const int SliceMs = 100;

    private const int EINTR = 4, EISDIR = 21, ENXIO = 6, EAGAIN_LINUX = 11, EAGAIN_MAC = 35, ESPIPE = 29;

    private static bool Posix => OperatingSystem.IsLinux() || OperatingSystem.IsMacOS();

    // open(2) flags: Linux (x86-64 and arm64 alike) and macOS differ.
    private const int O_WRONLY = 1;
    private static int O_NONBLOCK => OperatingSystem.IsLinux() ? 0x800 : 0x4;
    private static int O_TRUNC => OperatingSystem.IsLinux() ? 0x200 : 0x400;
    private static int O_CLOEXEC => OperatingSystem.IsLinux() ? 0x80000 : 0x1000000;

    /// <summary>Opens <paramref name="path"/> (a full path) for reading.</summary>
    public static Stream OpenRead(string path, CancellationToken token = default)
    {
        RefuseDirectory(path, "read the capture file");
        if (!Posix)
            return Managed(path, "read the capture file", () => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan));
        // A FIFO opened for reading without a writer does not block; the first read waits (in slices) for one.
        var fd = OpenFd(path, O_NONBLOCK | O_CLOEXEC, "read the capture file", token);
        return Wrap(fd, path, FileAccess.Read, token);
    }

    /// <summary>
    /// Opens <paramref name="path"/> (a full path) for writing at its start: emptied first when <paramref name="truncate"/>,
    /// created when missing. A FIFO nobody reads yet is waited for, in slices that check <paramref name="token"/>.
    /// </summary>
    public static Stream OpenWrite(string path, bool truncate, CancellationToken token = default)
    {
        const string doing = "write the capture file";
        RefuseDirectory(path, doing);
        if (!Posix || !File.Exists(path))
            return Managed(path, doing, () => new FileStream(path, truncate ? FileMode.Create : FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read, 0));
        var fd = OpenFd(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC | (truncate ? O_TRUNC : 0), doing, token);
        return Wrap(fd, path, FileAccess.Write, token);
    }

    /// <summary>An OS error number as the NetSockException FileErrors makes of it.</summary>
    internal static NetSockException Error(int errno, string path, string doing) =>
        FileErrors.Map(new IOException(Marshal.GetPInvokeErrorMessage(errno), errno), Noun, path, doing);

    /// <summary>
    /// The length of the file under <paramref name="stream"/> as the OS has it now (what was written whole before an
    /// error), or null for a FIFO or a stream that cannot tell.
    /// </summary>
    internal static long? OnDiskLength(Stream stream)
    {
        try { return stream is FileStream { CanSeek: true } fs ? RandomAccess.GetLength(fs.SafeFileHandle) : null; }
        catch (Exception e) when (FileErrors.IsFileError(e) || e is ObjectDisposedException) { return null; }
    }

    private static void RefuseDirectory(string path, string doing)
    {
        // Linux lets open(2) read a directory and fails its read(2) with EISDIR; .NET says "Access denied" for both.
        if (Directory.Exists(path)) throw Error(EISDIR, path, doing);
    }

    private static Stream Managed(string path, string doing, Func<Stream> open)
    {
        try { return open(); }
        catch (Exception e) when (FileErrors.IsFileError(e)) { throw FileErrors.Map(e, Noun, path, doing); }
    }

    /// <summary>
    /// open(2) with O_NONBLOCK: never blocks on a FIFO. Opened for writing with no reader yet, it says ENXIO, and the
    /// reader is waited for in slices that check <paramref name="token"/>.
    /// </summary>
    private static SafeFileHandle OpenFd(string path, int flags, string doing, CancellationToken token)
    {
        while (true)
        {
            token.ThrowIfCancellationRequested();
            int fd = open(path, flags);
            if (fd >= 0) return new SafeFileHandle(fd, ownsHandle: true);
            int errno = Marshal.GetLastPInvokeError();
            if (errno == ENXIO && (flags & O_WRONLY) != 0) token.WaitHandle.WaitOne(SliceMs);
            else if (errno != EINTR) throw Error(errno, path, doing);
        }
    }

    /// <summary>A regular file as an unbuffered FileStream (the caller buffers); a FIFO, pipe or tty as a <see cref="PollStream"/>.</summary>
    private static Stream Wrap(SafeFileHandle fd, string path, FileAccess access, CancellationToken token)
    {
        try
        {
            if (lseek(fd, 0, 1) < 0 && Marshal.GetLastPInvokeError() == ESPIPE)
                return new PollStream(fd, path, access, token);
            return new FileStream(fd, access, access == FileAccess.Read ? 1 : 0);
        }
        catch (Exception e) when (FileErrors.IsFileError(e))
        {
            fd.Dispose();
            throw FileErrors.Map(e, Noun, path, access == FileAccess.Read ? "read the capture file" : "write the capture file");
        }
        catch
        {
            fd.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A FIFO (or pipe) opened with O_NONBLOCK: each read or write waits for the other end with poll(2) in slices that
    /// check the token, so a stop ends the wait at once (OperationCanceledException).
    /// </summary>
    internal sealed class PollStream : Stream
    {
        private readonly SafeFileHandle _fd;
        private readonly string _path;
        private readonly FileAccess _access;
        private readonly CancellationToken _token;

        public PollStream(SafeFileHandle fd, string path, FileAccess access, CancellationToken token)
        {
            _fd = fd;
            _path = path;
            _access = access;
            _token = token;
        }

        /// <summary>The bytes that went into the pipe: what the reader got whole, when a write fails halfway.</summary>
        public long Written { get; private set; }

        public override bool CanRead => _access == FileAccess.Read;
        public override bool CanWrite => _access == FileAccess.Write;
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override unsafe int Read(Span<byte> buffer)
        {
            if (buffer.IsEmpty) return 0;
            while (true)
            {
                // poll first: on Linux a FIFO read before any writer came says end-of-file, while poll waits for one.
                Wait(POLLIN);
                long n;
                fixed (byte* p = buffer) n = read(_fd, p, buffer.Length);
                if (n >= 0) return (int)n;
                int errno = Marshal.GetLastPInvokeError();
                if (errno is EINTR or EAGAIN_LINUX or EAGAIN_MAC) continue;
                throw Error(errno, _path, "read the capture file");
            }
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override unsafe void Write(ReadOnlySpan<byte> buffer)
        {
            while (!buffer.IsEmpty)
            {
                _token.ThrowIfCancellationRequested();
                long n;
                fixed (byte* p = buffer) n = write(_fd, p, buffer.Length);
                if (n >= 0)
                {
                    Written += n;
                    buffer = buffer[(int)n..];
                    continue;
                }
                int errno = Marshal.GetLastPInvokeError();
                if (errno == EINTR) continue;
                if (errno is EAGAIN_LINUX or EAGAIN_MAC) { Wait(POLLOUT); continue; }
                throw Error(errno, _path, "write the capture file");
            }
        }

        private unsafe void Wait(short events)
        {
            var pfd = new PollFd { Fd = (int)_fd.DangerousGetHandle(), Events = events };
            while (true)
            {
                _token.ThrowIfCancellationRequested();
                pfd.Revents = 0;
                int n = poll(&pfd, 1, SliceMs);
                if (n > 0) return;      // ready, or hung up / in error: the read or write that follows says which
                if (n < 0 && Marshal.GetLastPInvokeError() != EINTR)
                    throw Error(Marshal.GetLastPInvokeError(), _path, _access == FileAccess.Read ? "read the capture file" : "write the capture file");
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) _fd.Dispose();
            base.Dispose(disposing);
        }
    }

    private const short POLLIN = 1, POLLOUT = 4;

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    // open(2) without O_CREAT takes two arguments: no variadic mode, which arm64 macOS would pass on the stack.
    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "lseek", SetLastError = true)]
    private static partial long lseek(SafeFileHandle fd, long offset, int whence);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static unsafe partial nint read(SafeFileHandle fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static unsafe partial nint write(SafeFileHandle fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static unsafe partial int poll(PollFd* fds, nuint count, int timeout);
}
