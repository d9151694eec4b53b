using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using NetSock.Packets;

namespace NetSock.Capture;

/// <summary>One frame read from a capture file: its bytes (a private copy), link type, time and original length.</summary>
/// <param name="Data">The captured bytes.</param>
/// <param name="LinkType">How the frame starts (from the pcap header or the pcapng interface).</param>
/// <param name="Timestamp">The arrival time (to the 100 ns tick).</param>
/// <param name="TimestampNanoseconds">Nanoseconds since the Unix epoch, exact for nanosecond files.</param>
/// <param name="OriginalLength">The length on the wire (may exceed Data.Length when the snap length cut it).</param>
/// <param name="Interface">The pcapng interface's name (if_name), or null.</param>
public sealed record CapturedFrame(byte[] Data, LinkType LinkType, DateTimeOffset Timestamp, long TimestampNanoseconds, int OriginalLength, string? Interface);

/// <summary>The two capture file formats.</summary>
public enum CaptureFileFormat
{
    /// <summary>Classic libpcap format.</summary>
    Pcap,
    /// <summary>pcap Next Generation.</summary>
    PcapNg,
}

/// <summary>
/// Reads classic pcap (both byte orders, micro- and nanosecond) and pcapng (SHB of either byte order, IDB, EPB, SPB, OPB;
/// unknown blocks skipped; several sections and interfaces), streaming through one reusable buffer, from a regular file
/// or a FIFO (read live, as tcpdump -w writes it; see <see cref="CaptureFileStream"/>).
/// A damaged file yields every good frame before the damage, then throws a <see cref="NetSockException"/>
/// "CaptureFileCorrupt" naming the file and the byte offset.
/// </summary>
public sealed class CaptureFileReader : IDisposable
{
    internal const uint PcapMagicMicro = 0xA1B2C3D4;
    internal const uint PcapMagicNano = 0xA1B23C4D;
    internal const uint ShbType = 0x0A0D0D0A;
    internal const uint ByteOrderMagic = 0x1A2B3C4D;
    internal const uint IdbType = 1, OpbType = 2, SpbType = 3, EpbType = 6;
    /// <summary>The largest block or record accepted (libpcap's limit is 16 MiB for most link types).</summary>
    private const int MaxBlock = 64 * 1024 * 1024;

    private readonly string _path;
    private readonly Stream _stream;
    private byte[] _buf = new byte[1 << 20];
    private int _pos, _end;
    private long _bufBase;
    private bool _eof;
    private bool _swap;

    private CaptureFileReader(string path, Stream stream)
    {
        _path = path;
        _stream = stream;
    }

    /// <summary>The file's format.</summary>
    public CaptureFileFormat Format { get; private set; }

    /// <summary>True when the file is a FIFO or pipe: read live as it is written, and not restartable once read.</summary>
    internal bool IsPipe => !_stream.CanSeek;

    /// <summary>
    /// The offset just after the last whole record (pcap header included) or block read so far; after a
    /// CaptureFileCorrupt, where the damage starts: the length a repair cuts the file back to.
    /// </summary>
    internal long WholeEnd => Offset;

    /// <summary>What was wrong with the file, when reading it threw CaptureFileCorrupt (the message without the file's name).</summary>
    internal string? Damage { get; private set; }

    /// <summary>A classic pcap's link type, from its header (once the first frame was asked for).</summary>
    internal LinkType PcapLinkType => _linkType;

    /// <summary>Whether a classic pcap has nanosecond timestamps (magic a1b23c4d).</summary>
    internal bool PcapNanosecond => _fracScale == 1;

    /// <summary>Whether a classic pcap is written big-endian.</summary>
    internal bool PcapBigEndian { get; private set; }

    /// <summary>The file's path.</summary>
    public string Path => _path;

    /// <summary>
    /// Opens a capture file (or a FIFO, waiting for its writer in slices that check <paramref name="token"/>) and
    /// checks its first header; frames are read by <see cref="ReadFrames"/>. OS errors are CaptureFileNotFound,
    /// CaptureFileIsDirectory, CaptureFileAccessDenied, ... as <see cref="FileErrors"/> names them.
    /// </summary>
    public static CaptureFileReader Open(string path, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        string full = System.IO.Path.GetFullPath(path);
        var reader = new CaptureFileReader(full, CaptureFileStream.OpenRead(full, token));
        try
        {
            // Read into the buffer, not seek back: a FIFO cannot seek.
            reader.Fill(4);
            reader.Format = Detect(full, reader._buf.AsSpan(0, Math.Min(reader._end, 4)));
            return reader;
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    private static CaptureFileFormat Detect(string path, ReadOnlySpan<byte> head)
    {
        if (head.Length == 4)
        {
            uint le = BinaryPrimitives.ReadUInt32LittleEndian(head), be = BinaryPrimitives.ReadUInt32BigEndian(head);
            if (le is PcapMagicMicro or PcapMagicNano || be is PcapMagicMicro or PcapMagicNano) return CaptureFileFormat.Pcap;
            if (le == ShbType) return CaptureFileFormat.PcapNg;
        }
        string what = head.Length == 0 ? "it is empty" : $"it starts with the bytes {Convert.ToHexString(head).ToLowerInvariant()}";
        throw new NetSockException("CaptureFileUnknownFormat", NetSockErrorKind.InvalidArgument,
            $"The file '{path}' is not a pcap or pcapng capture file: {what}, not a pcap magic number (a1b2c3d4, a1b23c4d, either byte order) nor a pcapng section header (0a0d0d0a).",
            path);
    }

    /// <summary>The frames, read one by one as the enumeration advances. Each enumeration starts from the beginning.</summary>
    public IEnumerable<CapturedFrame> ReadFrames()
    {
        Restart();
        while (TryRead(out var f))
            yield return new CapturedFrame(f.Data, f.LinkType, UnixTime.FromNanoseconds(f.Nanoseconds), f.Nanoseconds, f.OriginalLength, f.Interface);
    }

    /// <summary>One frame as <see cref="TryRead"/> gives it: its bytes (a private copy), link type, time in ns, original length, interface.</summary>
    internal struct Frame
    {
        public byte[] Data;
        public LinkType LinkType;
        public long Nanoseconds;
        public int OriginalLength;
        public string? Interface;
    }

    /// <summary>Goes back to the start of the file: the next <see cref="TryRead"/> reads its first frame.</summary>
    internal void Restart()
    {
        Rewind();
        _started = false;
    }

    /// <summary>
    /// The next frame, or false at the end of the file. A cursor rather than an iterator, and compiled optimised from the
    /// start: reading a file is a loop of millions of calls, most of them over before the tiered JIT would optimise it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal bool TryRead(out Frame frame) =>
        Format == CaptureFileFormat.Pcap ? TryReadPcap(out frame) : TryReadPcapNg(out frame);

    public void Dispose() => _stream.Dispose();

    // ---------------------------------------------------------------- buffering

    private void Rewind()
    {
        if (!_stream.CanSeek)
        {
            // A FIFO's start is still in the buffer only if nothing was shifted out of it yet.
            if (_bufBase != 0) throw new InvalidOperationException($"The FIFO '{_path}' was read past its start and cannot be read again.");
            _pos = 0;
            return;
        }
        _stream.Position = 0;
        _pos = _end = 0;
        _bufBase = 0;
        _eof = false;
    }

    /// <summary>Makes at least <paramref name="need"/> bytes available at _pos; false when the file ends first.</summary>
    private bool Fill(int need)
    {
        if (_end - _pos >= need) return true;
        if (_eof) return false;
        if (need > _buf.Length)
        {
            var bigger = new byte[Math.Max(need, _buf.Length * 2)];
            Buffer.BlockCopy(_buf, _pos, bigger, 0, _end - _pos);
            _buf = bigger;
        }
        else if (_pos > 0)
        {
            Buffer.BlockCopy(_buf, _pos, _buf, 0, _end - _pos);
        }
        _bufBase += _pos;
        _end -= _pos;
        _pos = 0;
        while (_end < need)
        {
            int n;
            try
            {
                n = _stream.Read(_buf, _end, _buf.Length - _end);
            }
            catch (Exception e) when (FileErrors.IsFileError(e))
            {
                throw FileErrors.Map(e, CaptureFileStream.Noun, _path, "read the capture file");
            }
            if (n == 0) { _eof = true; break; }
            _end += n;
        }
        return _end - _pos >= need;
    }

    private long Offset => _bufBase + _pos;
    private int Available => _end - _pos;

    private uint U32(int at)
    {
        uint v = BitConverter.ToUInt32(_buf, at);
        return _swap ? BinaryPrimitives.ReverseEndianness(v) : v;
    }

    private ushort U16(int at)
    {
        ushort v = BitConverter.ToUInt16(_buf, at);
        return _swap ? BinaryPrimitives.ReverseEndianness(v) : v;
    }

    private NetSockException Corrupt(string what)
    {
        Damage = what;
        return new("CaptureFileCorrupt", NetSockErrorKind.InvalidArgument,
            $"The capture file '{_path}' is damaged: {what}. The frames before that point were read.", _path);
    }

    private NetSockException Truncated(string unit, long at, int need) => Corrupt(
        $"the file ends {Available} bytes into a {unit} at offset {at} (it needs {need} bytes)");

    private static bool HostLittle => BitConverter.IsLittleEndian;

    // ---------------------------------------------------------------- pcap

    private bool _started;
    private long _fracScale;
    private uint _snapLength, _limit;
    private LinkType _linkType;

    private void StartPcap()
    {
        if (!Fill(24)) throw Truncated("pcap file header", 0, 24);
        uint magicLe = BinaryPrimitives.ReadUInt32LittleEndian(_buf);
        bool fileLittle = magicLe is PcapMagicMicro or PcapMagicNano;
        PcapBigEndian = !fileLittle;
        _swap = fileLittle != HostLittle;
        _fracScale = U32(0) == PcapMagicNano ? 1 : 1000;
        _snapLength = U32(16);
        _linkType = (LinkType)(U32(20) & 0xFFFF);
        _limit = _snapLength == 0 ? 262144u : _snapLength;
        _pos += 24;
        _started = true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryReadPcap(out Frame frame)
    {
        frame = default;
        if (!_started) StartPcap();
        if (!Fill(16))
        {
            if (Available == 0) return false;
            throw Truncated("record header", Offset, 16);
        }
        int p = _pos;
        uint sec = U32(p), frac = U32(p + 4), incl = U32(p + 8), orig = U32(p + 12);
        if (incl > _limit || incl > MaxBlock)
            throw Corrupt($"record header at offset {Offset} says {incl} bytes but the snap length is {_snapLength}");
        if (!Fill(16 + (int)incl)) throw Truncated("record", Offset, 16 + (int)incl);
        p = _pos;
        var data = new byte[incl];
        Buffer.BlockCopy(_buf, p + 16, data, 0, (int)incl);
        _pos += 16 + (int)incl;
        frame.Data = data;
        frame.LinkType = _linkType;
        frame.Nanoseconds = sec * 1_000_000_000L + frac * _fracScale;
        frame.OriginalLength = (int)Math.Min(orig, int.MaxValue);
        return true;
    }

    // ---------------------------------------------------------------- pcapng

    internal sealed class Interface
    {
        public LinkType LinkType;
        public uint SnapLength;
        public string? Name;
        /// <summary>if_tsresol: the exponent, and whether it is a power of two (else of ten).</summary>
        public int ResolutionExponent = 6;
        public bool ResolutionBinary;
        public long OffsetSeconds;

        public long ToNanoseconds(ulong units)
        {
            long ns;
            if (!ResolutionBinary)
            {
                int e = ResolutionExponent;
                ns = e <= 9 ? (long)units * Pow10[9 - e] : (long)(units / (ulong)Pow10[Math.Min(e - 9, 18)]);
            }
            else
            {
                int e = ResolutionExponent;
                ulong secs = e >= 64 ? 0 : units >> e;
                ulong frac = e >= 64 ? units : units & ((1UL << e) - 1);
                ns = (long)secs * 1_000_000_000L + (long)(((UInt128)frac * 1_000_000_000UL) >> e);
            }
            return ns + OffsetSeconds * 1_000_000_000L;
        }

        public ulong FromNanoseconds(long ns)
        {
            ns -= OffsetSeconds * 1_000_000_000L;
            if (!ResolutionBinary)
            {
                int e = ResolutionExponent;
                return e <= 9 ? (ulong)(ns / Pow10[9 - e]) : (ulong)ns * (ulong)Pow10[Math.Min(e - 9, 18)];
            }
            ulong secs = (ulong)(ns / 1_000_000_000L), rest = (ulong)(ns % 1_000_000_000L);
            return (secs << ResolutionExponent) + (ulong)(((UInt128)rest << ResolutionExponent) / 1_000_000_000UL);
        }
    }

    internal static readonly long[] Pow10 =
    {
        1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000, 10_000_000_000,
        100_000_000_000, 1_000_000_000_000, 10_000_000_000_000, 100_000_000_000_000, 1_000_000_000_000_000,
        10_000_000_000_000_000, 100_000_000_000_000_000, 1_000_000_000_000_000_000,
    };

    /// <summary>What a walk over a pcapng file's blocks found (used by the writer's append).</summary>
    internal sealed class PcapNgState
    {
        public bool BigEndian;
        public List<Interface> Interfaces = new();
        public long SectionLengthOffset = -1;
        public long SectionLength = -1;
    }

    internal PcapNgState? State { get; private set; }

    private bool _inSection;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryReadPcapNg(out Frame frame)
    {
        frame = default;
        if (!_started)
        {
            State = new PcapNgState();
            _inSection = false;
            _started = true;
        }
        var state = State!;
        var interfaces = state.Interfaces;
        while (true)
        {
            if (!Fill(12))
            {
                if (Available == 0) return false;
                throw Truncated("block", Offset, 12);
            }
            long blockOffset = Offset;
            int p = _pos;
            uint type = BitConverter.ToUInt32(_buf, p);
            if (type == ShbType)
            {
                // The byte order is needed to read the length; the section itself starts once the block is whole.
                uint bom = BitConverter.ToUInt32(_buf, p + 8);
                if (bom == ByteOrderMagic) _swap = false;
                else if (bom == BinaryPrimitives.ReverseEndianness(ByteOrderMagic)) _swap = true;
                else throw Corrupt($"the section header block at offset {blockOffset} has the byte-order magic {bom:x8}, not 1a2b3c4d");
            }
            else
            {
                type = U32(p);
                if (!_inSection) throw Corrupt($"the block at offset {blockOffset} comes before any section header block");
            }
            uint total = U32(p + 4);
            if (total < 12 || total % 4 != 0 || total > MaxBlock)
                throw Corrupt($"the block at offset {blockOffset} (type 0x{type:x}) says it is {total} bytes long, which is {(total < 12 ? "less than the 12-byte minimum" : total % 4 != 0 ? "not a multiple of 4" : "more than the 64 MiB maximum")}");
            int len = (int)total;
            if (!Fill(len)) throw Truncated("block", blockOffset, len);
            p = _pos;
            uint trailer = U32(p + len - 4);
            if (trailer != total)
                throw Corrupt($"the block at offset {blockOffset} (type 0x{type:x}) says {total} bytes at its start but {trailer} at its end");
            bool found = false;
            switch (type)
            {
                case ShbType:
                    if (len < 28) throw Corrupt($"the section header block at offset {blockOffset} is {len} bytes, less than the 28-byte minimum");
                    state.BigEndian = HostLittle == _swap;
                    interfaces.Clear();
                    _inSection = true;
                    state.SectionLengthOffset = blockOffset + 16;
                    state.SectionLength = _swap
                        ? BinaryPrimitives.ReverseEndianness(BitConverter.ToInt64(_buf, p + 16))
                        : BitConverter.ToInt64(_buf, p + 16);
                    break;
                case IdbType:
                    if (len < 20) throw Corrupt($"the interface description block at offset {blockOffset} is {len} bytes, less than the 20-byte minimum");
                    interfaces.Add(ParseInterface(p, len, blockOffset));
                    break;
                case EpbType:
                case OpbType:
                {
                    if (len < 32) throw Corrupt($"the packet block at offset {blockOffset} is {len} bytes, less than the 32-byte minimum");
                    uint id = type == EpbType ? U32(p + 8) : U16(p + 8);
                    if (id >= interfaces.Count)
                        throw Corrupt($"the packet block at offset {blockOffset} names interface {id}, but the section defines {interfaces.Count}");
                    var itf = interfaces[(int)id];
                    ulong units = ((ulong)U32(p + 12) << 32) | U32(p + 16);
                    uint cap = U32(p + 20), orig = U32(p + 24);
                    if (cap > len - 32)
                        throw Corrupt($"the packet block at offset {blockOffset} says {cap} captured bytes but the block holds only {len - 32}");
                    var data = new byte[cap];
                    Buffer.BlockCopy(_buf, p + 28, data, 0, (int)cap);
                    frame = new Frame { Data = data, LinkType = itf.LinkType, Nanoseconds = itf.ToNanoseconds(units), OriginalLength = (int)Math.Min(orig, int.MaxValue), Interface = itf.Name };
                    found = true;
                    break;
                }
                case SpbType:
                {
                    if (len < 16) throw Corrupt($"the simple packet block at offset {blockOffset} is {len} bytes, less than the 16-byte minimum");
                    if (interfaces.Count == 0)
                        throw Corrupt($"the simple packet block at offset {blockOffset} comes before any interface description block");
                    var itf = interfaces[0];
                    uint orig = U32(p + 8);
                    long cap = Math.Min(orig, len - 16);
                    if (itf.SnapLength != 0) cap = Math.Min(cap, itf.SnapLength);
                    var data = new byte[cap];
                    Buffer.BlockCopy(_buf, p + 12, data, 0, (int)cap);
                    frame = new Frame { Data = data, LinkType = itf.LinkType, Nanoseconds = 0, OriginalLength = (int)Math.Min(orig, int.MaxValue), Interface = itf.Name };
                    found = true;
                    break;
                }
            }
            _pos += len;
            if (found) return true;
        }
    }

    private Interface ParseInterface(int p, int len, long blockOffset)
    {
        var itf = new Interface { LinkType = (LinkType)U16(p + 8), SnapLength = U32(p + 12) };
        int at = p + 16, stop = p + len - 4;
        while (at + 4 <= stop)
        {
            int code = U16(at), olen = U16(at + 2);
            if (code == 0) break;
            if (at + 4 + olen > stop)
                throw Corrupt($"an option of the interface description block at offset {blockOffset} runs past the block's end");
            switch (code)
            {
                case 2:
                    itf.Name = System.Text.Encoding.UTF8.GetString(_buf, at + 4, olen).TrimEnd('\0');
                    break;
                case 9 when olen >= 1:
                    byte r = _buf[at + 4];
                    itf.ResolutionBinary = (r & 0x80) != 0;
                    itf.ResolutionExponent = r & 0x7F;
                    break;
                case 14 when olen >= 8:
                    long off = BitConverter.ToInt64(_buf, at + 4);
                    itf.OffsetSeconds = _swap ? BinaryPrimitives.ReverseEndianness(off) : off;
                    break;
            }
            at += 4 + ((olen + 3) & ~3);
        }
        return itf;
    }
}
