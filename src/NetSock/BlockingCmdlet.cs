using System.Management.Automation;

namespace NetSock.Commands;

/// <summary>
/// A cmdlet that waits on the network: every wait has -Timeout (seconds; 0 waits without limit), and Ctrl+C or a
/// downstream Select-Object -First cancels the wait at once (StopProcessing cancels the token).
/// </summary>
public abstract class BlockingCmdlet : NetSockCmdlet
{
    private readonly CancellationTokenSource _stop = new();

    /// <summary>Seconds to wait for the network before giving up with an error; 0 waits without limit.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public double Timeout { get; set; } = 30;

    protected CancellationToken StopToken => _stop.Token;

    protected TimeSpan? TimeLimit => Timeout > 0 ? TimeSpan.FromSeconds(Timeout) : null;

    protected override void StopProcessing() => _stop.Cancel();

    /// <summary>
    /// Runs the cmdlet's work; when the pipeline stops (Ctrl+C, Select-Object -First) it calls <see cref="OnStopping"/>
    /// before PowerShell unwinds, so what the work held is released at once.
    /// </summary>
    protected void Stoppable(Action work)
    {
        try
        {
            work();
        }
        catch (PipelineStoppedException)
        {
            OnStopping();
            throw;
        }
    }

    /// <summary>What to release when the pipeline stops.</summary>
    protected virtual void OnStopping()
    {
    }

    /// <summary>
    /// True when the socket came down the pipeline from the command before: nobody else holds it, so a stop closes it
    /// (`Start-TcpListener | Receive-TcpConnection`, `Connect-TcpEndpoint | Receive-SocketData`).
    /// </summary>
    protected bool SocketFromPipeline => MyInvocation.ExpectingInput;

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

    protected override void Release()
    {
        _stop.Dispose();
        base.Release();
    }
}
