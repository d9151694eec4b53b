namespace NetSock.Packets;

/// <summary>Turns layers into bytes: auto fields filled bottom to top, headers written top to bottom (so lengths and checksums see their payload).</summary>
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
            offsets[i + 1] = offsets[i] + layers[i].HeaderLength;
        var bytes = new byte[offsets[layers.Length]];
        for (int i = layers.Length - 1; i >= 0; i--)
        {
            var header = bytes.AsSpan(offsets[i], offsets[i + 1] - offsets[i]);
            layers[i].Encode(header, bytes.AsSpan(offsets[i + 1]), context, i);
        }
        return bytes;
    }
}
