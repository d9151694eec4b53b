using System.Buffers.Binary;
using System.Net;

namespace NetSock.Packets.Layers;

/// <summary>
/// IGMP version 2 (RFC 2236): type, max response time, checksum, group address. An IGMPv3 query's extra fields
/// (RFC 3376) follow as Raw and are covered by the checksum. RFC 2236 sends IGMP with IP TTL 1 (Scapy's binding sets
/// it); here the IPv4 layer keeps its own default of 64, so set its TimeToLive to 1.
/// </summary>
[Layer("Igmp", "Internet Group Management Protocol (v2)")]
[Bind(typeof(IPv4), 2)]
public sealed class Igmp : Layer
{
    private byte _type = 0x11;
    private byte _maxResponseTime = 20;
    private ushort? _checksum;
    private IPAddress _group = IPAddress.Any;

    [Field("Type: 0x11 membership query, 0x16 v2 report, 0x17 leave group, 0x12 v1 report", Alias = "type")]
    public byte Type { get => _type; set => Set(ref _type, value); }

    [Field("Max response time in tenths of a second (queries)", Alias = "mrcode")]
    public byte MaxResponseTime { get => _maxResponseTime; set => Set(ref _maxResponseTime, value); }

    [Field("Checksum over the IGMP message; auto: computed", Alias = "chksum")]
    public ushort? Checksum { get => _checksum; set => Set(ref _checksum, value); }

    [Field("Group address (0.0.0.0 in a general query)", Alias = "gaddr")]
    public IPAddress GroupAddress
    {
        get => _group;
        set => Set(ref _group, value.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? value
            : throw new ArgumentException($"Igmp GroupAddress must be an IPv4 address, not {value}.", nameof(GroupAddress)));
    }

    protected internal override int HeaderLength => 8;

    protected internal override int Decode(ReadOnlySpan<byte> data, DecodeContext context)
    {
        DecodeException.Need(data, 8, Name);
        _type = data[0];
        _maxResponseTime = data[1];
        _checksum = BinaryPrimitives.ReadUInt16BigEndian(data[2..]);
        _group = new IPAddress(data.Slice(4, 4));
        return 8;
    }

    protected internal override void Encode(Span<byte> header, ReadOnlySpan<byte> payload, BuildContext context, int index)
    {
        header[0] = _type;
        header[1] = _maxResponseTime;
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], 0);
        _group.TryWriteBytes(header[4..], out _);
        ushort sum = _checksum ?? NetSock.Packets.Checksum.Fold(NetSock.Packets.Checksum.Add(NetSock.Packets.Checksum.Add(0, header), payload));
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], sum);
    }

    public override string Summary => _type switch
    {
        0x11 => $"IGMP query {_group} max resp {_maxResponseTime / 10.0:0.0}s",
        0x12 => $"IGMP v1 report {_group}",
        0x16 => $"IGMP v2 report {_group}",
        0x17 => $"IGMP leave {_group}",
        0x22 => "IGMP v3 report",
        _ => $"IGMP type 0x{_type:x2} {_group}",
    };
}
