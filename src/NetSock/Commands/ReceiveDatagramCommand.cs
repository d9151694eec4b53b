using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using NetSock.Sockets;

namespace NetSock.Commands;

/// <summary>
/// Python's recvfrom(): binds a UDP port (or a raw IP protocol, or a Unix datagram path), or reads from -Socket,
/// and streams Datagram objects (Data, Text, Length, RemoteEndPoint, LocalEndPoint, Timestamp) as they arrive.
/// </summary>
[Cmdlet(VerbsCommunications.Receive, "Datagram", DefaultParameterSetName = UdpSet)]
[OutputType(typeof(Datagram))]
public sealed class ReceiveDatagramCommand : BlockingCmdlet
{
    private const string UdpSet = "Udp";
    private const string RawSet = "Raw";
    private const string UnixSet = "Unix";
    private const string SocketSet = "Socket";

    private NetSocket? _socket;

    /// <summary>UDP port to receive on.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = UdpSet)]
    [Alias("Port")]
    [ValidateRange(1, 65535)]
    public int LocalPort { get; set; }

    /// <summary>Address to bind (default 127.0.0.1; ::1 for IPv6, 0.0.0.0 for every IPv4 address).</summary>
    [Parameter(ParameterSetName = UdpSet)]
    [Parameter(ParameterSetName = RawSet)]
    [Alias("Address")]
    public IPAddress? LocalAddress { get; set; }

    /// <summary>IP protocol number or name of a raw socket to receive (the seed's 102); the kernel hands up the IP header.</summary>
    [Parameter(Mandatory = true, ParameterSetName = RawSet)]
    [ArgumentCompleter(typeof(ProtocolCompleter))]
    public string? Protocol { get; set; }

    /// <summary>A Unix datagram socket path to bind and receive on.</summary>
    [Parameter(Mandatory = true, ParameterSetName = UnixSet)]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <summary>An open datagram socket to read from: it stays open, unless it came down the pipeline (then the pipeline's end closes it).</summary>
    [Parameter(Mandatory = true, ParameterSetName = SocketSet, ValueFromPipeline = true)]
    public NetSocket? Socket { get; set; }

    /// <summary>How many datagrams to receive.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Count { get; set; } = 1;

    /// <summary>The largest datagram to read; longer ones are cut (the seed's recvfrom(bufsize)).</summary>
    [Parameter]
    [ValidateRange(1, 65535)]
    public int MaximumBytes { get; set; } = 65535;

    /// <summary>Encoding of each datagram's Text: utf8 (default), ascii, latin1, unicode, bigendianunicode, utf32.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(EncodingCompleter))]
    public string? Encoding { get; set; }

    private System.Text.Encoding? _encoding;

    protected override void BeginProcessing()
    {
        try
        {
            _encoding = TextEncodings.Get(Encoding);
            if (ParameterSetName == SocketSet) return;
            var family = LocalAddress?.AddressFamily ?? AddressFamily.InterNetwork;
            int? protocol = Protocol is null ? null : SocketSymbols.ParseProtocol(Protocol, family);
            string? path = Path is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
            _socket = Datagrams.OpenReceiver(LocalAddress, LocalPort, protocol, path, Registry, Owner);
        }
        catch (NetSockException e)
        {
            ThrowNetSockError(e);
        }
    }

    protected override void ProcessRecord() => Stoppable(() =>
    {
        var socket = _socket ?? Received(Socket!);
        try
        {
            if (DatagramReader.Supported)
            {
                var reader = new DatagramReader(socket, MaximumBytes, Count, _encoding);
                for (int i = 0; i < Count; i++)
                    WriteObject(Next(reader, Count - i));
                return;
            }
            var buffer = new byte[MaximumBytes];
            for (int i = 0; i < Count; i++)
                WriteObject(Wait(Datagrams.ReceiveAsync(socket, buffer, TimeLimit, StopToken, _encoding).AsTask()));
        }
        catch (NetSockException e)
        {
            ThrowNetSockError(e);
        }
    });

    private Datagram Next(DatagramReader reader, int wanted)
    {
        try
        {
            return reader.Next(TimeLimit, StopToken, wanted);
        }
        catch (OperationCanceledException)
        {
            throw new PipelineStoppedException();
        }
    }

    // The socket this command bound itself is closed when the command ends, however it ends, as is one that came down
    // the pipeline; one given as -Socket stays open.
    protected override void Release()
    {
        _socket?.Close();
        base.Release();
    }
}
