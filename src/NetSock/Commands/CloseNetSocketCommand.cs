using System.Management.Automation;
using NetSock.Sockets;

namespace NetSock.Commands;

/// <summary>Python's close(): closes sockets from the pipeline or by Id. Closing a closed socket does nothing.</summary>
[Cmdlet(VerbsCommon.Close, "NetSocket", DefaultParameterSetName = ObjectSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(NetSocket))]
public sealed class CloseNetSocketCommand : NetSockCmdlet
{
    private const string ObjectSet = "Object";
    private const string IdSet = "Id";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = ObjectSet)]
    [Alias("Socket")]
    public NetSocket[] InputObject { get; set; } = Array.Empty<NetSocket>();

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = IdSet)]
    [ArgumentCompleter(typeof(SocketIdCompleter))]
    public int[] Id { get; set; } = Array.Empty<int>();

    /// <summary>Emits each socket after closing it.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == IdSet)
        {
            foreach (int id in Id)
                CloseById(id);
        }
        else
        {
            foreach (var socket in InputObject)
                Close(socket);
        }
    }

    private void CloseById(int id)
    {
        var socket = Registry.Find(id);
        if (socket is not null)
            Close(socket);
        else if (Registry.WasIssued(id))
            WriteVerbose($"Socket {id} is already closed.");
        else
            WriteNetSockError(new NetSockException("NetSocketNotFound", NetSockErrorKind.NotFound,
                $"No socket with Id {id} was opened in this session. Run Get-NetSocket to list the open ones.", id));
    }

    private void Close(NetSocket socket)
    {
        if (socket.State != NetSocketState.Closed && ShouldProcess(socket.ToString(), "Close"))
            socket.Close();
        if (PassThru)
            WriteObject(socket);
    }
}
