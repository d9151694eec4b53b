namespace NetSock.Packets;

/// <summary>
/// What a layer may look at when it writes Wireshark's Protocol and Info columns for its packet: its neighbours (ICMP
/// echo shows the IP TTL, DHCP the BOOTP transaction id), the length of what it carries (TCP and UDP Len=), and the
/// packet's place in its TCP stream (relative sequence numbers, the scaled window).
/// </summary>
public sealed class ColumnContext
{
    private readonly IReadOnlyList<Layer> _layers;

    internal ColumnContext(Packet packet, IReadOnlyList<Layer> layers, int index)
    {
        Packet = packet;
        _layers = layers;
        Index = index;
    }

    public Packet Packet { get; }

    /// <summary>The place of the layer whose columns are written.</summary>
    public int Index { get; }

    /// <summary>The layer just above (the payload), or null.</summary>
    public Layer? Above => Index + 1 < _layers.Count ? _layers[Index + 1] : null;

    /// <summary>The nearest layer of type T below this one, or null.</summary>
    public T? Below<T>() where T : Layer
    {
        for (int i = Index - 1; i >= 0; i--)
            if (_layers[i] is T found) return found;
        return null;
    }

    /// <summary>How many bytes this layer carries: the layers above it, less padding past the length a header announced.</summary>
    public int PayloadLength
    {
        get
        {
            int length = 0;
            for (int i = Index + 1; i < _layers.Count; i++)
                if (_layers[i] is not Layers.Padding) length += _layers[i].HeaderLength;
            return length;
        }
    }

    /// <summary>Where the packet stands in its TCP stream, when it was read with the others of its capture; null for a lone packet.</summary>
    internal TcpStreamMark? Stream => Packet.TcpMark;

    /// <summary>A MAC address as Wireshark writes it without name resolution: 02:00:00:00:00:01.</summary>
    public static string Mac(MacAddress mac) =>
        string.Join(":", Enumerable.Range(0, 6).Select(i => ((byte)(mac.Value >> (40 - 8 * i))).ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
}
