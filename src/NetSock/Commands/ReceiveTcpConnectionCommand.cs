using System.Management.Automation;
using NetSock.Sockets;

namespace NetSock.Commands;

/// <summary>The course's accept(): emits connected sockets, one per connection, from a listener.</summary>
[Cmdlet(VerbsCommunications.Receive, "TcpConnection")]
[OutputType(typeof(NetSocket))]
public sealed class ReceiveTcpConnectionCommand : BlockingCmdlet
{
    /// <summary>The listening socket (from Start-TcpListener).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [Alias("Listener")]
    public NetSocket? Socket { get; set; }

    /// <summary>How many connections to accept before returning.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Count { get; set; } = 1;

    protected override void ProcessRecord() => Stoppable(() =>
    {
        for (int i = 0; i < Count; i++)
        {
            try
            {
                WriteObject(Wait(StreamSockets.AcceptAsync(Socket!, Registry, Owner, TimeLimit, StopToken)));
            }
            catch (NetSockException e)
            {
                WriteNetSockError(e);
                return;
            }
        }
    });

    // Ctrl+C or Select-Object -First: a listener that came down the pipeline is released at once, so its port can be
    // bound again; one the caller holds in a variable stays open for the next accept.
    protected override void OnStopping()
    {
        if (SocketFromPipeline) Socket?.Close();
    }
}
