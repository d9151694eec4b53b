using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using NetSock.Sockets;

namespace NetSock.Commands;

/// <summary>
/// Python's bind() + listen(backlog): returns a listening socket at once (the kernel queues connections), so one
/// script can listen, connect and accept. Binds 127.0.0.1 unless told otherwise; port 0 lets the kernel pick one.
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "TcpListener", DefaultParameterSetName = IpSet)]
[OutputType(typeof(NetSocket))]
public sealed class StartTcpListenerCommand : NetSockCmdlet
{
    private const string IpSet = "Ip";
    private const string UnixSet = "Unix";

    /// <summary>Port to listen on; 0 (the default) lets the kernel choose a free one, shown as LocalPort.</summary>
    [Parameter(Position = 0, ParameterSetName = IpSet)]
    [ValidateRange(0, 65535)]
    public int Port { get; set; }

    /// <summary>Address to listen on (default 127.0.0.1; ::1, 0.0.0.0 or :: as you choose).</summary>
    [Parameter(ParameterSetName = IpSet)]
    [Alias("Address")]
    public IPAddress? LocalAddress { get; set; }

    /// <summary>Listens on every IPv4 address (0.0.0.0) instead of loopback.</summary>
    [Parameter(ParameterSetName = IpSet)]
    public SwitchParameter AnyAddress { get; set; }

    /// <summary>A Unix stream socket path to listen on instead of a TCP port.</summary>
    [Parameter(Mandatory = true, ParameterSetName = UnixSet)]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <summary>
    /// How many connections the kernel queues before accept (listen(backlog)); by default as many as the kernel allows
    /// (net.core.somaxconn, 4096 on current Linux), so a burst of clients waits instead of being dropped.
    /// </summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? Backlog { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            SocketSpec spec = ParameterSetName == UnixSet
                ? new SocketSpec(AddressFamily.Unix, SocketType.Stream) { Path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path) }
                : ListenAddress() is var address
                    ? new SocketSpec(address.AddressFamily, SocketType.Stream) { LocalAddress = address, LocalPort = Port }
                    : throw new InvalidOperationException();
            WriteObject(StreamSockets.Listen(spec, Backlog, Registry, Owner));
        }
        catch (NetSockException e)
        {
            ThrowNetSockError(e);
        }
    }

    private IPAddress ListenAddress()
    {
        if (AnyAddress && LocalAddress is not null)
            ThrowNetSockError(new NetSockException("TcpListenerAddressConflict", NetSockErrorKind.InvalidArgument,
                "Give either -LocalAddress or -AnyAddress, not both.", LocalAddress));
        return AnyAddress ? IPAddress.Any : LocalAddress ?? IPAddress.Loopback;
    }
}
