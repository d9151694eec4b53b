using System.Globalization;
using System.Net;
using NetSock.Packets;
using NetSock.Packets.Layers;

namespace NetSock.Tests;

/// <summary>Golden text of PacketText: Scapy's hexdump() character for character (Scapy 2.5's output beside each case), show() and show2() blocks, and tcpdump-like lines.</summary>
public class PacketTextTests
{
    private static readonly IPAddress Lo = IPAddress.Loopback;

    private static Packet IPv4Tcp() => Packet.FromLayers(new Layer[] { new IPv4 { Source = Lo, Destination = Lo }, new Tcp() });

    [Fact]
    public void HexdumpMatchesScapy()
    {
        // hexdump(IP(dst='127.0.0.1')/UDP()/b'hello')
        byte[] bytes = Convert.FromHexString("450000210001000040117cc97f0000017f00000100350035000dbd9568656c6c6f");
        Assert.Equal(
            "0000  45 00 00 21 00 01 00 00 40 11 7C C9 7F 00 00 01  E..!....@.|.....\n" +
            "0010  7F 00 00 01 00 35 00 35 00 0D BD 95 68 65 6C 6C  .....5.5....hell\n" +
            "0020  6F                                               o",
            PacketText.Hexdump(bytes));
    }

    [Fact]
    public void HexdumpOfACraftedPacketMatchesScapy()
    {
        // The same packet crafted here: hexdump(IP(dst='127.0.0.1')/UDP()/b'hello') with the source 127.0.0.1.
        var p = Packet.FromLayers(new Layer[] { new IPv4 { Source = Lo, Destination = Lo }, new Udp(), new Raw { Load = "hello"u8.ToArray() } });
        Assert.Equal(
            "0000  45 00 00 21 00 01 00 00 40 11 7C C9 7F 00 00 01  E..!....@.|.....\n" +
            "0010  7F 00 00 01 00 35 00 35 00 0D BD 95 68 65 6C 6C  .....5.5....hell\n" +
            "0020  6F                                               o",
            PacketText.Hexdump(p.GetBytes()));
    }

    [Fact]
    public void HexdumpShowsPrintableAsciiOnlyAndLowercaseOffsets()
    {
        // hexdump(bytes(range(0x1e, 0x2f))) and the last two lines of hexdump(bytes(range(0xb1)))
        Assert.Equal(
            "0000  1E 1F 20 21 22 23 24 25 26 27 28 29 2A 2B 2C 2D  .. !\"#$%&'()*+,-\n" +
            "0010  2E                                               .",
            PacketText.Hexdump(Enumerable.Range(0x1e, 0x11).Select(i => (byte)i).ToArray()));
        string[] lines = PacketText.Hexdump(Enumerable.Range(0, 0xb1).Select(i => (byte)i).ToArray()).Split('\n');
        Assert.Equal(12, lines.Length);
        Assert.Equal("0070  70 71 72 73 74 75 76 77 78 79 7A 7B 7C 7D 7E 7F  pqrstuvwxyz{|}~.", lines[7]);
        Assert.Equal("00a0  A0 A1 A2 A3 A4 A5 A6 A7 A8 A9 AA AB AC AD AE AF  ................", lines[10]);
        Assert.Equal("00b0  B0                                               .", lines[11]);
    }

    [Fact]
    public void HexdumpOfNoBytesIsEmpty()
    {
        Assert.Equal("", PacketText.Hexdump(Array.Empty<byte>()));
    }

    [Fact]
    public void ShowListsEveryFieldWithAutoFieldsUnset()
    {
        Assert.Equal(
            "###[ IPv4 ]###\n" +
            "  Version              = 4\n" +
            "  InternetHeaderLength = auto\n" +
            "  TypeOfService        = 0\n" +
            "  TotalLength          = auto\n" +
            "  Identification       = 1\n" +
            "  Flags                = None\n" +
            "  FragmentOffset       = 0\n" +
            "  TimeToLive           = 64\n" +
            "  Protocol             = auto\n" +
            "  Checksum             = auto\n" +
            "  Source               = 127.0.0.1\n" +
            "  Destination          = 127.0.0.1\n" +
            "  Options              = ''\n" +
            "###[ Tcp ]###\n" +
            "  SourcePort           = 20\n" +
            "  DestinationPort      = 80\n" +
            "  SequenceNumber       = 0\n" +
            "  AcknowledgmentNumber = 0\n" +
            "  DataOffset           = auto\n" +
            "  Reserved             = 0\n" +
            "  Flags                = S\n" +
            "  WindowSize           = 8192\n" +
            "  Checksum             = auto\n" +
            "  UrgentPointer        = 0\n" +
            "  Options              = []",
            PacketText.Show(IPv4Tcp()));
    }

    [Fact]
    public void ShowOfTheRebuiltPacketHasTheComputedValues()
    {
        // IP(src='127.0.0.1', dst='127.0.0.1')/TCP(): show2() gives ihl 5, len 40, proto tcp, chksum 0x7ccd, dataofs 5, chksum 0x917c.
        string text = PacketText.Show(IPv4Tcp().Rebuilt());
        Assert.DoesNotContain("auto", text);
        Assert.Contains("\n  InternetHeaderLength = 5\n", text);
        Assert.Contains("\n  TotalLength          = 40\n", text);
        Assert.Contains("\n  Protocol             = 6 (Tcp)\n", text);
        Assert.Contains("\n  Checksum             = 0x7ccd\n", text);
        Assert.Contains("\n  DataOffset           = 5\n", text);
        Assert.Contains("\n  Checksum             = 0x917c\n", text);
    }

    [Fact]
    public void ShowPadsNamesPerLayerAndEndsAMalformedPacketWithTheReason()
    {
        var cut = Packet.Dissect(Convert.FromHexString("02000000000202000000000108004500001c0001"));
        Assert.Equal(
            "###[ Ethernet ]###\n" +
            "  Destination = 02:00:00:00:00:02\n" +
            "  Source      = 02:00:00:00:00:01\n" +
            "  Type        = 0x0800 (IPv4)\n" +
            "###[ IPv4 ]###\n" +
            "  Version              = 4\n" +
            "  InternetHeaderLength = 5\n" +
            "  TypeOfService        = 0\n" +
            "  TotalLength          = 28\n" +
            "  Identification       = 1\n" +
            "Malformed: IPv4 header truncated: 6 of 20 bytes",
            PacketText.Show(cut));
    }

    [Fact]
    public void ShowWritesWhatScapysShow2Writes()
    {
        // (Ether(dst='02:00:00:00:00:02', src='02:00:00:00:00:01')/IP(src='127.0.0.1', dst='127.0.0.1', flags='DF')
        //  /TCP(flags='PA')/'GET / HTTP/1.1\r\n\r\n').show2() gives type IPv4, flags DF, proto tcp, chksum 0x3cbb,
        //  flags PA, chksum 0xb2b3 and load 'GET / HTTP/1.1\r\n\r\n'.
        var p = Packet.FromLayers(new Layer[]
        {
            new Ethernet { Destination = MacAddress.Parse("02:00:00:00:00:02"), Source = MacAddress.Parse("02:00:00:00:00:01") },
            new IPv4 { Source = Lo, Destination = Lo, Flags = IPv4Flags.DF },
            new Tcp { Flags = TcpFlags.Parse("PA") },
            new Raw { Load = "GET / HTTP/1.1\r\n\r\n"u8.ToArray() },
        }).Rebuilt();
        string[] lines = PacketText.Show(p).Split('\n');
        Assert.Contains("  Type        = 0x0800 (IPv4)", lines);
        Assert.Contains("  Flags                = DF", lines);
        Assert.Contains("  Protocol             = 6 (Tcp)", lines);
        Assert.Contains("  Checksum             = 0x3cbb", lines);
        Assert.Contains("  Flags                = PA", lines);
        Assert.Contains("  Checksum             = 0xb2b3", lines);
        Assert.Equal(@"  Load = 'GET / HTTP/1.1\r\n\r\n'", lines[^1]);
    }

    [Theory]
    [InlineData("", "''")]
    [InlineData("68 69", "'hi'")]
    [InlineData("27 5C 09 00 41", @"'\'\\\t\x00A'")]                   // Python's escapes: quote, backslash, tab, other bytes as \xNN
    [InlineData("48 54 54 50 C3 A9 0D 0A", @"'HTTP\xc3\xa9\r\n'")]     // 6 of 8 printable: still text
    [InlineData("00 01 02 41", "00 01 02 41")]                           // 1 of 4 printable: hex
    [InlineData("47 45 00 00 00", "47 45 00 00 00")]                     // 2 of 5: hex
    public void BytesShowAsTextWhenMostlyPrintableAndAsHexOtherwise(string hex, string shown) =>
        Assert.Equal(shown, PacketText.ShowBytes(Convert.FromHexString(hex.Replace(" ", ""))));

    [Fact]
    public void FieldsThatNameTheProtocolAboveShowItsName()
    {
        var arp = Packet.Dissect(Convert.FromHexString("ffffffffffff02000000000108060001080006040001020000000001c6120002000000000000c6120001"));
        string text = PacketText.Show(arp);
        Assert.Contains("\n  Type        = 0x0806 (Arp)\n", text);
        Assert.Contains("\n  ProtocolType          = 0x0800 (IPv4)\n", text);
        Assert.Contains("\n  SenderHardwareAddress = 02:00:00:00:00:01\n", text);
        var v6 = Packet.FromLayers(new Layer[] { new IPv6 { Source = IPAddress.IPv6Loopback, Destination = IPAddress.IPv6Loopback }, new Udp() }).Rebuilt();
        Assert.Contains("\n  NextHeader    = 17 (Udp)\n", PacketText.Show(v6));
        var unknown = Packet.FromLayers(new Layer[] { new IPv4 { Source = Lo, Destination = Lo, Protocol = 253 } });
        Assert.Contains("\n  Protocol             = 253\n", PacketText.Show(unknown));
    }

    [Fact]
    public void LineIsTheSummaryAfterTheNumberAndLocalTime()
    {
        var p = IPv4Tcp();
        Assert.Equal("IP 127.0.0.1 > 127.0.0.1 ttl 64 / TCP 20 > 80 [S] seq 0 win 8192", PacketText.Line(p));

        var at = new DateTimeOffset(2024, 1, 2, 12, 0, 0, TimeSpan.Zero).AddTicks(10);   // 1 microsecond past noon UTC
        p.Timestamp = at;
        string time = at.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture) + ".000001";
        Assert.Equal($"{time} IP 127.0.0.1 > 127.0.0.1 ttl 64 / TCP 20 > 80 [S] seq 0 win 8192", PacketText.Line(p));

        p.Number = 1;
        Assert.Equal($"1  {time} IP 127.0.0.1 > 127.0.0.1 ttl 64 / TCP 20 > 80 [S] seq 0 win 8192", PacketText.Line(p));
    }

    [Fact]
    public void LineOfAMalformedPacketSaysWhy()
    {
        var cut = Packet.Dissect(Convert.FromHexString("02000000000202000000000108004500001c0001"));
        Assert.EndsWith(" [malformed: IPv4 header truncated: 6 of 20 bytes]", PacketText.Line(cut));
        Assert.StartsWith("Ethernet ", cut.Summary);      // the packet's own Summary (Scapy's summary()) keeps the link layer
    }

    [Fact]
    public void LineLeavesTheLinkLayerOutAsTcpdumpDoesWithoutE()
    {
        // A frame as lo gives it: Ethernet with zero MACs. tcpdump -i lo prints "IP 127.0.0.1.20 > 127.0.0.1.80: ...", no MACs.
        var zero = MacAddress.Zero;
        var onLo = Packet.Dissect(Packet.FromLayers(new Layer[] { new Ethernet { Source = zero, Destination = zero }, new IPv4 { Source = Lo, Destination = Lo }, new Tcp() }).GetBytes());
        Assert.Equal("IP 127.0.0.1 > 127.0.0.1 ttl 64 / TCP 20 > 80 [S] seq 0 win 8192", PacketText.Line(onLo));

        // With nothing above it, the link layer is all there is to show.
        var bare = Packet.FromLayers(new Layer[] { new Ethernet { Source = zero, Destination = zero, Type = 0x88B5 } });
        Assert.StartsWith("Ethernet 00:00:00:00:00:00 > 00:00:00:00:00:00", PacketText.Line(bare));
    }

    [Fact]
    public void LayerFieldRowsAreInWireOrderWithShortTypesAndAutoDefaults()
    {
        var rows = LayerFieldInfo.Of(LayerRegistry.Get("Tcp")).ToList();
        Assert.Equal(new[] { "SourcePort", "DestinationPort", "SequenceNumber", "AcknowledgmentNumber", "DataOffset", "Reserved", "Flags", "WindowSize", "Checksum", "UrgentPointer", "Options" },
            rows.Select(r => r.Name));
        Assert.Equal(new LayerFieldInfo("Tcp", "SourcePort", "sport", "UInt16", "20", "Source port", false), rows[0]);
        Assert.Equal(("UInt16?", "auto", true), (rows[8].Type, rows[8].Default, rows[8].IsAuto));
        Assert.Equal("TcpOption[]", rows[10].Type);
        var source = LayerFieldInfo.Of(LayerRegistry.Get("IP")).Single(r => r.Name == "Source");
        Assert.Equal(("IPv4", "IPAddress?", "auto"), (source.Layer, source.Type, source.Default));
        Assert.Equal("List<Int32?>", LayerFieldInfo.TypeName(typeof(List<int?>)));
    }
}
