using System.Management.Automation;
using NetSock.Sockets;

namespace NetSock.Commands;

/// <summary>
/// A cmdlet that waits on the network: every wait has -Timeout (seconds; 0 waits without limit), and Ctrl+C or a
/// downstream Select-Object -First cancels the wait at once (StopProcessing cancels the token).
/// </summary>
public abstract class BlockingCmdlet : NetSockCmdlet
{
    /// <summary>Seconds to wait for the network before giving up with an error; 0 waits without limit.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public double Timeout { get; set; } = 30;

    protected TimeSpan? TimeLimit => Timeout > 0 ? TimeSpan.FromSeconds(Timeout) : null;

    private readonly List<NetSocket> _fromPipeline = new();

    /// <summary>
    /// Runs the cmdlet's work; when the pipeline stops (Ctrl+C, Select-Object -First) the sockets that came down the
    /// pipeline are closed and <see cref="OnStopping"/> is called before PowerShell unwinds, so what the work held is
    /// released at once.
    /// </summary>
    protected void Stoppable(Action work)
    {
        try
        {
            work();
        }
        catch (PipelineStoppedException)
        {
            CloseFromPipeline();
            OnStopping();
            throw;
        }
    }

    /// <summary>What else to release when the pipeline stops.</summary>
    protected virtual void OnStopping()
    {
    }

    /// <summary>
    /// The socket a record works on, as it was bound. One that came down the pipeline (`Start-TcpListener |
    /// Receive-TcpConnection`, `New-NetSocket ... | Receive-Datagram`, `$socket | Receive-SocketData`) is closed when the
    /// pipeline ends, however it ends: at its end, after an error or a timeout, or on a stop (Ctrl+C, Select-Object
    /// -First) — so a listener's port is free again at once. One given as an argument (-Socket $s) stays open.
    /// </summary>
    protected NetSocket Received(NetSocket socket)
    {
        // Only the socket parameter takes pipeline input in the cmdlets that call this, so input means the socket.
        if (MyInvocation.ExpectingInput && !_fromPipeline.Contains(socket)) _fromPipeline.Add(socket);
        return socket;
    }

    private void CloseFromPipeline()
    {
        foreach (var socket in _fromPipeline) socket.Close();
        _fromPipeline.Clear();
    }

    /// <summary>Waits for a network operation on the pipeline thread; a stop turns into PowerShell's own pipeline stop.</summary>
    protected T Wait<T>(Task<T> task)
    {
        try
        {
            return task.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            throw new PipelineStoppedException();
        }
    }

    /// <summary>Runs a wait that blocks this thread; a stop turns into PowerShell's own pipeline stop.</summary>
    protected T Wait<T>(Func<T> blocking)
    {
        try
        {
            return blocking();
        }
        catch (OperationCanceledException)
        {
            throw new PipelineStoppedException();
        }
    }

    protected void Wait(Task task) => Wait(task.ContinueWith(t => { t.GetAwaiter().GetResult(); return true; }, TaskScheduler.Default));

    // PowerShell disposes the command when its pipeline ends, however it ends: the sockets from the pipeline go with it.
    protected override void Release()
    {
        CloseFromPipeline();
        base.Release();
    }
}
