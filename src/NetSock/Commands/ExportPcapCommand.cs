using System.Management.Automation;
using NetSock.Capture;
using NetSock.Packets;

namespace NetSock.Commands;

/// <summary>
/// Scapy's wrpcap(): streams packets from the pipeline to a pcap or pcapng file (or a FIFO a live reader opened) with
/// their timestamps, original lengths, interfaces and link types, crafted packets included. Whatever goes wrong with
/// the file is one terminating error that names it and says how many packets it holds whole; a packet of another link
/// type than a pcap file's is a non-terminating error of its own.
/// </summary>
[Cmdlet(VerbsData.Export, "Pcap", SupportsShouldProcess = true)]
[OutputType(typeof(Packet))]
public sealed class ExportPcapCommand : NetSockCmdlet
{
    private CaptureFileWriter? _writer;
    private string? _file;
    private bool _declined;

    /// <summary>The file to write (.pcapng chooses pcapng unless -Format says otherwise).</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>The packets to write.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [Alias("Packet")]
    public Packet? InputObject { get; set; }

    /// <summary>Pcap (classic, one link type) or PcapNg (an interface block per interface and link type).</summary>
    [Parameter]
    public CaptureFileFormat? Format { get; set; }

    /// <summary>Adds to an existing file instead of replacing it.</summary>
    [Parameter]
    public SwitchParameter Append { get; set; }

    /// <summary>
    /// With -Append: a file that ends inside a record (what a killed writer leaves) or is damaged elsewhere is first cut
    /// back to the end of its last whole record, instead of being refused with CaptureFileCorrupt.
    /// </summary>
    [Parameter]
    public SwitchParameter Repair { get; set; }

    /// <summary>Writes nanosecond timestamps.</summary>
    [Parameter]
    public SwitchParameter Nanosecond { get; set; }

    /// <summary>
    /// The host a packet was captured on: from the PSComputerName that remoting and jobs put on what they bring back.
    /// In pcapng each host's interfaces get interface blocks of their own, named host/interface.
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("PSComputerName")]
    public string? ComputerName { get; set; }

    /// <summary>Emits each packet after writing it.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessing() => _file = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);

    protected override void ProcessRecord()
    {
        var packet = InputObject!;
        if (_writer is null)
        {
            if (_declined) return;
            // Asked once per file, not per packet: -WhatIf says one line, and a "no" skips the whole stream.
            if (!ShouldProcess(_file, Append ? "Append packets" : "Write packets"))
            {
                _declined = true;
                return;
            }
            var format = Format ?? (_file!.EndsWith(".pcapng", StringComparison.OrdinalIgnoreCase) ? CaptureFileFormat.PcapNg : CaptureFileFormat.Pcap);
            // A file that cannot be opened is one error, not one per packet.
            _writer = Stoppable(() => CaptureFileWriter.Create(_file!, format, packet.LinkType, Append, Nanosecond, Repair, StopToken));
        }
        try
        {
            Stoppable(() => { CaptureFiles.Write(_writer, packet, ComputerName); return true; });
        }
        catch (NetSockException e) when (e.ErrorId == "CaptureFileLinkTypeMismatch")
        {
            WriteNetSockError(e);      // this packet only: the next may have the file's link type
            return;
        }
        if (PassThru) WriteObject(packet);
    }

    // The last records are written and the file closed here, so an error doing it (a full disk) reaches the caller.
    protected override void EndProcessing()
    {
        var writer = _writer;
        _writer = null;
        if (writer is not null) Stoppable(() => { writer.Dispose(); return true; });
    }

    /// <summary>
    /// Runs a file operation; a stop turns into PowerShell's pipeline stop, and a file error (NetSockException other
    /// than a packet's link type) into the terminating error that ends the command.
    /// </summary>
    private T Stoppable<T>(Func<T> work)
    {
        try
        {
            return work();
        }
        catch (OperationCanceledException)
        {
            throw new PipelineStoppedException();
        }
        catch (NetSockException e) when (e.ErrorId != "CaptureFileLinkTypeMismatch" || _writer is null)
        {
            ThrowNetSockError(e);
            throw;      // not reached
        }
    }

    // After a stop or an error the file is still closed (its buffered records written); a second error has nowhere to go.
    protected override void Release()
    {
        try { _writer?.Dispose(); }
        catch (Exception e) when (e is NetSockException or OperationCanceledException or ObjectDisposedException) { }
        _writer = null;
    }
}
