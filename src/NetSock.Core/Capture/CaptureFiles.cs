using NetSock.Packets;
using SharpPcap.LibPcap;

namespace NetSock.Capture;

/// <summary>Capture files as packets: read (rdpcap, tcpdump -r) with an optional BPF filter, and written (wrpcap).</summary>
public static class CaptureFiles
{
    /// <summary>
    /// The packets of a pcap or pcapng file, streamed, numbered by their place in the file, with their timestamp,
    /// interface, original length and SourceFile (the file's full path); <paramref name="filter"/> is BPF as tcpdump
    /// takes it. A damaged file yields every good packet before the damage, then throws CaptureFileCorrupt naming the offset.
    /// </summary>
    public static IEnumerable<Packet> Read(string path, string? filter, CancellationToken token = default, bool absoluteSequenceNumbers = false) =>
        ReadBatches(path, filter, token: token, absoluteSequenceNumbers: absoluteSequenceNumbers).SelectMany(b => b);

    /// <summary>
    /// The packets of a file as <see cref="Read"/> gives them, in arrays of at most <paramref name="batchSize"/> (a new
    /// array each time): what Get-SniffedPacket writes to the pipeline. A damaged file's error comes after a batch
    /// holding the good packets before the damage. A FIFO (tcpdump -w to a mkfifo path) is read live, one packet to a
    /// batch; <paramref name="token"/> ends the wait for its writer and for its next packet (OperationCanceledException).
    /// </summary>
    /// <param name="absoluteSequenceNumbers">TCP sequence numbers in Info as they are on the wire, not relative to each stream's first.</param>
    public static IEnumerable<Packet[]> ReadBatches(string path, string? filter, int batchSize = 64, CancellationToken token = default, bool absoluteSequenceNumbers = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        using var reader = CaptureFileReader.Open(path, token);
        if (reader.IsPipe) batchSize = 1;       // live: each packet out as it comes
        var state = new BatchState(reader, filter, new ConversationTracker(absoluteSequenceNumbers));
        try
        {
            while (true)
            {
                var batch = new Packet[batchSize];
                int n = Fill(state, batch);
                if (n > 0) yield return n == batch.Length ? batch : batch[..n];
                if (state.Damage is { } damage) throw damage;
                if (n < batch.Length) yield break;
            }
        }
        finally
        {
            foreach (var program in state.Programs.Values) program.Dispose();
        }
    }

    private sealed class BatchState(CaptureFileReader reader, string? filter, ConversationTracker streams)
    {
        public readonly CaptureFileReader Reader = reader;
        public readonly string? Filter = filter;
        public readonly Dictionary<LinkType, BpfProgram> Programs = new();
        public long Number;
        public NetSockException? Damage;
        public readonly ConversationTracker Streams = streams;
    }

    /// <summary>
    /// Reads packets into <paramref name="batch"/> until it is full or the file ends (or is damaged: the error is kept
    /// for after the batch); compiled optimised from the start, as it runs once per packet.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static int Fill(BatchState state, Packet[] batch)
    {
        var reader = state.Reader;
        int n = 0;
        try
        {
            while (n < batch.Length && reader.TryRead(out var frame))
            {
                long number = ++state.Number;
                if (state.Filter is not null && !Program(state.Programs, frame.LinkType, state.Filter).Matches(frame.Data)) continue;
                var packet = Packet.Dissect(frame.Data, new CaptureInfo(frame.Nanoseconds, frame.Interface, frame.LinkType, frame.OriginalLength, number, reader.Path));
                state.Streams.Stamp(packet);
                batch[n++] = packet;
            }
        }
        catch (NetSockException e)
        {
            state.Damage = e;
        }
        return n;
    }

    /// <summary>The filter compiled for one link type (a file may hold several), or CaptureFilterInvalid quoting libpcap.</summary>
    private static BpfProgram Program(Dictionary<LinkType, BpfProgram> programs, LinkType linkType, string filter)
    {
        if (programs.TryGetValue(linkType, out var program)) return program;
        try
        {
            // libpcap compiles for a DLT: LINKTYPE_RAW (101) is DLT_RAW (12 on Linux); the other LINKTYPEs used here equal their DLTs.
            int dlt = linkType == LinkType.Raw ? 12 : (int)linkType;
            program = BpfProgram.Create((PacketDotNet.LinkLayers)dlt, filter, 1, 0);
        }
        catch (Exception e) when (e is SharpPcap.PcapException or ArgumentException)
        {
            throw new NetSockException("CaptureFilterInvalid", NetSockErrorKind.InvalidArgument,
                $"libpcap cannot compile the filter '{filter}' for link type {linkType}: {e.Message.Trim()}. Write it as tcpdump would take it, e.g. 'udp port 53'.", filter, e);
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException)
        {
            throw CaptureLibrary.Missing(e);
        }
        programs[linkType] = program;
        return program;
    }

    /// <summary>
    /// Writes one packet: its bytes, its timestamp (now, for a crafted packet), its original length, interface and link
    /// type; a packet from another host (<paramref name="computerName"/>) is written on an interface named host/interface.
    /// </summary>
    public static void Write(CaptureFileWriter writer, Packet packet, string? computerName = null)
    {
        byte[] bytes = packet.GetBytes();
        string? itf = string.IsNullOrEmpty(computerName) ? packet.Interface : $"{computerName}/{packet.Interface ?? "unknown"}";
        if (packet.TimestampNanoseconds is { } ns)
            writer.Write(bytes, ns, packet.OriginalLength ?? bytes.Length, itf, packet.LinkType);
        else
            writer.Write(bytes, packet.Timestamp ?? DateTimeOffset.Now, packet.OriginalLength ?? bytes.Length, itf, packet.LinkType);
    }
}
