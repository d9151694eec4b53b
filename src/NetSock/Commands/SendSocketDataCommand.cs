using System.Management.Automation;
using System.Text;
using NetSock.Sockets;

namespace NetSock.Commands;

/// <summary>
/// The course's send() on a connected stream: text (a newline after each string unless -NoNewline) or bytes, one value
/// or a stream from the pipeline, each sent as it arrives.
/// </summary>
[Cmdlet(VerbsCommunications.Send, "SocketData")]
[OutputType(typeof(byte[]))]
public sealed class SendSocketDataCommand : BlockingCmdlet
{
    private Encoding _encoding = System.Text.Encoding.UTF8;
    private List<byte>? _loose;

    /// <summary>The connected socket to send on.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    public NetSocket? Socket { get; set; }

    /// <summary>A string (sent in -Encoding), a byte[], or a stream of either from the pipeline.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true)]
    [Alias("Data", "Text")]
    [AllowEmptyString]
    public object? InputObject { get; set; }

    /// <summary>Text encoding: utf8 (default, no BOM), ascii, latin1, unicode, bigendianunicode, utf32.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(EncodingCompleter))]
    public string? Encoding { get; set; }

    /// <summary>Sends strings as they are, without a newline after each.</summary>
    [Parameter]
    public SwitchParameter NoNewline { get; set; }

    /// <summary>Emits the bytes sent.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessing()
    {
        try
        {
            _encoding = TextEncodings.Get(Encoding);
        }
        catch (NetSockException e)
        {
            ThrowNetSockError(e);
        }
    }

    protected override void ProcessRecord()
    {
        object? input = InputObject is PSObject ps ? ps.BaseObject : InputObject;
        if (input is System.Collections.IEnumerable list and not string and not byte[])
        {
            foreach (object? item in list) Add(item is PSObject p ? p.BaseObject : item);     // -InputObject 'one','two'
        }
        else
        {
            Add(input);
        }
    }

    private void Add(object? input)
    {
        if (input is byte b)
        {
            (_loose ??= new List<byte>()).Add(b);     // a byte[] piped in arrives byte by byte: gathered, sent in order
            return;
        }
        FlushLoose();
        Send(input switch
        {
            byte[] bytes => bytes,
            null => Array.Empty<byte>(),
            _ => _encoding.GetBytes(NoNewline ? input.ToString() ?? "" : input + "\n"),
        });
    }

    private void FlushLoose()
    {
        if (_loose is not { Count: > 0 }) return;
        byte[] bytes = _loose.ToArray();
        _loose.Clear();
        Send(bytes);
    }

    protected override void EndProcessing() => FlushLoose();

    private void Send(byte[] data)
    {
        try
        {
            Wait(StreamSockets.SendAsync(Socket!, data, TimeLimit, Stopping));
        }
        catch (NetSockException e)
        {
            ThrowNetSockError(e);
        }
        if (PassThru) WriteObject(data, enumerateCollection: false);
    }
}
