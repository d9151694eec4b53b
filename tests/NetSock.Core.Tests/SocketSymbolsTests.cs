using System.Net.Sockets;
using NetSock.Sockets;

namespace NetSock.Tests;

public class SocketSymbolsTests
{
    [Theory]
    [InlineData("AF_INET", AddressFamily.InterNetwork)]
    [InlineData("af_inet6", AddressFamily.InterNetworkV6)]
    [InlineData("AF_UNIX", AddressFamily.Unix)]
    [InlineData("AF_LOCAL", AddressFamily.Unix)]
    [InlineData("AF_PACKET", AddressFamily.Packet)]
    [InlineData("InterNetwork", AddressFamily.InterNetwork)]
    [InlineData("10", AddressFamily.InterNetworkV6)]
    [InlineData("17", AddressFamily.Packet)]
    public void FamiliesParseFromCSymbolsDotNetNamesAndLinuxNumbers(string text, AddressFamily expected) =>
        Assert.Equal(expected, SocketSymbols.ParseFamily(text));

    [Theory]
    [InlineData("SOCK_STREAM", SocketType.Stream)]
    [InlineData("SOCK_DGRAM", SocketType.Dgram)]
    [InlineData("SOCK_RAW", SocketType.Raw)]
    [InlineData("Seqpacket", SocketType.Seqpacket)]
    [InlineData("3", SocketType.Raw)]
    public void TypesParse(string text, SocketType expected) => Assert.Equal(expected, SocketSymbols.ParseType(text));

    [Theory]
    [InlineData("IPPROTO_TCP", AddressFamily.InterNetwork, 6)]
    [InlineData("udp", AddressFamily.InterNetworkV6, 17)]
    [InlineData("IcmpV6", AddressFamily.InterNetworkV6, 58)]
    [InlineData("102", AddressFamily.InterNetwork, 102)]
    [InlineData("0xff", AddressFamily.InterNetwork, 255)]
    [InlineData("ETH_P_ALL", AddressFamily.Packet, 0x0003)]
    [InlineData("ETH_P_IP", AddressFamily.Packet, 0x0800)]
    [InlineData("0x88B5", AddressFamily.Packet, 0x88B5)]
    public void ProtocolsParseByFamily(string text, AddressFamily family, int expected) =>
        Assert.Equal(expected, SocketSymbols.ParseProtocol(text, family));

    [Fact]
    public void AnUnknownFamilyNamesTheChoices()
    {
        var e = Assert.Throws<NetSockException>(() => SocketSymbols.ParseFamily("AF_APPLETALK"));
        Assert.Equal("NetSocketUnknownAddressFamily", e.ErrorId);
        Assert.Equal(NetSockErrorKind.InvalidArgument, e.Kind);
        Assert.Contains("AF_INET6", e.Message);
        Assert.Contains("AF_PACKET", e.Message);
    }

    [Theory]
    [InlineData("256", AddressFamily.InterNetwork)]
    [InlineData("-1", AddressFamily.InterNetwork)]
    [InlineData("ETH_P_ALL", AddressFamily.InterNetwork)]
    [InlineData("70000", AddressFamily.Packet)]
    public void AnIpProtocolOutOfRangeOrOfTheWrongFamilyIsRefused(string text, AddressFamily family)
    {
        var e = Assert.Throws<NetSockException>(() => SocketSymbols.ParseProtocol(text, family));
        Assert.Equal("NetSocketUnknownProtocol", e.ErrorId);
    }

    [Fact]
    public void ProtocolNamesRoundTrip()
    {
        Assert.Equal("Tcp", SocketSymbols.ProtocolName(6, AddressFamily.InterNetwork));
        Assert.Equal("102", SocketSymbols.ProtocolName(102, AddressFamily.InterNetwork));
        Assert.Equal("All", SocketSymbols.ProtocolName(3, AddressFamily.Packet));
    }
}
