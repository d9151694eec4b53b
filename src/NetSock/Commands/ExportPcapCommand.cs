using System.Management.Automation;
using NetSock.Capture;
using NetSock.Packets;

namespace NetSock.Commands;

/// <summary>
/// Scapy's wrpcap(): streams packets from the pipeline to a pcap or pcapng file with their timestamps, original
/// lengths, interfaces and link types, crafted packets included.
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
        try
        {
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
                _writer = CaptureFileWriter.Create(_file!, format, packet.LinkType, Append, Nanosecond);
            }
            CaptureFiles.Write(_writer, packet, ComputerName);
        }
        catch (NetSockException e)
        {
            WriteNetSockError(e);
            return;
        }
        if (PassThru) WriteObject(packet);
    }

    // The file is flushed and closed however the command ends.
    protected override void Release()
    {
        _writer?.Dispose();
        _writer = null;
    }
}
