using System.Net;
using System.Net.NetworkInformation;
using NetSock.Packets;
using NetSock.Packets.Layers;
using Pdn = PacketDotNet;

namespace NetSock.Tests;

/// <summary>
/// NetSock and PacketDotNet agree, field by field, on every layer both know: a packet built by NetSock reads the same in
/// PacketDotNet after ToPacketDotNet(), and a packet built by PacketDotNet reads the same in NetSock after
/// FromPacketDotNet(); SharpPcap's RawCapture keeps its timestamp and length.
/// </summary>
public class PacketDotNetTests
{
    private static readonly MacAddress Mac1 = MacAddress.Parse("02:00:00:00:00:01");
    private static readonly MacAddress Mac2 = MacAddress.Parse("02:00:00:00:00:02");
    private static readonly IPAddress A = IPAddress.Parse("198.18.0.1");
    private static readonly IPAddress B = IPAddress.Parse("198.18.0.2");
    private static readonly IPAddress A6 = IPAddress.Parse("2001:db8::1");
    private static readonly IPAddress B6 = IPAddress.Parse("2001:db8::2");

    /// <summary>NetSock-built packets, every field of each layer given a value that is not its default.</summary>
    public static TheoryData<string, Layer[]> Built => new()
    {
        { "Ethernet/IPv4/Tcp/Raw", new Layer[]
            {
                new Ethernet { Destination = Mac2, Source = Mac1 },
                new IPv4 { Source = A, Destination = B, TypeOfService = 0x28, Identification = 4321, Flags = IPv4Flags.DF, TimeToLive = 33 },
                new Tcp { SourcePort = 40000, DestinationPort = 443, SequenceNumber = 0x01020304, AcknowledgmentNumber = 0xA0B0C0D0, Flags = TcpFlags.Parse("PA"), WindowSize = 1234, UrgentPointer = 7 },
                new Raw { Load = "hello"u8.ToArray() },
            } },
        { "Ethernet/Dot1Q/IPv4/Udp/Raw", new Layer[]
            {
                new Ethernet { Destination = Mac2, Source = Mac1 },
                new Dot1Q { Priority = 5, DropEligible = 1, VlanId = 42 },
                new IPv4 { Source = A, Destination = B, FragmentOffset = 0, TimeToLive = 9 },
                new Udp { SourcePort = 5353, DestinationPort = 9999 },
                new Raw { Load = "abc"u8.ToArray() },
            } },
        { "Ethernet/Arp", new Layer[]
            {
                new Ethernet { Destination = MacAddress.Broadcast, Source = Mac1 },
                new Arp { Operation = ArpOperation.IsAt, SenderHardwareAddress = Mac1, SenderProtocolAddress = A, TargetHardwareAddress = Mac2, TargetProtocolAddress = B },
            } },
        { "IPv4/Icmp/Raw", new Layer[]
            {
                new IPv4 { Source = A, Destination = B },
                new Icmp { Type = 8, Code = 0, Id = 0x1234, Seq = 7 },
                new Raw { Load = "ping"u8.ToArray() },
            } },
        { "Ethernet/IPv6/Udp/Raw", new Layer[]
            {
                new Ethernet { Destination = Mac2, Source = Mac1 },
                new IPv6 { TrafficClass = 0xB8, FlowLabel = 0x12345, HopLimit = 17, Source = A6, Destination = B6 },
                new Udp { SourcePort = 546, DestinationPort = 547 },
                new Raw { Load = "v6"u8.ToArray() },
            } },
        { "IPv6/IcmpV6", new Layer[]
            {
                new IPv6 { Source = A6, Destination = B6 },
                new IcmpV6 { Type = 128, Code = 0, Id = 1, Seq = 2 },
            } },
        { "Loopback/IPv4/Udp/Raw", new Layer[]
            {
                new Loopback(),
                new IPv4 { Source = A, Destination = B },
                new Udp { SourcePort = 1000, DestinationPort = 2000 },
                new Raw { Load = "lo"u8.ToArray() },
            } },
        { "LinuxSll/IPv4/Udp/Raw", new Layer[]
            {
                new LinuxSll { PacketType = 4, AddressType = 1, AddressLength = 6, Address = new byte[] { 2, 0, 0, 0, 0, 1, 0, 0 } },
                new IPv4 { Source = A, Destination = B },
                new Udp { SourcePort = 1000, DestinationPort = 2000 },
                new Raw { Load = "any"u8.ToArray() },
            } },
        { "Ethernet/IPv4/Igmp", new Layer[]
            {
                new Ethernet { Destination = MacAddress.Parse("01:00:5e:00:00:fb"), Source = Mac1 },
                new IPv4 { Source = A, Destination = IPAddress.Parse("224.0.0.251"), TimeToLive = 1 },
                new Igmp { Type = 0x16, MaxResponseTime = 10, GroupAddress = IPAddress.Parse("224.0.0.251") },
            } },
        { "Ethernet/PPPoE/Ppp/IPv4/Udp/Raw", new Layer[]
            {
                new Ethernet { Destination = Mac2, Source = Mac1 },
                new PPPoE { SessionId = 0x1234 },
                new Ppp(),
                new IPv4 { Source = A, Destination = B },
                new Udp { SourcePort = 1000, DestinationPort = 2000 },
                new Raw { Load = "ppp"u8.ToArray() },
            } },
        { "IPv6/Tcp", new Layer[]
            {
                new IPv6 { Source = A6, Destination = B6, HopLimit = 3 },
                new Tcp { SourcePort = 1, DestinationPort = 2, Flags = TcpFlags.Parse("S"), SequenceNumber = 99 },
            } },
    };

    [Theory]
    [MemberData(nameof(Built))]
    public void NetSockPacketReadsTheSameInPacketDotNet(string stack, Layer[] layers)
    {
        var netsock = Packet.FromLayers(layers).Rebuilt();      // auto fields (lengths, checksums, protocols) computed
        Assert.Equal(stack, netsock.Layers.ToString());

        var pdn = netsock.ToPacketDotNet();

        Assert.Equal(netsock.GetBytes(), pdn.Bytes);
        AssertAgree(netsock, pdn);
    }

    [Theory]
    [MemberData(nameof(Built))]
    public void PacketDotNetPacketComesBackWithTheSameFields(string stack, Layer[] layers)
    {
        var netsock = Packet.FromLayers(layers).Rebuilt();

        var back = Packet.FromPacketDotNet(netsock.ToPacketDotNet());

        Assert.Equal(stack, back.Layers.ToString());
        Assert.Equal(netsock.LinkType, back.LinkType);
        Assert.Equal(netsock.GetBytes(), back.GetBytes());
        for (int i = 0; i < netsock.Layers.Count; i++)
            foreach (var field in netsock.Layers[i].GetInfo().Fields)
                Assert.Equal(Layer.FormatValue(field.GetValue(netsock.Layers[i])), Layer.FormatValue(field.GetValue(back.Layers[i])));
    }

    [Fact]
    public void PacketBuiltByPacketDotNetReadsTheSameInNetSock()
    {
        var tcp = new Pdn.TcpPacket(40000, 80) { SequenceNumber = 1000, AcknowledgmentNumber = 2000, WindowSize = 512, Synchronize = true, Acknowledgment = true, PayloadData = "hi"u8.ToArray() };
        var ip = new Pdn.IPv4Packet(A, B) { TimeToLive = 12, Id = 777, PayloadPacket = tcp };
        var eth = new Pdn.EthernetPacket(PhysicalAddress.Parse("02-00-00-00-00-01"), PhysicalAddress.Parse("02-00-00-00-00-02"), Pdn.EthernetType.IPv4) { PayloadPacket = ip };
        tcp.UpdateTcpChecksum();
        ip.UpdateIPChecksum();

        var netsock = Packet.FromPacketDotNet(eth);

        Assert.Equal(LinkType.Ethernet, netsock.LinkType);
        Assert.Equal("Ethernet/IPv4/Tcp/Raw", netsock.Layers.ToString());
        Assert.False(netsock.IsMalformed);
        AssertAgree(netsock, eth);
        Assert.Equal(new TcpFlags(0x12), netsock.Get<Tcp>()!.Flags);
    }

    [Fact]
    public void PacketDotNetIPPacketIsARawLinkPacket()
    {
        var udp = new Pdn.UdpPacket(1111, 2222) { PayloadData = "x"u8.ToArray() };
        var ip = new Pdn.IPv6Packet(A6, B6) { HopLimit = 5, PayloadPacket = udp };
        udp.UpdateUdpChecksum();

        var netsock = Packet.FromPacketDotNet(ip);

        Assert.Equal(LinkType.Raw, netsock.LinkType);
        Assert.Equal("IPv6/Udp/Raw", netsock.Layers.ToString());
        AssertAgree(netsock, ip);
    }

    [Fact]
    public void RawCaptureKeepsItsTimestampAndLengthOnTheWire()
    {
        var bytes = Packet.FromLayers(new Layer[] { new Ethernet { Destination = Mac2, Source = Mac1 }, new IPv4 { Source = A, Destination = B }, new Udp() }).GetBytes();
        var capture = new SharpPcap.RawCapture(Pdn.LinkLayers.Ethernet, new SharpPcap.PosixTimeval(1_700_000_000, 123_456_789, SharpPcap.TimestampResolution.Nanosecond), bytes, 1500);

        var netsock = Packet.FromRawCapture(capture);

        Assert.Equal(1_700_000_000_123_456_789, netsock.TimestampNanoseconds);
        Assert.Equal(1500, netsock.OriginalLength);
        Assert.Equal(LinkType.Ethernet, netsock.LinkType);
        Assert.Equal(bytes, netsock.GetBytes());
        Assert.Equal("198.18.0.1", netsock.Source);
    }

    [Fact]
    public void LinkTypeNetSockDoesNotDissectIsRefusedWithItsName()
    {
        var capture = new SharpPcap.RawCapture(Pdn.LinkLayers.Ieee80211, new SharpPcap.PosixTimeval(1, 0), new byte[] { 1, 2, 3 }, null);

        var e = Assert.Throws<NetSockException>(() => Packet.FromRawCapture(capture));

        Assert.Equal("PacketLinkTypeUnsupported", e.ErrorId);
        Assert.Contains("Ieee80211", e.Message);
    }

    /// <summary>Each NetSock layer's fields against the PacketDotNet packet of the same protocol, found in its chain.</summary>
    private static void AssertAgree(Packet netsock, Pdn.Packet pdn)
    {
        var chain = new List<Pdn.Packet>();
        for (var p = pdn; p is not null; p = p.PayloadPacket) chain.Add(p);
        int compared = 0;
        foreach (var layer in netsock.Layers)
        {
            var pairs = Fields(layer, chain);
            if (pairs is null) continue;
            foreach (var (name, expected, actual) in pairs)
                Assert.True(Equals(expected, actual), $"{layer.Name}.{name}: NetSock {expected}, PacketDotNet {actual}");
            compared++;
        }
        Assert.Equal(netsock.Layers.Count(l => l is not BytesLayer), compared);
    }

    private static T Find<T>(List<Pdn.Packet> chain) where T : Pdn.Packet => chain.OfType<T>().First();

    private static string Hex(MacAddress? mac) => mac!.Value.Value.ToString("X12");

    /// <summary>(field, NetSock's value, PacketDotNet's value) for a layer both know; null for payload.</summary>
    private static IEnumerable<(string, object?, object?)>? Fields(Layer layer, List<Pdn.Packet> chain) => layer switch
    {
        Ethernet e when Find<Pdn.EthernetPacket>(chain) is var p => new (string, object?, object?)[]
        {
            ("Destination", Hex(e.Destination), p.DestinationHardwareAddress.ToString()),
            ("Source", Hex(e.Source), p.SourceHardwareAddress.ToString()),
            ("Type", (int)e.Type!, (int)p.Type),
        },
        Dot1Q q when Find<Pdn.Ieee8021QPacket>(chain) is var p => new (string, object?, object?)[]
        {
            ("Priority", (int)q.Priority, (int)p.PriorityControlPoint),
            ("DropEligible", q.DropEligible == 1, p.CanonicalFormatIndicator),
            ("VlanId", (int)q.VlanId, (int)p.VlanIdentifier),
            ("Type", (int)q.Type!, (int)p.Type),
        },
        Arp a when Find<Pdn.ArpPacket>(chain) is var p => new (string, object?, object?)[]
        {
            ("HardwareType", (int)a.HardwareType, (int)p.HardwareAddressType),
            ("ProtocolType", (int)a.ProtocolType, (int)p.ProtocolAddressType),
            ("HardwareLength", (int)a.HardwareLength!, p.HardwareAddressLength),
            ("ProtocolLength", (int)a.ProtocolLength!, p.ProtocolAddressLength),
            ("Operation", (int)a.Operation, (int)p.Operation),
            ("SenderHardwareAddress", Hex(a.SenderHardwareAddress), p.SenderHardwareAddress.ToString()),
            ("SenderProtocolAddress", a.SenderProtocolAddress, p.SenderProtocolAddress),
            ("TargetHardwareAddress", Hex(a.TargetHardwareAddress), p.TargetHardwareAddress.ToString()),
            ("TargetProtocolAddress", a.TargetProtocolAddress, p.TargetProtocolAddress),
        },
        IPv4 ip when Find<Pdn.IPv4Packet>(chain) is var p => new (string, object?, object?)[]
        {
            ("Version", (int)ip.Version, (int)p.Version),
            ("InternetHeaderLength", (int)ip.InternetHeaderLength!, p.HeaderLength),
            ("TypeOfService", (int)ip.TypeOfService, p.TypeOfService),
            ("TotalLength", (int)ip.TotalLength!, p.TotalLength),
            ("Identification", (int)ip.Identification, (int)p.Id),
            ("Flags", (int)ip.Flags, p.FragmentFlags),
            ("FragmentOffset", (int)ip.FragmentOffset, p.FragmentOffset),
            ("TimeToLive", (int)ip.TimeToLive, p.TimeToLive),
            ("Protocol", (int)ip.Protocol!, (int)p.Protocol),
            ("Checksum", (int)ip.Checksum!, (int)p.Checksum),
            ("Source", ip.Source, p.SourceAddress),
            ("Destination", ip.Destination, p.DestinationAddress),
        },
        IPv6 ip when Find<Pdn.IPv6Packet>(chain) is var p => new (string, object?, object?)[]
        {
            ("Version", (int)ip.Version, (int)p.Version),
            ("TrafficClass", (int)ip.TrafficClass, p.TrafficClass),
            ("FlowLabel", (int)ip.FlowLabel, p.FlowLabel),
            ("PayloadLength", (int)ip.PayloadLength!, (int)p.PayloadLength),
            ("NextHeader", (int)ip.NextHeader!, (int)p.NextHeader),
            ("HopLimit", (int)ip.HopLimit, p.HopLimit),
            ("Source", ip.Source, p.SourceAddress),
            ("Destination", ip.Destination, p.DestinationAddress),
        },
        Tcp t when Find<Pdn.TcpPacket>(chain) is var p => new (string, object?, object?)[]
        {
            ("SourcePort", (int)t.SourcePort, (int)p.SourcePort),
            ("DestinationPort", (int)t.DestinationPort, (int)p.DestinationPort),
            ("SequenceNumber", t.SequenceNumber, p.SequenceNumber),
            ("AcknowledgmentNumber", t.AcknowledgmentNumber, p.AcknowledgmentNumber),
            ("DataOffset", (int)t.DataOffset!, p.DataOffset),
            ("Flags", (int)t.Flags.Value, p.Flags & 0x1FF),
            ("WindowSize", (int)t.WindowSize, (int)p.WindowSize),
            ("Checksum", (int)t.Checksum!, (int)p.Checksum),
            ("UrgentPointer", (int)t.UrgentPointer, p.UrgentPointer),
        },
        Udp u when Find<Pdn.UdpPacket>(chain) is var p => new (string, object?, object?)[]
        {
            ("SourcePort", (int)u.SourcePort, (int)p.SourcePort),
            ("DestinationPort", (int)u.DestinationPort, (int)p.DestinationPort),
            ("Length", (int)u.Length!, p.Length),
            ("Checksum", (int)u.Checksum!, (int)p.Checksum),
        },
        Icmp i when Find<Pdn.IcmpV4Packet>(chain) is var p => new (string, object?, object?)[]
        {
            ("Type", (int)i.Type, (int)p.TypeCode >> 8),
            ("Code", (int)i.Code, (int)p.TypeCode & 0xFF),
            ("Checksum", (int)i.Checksum!, (int)p.Checksum),
            ("Id", (int)i.Id, (int)p.Id),
            ("Seq", (int)i.Seq, (int)p.Sequence),
        },
        IcmpV6 i when Find<Pdn.IcmpV6Packet>(chain) is var p => new (string, object?, object?)[]
        {
            ("Type", (int)i.Type, (int)p.Type),
            ("Code", (int)i.Code, (int)p.Code),
            ("Checksum", (int)i.Checksum!, (int)p.Checksum),
        },
        Loopback l when Find<Pdn.NullPacket>(chain) is var p => new (string, object?, object?)[]
        {
            ("Family", (int)l.Family!, (int)p.Protocol),
        },
        LinuxSll l when Find<Pdn.LinuxSllPacket>(chain) is var p => new (string, object?, object?)[]
        {
            ("PacketType", (int)l.PacketType, (int)p.Type),
            ("AddressType", (int)l.AddressType, p.LinkLayerAddressType),
            ("AddressLength", (int)l.AddressLength, p.LinkLayerAddressLength),
            ("Address", Convert.ToHexString(l.Address, 0, l.AddressLength), Convert.ToHexString(p.LinkLayerAddress, 0, p.LinkLayerAddressLength)),
            ("Protocol", (int)l.Protocol!, (int)p.EthernetProtocolType),
        },
        Igmp g when Find<Pdn.IgmpV2Packet>(chain) is var p => new (string, object?, object?)[]
        {
            ("Type", (int)g.Type, (int)p.Type),
            ("MaxResponseTime", (int)g.MaxResponseTime, (int)p.MaxResponseTime),
            // PacketDotNet 1.4.8 reads the IGMP checksum in little-endian order: its bytes swapped are the checksum.
            ("Checksum", (int)g.Checksum!, (int)System.Buffers.Binary.BinaryPrimitives.ReverseEndianness((ushort)p.Checksum)),
            ("GroupAddress", g.GroupAddress, p.GroupAddress),
        },
        PPPoE e when Find<Pdn.PppoePacket>(chain) is var p => new (string, object?, object?)[]
        {
            ("Version", (int)e.Version, (int)p.Version),
            ("Type", (int)e.Type, (int)p.Type),
            // Not Code: PacketDotNet 1.4.8 reads it from the session id's first byte (0x12 here), not from byte 1.
            ("SessionId", (int)e.SessionId, (int)p.SessionId),
            ("Length", (int)e.Length!, (int)p.Length),
        },
        Ppp q when Find<Pdn.PppPacket>(chain) is var p => new (string, object?, object?)[]
        {
            ("Protocol", (int)q.Protocol!, (int)p.Protocol),
        },
        BytesLayer => null,
        _ => throw new InvalidOperationException($"no PacketDotNet counterpart listed for {layer.Name}"),
    };
}
