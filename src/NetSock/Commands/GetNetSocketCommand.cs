using System.Management.Automation;
using NetSock.Sockets;

namespace NetSock.Commands;

/// <summary>Lists the sockets NetSock opened in this session and has not closed, filtered by Id or State.</summary>
[Cmdlet(VerbsCommon.Get, "NetSocket")]
[OutputType(typeof(NetSocket))]
public sealed class GetNetSocketCommand : NetSockCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(SocketIdCompleter))]
    public int[]? Id { get; set; }

    [Parameter]
    public NetSocketState[]? State { get; set; }

    protected override void ProcessRecord()
    {
        IEnumerable<NetSocket> sockets = Registry.List();
        if (State is not null)
            sockets = sockets.Where(s => State.Contains(s.State));
        if (Id is null)
        {
            WriteObject(sockets, enumerateCollection: true);
            return;
        }
        var byId = sockets.ToDictionary(s => s.Id);
        foreach (int id in Id)
        {
            if (byId.TryGetValue(id, out var socket))
                WriteObject(socket);
            else
                WriteNetSockError(new NetSockException("NetSocketNotFound", NetSockErrorKind.NotFound,
                    $"No open socket has Id {id}{(State is null ? "" : " and State " + string.Join(" or ", State))}. Run Get-NetSocket to list the open ones.", id));
        }
    }
}
