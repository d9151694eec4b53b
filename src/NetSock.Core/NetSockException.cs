namespace NetSock;

/// <summary>What kind of failure a <see cref="NetSockException"/> reports; the cmdlets map it to an ErrorCategory.</summary>
public enum NetSockErrorKind
{
    InvalidArgument,
    NotFound,
    PermissionDenied,
    ResourceUnavailable,
    ConnectionError,
    NotSupported,
    Timeout,
    InvalidOperation,
    WriteError,
    ReadError,
}

/// <summary>
/// A failure the core reports to its callers: a stable ErrorId of the form <c>&lt;Noun&gt;&lt;Problem&gt;</c>,
/// a kind, a message that says what was wrong and what to do, and the object it concerns.
/// </summary>
public sealed class NetSockException : Exception
{
    public NetSockException(string errorId, NetSockErrorKind kind, string message, object? target = null, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Kind = kind;
        Target = target;
    }

    public string ErrorId { get; }
    public NetSockErrorKind Kind { get; }
    public object? Target { get; }
}
