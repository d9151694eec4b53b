using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using NetSock.Sockets;

namespace NetSock.Commands;

/// <summary>
/// Python's socket(domain, type, protocol), optionally followed by bind(): opens a socket of any family,
/// type and protocol the OS supports and registers it in the session (Get-NetSocket).
/// </summary>
[Cmdlet(VerbsCommon.New, "NetSocket", DefaultParameterSetName = UnboundSet)]
[OutputType(typeof(NetSocket))]
public sealed class NewNetSocketCommand : NetSockCmdlet
{
    private const string UnboundSet = "Unbound";
    private const string IpSet = "Ip";
    private const string UnixSet = "Unix";

    /// <summary>AF_INET, AF_INET6, AF_UNIX/AF_LOCAL, AF_PACKET or the .NET names (InterNetwork, ...). Default: from -Path or -LocalAddress, else InterNetwork.</summary>
    [Parameter(Position = 0)]
    [Alias("Family", "Domain")]
    [ArgumentCompleter(typeof(AddressFamilyCompleter))]
    [ValidateNotNullOrEmpty]
    public string? AddressFamily { get; set; }

    /// <summary>SOCK_STREAM, SOCK_DGRAM, SOCK_RAW, SOCK_SEQPACKET or the .NET names. Default: Raw for AF_PACKET, else Stream.</summary>
    [Parameter(Position = 1)]
    [Alias("Type")]
    [ArgumentCompleter(typeof(SocketTypeCompleter))]
    [ValidateNotNullOrEmpty]
    public string? SocketType { get; set; }

    /// <summary>IP protocol by name (Tcp, IPPROTO_UDP, ...) or number (102); an EtherType (ETH_P_ALL, 0x0800) for AF_PACKET.</summary>
    [Parameter(Position = 2)]
    [Alias("Protocol", "Proto")]
    [ArgumentCompleter(typeof(ProtocolCompleter))]
    [ValidateNotNullOrEmpty]
    public string? ProtocolType { get; set; }

    /// <summary>Address to bind to; with only -LocalPort, the loopback address.</summary>
    [Parameter(ParameterSetName = IpSet)]
    [Alias("Address")]
    public IPAddress? LocalAddress { get; set; }

    /// <summary>Port to bind to; 0 lets the OS choose one.</summary>
    [Parameter(ParameterSetName = IpSet)]
    [Alias("Port")]
    [ValidateRange(0, 65535)]
    public int? LocalPort { get; set; }

    /// <summary>Path of a Unix socket to bind (relative paths are taken from the current location).</summary>
    [Parameter(Mandatory = true, ParameterSetName = UnixSet)]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <summary>Sets SO_REUSEADDR before binding.</summary>
    [Parameter]
    public SwitchParameter ReuseAddress { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            var family = AddressFamily is null ? DefaultFamily() : SocketSymbols.ParseFamily(AddressFamily);
            var type = SocketType is not null ? SocketSymbols.ParseType(SocketType)
                : family == System.Net.Sockets.AddressFamily.Packet ? System.Net.Sockets.SocketType.Raw : System.Net.Sockets.SocketType.Stream;
            var spec = new SocketSpec(family, type,
                ProtocolType is null ? null : SocketSymbols.ParseProtocol(ProtocolType, family))
            {
                LocalAddress = LocalAddress,
                LocalPort = LocalPort,
                Path = Path is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path),
                ReuseAddress = ReuseAddress,
            };
            WriteObject(SocketFactory.Open(spec, Registry, Owner));
        }
        catch (NetSockException e)
        {
            ThrowNetSockError(e);
        }
    }

    private System.Net.Sockets.AddressFamily DefaultFamily() =>
        Path is not null ? System.Net.Sockets.AddressFamily.Unix
        : LocalAddress?.AddressFamily ?? System.Net.Sockets.AddressFamily.InterNetwork;
}
