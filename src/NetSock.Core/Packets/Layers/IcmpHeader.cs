using System.Buffers.Binary;

namespace NetSock.Packets.Layers;

/// <summary>The eight bytes ICMP and ICMPv6 messages start with: type, code, checksum, then two 16-bit words (id, seq).</summary>
internal static class IcmpHeader
{
    public static void Read(ReadOnlySpan<byte> data, out byte type, out byte code, out ushort checksum, out ushort id, out ushort seq)
    {
        type = data[0];
        code = data[1];
        checksum = BinaryPrimitives.ReadUInt16BigEndian(data[2..]);
        id = BinaryPrimitives.ReadUInt16BigEndian(data[4..]);
        seq = BinaryPrimitives.ReadUInt16BigEndian(data[6..]);
    }

    /// <summary>Writes the header with a zero checksum, ready for the checksum to be computed over it.</summary>
    public static void Write(Span<byte> header, byte type, byte code, ushort id, ushort seq)
    {
        header[0] = type;
        header[1] = code;
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(header[4..], id);
        BinaryPrimitives.WriteUInt16BigEndian(header[6..], seq);
    }
}
