namespace NetSock.Packets;

/// <summary>
/// Turns layers into bytes: auto fields filled bottom to top, headers written top to bottom (so lengths and checksums see
/// their payload). A header that was cut short (<see cref="Layer.CutLength"/>) is written whole and sent as cut.
/// </summary>
internal static class Builder
{
    public static byte[] Build(IReadOnlyList<Layer> source)
    {
        var layers = new Layer[source.Count];
        for (int i = 0; i < layers.Length; i++)
            layers[i] = source[i].Clone();     // auto values go into the copies; the packet keeps its unset fields
        var context = new BuildContext(layers);
        for (int i = 0; i < layers.Length; i++)
            layers[i].Prepare(context, i);
        Span<int> offsets = stackalloc int[layers.Length + 1];
        for (int i = 0; i < layers.Length; i++)
            offsets[i + 1] = offsets[i] + layers[i].WireLength;
        var bytes = new byte[offsets[layers.Length]];
        for (int i = layers.Length - 1; i >= 0; i--)
        {
            var header = bytes.AsSpan(offsets[i], offsets[i + 1] - offsets[i]);
            if (header.Length < layers[i].HeaderLength)
            {
                var whole = new byte[layers[i].HeaderLength];
                layers[i].Encode(whole, bytes.AsSpan(offsets[i + 1]), context, i);
                whole.AsSpan(0, header.Length).CopyTo(header);
            }
            else
            {
                layers[i].Encode(header, bytes.AsSpan(offsets[i + 1]), context, i);
            }
        }
        return bytes;
    }
}
