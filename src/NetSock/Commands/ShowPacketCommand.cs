using System.Management.Automation;
using NetSock.Packets;

namespace NetSock.Commands;

/// <summary>
/// A packet as text, one string per line, written as each packet arrives: Scapy's show() by default, show2() with
/// -Built (lengths and checksums computed), hexdump() with -Hex, or a tcpdump-like line with -Summary.
/// </summary>
[Cmdlet(VerbsCommon.Show, "Packet", DefaultParameterSetName = ShowSet)]
[OutputType(typeof(string))]
public sealed class ShowPacketCommand : NetSockCmdlet
{
    private const string ShowSet = "Show";
    private const string BuiltSet = "Built";
    private const string HexSet = "Hex";
    private const string SummarySet = "Summary";

    /// <summary>The packet to show: from New-Packet, ConvertTo-Packet or Get-SniffedPacket.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [Alias("Packet")]
    public Packet InputObject { get; set; } = null!;

    private Packet Packet => InputObject;

    /// <summary>Shows the packet as it goes on the wire, dissected again: auto fields have their computed values (show2).</summary>
    [Parameter(Mandatory = true, ParameterSetName = BuiltSet)]
    public SwitchParameter Built { get; set; }

    /// <summary>Shows the packet's bytes as Scapy's hexdump() does.</summary>
    [Parameter(Mandatory = true, ParameterSetName = HexSet)]
    public SwitchParameter Hex { get; set; }

    /// <summary>Shows one tcpdump-like line per packet: number, time, summary.</summary>
    [Parameter(Mandatory = true, ParameterSetName = SummarySet)]
    public SwitchParameter Summary { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            string text = ParameterSetName switch
            {
                BuiltSet => PacketText.Show(Packet.Rebuilt()),
                HexSet => PacketText.Hexdump(Packet.GetBytes()),
                SummarySet => PacketText.Line(Packet),
                _ => PacketText.Show(Packet),
            };
            // A string per line, as Get-Content gives a file: Select-String and -match find the line they match.
            foreach (string line in text.Split('\n'))
                WriteObject(line);
        }
        catch (NetSockException e)
        {
            WriteNetSockError(e);
        }
    }
}
