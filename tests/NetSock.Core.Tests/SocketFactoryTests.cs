using System.Net;
using System.Net.Sockets;
using System.Text;
using NetSock.Sockets;

namespace NetSock.Tests;

public sealed class SocketFactoryTests : IDisposable
{
    private readonly SocketRegistry _registry = new();
    private readonly Guid _owner = Guid.NewGuid();
    private readonly string _dir = Directory.CreateTempSubdirectory("netsock-test-").FullName;

    public void Dispose()
    {
        _registry.CloseOwnedBy(_owner);
        Directory.Delete(_dir, recursive: true);
    }

    private NetSocket Open(SocketSpec spec) => SocketFactory.Open(spec, _registry, _owner);

    [Fact]
    public void ATcpSocketBoundToPortZeroGetsAnEphemeralLoopbackPort()
    {
        var s = Open(new SocketSpec(AddressFamily.InterNetwork, SocketType.Stream) { LocalPort = 0 });
        var ep = Assert.IsType<IPEndPoint>(s.LocalEndPoint);
        Assert.Equal(IPAddress.Loopback, ep.Address);
        Assert.InRange(ep.Port, 1, 65535);
        Assert.Equal(6, s.ProtocolNumber);        // the kernel's choice for protocol 0, read back with SO_PROTOCOL
        Assert.Equal(NetSocketState.Open, s.State);
        Assert.Same(s, _registry.Find(s.Id));
    }

    [Fact]
    public void AnIPv6DatagramSocketBindsToTheIPv6Loopback()
    {
        var s = Open(new SocketSpec(AddressFamily.InterNetworkV6, SocketType.Dgram) { LocalPort = 0 });
        Assert.Equal(IPAddress.IPv6Loopback, ((IPEndPoint)s.LocalEndPoint!).Address);
        Assert.Equal("Udp", s.Protocol);
    }

    [Fact]
    public void AUdpSocketReallyReceivesWhatIsSentToItsPort()
    {
        var s = Open(new SocketSpec(AddressFamily.InterNetwork, SocketType.Dgram) { LocalAddress = IPAddress.Loopback, LocalPort = 0 });
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        client.SendTo("ping"u8.ToArray(), s.LocalEndPoint!);
        var buffer = new byte[16];
        s.Socket.ReceiveTimeout = 5000;
        int n = s.Socket.Receive(buffer);
        Assert.Equal("ping", Encoding.ASCII.GetString(buffer, 0, n));
    }

    [Fact]
    public void AUnixSocketCreatesItsFileAndRemovesItOnClose()
    {
        string path = Path.Combine(_dir, "a.sock");
        var s = Open(new SocketSpec(AddressFamily.Unix, SocketType.Stream) { Path = path });
        Assert.True(File.Exists(path));
        Assert.Equal(path, s.LocalEndPoint!.ToString());
        s.Close();
        Assert.False(File.Exists(path));
        Assert.Equal(NetSocketState.Closed, s.State);
        Assert.Null(_registry.Find(s.Id));
    }

    [Fact]
    public void CloseIsIdempotentAndRaisesClosedOnce()
    {
        var s = Open(new SocketSpec(AddressFamily.InterNetwork, SocketType.Dgram));
        int raised = 0;
        s.Closed += (_, _) => raised++;
        s.Close();
        s.Close();
        Assert.Equal(1, raised);
        Assert.True(_registry.WasIssued(s.Id));
        Assert.False(_registry.WasIssued(s.Id + 1000));
    }

    [Fact]
    public void ClosingAnOwnersSocketsLeavesOtherOwnersAlone()
    {
        var mine = Open(new SocketSpec(AddressFamily.InterNetwork, SocketType.Dgram));
        var theirs = SocketFactory.Open(new SocketSpec(AddressFamily.InterNetwork, SocketType.Dgram), _registry, Guid.NewGuid());
        Assert.Equal(1, _registry.CloseOwnedBy(_owner));
        Assert.Equal(NetSocketState.Closed, mine.State);
        Assert.Equal(NetSocketState.Open, theirs.State);
        Assert.Equal(new[] { theirs }, _registry.List());
        theirs.Close();
    }

    [Fact]
    public void AnAddressInUseIsExplainedAndLeavesNothingOpen()
    {
        var first = Open(new SocketSpec(AddressFamily.InterNetwork, SocketType.Stream) { LocalPort = 0 });
        var e = Assert.Throws<NetSockException>(() => Open(new SocketSpec(AddressFamily.InterNetwork, SocketType.Stream) { LocalPort = first.LocalPort }));
        Assert.Equal("NetSocketAddressInUse", e.ErrorId);
        Assert.Equal(NetSockErrorKind.ResourceUnavailable, e.Kind);
        Assert.Contains($"127.0.0.1:{first.LocalPort}", e.Message);
        Assert.Equal(new[] { first }, _registry.List());
    }

    [Fact]
    public void AStreamSocketWithUdpIsRefusedByTheOs()
    {
        var e = Assert.Throws<NetSockException>(() => Open(new SocketSpec(AddressFamily.InterNetwork, SocketType.Stream, 17)));
        Assert.Equal("NetSocketTypeProtocolRefused", e.ErrorId);
        Assert.Contains("Stream", e.Message);
        Assert.Empty(_registry.List());
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(65536)]
    public void APortOutOfRangeIsRefused(int port)
    {
        var e = Assert.Throws<NetSockException>(() => Open(new SocketSpec(AddressFamily.InterNetwork, SocketType.Stream) { LocalPort = port }));
        Assert.Equal("NetSocketPortOutOfRange", e.ErrorId);
    }

    [Fact]
    public void AUnixPathInAMissingFolderNamesTheFolder()
    {
        string path = Path.Combine(_dir, "missing", "x.sock");
        var e = Assert.Throws<NetSockException>(() => Open(new SocketSpec(AddressFamily.Unix, SocketType.Stream) { Path = path }));
        Assert.Equal("NetSocketPathNotFound", e.ErrorId);
        Assert.Contains(Path.Combine(_dir, "missing"), e.Message);
    }

    [Fact]
    public void AUnixPathOf107BytesBindsAndOneOf108IsTooLongSayingTheLimit()
    {
        string Named(int bytes) => Path.Combine(_dir, new string('s', bytes - _dir.Length - 1));
        var fits = Open(new SocketSpec(AddressFamily.Unix, SocketType.Stream) { Path = Named(107) });
        Assert.Equal(Named(107), fits.LocalEndPoint!.ToString());
        var e = Assert.Throws<NetSockException>(() => Open(new SocketSpec(AddressFamily.Unix, SocketType.Stream) { Path = Named(108) }));
        Assert.Equal("NetSocketPathTooLong", e.ErrorId);
        Assert.Equal(NetSockErrorKind.InvalidArgument, e.Kind);
        Assert.Contains("is 108 bytes long", e.Message);
        Assert.Contains("at most 107 bytes", e.Message);
        Assert.Equal(new[] { fits }, _registry.List());
    }

    [Fact]
    public void AUnixPathCountsBytesNotCharacters()
    {
        // 'é' is two bytes in UTF-8: 60 of them make a path of more than 107 bytes in fewer than 107 characters.
        string path = Path.Combine(_dir, new string('é', 60));
        Assert.True(path.Length <= 107);
        var e = Assert.Throws<NetSockException>(() => UnixPaths.EndPoint(path));
        Assert.Equal("NetSocketPathTooLong", e.ErrorId);
    }

    [Theory]
    [InlineData("directory", "NetSocketPathIsDirectory", "it is a directory")]
    [InlineData("file", "NetSocketPathNotSocket", "is a regular file, not a Unix socket")]
    [InlineData("fifo", "NetSocketPathNotSocket", "is a FIFO (named pipe), not a Unix socket")]
    public void BindingAUnixPathThatIsNotASocketSaysWhatItIs(string what, string errorId, string says)
    {
        string path = Path.Combine(_dir, what);
        if (what == "directory")
        {
            Directory.CreateDirectory(path);
        }
        else if (what == "file")
        {
            File.WriteAllText(path, "data");
        }
        else
        {
            using var mkfifo = System.Diagnostics.Process.Start("mkfifo", path);
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }
        Assert.Equal(what switch { "directory" => UnixPathKind.Directory, "file" => UnixPathKind.RegularFile, _ => UnixPathKind.Fifo }, UnixPaths.Kind(path));
        var e = Assert.Throws<NetSockException>(() => Open(new SocketSpec(AddressFamily.Unix, SocketType.Stream) { Path = path }));
        Assert.Equal(errorId, e.ErrorId);
        Assert.Contains(says, e.Message);
        Assert.Empty(_registry.List());
        Assert.True(Path.Exists(path));      // left as it was
    }

    [Fact]
    public void APeerPathIsCheckedBeforeConnecting()
    {
        string file = Path.Combine(_dir, "plain");
        File.WriteAllText(file, "data");
        Assert.Equal("NetSocketPathNotSocket", Assert.Throws<NetSockException>(() => UnixPaths.Peer(file, "missing")).ErrorId);
        Assert.Equal("NetSocketPathIsDirectory", Assert.Throws<NetSockException>(() => UnixPaths.Peer(_dir, "missing")).ErrorId);
        var missing = Assert.Throws<NetSockException>(() => UnixPaths.Peer(Path.Combine(_dir, "none.sock"), "nothing there"));
        Assert.Equal(("NetSocketPathNotFound", "nothing there"), (missing.ErrorId, missing.Message));
        var listener = StreamSockets.Listen(new SocketSpec(AddressFamily.Unix, SocketType.Stream) { Path = Path.Combine(_dir, "live.sock") }, 1, _registry, _owner);
        Assert.Equal(UnixPathKind.Socket, UnixPaths.Kind(listener.LocalEndPoint!.ToString()!));
        Assert.Equal(listener.LocalEndPoint!.ToString(), UnixPaths.Peer(listener.LocalEndPoint!.ToString()!, "missing").ToString());
    }

    [Fact]
    public async Task AHostNameOver255CharactersIsRefusedBeforeResolving()
    {
        string name = string.Join('.', Enumerable.Repeat(new string('a', 63), 4)) + ".invalid";
        var e = await Assert.ThrowsAsync<NetSockException>(() => StreamSockets.ConnectAsync(name, 80, null, _registry, _owner, TimeSpan.FromSeconds(5), default));
        Assert.Equal("NetSocketNameTooLong", e.ErrorId);
        Assert.Contains($"is {name.Length} characters long", e.Message);
        Assert.Empty(_registry.List());
    }

    [Fact]
    public void AnAddressOfTheOtherFamilyIsRefused()
    {
        var e = Assert.Throws<NetSockException>(() => Open(new SocketSpec(AddressFamily.InterNetwork, SocketType.Dgram) { LocalAddress = IPAddress.IPv6Loopback }));
        Assert.Equal("NetSocketAddressFamilyMismatch", e.ErrorId);
    }

    [Fact]
    public void AnAddressNoInterfaceHasIsRefused()
    {
        // 198.18.0.0/15 is the benchmarking range: no interface of a test machine has 198.19.255.254 outside a test namespace.
        var e = Assert.Throws<NetSockException>(() => Open(new SocketSpec(AddressFamily.InterNetwork, SocketType.Dgram) { LocalAddress = IPAddress.Parse("198.19.255.254") }));
        Assert.Equal("NetSocketAddressNotAvailable", e.ErrorId);
    }

    [RootFact]
    public void ARawSocketOfProtocol102CarriesTheSeedsDatagramOnLoopback()
    {
        // The seed's section 5: socket(AF_INET, SOCK_RAW, 102), bound to an address; port 0 is meaningless.
        var receiver = Open(new SocketSpec(AddressFamily.InterNetwork, SocketType.Raw, 102) { LocalAddress = IPAddress.Loopback });
        var sender = Open(new SocketSpec(AddressFamily.InterNetwork, SocketType.Raw, 102));
        Assert.Equal(102, receiver.ProtocolNumber);
        sender.Socket.SendTo("Hello, protocol 102"u8.ToArray(), new IPEndPoint(IPAddress.Loopback, 0));
        var buffer = new byte[256];
        receiver.Socket.ReceiveTimeout = 5000;
        int n = receiver.Socket.Receive(buffer);
        int ihl = (buffer[0] & 0x0F) * 4;
        Assert.Equal(4, buffer[0] >> 4);          // the kernel hands up the IPv4 header
        Assert.Equal(102, buffer[9]);             // ... with protocol 102
        Assert.Equal("Hello, protocol 102", Encoding.ASCII.GetString(buffer, ihl, n - ihl));
    }

    [RootFact]
    public void AnAfPacketSocketOpensForAllEtherTypes()
    {
        var s = Open(new SocketSpec(AddressFamily.Packet, SocketType.Raw));
        Assert.Equal(0x0003, s.ProtocolNumber);
        Assert.Equal("All", s.Protocol);
        Assert.Equal(AddressFamily.Packet, s.Socket.AddressFamily);
    }

    [Fact]
    public void ByteCountersAddUp()
    {
        var s = Open(new SocketSpec(AddressFamily.InterNetwork, SocketType.Dgram));
        s.AddBytesSent(10);
        s.AddBytesSent(5);
        s.AddBytesReceived(7);
        Assert.Equal(15, s.BytesSent);
        Assert.Equal(7, s.BytesReceived);
    }
}
