using System.Security.Cryptography;
using NetSock.Packets.Layers;

namespace NetSock.Packets;

/// <summary>
/// IP fragmentation on request, Scapy's fragment(): a packet's IP payload cut into pieces of a given number of bytes
/// rounded down to a multiple of 8 (the last piece may hold up to the number itself), each behind a copy of the headers
/// up to and including IP.
/// IPv4 (RFC 791): every fragment keeps the identification, options and protocol; all but the last have MF set, and
/// the offsets add to the packet's own. IPv6 (RFC 8200 4.5): the IPv6 header and any Hop-by-Hop and Routing headers
/// are repeated in each fragment, then a Fragment header (one random identification for the packet) and the piece.
/// </summary>
public static class Fragments
{
    /// <summary>The fragments of <paramref name="packet"/> (its bytes as built: auto fields filled); one packet when it fits.</summary>
    public static IReadOnlyList<Packet> Split(Packet packet, int size)
    {
        ArgumentNullException.ThrowIfNull(packet);
        if (size is < 8 or > 65528) throw new ArgumentOutOfRangeException(nameof(size), size, "A fragment carries from 8 to 65528 bytes of the IP payload.");
        var built = Packet.Dissect(packet.GetBytes(), packet.LinkType);
        var layers = built.Layers;
        int ip = 0, headerStart = 0;
        while (ip < layers.Count && layers[ip] is not IPLayer)
            headerStart += layers[ip++].HeaderLength;
        if (ip == layers.Count)
            throw new ArgumentException($"Only an IP packet can be fragmented; this one is {layers}.");
        byte[] bytes = built.GetBytes();
        return layers[ip] is IPv4 v4 ? SplitIPv4(layers, ip, v4, bytes, headerStart, size) : SplitIPv6(layers, ip, (IPv6)layers[ip], bytes, headerStart, size);
    }

    private static List<Packet> SplitIPv4(IReadOnlyList<Layer> layers, int ip, IPv4 header, byte[] bytes, int headerStart, int size)
    {
        int start = headerStart + header.HeaderLength, end = Math.Min(bytes.Length, headerStart + (header.TotalLength ?? 0));
        var fragments = new List<Packet>();
        foreach (var (piece, offset, last) in Pieces(bytes, start, Math.Max(start, end), size))
        {
            var copy = (IPv4)header.Clone();
            copy.TotalLength = null;
            copy.Checksum = null;
            copy.Flags = last ? header.Flags : header.Flags | IPv4Flags.MF;
            copy.FragmentOffset = Offset(header.FragmentOffset + offset / 8);
            fragments.Add(Packet.FromLayers(layers.Take(ip).Append(copy).Append(new Raw { Load = piece })));
        }
        return fragments;
    }

    private static List<Packet> SplitIPv6(IReadOnlyList<Layer> layers, int ip, IPv6 header, byte[] bytes, int headerStart, int size)
    {
        // The unfragmentable part: the IPv6 header and the Hop-by-Hop and Routing headers right after it.
        int unfragmentable = ip + 1, start = headerStart + header.HeaderLength;
        while (unfragmentable < layers.Count && layers[unfragmentable] is IPv6HopByHop or IPv6Routing)
            start += layers[unfragmentable++].HeaderLength;
        if (layers.Skip(unfragmentable).Any(l => l is IPv6Fragment))
            throw new ArgumentException("The packet already has an IPv6 Fragment header: it is a fragment. Send it as it is.");
        // The last unfragmentable header's NextHeader names what was cut; in each fragment it is left auto (44, Fragment).
        var nextHeaderField = layers[unfragmentable - 1].GetInfo().GetField(nameof(IPv6.NextHeader));
        byte nextHeader = (byte?)nextHeaderField.GetValue(layers[unfragmentable - 1]) ?? 59;
        int end = Math.Min(bytes.Length, headerStart + header.HeaderLength + (header.PayloadLength ?? 0));
        uint id = (uint)RandomNumberGenerator.GetInt32(int.MaxValue);
        var fragments = new List<Packet>();
        foreach (var (piece, offset, last) in Pieces(bytes, start, Math.Max(start, end), size))
        {
            var copies = layers.Take(unfragmentable).Select(l => l.Clone()).ToList();
            ((IPv6)copies[ip]).PayloadLength = null;
            nextHeaderField.SetValue(copies[^1], null);
            copies.Add(new IPv6Fragment { NextHeader = nextHeader, FragmentOffset = Offset(offset / 8), MoreFragments = (byte)(last ? 0 : 1), Identification = id });
            copies.Add(new Raw { Load = piece });
            fragments.Add(Packet.FromLayers(copies));
        }
        return fragments;
    }

    /// <summary>
    /// Scapy's cut: pieces of <paramref name="size"/> rounded down to a multiple of 8 (offsets count in 8 bytes), and a last
    /// piece of up to <paramref name="size"/> itself.
    /// </summary>
    private static IEnumerable<(byte[] Piece, int Offset, bool Last)> Pieces(byte[] bytes, int start, int end, int size)
    {
        int length = end - start, unit = size - size % 8;
        int count = length <= size ? 1 : (length - size + unit - 1) / unit + 1;
        for (int i = 0; i < count; i++)
        {
            bool last = i == count - 1;
            int from = i * unit, to = Math.Min(length, last ? from + size : from + unit);
            yield return (bytes[(start + from)..(start + to)], from, last);
        }
    }

    private static ushort Offset(int units) => units <= 8191 ? (ushort)units
        : throw new ArgumentException($"A fragment would start {units * 8} bytes in, past the 13-bit offset's 65528.");
}
