namespace NetSock.Packets.Layers;

/// <summary>IPv6 Hop-by-Hop Options header (next header 0, RFC 8200 4.3), e.g. the Router Alert of MLD.</summary>
[Layer("IPv6HopByHop", "IPv6 Hop-by-Hop Options extension header", Aliases = new[] { "IPv6ExtHdrHopByHop", "HopByHop" })]
[Bind(typeof(IPv6), 0)]
public sealed class IPv6HopByHop : IPv6OptionsHeader
{
    public override string Summary => $"IPv6 hop-by-hop ({HeaderLength} bytes)";
}
