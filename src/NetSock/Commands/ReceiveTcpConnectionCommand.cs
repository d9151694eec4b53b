using System.Management.Automation;
using NetSock.Sockets;

namespace NetSock.Commands;

/// <summary>Python's accept(): emits connected sockets, one per connection, from a listener.</summary>
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
        var listener = Received(Socket!);
        for (int i = 0; i < Count; i++)
        {
            try
            {
                WriteObject(Wait(StreamSockets.AcceptAsync(listener, Registry, Owner, TimeLimit, StopToken)));
            }
            catch (NetSockException e)
            {
                WriteNetSockError(e);
                return;
            }
        }
    });
}
