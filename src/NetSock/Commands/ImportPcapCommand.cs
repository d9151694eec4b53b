using System.Management.Automation;
using NetSock.Packets;

namespace NetSock.Commands;

/// <summary>
/// Scapy's rdpcap(), the twin of Export-Pcap: streams the packets of pcap and pcapng files (or of a FIFO a tcpdump
/// writes to) with their numbers, timestamps, interfaces, original lengths and SourceFile, decoded lazily.
/// </summary>
[Cmdlet(VerbsData.Import, "Pcap", DefaultParameterSetName = PathSet)]
[OutputType(typeof(Packet))]
public sealed class ImportPcapCommand : CaptureFileCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    /// <summary>The pcap or pcapng files to read; wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true)]
    [SupportsWildcards]
    public string[]? Path { get; set; }

    /// <summary>The files to read, taken as written (no wildcards); Get-ChildItem's output binds here by its PSPath.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    public string[]? LiteralPath { get; set; }

    /// <summary>A BPF filter as tcpdump takes it ('udp port 53'), compiled by libpcap for each file's link type.</summary>
    [Parameter]
    public string? Filter { get; set; }

    /// <summary>Stops after this many packets in all (rdpcap's count; 0: no limit).</summary>
    [Parameter]
    [ValidateRange(0, long.MaxValue)]
    public long Count { get; set; }

    protected override void ProcessRecord()
    {
        if (CountReached(Count)) return;
        if (ParameterSetName == LiteralPathSet) WriteCaptureFiles(LiteralPath!, literal: true, Filter, Count);
        else WriteCaptureFiles(Path!, literal: false, Filter, Count);
    }
}
