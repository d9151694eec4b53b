namespace NetSock.Packets.Layers;

/// <summary>IPv6 Destination Options header (next header 60, RFC 8200 4.6).</summary>
[Layer("IPv6DestinationOptions", "IPv6 Destination Options extension header", Aliases = new[] { "IPv6ExtHdrDestOpt", "DestOpt" })]
[Bind(typeof(IPv6), 60)]
public sealed class IPv6DestinationOptions : IPv6OptionsHeader
{
    public override string Summary => $"IPv6 destination options ({HeaderLength} bytes)";
}
