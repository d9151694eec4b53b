using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using System.Text;
using NetSock.Sockets;

namespace NetSock.Commands;

/// <summary>
/// Python's sendto(): datagrams over UDP (IPv4 or IPv6), a Unix datagram path, or a raw IP socket of protocol N
/// (the kernel writes the IP header), from a socket of its own or from -Socket so replies come back to it.
/// </summary>
[Cmdlet(VerbsCommunications.Send, "Datagram", DefaultParameterSetName = UdpSet, SupportsShouldProcess = true)]
[OutputType(typeof(int))]
public sealed class SendDatagramCommand : NetSockCmdlet
{
    private const string UdpSet = "Udp";
    private const string RawSet = "Raw";
    private const string UnixSet = "Unix";
    private const string SocketSet = "Socket";

    private NetSocket? _socket;
    private EndPoint? _remote;
    private Encoding _encoding = System.Text.Encoding.UTF8;
    private Payloads? _payloads;

    /// <summary>Host name or address to send to.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = UdpSet)]
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = RawSet)]
    [Parameter(ParameterSetName = SocketSet)]
    [Alias("HostName", "Address", "cn")]
    [ValidateNotNullOrEmpty]
    public string? ComputerName { get; set; }

    /// <summary>UDP port to send to.</summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = UdpSet)]
    [Parameter(ParameterSetName = SocketSet)]
    [ValidateRange(1, 65535)]
    public int Port { get; set; }

    /// <summary>IP protocol number or name for a raw socket (the seed's 102); the port is meaningless.</summary>
    [Parameter(Mandatory = true, ParameterSetName = RawSet)]
    [ArgumentCompleter(typeof(ProtocolCompleter))]
    public string? Protocol { get; set; }

    /// <summary>A Unix datagram socket path to send to.</summary>
    [Parameter(Mandatory = true, ParameterSetName = UnixSet)]
    [Parameter(ParameterSetName = SocketSet)]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <summary>An open datagram socket to send from (New-NetSocket), so replies come back to it.</summary>
    [Parameter(Mandatory = true, ParameterSetName = SocketSet)]
    public NetSocket? Socket { get; set; }

    /// <summary>The payload: a string (in -Encoding), a byte[], or a stream of either from the pipeline, one datagram each.</summary>
    [Parameter(Mandatory = true, Position = 2, ValueFromPipeline = true, ParameterSetName = UdpSet)]
    [Parameter(Mandatory = true, Position = 2, ValueFromPipeline = true, ParameterSetName = RawSet)]
    [Parameter(Mandatory = true, Position = 2, ValueFromPipeline = true, ParameterSetName = UnixSet)]
    [Parameter(Mandatory = true, Position = 2, ValueFromPipeline = true, ParameterSetName = SocketSet)]
    [Alias("Data", "Text")]
    [AllowEmptyString]
    public object? InputObject { get; set; }

    /// <summary>Text encoding: utf8 (default), ascii, latin1, unicode, bigendianunicode, utf32.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(EncodingCompleter))]
    public string? Encoding { get; set; }

    /// <summary>Sends each payload this many times.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Count { get; set; } = 1;

    /// <summary>Allows sending to a broadcast address (SO_BROADCAST).</summary>
    [Parameter]
    public SwitchParameter Broadcast { get; set; }

    /// <summary>Emits the number of bytes of each datagram sent.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessing()
    {
        try
        {
            _encoding = TextEncodings.Get(Encoding);
            string? path = Path is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
            if (ParameterSetName == SocketSet)
            {
                _socket = Socket;
                Datagrams.RequireDatagramSocket(_socket!);
                if (Broadcast) _socket!.Socket.EnableBroadcast = true;
                if (ComputerName is not null && Port == 0)
                    throw new NetSockException("DatagramPortMissing", NetSockErrorKind.InvalidArgument,
                        $"Say which port of {ComputerName} to send to: add -Port.", ComputerName);
                _remote = path is not null ? Datagrams.UnixPeer(path)
                    : ComputerName is not null ? Datagrams.Resolve(ComputerName, Port, _socket!.AddressFamily)
                    : _socket!.Socket.Connected ? null
                    : throw new NetSockException("DatagramDestinationMissing", NetSockErrorKind.InvalidArgument,
                        $"Socket {_socket.Id} is not connected to a peer: say where to send with -ComputerName and -Port, or -Path for a Unix socket.", _socket);
                return;
            }
            int? protocol = Protocol is null ? null : SocketSymbols.ParseProtocol(Protocol, AddressFamily.InterNetwork);
            (_socket, _remote) = Datagrams.OpenSender(ComputerName, Port, protocol, path, Broadcast, Registry, Owner);
        }
        catch (NetSockException e)
        {
            ThrowNetSockError(e);
        }
    }

    protected override void ProcessRecord()
    {
        _payloads ??= new Payloads(value => _encoding.GetBytes(value.ToString() ?? ""), Send);
        _payloads.Add(InputObject);     // one datagram per payload; a byte[] unrolled by the pipeline is one datagram
    }

    protected override void EndProcessing() => _payloads?.Flush();

    private void Send(byte[] data)
    {
        string where = _remote?.ToString() ?? _socket!.RemoteEndPoint?.ToString() ?? "the connected peer";
        if (!ShouldProcess(where, $"Send {Count} datagram(s) of {data.Length} bytes")) return;
        try
        {
            for (int i = 0; i < Count; i++)
            {
                Datagrams.SendTo(_socket!, data, _remote);
                if (PassThru) WriteObject(data.Length);
            }
        }
        catch (NetSockException e)
        {
            WriteNetSockError(e);
        }
    }

    // The socket this command opened itself is closed when it ends, however it ends; one given with -Socket stays open.
    protected override void Release()
    {
        if (ParameterSetName != SocketSet) _socket?.Close();
    }
}
