using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace NetSock.Packets;

/// <summary>The Internet checksum (RFC 1071), with the IPv4 and IPv6 pseudo-headers of TCP, UDP and ICMPv6.</summary>
public static class Checksum
{
    /// <summary>Adds 16-bit big-endian words to a running sum (an odd last byte is padded with zero).</summary>
    public static uint Add(uint sum, ReadOnlySpan<byte> data)
    {
        int i = 0;
        for (; i + 1 < data.Length; i += 2)
            sum += BinaryPrimitives.ReadUInt16BigEndian(data.Slice(i, 2));
        if (i < data.Length)
            sum += (uint)(data[i] << 8);
        return sum;
    }

    public static ushort Fold(uint sum)
    {
        while (sum > 0xFFFF)
            sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)~sum;
    }

    public static ushort Compute(ReadOnlySpan<byte> data) => Fold(Add(0, data));

    /// <summary>Sum of the pseudo-header of an upper-layer protocol over IPv4 or IPv6.</summary>
    public static uint PseudoHeader(IPAddress source, IPAddress destination, int protocol, int length)
    {
        Span<byte> address = stackalloc byte[16];
        uint sum = 0;
        foreach (var a in new[] { source, destination })
        {
            a.TryWriteBytes(address, out int written);
            sum = Add(sum, address[..written]);
        }
        if (source.AddressFamily == AddressFamily.InterNetworkV6)
            return sum + (uint)(length >> 16) + (uint)(length & 0xFFFF) + (uint)protocol;
        return sum + (uint)protocol + (uint)length;
    }
}
