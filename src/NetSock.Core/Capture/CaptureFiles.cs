using NetSock.Packets;
using SharpPcap.LibPcap;

namespace NetSock.Capture;

/// <summary>Capture files as packets: read (rdpcap, tcpdump -r) with an optional BPF filter, and written (wrpcap).</summary>
public static class CaptureFiles
{
    /// <summary>
    /// The packets of a pcap or pcapng file, streamed, numbered by their place in the file, with their timestamp,
    /// interface and original length; <paramref name="filter"/> is BPF as tcpdump takes it. A damaged file yields every
    /// good packet before the damage, then throws CaptureFileCorrupt naming the offset.
    /// </summary>
    public static IEnumerable<Packet> Read(string path, string? filter)
    {
        using var reader = CaptureFileReader.Open(path);
        var programs = new Dictionary<LinkType, BpfProgram>();
        try
        {
            long number = 0;
            foreach (var packet in reader.Read((data, linkType, ns, original, itf) =>
            {
                number++;
                if (filter is not null && !Program(programs, linkType, filter).Matches(data)) return null;
                var packet = Packet.Dissect(data, linkType);
                packet.TimestampNanoseconds = ns;          // Timestamp follows from it when first read
                packet.OriginalLength = original;
                packet.Interface = itf;
                packet.Number = number;
                return packet;
            }))
            {
                yield return packet;
            }
        }
        finally
        {
            foreach (var program in programs.Values) program.Dispose();
        }
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
