using System.Management.Automation;
using System.Text;
using NetSock.Sockets;

namespace NetSock.Commands;

/// <summary>
/// Python's send() on a connected stream: text (a newline after each string unless -NoNewline) or bytes, one value
/// or a stream from the pipeline, each sent as it arrives.
/// </summary>
[Cmdlet(VerbsCommunications.Send, "SocketData")]
[OutputType(typeof(byte[]))]
public sealed class SendSocketDataCommand : BlockingCmdlet
{
    private Encoding _encoding = System.Text.Encoding.UTF8;
    private Payloads? _payloads;

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
        _payloads ??= new Payloads(value => _encoding.GetBytes(NoNewline ? value.ToString() ?? "" : value + "\n"), Send);
        _payloads.Add(InputObject);
    }

    protected override void EndProcessing() => _payloads?.Flush();

    private void Send(byte[] data)
    {
        try
        {
            Wait(() => { StreamSockets.Send(Socket!, data, TimeLimit, StopToken); return true; });
        }
        catch (NetSockException e)
        {
            ThrowNetSockError(e);
        }
        if (PassThru) WriteObject(data, enumerateCollection: false);
    }
}
