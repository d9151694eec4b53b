using System.Buffers.Binary;
using System.Text;
using NetSock.Packets;

namespace NetSock.Capture;

/// <summary>
/// Writes classic pcap (snap length 262144) or pcapng (SHB, one IDB per interface name and link type as they appear,
/// EPBs), optionally appending to an existing file of the same format, to a regular file or a FIFO.
/// Nothing is lost silently: records are buffered whole and written whole, and a write, flush or close that fails
/// (no space left, a read-only or vanished file system, a FIFO's reader gone) throws a NetSockException that names the
/// file and says how many packets were written whole; a regular file is first cut back to the end of its last whole
/// record, so it never ends inside one. Flushes on <see cref="Dispose"/>, which throws such an error too.
/// </summary>
public sealed class CaptureFileWriter : IDisposable
{
    /// <summary>The snap length written in headers; longer frames are cut to it.</summary>
    public const int SnapLength = 262144;

    private const int BufferSize = 64 * 1024;

    private readonly string _path;
    private readonly Stream _stream;
    private readonly LinkType _linkType;
    private readonly bool _nanosecond;
    private readonly bool _bigEndian;
    private readonly List<CaptureFileReader.Interface> _interfaces = new();
    private readonly Dictionary<(string?, LinkType), int> _ids = new();

    // Whole records wait in _buffer; _ends holds where each ends in it (negative for a block that is not a packet).
    private byte[] _buffer = new byte[BufferSize];
    private int _buffered;
    private readonly List<int> _ends = new();
    private long _bufferOffset;          // the file offset _buffer[0] goes to
    private long _packetsFlushed;
    private NetSockException? _failure;
    private bool _disposed;

    private CaptureFileWriter(string path, Stream stream, CaptureFileFormat format, LinkType linkType, bool nanosecond, bool bigEndian, long offset)
    {
        _path = path;
        _stream = stream;
        Format = format;
        _linkType = linkType;
        _nanosecond = nanosecond;
        _bigEndian = bigEndian;
        _bufferOffset = offset;
    }

    /// <summary>The format being written.</summary>
    public CaptureFileFormat Format { get; }

    /// <summary>The full path of the file.</summary>
    public string Path => _path;

    /// <summary>The packets written so far by this writer (buffered ones included; after a failure, the ones written whole).</summary>
    public long PacketsWritten { get; private set; }

    /// <summary>
    /// Creates (or with <paramref name="append"/> extends) a capture file. Appending to pcap keeps the existing header,
    /// whose link type must match, and its byte order and timestamp precision; appending to pcapng continues the last
    /// section, reusing its interfaces. A file to append to is read to its end first: one that ends inside a record
    /// (what a killed writer leaves) or is damaged elsewhere is refused with CaptureFileCorrupt naming the offset, or
    /// with <paramref name="repair"/> cut back to its last whole record before the new ones are appended.
    /// A FIFO nobody reads yet is waited for, in slices that check <paramref name="token"/>, which also ends a write
    /// blocked on a full FIFO.
    /// </summary>
    public static CaptureFileWriter Create(string path, CaptureFileFormat format, LinkType linkType, bool append = false, bool nanosecond = false,
        bool repair = false, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        string full = System.IO.Path.GetFullPath(path);
        bool existing = append && IsNonEmptyFile(full);
        if (!existing)
        {
            var fresh = new CaptureFileWriter(full, CaptureFileStream.OpenWrite(full, truncate: true, token), format, linkType, nanosecond, !BitConverter.IsLittleEndian, 0);
            try { fresh.WriteFileHeader(); }
            catch { fresh.Abandon(); throw; }
            return fresh;
        }

        var (wholeEnd, bigEndian, nano, ngState) = Inspect(full, format, linkType, nanosecond, repair);
        var stream = CaptureFileStream.OpenWrite(full, truncate: false, token);
        var writer = new CaptureFileWriter(full, stream, format, linkType, nano, bigEndian, wholeEnd);
        try
        {
            writer.PrepareAppend(wholeEnd, ngState);
        }
        catch (Exception e)
        {
            writer.Abandon();
            if (FileErrors.IsFileError(e)) throw FileErrors.Map(e, CaptureFileStream.Noun, full, "append to the capture file");
            throw;
        }
        if (ngState != null)
        {
            foreach (var itf in ngState.Interfaces)
            {
                writer._ids.TryAdd((itf.Name, itf.LinkType), writer._interfaces.Count);
                writer._interfaces.Add(itf);
            }
        }
        if (wholeEnd == 0) writer.WriteFileHeader();      // repaired down to nothing: start the file again
        return writer;
    }

    private static bool IsNonEmptyFile(string full)
    {
        try { return File.Exists(full) && new FileInfo(full).Length > 0; }
        catch (Exception e) when (FileErrors.IsFileError(e)) { return false; }      // the open that follows says what is wrong
    }

    /// <summary>
    /// Reads the file to append to, to its end: its format, byte order, precision and (pcapng) interfaces, and the
    /// offset of its last whole record; damage there is refused unless <paramref name="repair"/>.
    /// </summary>
    private static (long WholeEnd, bool BigEndian, bool Nanosecond, CaptureFileReader.PcapNgState? NgState) Inspect(
        string full, CaptureFileFormat format, LinkType linkType, bool nanosecond, bool repair)
    {
        using var reader = CaptureFileReader.Open(full);
        if (reader.Format != format)
            throw new NetSockException("CaptureFileFormatMismatch", NetSockErrorKind.InvalidArgument,
                $"Cannot append {format} records to '{full}': it is a {reader.Format} file. Append in its own format, or write a new file.", full);
        try
        {
            reader.Restart();
            while (reader.TryRead(out _)) { }
        }
        catch (NetSockException e) when (e.ErrorId == "CaptureFileCorrupt")
        {
            long length = new FileInfo(full).Length;
            if (!repair)
                throw new NetSockException("CaptureFileCorrupt", NetSockErrorKind.InvalidArgument,
                    $"Cannot append to the capture file '{full}': {reader.Damage} (a writer that was killed leaves a file ending inside a record), so packets appended after it could not be read. " +
                    $"Append with -Repair to cut the file back to offset {reader.WholeEnd}, the end of its last whole record ({length - reader.WholeEnd} bytes dropped), or write a new file.",
                    full, e);
        }
        long wholeEnd = reader.WholeEnd;
        if (format == CaptureFileFormat.Pcap)
        {
            if (wholeEnd == 0) return (0, !BitConverter.IsLittleEndian, nanosecond, null);     // not even its header is whole
            if (reader.PcapLinkType != linkType) throw LinkTypeMismatch(full, reader.PcapLinkType, linkType);
            return (wholeEnd, reader.PcapBigEndian, reader.PcapNanosecond, null);
        }
        var state = reader.State!;
        if (wholeEnd == 0) return (0, !BitConverter.IsLittleEndian, nanosecond, null);
        return (wholeEnd, state.BigEndian, nanosecond, state);
    }

    /// <summary>Cuts the file back to <paramref name="wholeEnd"/> (a no-op unless repairing), marks a growing pcapng section's length unspecified, and goes to the end.</summary>
    private void PrepareAppend(long wholeEnd, CaptureFileReader.PcapNgState? ngState)
    {
        if (_stream.Length != wholeEnd) _stream.SetLength(wholeEnd);
        if (ngState is { SectionLength: not -1, SectionLengthOffset: >= 0 })
        {
            // The section grows: mark its length unspecified, as the spec allows.
            Span<byte> unspecified = stackalloc byte[8];
            unspecified.Fill(0xFF);
            _stream.Position = ngState.SectionLengthOffset;
            _stream.Write(unspecified);
        }
        _stream.Position = wholeEnd;
    }

    private static NetSockException LinkTypeMismatch(string path, LinkType has, LinkType wanted) => new(
        "CaptureFileLinkTypeMismatch", NetSockErrorKind.InvalidArgument,
        $"Cannot write {wanted} ({(int)wanted}) frames to the pcap file '{path}': its link type is {has} ({(int)has}). A pcap file holds one link type; write a new file, or use pcapng.",
        path);

    /// <summary>Writes one frame; the timestamp is kept to the file's precision.</summary>
    public void Write(ReadOnlySpan<byte> data, DateTimeOffset timestamp, int originalLength, string? interfaceName = null, LinkType? linkType = null) =>
        Write(data, UnixTime.ToNanoseconds(timestamp), originalLength, interfaceName, linkType);

    /// <summary>Writes a frame read from a capture file, with its own link type, interface and nanosecond timestamp.</summary>
    public void Write(CapturedFrame frame) =>
        Write(frame.Data, frame.TimestampNanoseconds, frame.OriginalLength, frame.Interface, frame.LinkType);

    /// <summary>Writes one frame stamped with nanoseconds since the Unix epoch.</summary>
    public void Write(ReadOnlySpan<byte> data, long timestampNanoseconds, int originalLength, string? interfaceName = null, LinkType? linkType = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_failure != null) throw _failure;
        var lt = linkType ?? _linkType;
        if (data.Length > SnapLength) data = data[..SnapLength];
        int orig = Math.Max(originalLength, data.Length);
        if (Format == CaptureFileFormat.Pcap)
        {
            if (lt != _linkType) throw LinkTypeMismatch(_path, _linkType, lt);
            long sec = Math.DivRem(timestampNanoseconds, 1_000_000_000L, out long rem);
            if (rem < 0) { sec--; rem += 1_000_000_000L; }
            uint frac = (uint)(_nanosecond ? rem : rem / 1000);
            var h = Reserve(16 + data.Length);
            Put(h, 0, (uint)sec);
            Put(h, 4, frac);
            Put(h, 8, (uint)data.Length);
            Put(h, 12, (uint)orig);
            data.CopyTo(h[16..]);
            Commit(16 + data.Length, packet: true);
            return;
        }

        int id = InterfaceId(interfaceName, lt);
        ulong units = _interfaces[id].FromNanoseconds(timestampNanoseconds);
        int padded = (data.Length + 3) & ~3;
        int total = 32 + padded;
        var b = Reserve(total);
        Put(b, 0, CaptureFileReader.EpbType);
        Put(b, 4, (uint)total);
        Put(b, 8, (uint)id);
        Put(b, 12, (uint)(units >> 32));
        Put(b, 16, (uint)units);
        Put(b, 20, (uint)data.Length);
        Put(b, 24, (uint)orig);
        data.CopyTo(b[28..]);
        b.Slice(28 + data.Length, padded - data.Length).Clear();
        Put(b, total - 4, (uint)total);
        Commit(total, packet: true);
    }

    /// <summary>
    /// Writes the buffered records to the file (or FIFO). On failure, throws the error <see cref="Fail"/> makes: the
    /// file is cut back to its last whole record and the message says how many packets that holds.
    /// </summary>
    public void Flush()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        WriteBuffer();
    }

    /// <summary>Flushes and closes the file; throws, as <see cref="Flush"/> does, when the last records cannot be written. Closes it anyway.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        try
        {
            WriteBuffer();
        }
        finally
        {
            try
            {
                _stream.Dispose();
            }
            catch (Exception e) when (FileErrors.IsFileError(e) && _failure == null)
            {
                // Every record was handed to the OS, but close(2) says they may not all have reached the disk.
                var cause = FileErrors.Map(e, CaptureFileStream.Noun, _path, "close the capture file");
                _failure = new NetSockException(cause.ErrorId, cause.Kind,
                    $"{cause.Message} All {PacketsWritten} packets were written before the close failed, but the file may not hold them all: read it back to check.", _path, e);
            }
        }
        if (_failure != null) throw _failure;
    }

    /// <summary>Closes the file after a failure to set it up, without writing what is buffered.</summary>
    private void Abandon()
    {
        _disposed = true;
        try { _stream.Dispose(); }
        catch (Exception e) when (FileErrors.IsFileError(e)) { }
    }

    /// <summary>Room for a record of <paramref name="n"/> bytes at the end of the buffer, written out first if it is too full.</summary>
    private Span<byte> Reserve(int n)
    {
        if (_buffered + n > _buffer.Length)
        {
            if (_buffered > 0) WriteBuffer();
            if (n > _buffer.Length) _buffer = new byte[Math.Max(n, _buffer.Length * 2)];
        }
        return _buffer.AsSpan(_buffered, n);
    }

    /// <summary>Takes the <paramref name="n"/> bytes just reserved as a whole record; a FIFO gets every record at once, for its live reader.</summary>
    private void Commit(int n, bool packet)
    {
        _buffered += n;
        _ends.Add(packet ? _buffered : -_buffered);
        if (packet) PacketsWritten++;
        if (!_stream.CanSeek && packet) WriteBuffer();
    }

    private void WriteBuffer()
    {
        if (_failure != null) throw _failure;
        if (_buffered == 0) return;
        try
        {
            _stream.Write(_buffer, 0, _buffered);
        }
        catch (Exception e) when (FileErrors.IsFileError(e) || e is NetSockException)
        {
            _failure = Fail(e);
            throw _failure;
        }
        _bufferOffset += _buffered;
        _packetsFlushed = PacketsWritten;
        _buffered = 0;
        _ends.Clear();
    }

    /// <summary>
    /// After a failed write or close: counts the packets that reached the file whole, cuts a regular file back to the
    /// end of the last whole record (a FIFO's reader may hold part of one), and makes the error that says so.
    /// </summary>
    private NetSockException Fail(Exception e)
    {
        var cause = e as NetSockException ?? FileErrors.Map(e, CaptureFileStream.Noun, _path, "write the capture file");
        long durable = _stream is CaptureFileStream.PollStream pipe
            ? pipe.Written
            : CaptureFileStream.OnDiskLength(_stream) ?? _bufferOffset;
        long whole = _bufferOffset, packets = _packetsFlushed;
        foreach (int signedEnd in _ends)
        {
            int end = Math.Abs(signedEnd);
            if (_bufferOffset + end > durable) break;
            whole = _bufferOffset + end;
            if (signedEnd > 0) packets++;
        }
        string outcome = "";
        if (!_stream.CanSeek)
        {
            if (whole != durable) outcome = " The reader got part of the next one.";
        }
        else
        {
            try
            {
                if (CaptureFileStream.OnDiskLength(_stream) is { } length && length > whole)
                {
                    _stream.SetLength(whole);
                    outcome = $" The file was cut back to offset {whole}, the end of the last of them, so it ends with a whole record.";
                }
            }
            catch (Exception cut) when (FileErrors.IsFileError(cut))
            {
                outcome = $" Cutting the file back to offset {whole}, the end of the last of them, failed too ({cut.Message.TrimEnd('.')}).";
            }
        }
        PacketsWritten = packets;
        _buffered = 0;
        _ends.Clear();
        var failure = new NetSockException(cause.ErrorId, cause.Kind,
            $"{cause.Message} {packets} {(packets == 1 ? "packet was" : "packets were")} written whole before the error.{outcome}", _path, e);
        failure.Data["PacketsWritten"] = packets;
        return failure;
    }

    private void Put(Span<byte> b, int at, uint v)
    {
        if (_bigEndian) BinaryPrimitives.WriteUInt32BigEndian(b[at..], v);
        else BinaryPrimitives.WriteUInt32LittleEndian(b[at..], v);
    }

    private void Put16(Span<byte> b, int at, ushort v)
    {
        if (_bigEndian) BinaryPrimitives.WriteUInt16BigEndian(b[at..], v);
        else BinaryPrimitives.WriteUInt16LittleEndian(b[at..], v);
    }

    private void WriteFileHeader()
    {
        if (Format == CaptureFileFormat.Pcap)
        {
            var h = Reserve(24);
            Put(h, 0, _nanosecond ? CaptureFileReader.PcapMagicNano : CaptureFileReader.PcapMagicMicro);
            Put16(h, 4, 2);
            Put16(h, 6, 4);
            Put(h, 8, 0);
            Put(h, 12, 0);
            Put(h, 16, SnapLength);
            Put(h, 20, (uint)_linkType);
            Commit(24, packet: false);
            return;
        }
        // SHB: byte-order magic, version 1.0, section length unspecified, shb_userappl "NetSock".
        byte[] app = Encoding.UTF8.GetBytes("NetSock");
        int optLen = 4 + ((app.Length + 3) & ~3) + 4;
        int total = 28 + optLen;
        var b = Reserve(total);
        b.Clear();
        Put(b, 0, CaptureFileReader.ShbType);
        Put(b, 4, (uint)total);
        Put(b, 8, CaptureFileReader.ByteOrderMagic);
        Put16(b, 12, 1);
        Put16(b, 14, 0);
        Put(b, 16, 0xFFFFFFFF);
        Put(b, 20, 0xFFFFFFFF);
        int at = 24;
        Put16(b, at, 4);
        Put16(b, at + 2, (ushort)app.Length);
        app.CopyTo(b[(at + 4)..]);
        at += 4 + ((app.Length + 3) & ~3);
        at += 4; // opt_endofopt
        Put(b, at, (uint)total);
        Commit(total, packet: false);
    }

    private int InterfaceId(string? name, LinkType lt)
    {
        if (_ids.TryGetValue((name, lt), out int id)) return id;
        var itf = new CaptureFileReader.Interface
        {
            LinkType = lt, SnapLength = SnapLength, Name = name, ResolutionExponent = _nanosecond ? 9 : 6,
        };
        byte[]? nameBytes = name == null ? null : Encoding.UTF8.GetBytes(name);
        if (nameBytes is { Length: > 65535 }) throw new ArgumentException("The interface name is too long.", nameof(name));
        int optLen = (nameBytes == null ? 0 : 4 + ((nameBytes.Length + 3) & ~3)) + 8 + 4;
        int total = 20 + optLen;
        var b = Reserve(total);
        b.Clear();
        Put(b, 0, CaptureFileReader.IdbType);
        Put(b, 4, (uint)total);
        Put16(b, 8, (ushort)lt);
        Put16(b, 10, 0);
        Put(b, 12, SnapLength);
        int at = 16;
        if (nameBytes != null)
        {
            Put16(b, at, 2);
            Put16(b, at + 2, (ushort)nameBytes.Length);
            nameBytes.CopyTo(b[(at + 4)..]);
            at += 4 + ((nameBytes.Length + 3) & ~3);
        }
        Put16(b, at, 9);
        Put16(b, at + 2, 1);
        b[at + 4] = (byte)itf.ResolutionExponent;
        at += 8;
        at += 4; // opt_endofopt
        Put(b, at, (uint)total);
        Commit(total, packet: false);
        id = _interfaces.Count;
        _interfaces.Add(itf);
        _ids[(name, lt)] = id;
        return id;
    }
}
