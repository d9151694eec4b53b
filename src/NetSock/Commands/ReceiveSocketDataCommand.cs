using System.Management.Automation;
using NetSock.Sockets;

namespace NetSock.Commands;

/// <summary>
/// Python's recv() on a connected stream: by default one read of up to -MaximumBytes (recv(100) is
/// -MaximumBytes 100); -Line emits one string per line, -UntilClosed every chunk until the peer closes. Text by
/// default, byte[] with -AsByteStream; results stream out as they arrive.
/// </summary>
[Cmdlet(VerbsCommunications.Receive, "SocketData", DefaultParameterSetName = ChunkSet)]
[OutputType(typeof(string), typeof(byte[]))]
public sealed class ReceiveSocketDataCommand : BlockingCmdlet
{
    private const string ChunkSet = "Chunk";
    private const string LineSet = "Line";
    private const string FileSet = "File";

    /// <summary>The connected socket to read from.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public NetSocket? Socket { get; set; }

    /// <summary>The most bytes one read returns (the seed's recv(100)).</summary>
    [Parameter(ParameterSetName = ChunkSet)]
    [Parameter(ParameterSetName = FileSet)]
    [Alias("BufferSize")]
    [ValidateRange(1, 64 * 1024 * 1024)]
    public int MaximumBytes { get; set; } = 65536;

    /// <summary>Emits byte[] chunks instead of text.</summary>
    [Parameter(ParameterSetName = ChunkSet)]
    public SwitchParameter AsByteStream { get; set; }

    /// <summary>Keeps reading, emitting each chunk, until the peer closes its side.</summary>
    [Parameter(ParameterSetName = ChunkSet)]
    public SwitchParameter UntilClosed { get; set; }

    /// <summary>
    /// Writes everything received until the peer closes to this file (nc > file), through one reused buffer of
    /// -MaximumBytes, and emits nothing: the fast way to move bulk data. The socket's BytesReceived counts it.
    /// </summary>
    [Parameter(ParameterSetName = FileSet, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string? OutFile { get; set; }

    /// <summary>Emits one string per line (LF or CRLF) until the peer closes, or until -Count lines.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LineSet)]
    public SwitchParameter Line { get; set; }

    /// <summary>With -Line, how many lines to read; with -UntilClosed, how many chunks at most.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Count { get; set; } = int.MaxValue;

    /// <summary>Text encoding: utf8 (default), ascii, latin1, unicode, bigendianunicode, utf32.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(EncodingCompleter))]
    public string? Encoding { get; set; }

    // Each socket's text state (a character split across two reads) lives as long as the socket, across calls.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<NetSocket, LineSplitter> TextOf = new();

    private LineSplitter? _lines;

    protected override void ProcessRecord() => Stoppable(() =>
    {
        Received(Socket!);
        try
        {
            var encoding = TextEncodings.Get(Encoding);
            _lines = TextOf.TryGetValue(Socket!, out var kept) && kept.Encoding.WebName == encoding.WebName ? kept : new LineSplitter(encoding);
            TextOf.AddOrUpdate(Socket!, _lines);
            if (Line) ReadLines(_lines);
            else if (OutFile is not null) ReadToFile(SessionState.Path.GetUnresolvedProviderPathFromPSPath(OutFile));
            else ReadChunks(_lines);
        }
        catch (NetSockException e)
        {
            ThrowNetSockError(e);
        }
        finally
        {
            // Bytes read past the last line handed out wait for the next Receive-SocketData on this socket.
            if (_lines is not null && Socket!.State == NetSocketState.Connected) StreamSockets.Unread(Socket, _lines.TakeRest());
            _lines = null;
        }
    });

    private void ReadChunks(LineSplitter text)
    {
        var buffer = new byte[MaximumBytes];
        for (int chunks = 0; chunks < (UntilClosed ? Count : 1); chunks++)
        {
            int n = Wait(() => StreamSockets.Receive(Socket!, buffer, TimeLimit, StopToken));
            if (n == 0)
            {
                PeerClosed();
                if (!AsByteStream && text.Decode(default, final: true) is { Length: > 0 } tail) WriteObject(tail);
                return;
            }
            if (AsByteStream) WriteObject(buffer.AsSpan(0, n).ToArray(), enumerateCollection: false);
            else if (text.Decode(buffer.AsSpan(0, n)) is { Length: > 0 } decoded) WriteObject(decoded);
        }
    }

    private void ReadToFile(string path)
    {
        var buffer = new byte[MaximumBytes];
        long total = 0;
        using var file = OutputFile(() => new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 0), path);
        while (true)
        {
            int n = Wait(() => StreamSockets.Receive(Socket!, buffer, TimeLimit, StopToken));
            if (n == 0) break;
            OutputFile(() => { file.Write(buffer, 0, n); return n; }, path);
            total += n;
        }
        PeerClosed();
        WriteVerbose($"Wrote {total:N0} bytes to {path}.");
    }

    /// <summary>A step on the -OutFile file, whose OS errors become OutputFile&lt;Problem&gt; errors (IsDirectory, ReadOnly, DiskFull, AccessDenied, ...).</summary>
    private static T OutputFile<T>(Func<T> step, string path)
    {
        try
        {
            return step();
        }
        catch (Exception e) when (FileErrors.IsFileError(e))
        {
            throw FileErrors.Map(e, "OutputFile", path, "write the received data to");
        }
    }

    private void ReadLines(LineSplitter text)
    {
        var buffer = new byte[65536];
        int emitted = 0;
        while (true)
        {
            while (text.NextLine() is { } line)
            {
                WriteObject(line);
                if (++emitted == Count) return;
            }
            int n = Wait(() => StreamSockets.Receive(Socket!, buffer, TimeLimit, StopToken));
            if (n == 0)
            {
                PeerClosed();
                if (text.Flush() is { } last) WriteObject(last);
                return;
            }
            text.Add(buffer.AsSpan(0, n));
        }
    }

    private void PeerClosed() => WriteVerbose($"The peer {Socket!.RemoteEndPoint} closed its side of the connection.");
}
