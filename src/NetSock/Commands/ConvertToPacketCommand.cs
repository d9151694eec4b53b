using System.Management.Automation;
using NetSock.Packets;

namespace NetSock.Commands;

/// <summary>
/// Bytes to a packet: a byte[] (also piped byte by byte, as PowerShell unrolls arrays) or a hex string: a plain hex
/// stream (Wireshark's "Copy as Hex Stream"), bytes separated by spaces, colons or dashes, or tcpdump -xx lines; or a
/// packet that was serialized (Import-Clixml, Start-Job, remoting), rebuilt from its bytes with its capture metadata; or
/// a PacketDotNet Packet or SharpPcap RawCapture, from .NET code that uses those libraries (their bytes, link type, and a
/// capture's timestamp and length).
/// Layers decode when first read; malformed input is marked, never thrown.
/// </summary>
[Cmdlet(VerbsData.ConvertTo, "Packet")]
[OutputType(typeof(Packet))]
public sealed class ConvertToPacketCommand : NetSockCmdlet
{
    private List<byte>? _loose;

    /// <summary>A byte[], a hex string (spaces, colons, dashes and a 0x prefix allowed), a PacketDotNet Packet or a SharpPcap RawCapture.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [Alias("Bytes", "Hex", "Packet")]
    public object? InputObject { get; set; }

    /// <summary>How the bytes start: Ethernet (default), Raw (an IP header), LinuxSll, Null (BSD loopback), IPv4, IPv6.</summary>
    [Parameter(Position = 1)]
    public LinkType LinkType { get; set; } = LinkType.Ethernet;

    protected override void ProcessRecord()
    {
        if (InputObject is PSObject serialized && PacketTypeConverter.IsSerializedPacket(serialized))
        {
            // A packet back from remoting, a job or Import-Clixml: live again, still saying which host it came from.
            try
            {
                var live = PSObject.AsPSObject(PacketTypeConverter.FromSerialized(serialized));
                if (serialized.Properties["PSComputerName"]?.Value is { } host)
                    live.Properties.Add(new PSNoteProperty("PSComputerName", host));
                WriteObject(live);
            }
            catch (NetSockException e)
            {
                WriteNetSockError(e);
            }
            return;
        }
        object? input = InputObject is PSObject ps ? ps.BaseObject : InputObject;
        switch (input)
        {
            case Packet packet:
                WriteObject(packet);
                break;
            case byte b:
                (_loose ??= new List<byte>()).Add(b);
                break;
            case byte[] bytes:
                WriteObject(Packet.Dissect(bytes, LinkType));
                break;
            case not null when FromPacketDotNet(input) is { } converted:
                WriteObject(converted);
                break;
            case string hex:
                try
                {
                    WriteObject(Packet.Dissect(Hex.Parse(hex), LinkType));
                }
                catch (NetSockException e)
                {
                    WriteNetSockError(e);
                }
                break;
            default:
                WriteNetSockError(new NetSockException("PacketInputInvalid", NetSockErrorKind.InvalidArgument,
                    $"ConvertTo-Packet takes a byte[], a hex string, a PacketDotNet Packet, a SharpPcap RawCapture or a packet that was serialized (Import-Clixml, a job, remoting), not {input?.GetType().Name ?? "null"}.", input));
                break;
        }
    }

    /// <summary>A PacketDotNet Packet or SharpPcap RawCapture (of NetSock's copy of those libraries or the script's own) as a packet; null for other input.</summary>
    private Packet? FromPacketDotNet(object input)
    {
        try
        {
            return Packet.FromPacketDotNetOrCapture(input);
        }
        catch (NetSockException e)
        {
            WriteNetSockError(e);
            return null;
        }
    }

    protected override void EndProcessing()
    {
        if (_loose is { Count: > 0 })
            WriteObject(Packet.Dissect(_loose.ToArray(), LinkType));
    }
}
