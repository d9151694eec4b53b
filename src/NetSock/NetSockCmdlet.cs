using System.Management.Automation;
using System.Management.Automation.Runspaces;
using NetSock.Sockets;

namespace NetSock.Commands;

/// <summary>What every NetSock cmdlet shares: the session's socket registry and turning core failures into ErrorRecords.</summary>
public abstract class NetSockCmdlet : PSCmdlet, IDisposable
{
    /// <summary>
    /// Releases what the command holds (sockets it opened itself). PowerShell disposes every cmdlet when its pipeline
    /// ends, also after a terminating error or a stop, when EndProcessing is not called.
    /// </summary>
    protected virtual void Release()
    {
    }

    public void Dispose()
    {
        Release();
        _stop.Dispose();
        GC.SuppressFinalize(this);
    }

    private readonly CancellationTokenSource _stop = new();

    /// <summary>Cancelled when the pipeline stops (Ctrl+C, a downstream Select-Object -First): every wait of the command takes it.</summary>
    protected CancellationToken StopToken => _stop.Token;

    protected override void StopProcessing()
    {
        try { _stop.Cancel(); }
        catch (ObjectDisposedException) { }     // a stop that arrives after the command was disposed has nothing left to stop
    }

    /// <summary>The sockets this process opened with NetSock.</summary>
    protected static SocketRegistry Registry => SocketRegistry.Session;

    /// <summary>The owner recorded for sockets opened here: the runspace running the command.</summary>
    protected static Guid Owner => CurrentOwner();

    internal static Guid CurrentOwner() => Runspace.DefaultRunspace?.InstanceId ?? Guid.Empty;

    internal static ErrorRecord ToErrorRecord(NetSockException e) =>
        new(e, e.ErrorId, Category(e.Kind), e.Target);

    /// <summary>A per-item failure: report it and go on with the next item.</summary>
    protected void WriteNetSockError(NetSockException e) => WriteError(ToErrorRecord(e));

    /// <summary>A failure after which the command cannot go on.</summary>
    protected void ThrowNetSockError(NetSockException e) => ThrowTerminatingError(ToErrorRecord(e));

    private static ErrorCategory Category(NetSockErrorKind kind) => kind switch
    {
        NetSockErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
        NetSockErrorKind.NotFound => ErrorCategory.ObjectNotFound,
        NetSockErrorKind.PermissionDenied => ErrorCategory.PermissionDenied,
        NetSockErrorKind.ResourceUnavailable => ErrorCategory.ResourceUnavailable,
        NetSockErrorKind.ConnectionError => ErrorCategory.ConnectionError,
        NetSockErrorKind.NotSupported => ErrorCategory.NotImplemented,
        NetSockErrorKind.Timeout => ErrorCategory.OperationTimeout,
        NetSockErrorKind.WriteError => ErrorCategory.WriteError,
        NetSockErrorKind.ReadError => ErrorCategory.ReadError,
        _ => ErrorCategory.InvalidOperation,
    };
}
