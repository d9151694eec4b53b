using System.Buffers.Binary;
using System.Net;

namespace NetSock.Packets.Layers;

/// <summary>The ARP operation (RFC 826, RFC 903, RFC 2390); Scapy calls 1 who-has and 2 is-at.</summary>
public enum ArpOperation : ushort
{
    WhoHas = 1,
    IsAt = 2,
    RarpRequest = 3,
    RarpReply = 4,
    InArpRequest = 8,
    InArpReply = 9,
}

/// <summary>
/// ARP for IPv4 over Ethernet (RFC 826): hardware addresses are MACs, protocol addresses IPv4. A packet whose
/// hardware or protocol length is not 6 and 4 is not decoded (it is kept as Raw, with the reason).
/// </summary>
[Layer("Arp", "Address Resolution Protocol (Ethernet/IPv4)")]
[Bind(typeof(Ethernet), 0x0806)]
public sealed class Arp : Layer
{
    private ushort _hardwareType = 1;
    private ushort _protocolType = 0x0800;
    private byte? _hardwareLength;
    private byte? _protocolLength;
    private ArpOperation _operation = ArpOperation.WhoHas;
    private MacAddress? _senderMac;
    private IPAddress? _senderAddress;
    private MacAddress _targetMac = MacAddress.Zero;
    private IPAddress _targetAddress = IPAddress.Any;

    [Field("Hardware type (1 Ethernet)", Alias = "hwtype")]
    public ushort HardwareType { get => _hardwareType; set => Set(ref _hardwareType, value); }

    [Field("Protocol type, an EtherType (0x0800 IPv4)", Alias = "ptype")]
    public ushort ProtocolType { get => _protocolType; set => Set(ref _protocolType, value); }

    [Field("Hardware address length; auto: 6", Alias = "hwlen")]
    public byte? HardwareLength { get => _hardwareLength; set => Set(ref _hardwareLength, value); }

    [Field("Protocol address length; auto: 4", Alias = "plen")]
    public byte? ProtocolLength { get => _protocolLength; set => Set(ref _protocolLength, value); }

    [Field("Operation: WhoHas (1, request), IsAt (2, reply), RarpRequest, RarpReply, InArpRequest, InArpReply", Alias = "op")]
    public ArpOperation Operation { get => _operation; set => Set(ref _operation, value); }

    [Field("Sender MAC; auto: the MAC of the interface that routes to the target address", Alias = "hwsrc")]
    public MacAddress? SenderHardwareAddress { get => _senderMac; set => Set(ref _senderMac, value); }

    [Field("Sender IPv4 address; auto: the host's address on the route to the target address", Alias = "psrc")]
    public IPAddress? SenderProtocolAddress { get => _senderAddress; set => Set(ref _senderAddress, value is null ? null : RequireIPv4(value, nameof(SenderProtocolAddress))); }

    [Field("Target MAC (zero in a request)", Alias = "hwdst")]
    public MacAddress TargetHardwareAddress { get => _targetMac; set => Set(ref _targetMac, value); }

    [Field("Target IPv4 address (the one asked about in a request)", Alias = "pdst")]
    public IPAddress TargetProtocolAddress { get => _targetAddress; set => Set(ref _targetAddress, RequireIPv4(value, nameof(TargetProtocolAddress))); }

    /// <summary>An is-at from the address a who-has asked for.</summary>
    protected internal override Answer AnswersSent(Layer sent, AnswerContext context) =>
        sent is Arp s && s._operation == ArpOperation.WhoHas && _operation == ArpOperation.IsAt && Equals(_senderAddress, s._targetAddress)
            ? Answer.Yes : Answer.No;

    protected internal override int HeaderLength => 28;

    protected internal override int Decode(ReadOnlySpan<byte> data, DecodeContext context)
    {
        DecodeException.Need(data, 8, Name);
        _hardwareType = BinaryPrimitives.ReadUInt16BigEndian(data);
        _protocolType = BinaryPrimitives.ReadUInt16BigEndian(data[2..]);
        _hardwareLength = data[4];
        _protocolLength = data[5];
        _operation = (ArpOperation)BinaryPrimitives.ReadUInt16BigEndian(data[6..]);
        if (_hardwareLength != 6 || _protocolLength != 4)
            throw new DecodeException($"Arp with hardware address length {_hardwareLength} and protocol address length {_protocolLength} is not decoded: only 6 and 4 (Ethernet, IPv4) are");
        DecodeException.Need(data, 28, Name);
        _senderMac = MacAddress.Read(data[8..]);
        _senderAddress = new IPAddress(data.Slice(14, 4));
        _targetMac = MacAddress.Read(data[18..]);
        _targetAddress = new IPAddress(data.Slice(24, 4));
        context.PayloadLength = 0;   // ARP has no payload: what follows in the frame is padding
        return 28;
    }

    protected internal override void Prepare(BuildContext context, int index)
    {
        _hardwareLength ??= 6;
        _protocolLength ??= 4;
        _senderAddress ??= BuildContext.SourceFor(_targetAddress);
        _senderMac ??= Neighbours.InterfaceMacFor(_senderAddress);
    }

    protected internal override void Encode(Span<byte> header, ReadOnlySpan<byte> payload, BuildContext context, int index)
    {
        BinaryPrimitives.WriteUInt16BigEndian(header, _hardwareType);
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], _protocolType);
        header[4] = _hardwareLength!.Value;
        header[5] = _protocolLength!.Value;
        BinaryPrimitives.WriteUInt16BigEndian(header[6..], (ushort)_operation);
        _senderMac!.Value.Write(header[8..]);
        _senderAddress!.TryWriteBytes(header[14..], out _);
        _targetMac.Write(header[18..]);
        _targetAddress.TryWriteBytes(header[24..], out _);
    }

    protected internal override string ColumnProtocol(ColumnContext context) => (ushort)_operation switch
    {
        3 or 4 => "RARP",
        8 or 9 => "Inverse ARP",
        _ => "ARP",
    };

    /// <summary>
    /// As tshark writes it: "Who has 198.18.0.2? Tell 198.18.0.1", "198.18.0.2 is at 02:00:00:00:00:02", an ARP probe
    /// (sender 0.0.0.0), announcement (sender = target, target MAC zero) or gratuitous ARP (sender = target).
    /// </summary>
    protected internal override string ColumnInfo(ColumnContext context)
    {
        string spa = _senderAddress?.ToString() ?? "auto", tpa = _targetAddress.ToString();
        string sha = _senderMac is { } s ? ColumnContext.Mac(s) : "auto", tha = ColumnContext.Mac(_targetMac);
        bool gratuitous = spa == tpa;
        return (ushort)_operation switch
        {
            1 when gratuitous => _targetMac.Value == 0 ? $"ARP Announcement for {tpa}" : $"Gratuitous ARP for {tpa} (Request)",
            1 when _senderAddress is { } a && a.Equals(IPAddress.Any) => $"Who has {tpa}? (ARP Probe)",
            1 => $"Who has {tpa}? Tell {spa}",
            2 when gratuitous => $"Gratuitous ARP for {spa} (Reply)",
            2 => $"{spa} is at {sha}",
            3 or 8 => $"Who is {tha}? Tell {sha}",
            4 => $"{tha} is at {tpa}",
            9 => $"{sha} is at {spa}",
            _ => Summary,
        };
    }

    public override string Summary => _operation switch
    {
        ArpOperation.WhoHas => $"ARP who-has {_targetAddress} tell {_senderAddress?.ToString() ?? "auto"}",
        ArpOperation.IsAt => $"ARP {_senderAddress?.ToString() ?? "auto"} is-at {_senderMac?.ToString() ?? "auto"}",
        _ => $"ARP {_operation} {_senderAddress?.ToString() ?? "auto"} > {_targetAddress}",
    };
}
