using System.Net;
using System.Net.Sockets;
using System.Text;
using NetSock.Packets;
using NetSock.Packets.Layers;

namespace NetSock.Sockets;

/// <summary>
/// One datagram received (recvfrom): its payload, who sent it, where it arrived, when. From a raw IPv4 socket, the IP
/// header the kernel hands up is dissected into <see cref="Packet"/> and <see cref="Data"/> is the payload after it.
/// </summary>
public sealed class Datagram
{
    private string? _text;
    private readonly Encoding _encoding;

    public Datagram(byte[] data, EndPoint? remote, EndPoint? local, DateTimeOffset timestamp, Packet? packet = null, Encoding? encoding = null)
    {
        _encoding = encoding ?? Encoding.UTF8;
        Data = data;
        RemoteEndPoint = remote;
        LocalEndPoint = local;
        Timestamp = timestamp;
        Packet = packet;
    }

    public byte[] Data { get; }
    public int Length => Data.Length;

    /// <summary>The payload as text (UTF-8 unless Receive-Datagram -Encoding said otherwise).</summary>
    public string Text => _text ??= _encoding.GetString(Data);

    public EndPoint? RemoteEndPoint { get; }
    public EndPoint? LocalEndPoint { get; }
    public DateTimeOffset Timestamp { get; }

    /// <summary>The arrival time in nanoseconds since 1970-01-01 UTC (to the 100 ns tick), as packets have it.</summary>
    public long TimestampNanoseconds => UnixTime.ToNanoseconds(Timestamp);

    /// <summary>The whole IP packet, for a datagram from a raw IPv4 socket (IPv4 header fields: Packet.IPv4.TimeToLive, ...).</summary>
    public Packet? Packet { get; }

    /// <summary>The IPv4 header of a raw-socket datagram, or null.</summary>
    public IPv4? IPHeader => Packet?.Get<IPv4>();

    public override string ToString() => $"{Length} bytes from {RemoteEndPoint}";
}
