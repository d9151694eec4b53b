namespace NetSock.Packets;

/// <summary>
/// Bytes to layers, following the bindings; never throws: what cannot be decoded becomes Raw and the reason is kept.
/// A header cut short inside its fixed part is kept with the fields before the cut (<see cref="Layer.CutLength"/>) and
/// ends the packet, which is malformed.
/// </summary>
internal static class Dissector
{
    /// <param name="quotation">
    /// True for the datagram an ICMP or ICMPv6 error quotes (<see cref="Layers.IcmpLayer.Quoted"/>): a quote may stop
    /// mid-header (RFC 792 keeps only 64 bits past the IP header), so a header cut short there ends it without making it malformed.
    /// </param>
    public static (Layer[] Layers, string? MalformedReason) Decode(byte[] bytes, LinkType linkType, bool quotation = false)
    {
        var layers = new List<Layer>(4);
        string? reason = null;
        int offset = 0, end = bytes.Length;
        Type? next = FirstLayer(bytes, linkType);
        var context = new DecodeContext();
        Layer? padding = null;
        while (next is not null && offset < end)
        {
            var layer = LayerRegistry.Of(next).Create();
            int length;
            context.PayloadLength = null;
            context.Below = layers.Count > 0 ? layers[^1] : null;
            try
            {
                length = layer.Decode(bytes.AsSpan(offset, end - offset), context);
                if (length <= 0 && layer is not Layers.Raw)
                    throw new DecodeException($"{layer.Name} header has no length");
            }
            catch (DecodeException e) when ((e.Truncated && quotation) || e.NotThisLayer)
            {
                break;      // an ICMP error's quote ends where the sender cut it, or the port's protocol is not there: not malformed
            }
            catch (Exception e) when (e is DecodeException or IndexOutOfRangeException or ArgumentException)
            {
                reason = e is DecodeException ? e.Message : $"{layer.Name} header malformed: {e.Message}";
                break;
            }
            layers.Add(layer);
            offset += length;
            if (layer is Layers.IcmpLayer { Quoted: { IsMalformed: true } quote })
                reason ??= $"the datagram {layer.Name} quotes is malformed: {quote.MalformedReason}";
            if (layer.CutLength is int cut)
            {
                if (!quotation) reason = $"{layer.Name} header truncated: {cut} of {layer.HeaderLength} bytes";
                break;
            }
            if (context.PayloadLength is int payload && offset + payload < end)
            {
                // Bytes past the length the header announces (Ethernet padding) are kept apart as padding.
                padding = new Layers.Padding { Load = bytes[(offset + payload)..end] };
                end = offset + payload;
            }
            next = layer.NextLayerType(context);
        }
        if (offset < end)
            layers.Add(new Layers.Raw { Load = bytes[offset..end] });
        if (padding is not null)
            layers.Add(padding);
        return (layers.ToArray(), reason);
    }

    private static Type? FirstLayer(byte[] bytes, LinkType linkType) => linkType switch
    {
        LinkType.Ethernet => typeof(Layers.Ethernet),
        LinkType.Raw => bytes.Length > 0 && bytes[0] >> 4 == 6 ? typeof(Layers.IPv6) : typeof(Layers.IPv4),
        LinkType.IPv4 => typeof(Layers.IPv4),
        LinkType.IPv6 => typeof(Layers.IPv6),
        LinkType.Null => typeof(Layers.Loopback),
        LinkType.LinuxSll => typeof(Layers.LinuxSll),
        _ => typeof(Layers.Raw),
    };
}
