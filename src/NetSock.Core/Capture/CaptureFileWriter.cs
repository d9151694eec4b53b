using System.Buffers.Binary;
using System.Text;
using NetSock.Packets;

namespace NetSock.Capture;

/// <summary>
/// Writes classic pcap (snap length 262144) or pcapng (SHB, one IDB per interface name and link type as they appear,
/// EPBs), optionally appending to an existing file of the same format. Flushes on Dispose.
/// </summary>
public sealed class CaptureFileWriter : IDisposable
{
    /// <summary>The snap length written in headers; longer frames are cut to it.</summary>
    public const int SnapLength = 262144;

    private readonly string _path;
    private readonly FileStream _stream;
    private readonly LinkType _linkType;
    private readonly bool _nanosecond;
    private readonly bool _bigEndian;
    private readonly List<CaptureFileReader.Interface> _interfaces = new();
    private readonly Dictionary<(string?, LinkType), int> _ids = new();
    private byte[] _scratch = new byte[64 * 1024];
    private bool _disposed;

    private CaptureFileWriter(string path, FileStream stream, CaptureFileFormat format, LinkType linkType, bool nanosecond, bool bigEndian)
    {
        _path = path;
        _stream = stream;
        Format = format;
        _linkType = linkType;
        _nanosecond = nanosecond;
        _bigEndian = bigEndian;
    }

    /// <summary>The format being written.</summary>
    public CaptureFileFormat Format { get; }

    /// <summary>
    /// Creates (or with <paramref name="append"/> extends) a capture file. Appending to pcap keeps the existing header,
    /// whose link type must match, and its byte order and timestamp precision; appending to pcapng continues the last
    /// section, reusing its interfaces.
    /// </summary>
    public static CaptureFileWriter Create(string path, CaptureFileFormat format, LinkType linkType, bool append = false, bool nanosecond = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        string full = Path.GetFullPath(path);
        bool existing = append && File.Exists(full) && new FileInfo(full).Length > 0;
        if (!existing)
        {
            FileStream fresh = OpenStream(full, FileMode.Create);
            var w = new CaptureFileWriter(full, fresh, format, linkType, nanosecond, !BitConverter.IsLittleEndian);
            try { w.WriteFileHeader(); }
            catch { fresh.Dispose(); throw; }
            return w;
        }

        CaptureFileReader.PcapNgState? ngState = null;
        bool bigEndian, nano = nanosecond;
        using (var reader = CaptureFileReader.Open(full))
        {
            if (reader.Format != format)
                throw new NetSockException("CaptureFileFormatMismatch", NetSockErrorKind.InvalidArgument,
                    $"Cannot append {format} records to '{full}': it is a {reader.Format} file. Append in its own format, or write a new file.", full);
            if (format == CaptureFileFormat.Pcap)
            {
                Span<byte> head = stackalloc byte[24];
                using (var fs = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
                {
                    if (fs.ReadAtLeast(head, 24, throwOnEndOfStream: false) < 24)
                        throw new NetSockException("CaptureFileCorrupt", NetSockErrorKind.InvalidArgument,
                            $"The capture file '{full}' is damaged: the file ends inside its 24-byte pcap header.", full);
                }
                uint le = BinaryPrimitives.ReadUInt32LittleEndian(head);
                bigEndian = le is not (CaptureFileReader.PcapMagicMicro or CaptureFileReader.PcapMagicNano);
                uint magic = bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(head) : le;
                nano = magic == CaptureFileReader.PcapMagicNano;
                uint network = (bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(head[20..]) : BinaryPrimitives.ReadUInt32LittleEndian(head[20..])) & 0xFFFF;
                if (network != (uint)linkType)
                    throw LinkTypeMismatch(full, (LinkType)network, linkType);
            }
            else
            {
                // Walk the blocks (frames are decoded but discarded) to learn the last section's byte order and interfaces.
                foreach (var _ in reader.ReadFrames()) { }
                ngState = reader.State!;
                bigEndian = ngState.BigEndian;
            }
        }

        if (ngState is { SectionLength: not -1, SectionLengthOffset: >= 0 })
        {
            // The section grows: mark its length unspecified, as the spec allows.
            using var fix = new FileStream(full, FileMode.Open, FileAccess.Write, FileShare.Read);
            fix.Position = ngState.SectionLengthOffset;
            fix.Write(BitConverter.GetBytes(-1L));
        }

        FileStream stream = OpenStream(full, FileMode.Append);
        var writer = new CaptureFileWriter(full, stream, format, linkType, nano, bigEndian);
        if (ngState != null)
        {
            foreach (var itf in ngState.Interfaces)
            {
                writer._ids.TryAdd((itf.Name, itf.LinkType), writer._interfaces.Count);
                writer._interfaces.Add(itf);
            }
        }
        return writer;
    }

    private static FileStream OpenStream(string full, FileMode mode)
    {
        try
        {
            return new FileStream(full, mode, FileAccess.Write, FileShare.Read, 1 << 16);
        }
        catch (DirectoryNotFoundException e)
        {
            throw new NetSockException("CaptureFileNotFound", NetSockErrorKind.NotFound,
                $"Cannot write the capture file '{full}': its directory does not exist.", full, e);
        }
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
        var lt = linkType ?? _linkType;
        if (data.Length > SnapLength) data = data[..SnapLength];
        int orig = Math.Max(originalLength, data.Length);
        if (Format == CaptureFileFormat.Pcap)
        {
            if (lt != _linkType) throw LinkTypeMismatch(_path, _linkType, lt);
            long sec = Math.DivRem(timestampNanoseconds, 1_000_000_000L, out long rem);
            if (rem < 0) { sec--; rem += 1_000_000_000L; }
            uint frac = (uint)(_nanosecond ? rem : rem / 1000);
            Span<byte> h = stackalloc byte[16];
            Put(h, 0, (uint)sec);
            Put(h, 4, frac);
            Put(h, 8, (uint)data.Length);
            Put(h, 12, (uint)orig);
            _stream.Write(h);
            _stream.Write(data);
            return;
        }

        int id = InterfaceId(interfaceName, lt);
        ulong units = _interfaces[id].FromNanoseconds(timestampNanoseconds);
        int padded = (data.Length + 3) & ~3;
        int total = 32 + padded;
        var b = Scratch(total);
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
        _stream.Write(b);
    }

    /// <summary>Flushes buffered records to disk.</summary>
    public void Flush() => _stream.Flush();

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        try { _stream.Flush(); }
        finally { _stream.Dispose(); }
    }

    private Span<byte> Scratch(int n)
    {
        if (_scratch.Length < n) _scratch = new byte[Math.Max(n, _scratch.Length * 2)];
        return _scratch.AsSpan(0, n);
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
            Span<byte> h = stackalloc byte[24];
            Put(h, 0, _nanosecond ? CaptureFileReader.PcapMagicNano : CaptureFileReader.PcapMagicMicro);
            Put16(h, 4, 2);
            Put16(h, 6, 4);
            Put(h, 8, 0);
            Put(h, 12, 0);
            Put(h, 16, SnapLength);
            Put(h, 20, (uint)_linkType);
            _stream.Write(h);
            return;
        }
        // SHB: byte-order magic, version 1.0, section length unspecified, shb_userappl "NetSock".
        byte[] app = Encoding.UTF8.GetBytes("NetSock");
        int optLen = 4 + ((app.Length + 3) & ~3) + 4;
        int total = 28 + optLen;
        var b = Scratch(total);
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
        _stream.Write(b);
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
        var b = Scratch(total);
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
        _stream.Write(b);
        id = _interfaces.Count;
        _interfaces.Add(itf);
        _ids[(name, lt)] = id;
        return id;
    }
}
