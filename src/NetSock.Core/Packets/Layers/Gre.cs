using System.Buffers.Binary;

namespace NetSock.Packets.Layers;

/// <summary>
/// GRE (RFC 2784, with the key and sequence number of RFC 2890). The protocol type is an EtherType: the payload is
/// looked up in Ethernet's bindings (IPv4 0x0800, IPv6 0x86DD, ...), as Dot1Q and LinuxSll do; 0x6558 (transparent
/// Ethernet bridging) carries an Ethernet frame. The present flags are auto: a flag is set when its field is set, so
/// giving a Key is enough to send it; set ChecksumPresent to have the checksum computed. The optional fields are
/// written only when their flag is on (the checksum and Reserved1 also when RoutingPresent is, as RFC 1701 has it).
/// RFC 1701 routing (R) and the enhanced GRE of PPTP (version 1) are not decoded past the header: the rest is Raw.
/// </summary>
[Layer("Gre", "Generic Routing Encapsulation")]
[Bind(typeof(IPv4), 47)]
[Bind(typeof(IPv6), 47)]
public sealed class Gre : Layer
{
    private const ushort TransparentEthernetBridging = 0x6558;

    private bool? _checksumPresent;
    private bool _routingPresent;
    private bool? _keyPresent;
    private bool? _sequencePresent;
    private ushort _reserved0;
    private byte _version;
    private ushort? _protocol;
    private ushort? _checksum;
    private ushort _reserved1;
    private uint? _key;
    private uint? _sequence;

    [Field("C flag: the checksum and Reserved1 fields are present; auto: on when Checksum is set", Alias = "chksum_present")]
    public bool? ChecksumPresent { get => _checksumPresent; set => Set(ref _checksumPresent, value); }

    [Field("R flag (RFC 1701 routing present; 0 by RFC 2784)", Alias = "routing_present")]
    public bool RoutingPresent { get => _routingPresent; set => Set(ref _routingPresent, value); }

    [Field("K flag: the key field is present; auto: on when Key is set", Alias = "key_present")]
    public bool? KeyPresent { get => _keyPresent; set => Set(ref _keyPresent, value); }

    [Field("S flag: the sequence number field is present; auto: on when SequenceNumber is set", Alias = "seqnum_present")]
    public bool? SequencePresent { get => _sequencePresent; set => Set(ref _sequencePresent, value); }

    [Field("Reserved0, the 9 bits after the S flag (RFC 1701's strict source route, recursion control and flags; 0 by RFC 2784)", Alias = "reserved0")]
    public ushort Reserved0 { get => _reserved0; set { CheckBits(nameof(Reserved0), value, 9); Set(ref _reserved0, value); } }

    [Field("Version (3 bits; 0, or 1 for PPTP's enhanced GRE)", Alias = "version")]
    public byte Version { get => _version; set { CheckBits(nameof(Version), value, 3); Set(ref _version, value); } }

    [Field("Protocol type, an EtherType; auto: from the layer above (0x0800 IPv4, 0x86DD IPv6, 0x6558 Ethernet; 0 when nothing follows)", Alias = "proto")]
    public ushort? Protocol { get => _protocol; set => Set(ref _protocol, value); }

    [Field("Checksum over the GRE header and payload, sent when ChecksumPresent; auto: computed", Alias = "chksum")]
    public ushort? Checksum { get => _checksum; set => Set(ref _checksum, value); }

    [Field("Reserved1 (RFC 1701's offset), sent with the checksum", Alias = "offset")]
    public ushort Reserved1 { get => _reserved1; set => Set(ref _reserved1, value); }

    [Field("Key (RFC 2890), sent when KeyPresent; unset: none", Alias = "key")]
    public uint? Key { get => _key; set => Set(ref _key, value); }

    [Field("Sequence number (RFC 2890), sent when SequencePresent; unset: none", Alias = "sequence_number")]
    public uint? SequenceNumber { get => _sequence; set => Set(ref _sequence, value); }

    private bool C => _checksumPresent ?? _checksum is not null;
    private bool K => _keyPresent ?? _key is not null;
    private bool S => _sequencePresent ?? _sequence is not null;

    protected internal override int HeaderLength => 4 + (C || _routingPresent ? 4 : 0) + (K ? 4 : 0) + (S ? 4 : 0);

    protected internal override int Decode(ReadOnlySpan<byte> data, DecodeContext context)
    {
        DecodeException.Need(data, 4, Name);
        ushort word = BinaryPrimitives.ReadUInt16BigEndian(data);
        _checksumPresent = (word & 0x8000) != 0;
        _routingPresent = (word & 0x4000) != 0;
        _keyPresent = (word & 0x2000) != 0;
        _sequencePresent = (word & 0x1000) != 0;
        _reserved0 = (ushort)((word >> 3) & 0x1FF);
        _version = (byte)(word & 7);
        _protocol = BinaryPrimitives.ReadUInt16BigEndian(data[2..]);
        int length = HeaderLength;
        DecodeException.Need(data, length, Name);
        int at = 4;
        _checksum = null;
        _key = null;
        _sequence = null;
        if (C || _routingPresent)
        {
            _checksum = BinaryPrimitives.ReadUInt16BigEndian(data[4..]);
            _reserved1 = BinaryPrimitives.ReadUInt16BigEndian(data[6..]);
            at = 8;
        }
        if (K)
        {
            _key = BinaryPrimitives.ReadUInt32BigEndian(data[at..]);
            at += 4;
        }
        if (S)
            _sequence = BinaryPrimitives.ReadUInt32BigEndian(data[at..]);
        return length;
    }

    protected internal override Type? NextLayerType(DecodeContext context) =>
        _routingPresent || _version != 0 ? null
        : _protocol == TransparentEthernetBridging ? typeof(Ethernet)
        : LayerRegistry.UpperFor(typeof(Ethernet), _protocol ?? 0);

    protected internal override void Prepare(BuildContext context, int index)
    {
        _protocol ??= context.Above(index) switch
        {
            null => (ushort)0,
            Ethernet => TransparentEthernetBridging,
            var above => (ushort)(LayerRegistry.SelectorFor(typeof(Ethernet), above.GetType()) ?? 0),
        };
        _checksumPresent ??= _checksum is not null;
        _keyPresent ??= _key is not null;
        _sequencePresent ??= _sequence is not null;
    }

    protected internal override void Encode(Span<byte> header, ReadOnlySpan<byte> payload, BuildContext context, int index)
    {
        bool c = C, k = K, s = S;
        int word = (c ? 0x8000 : 0) | (_routingPresent ? 0x4000 : 0) | (k ? 0x2000 : 0) | (s ? 0x1000 : 0) | (_reserved0 << 3) | _version;
        BinaryPrimitives.WriteUInt16BigEndian(header, (ushort)word);
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], _protocol!.Value);
        int at = 4;
        if (c || _routingPresent)
        {
            BinaryPrimitives.WriteUInt16BigEndian(header[4..], 0);
            BinaryPrimitives.WriteUInt16BigEndian(header[6..], _reserved1);
            at = 8;
        }
        if (k)
        {
            BinaryPrimitives.WriteUInt32BigEndian(header[at..], _key ?? 0);
            at += 4;
        }
        if (s)
            BinaryPrimitives.WriteUInt32BigEndian(header[at..], _sequence ?? 0);
        if (c || _routingPresent)
        {
            ushort sum = _checksum ?? (c ? NetSock.Packets.Checksum.Fold(NetSock.Packets.Checksum.Add(NetSock.Packets.Checksum.Add(0, header), payload)) : (ushort)0);
            BinaryPrimitives.WriteUInt16BigEndian(header[4..], sum);
        }
    }

    public override string Summary =>
        $"GREv{_version} proto {(_protocol is { } p ? $"0x{p:x4}" : "auto")}{(_key is { } key && K ? $" key=0x{key:x}" : "")}{(_sequence is { } seq && S ? $" seq {seq}" : "")}";
}
