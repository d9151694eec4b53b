using System.Management.Automation;
using System.Net;
using NetSock.Sockets;

namespace NetSock.Commands;

/// <summary>Python's connect(): a connected stream socket to a host and port (IPv4 or IPv6, by name or address) or a Unix path.</summary>
[Cmdlet(VerbsCommunications.Connect, "TcpEndpoint", DefaultParameterSetName = IpSet)]
[OutputType(typeof(NetSocket))]
public sealed class ConnectTcpEndpointCommand : BlockingCmdlet
{
    private const string IpSet = "Ip";
    private const string UnixSet = "Unix";

    /// <summary>Host name or address to connect to.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = IpSet, ValueFromPipelineByPropertyName = true)]
    [Alias("HostName", "Address", "cn")]
    [ValidateNotNullOrEmpty]
    public string ComputerName { get; set; } = "";

    /// <summary>TCP port to connect to.</summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = IpSet, ValueFromPipelineByPropertyName = true)]
    [ValidateRange(1, 65535)]
    public int Port { get; set; }

    /// <summary>Local address to connect from.</summary>
    [Parameter(ParameterSetName = IpSet)]
    public IPAddress? LocalAddress { get; set; }

    /// <summary>Local port to connect from (0: any).</summary>
    [Parameter(ParameterSetName = IpSet)]
    [ValidateRange(0, 65535)]
    public int? LocalPort { get; set; }

    /// <summary>A Unix stream socket path to connect to.</summary>
    [Parameter(Mandatory = true, ParameterSetName = UnixSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            var task = ParameterSetName == UnixSet
                ? StreamSockets.ConnectUnixAsync(SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path), Registry, Owner, TimeLimit, StopToken)
                : StreamSockets.ConnectAsync(ComputerName, Port, LocalEndPoint(), Registry, Owner, TimeLimit, StopToken);
            WriteObject(Wait(task));
        }
        catch (NetSockException e)
        {
            WriteNetSockError(e);
        }
    }

    private IPEndPoint? LocalEndPoint() =>
        LocalAddress is null && LocalPort is null ? null
        : new IPEndPoint(LocalAddress ?? (ComputerName.Contains(':') ? IPAddress.IPv6Any : IPAddress.Any), LocalPort ?? 0);
}
