using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace NetSock.Packets;

/// <summary>What a layer sees while a packet is built: its neighbours, and the host's routes for auto addresses.</summary>
public sealed class BuildContext
{
    private readonly Layer[] _layers;

    internal BuildContext(Layer[] layers) => _layers = layers;

    public Layer At(int index) => _layers[index];

    public Layer? Below(int index) => index > 0 ? _layers[index - 1] : null;
    public Layer? Above(int index) => index + 1 < _layers.Length ? _layers[index + 1] : null;

    /// <summary>The nearest layer of type T below <paramref name="index"/> (the IP header a TCP checksum covers).</summary>
    public T? NearestBelow<T>(int index) where T : class
    {
        for (int i = index - 1; i >= 0; i--)
            if (_layers[i] is T found) return found;
        return null;
    }

    /// <summary>The selector (EtherType, IP protocol) that binds the layer above <paramref name="index"/> to it, or null.</summary>
    public int? SelectorAbove(int index) =>
        Above(index) is { } above ? LayerRegistry.SelectorFor(_layers[index].GetType(), above.GetType()) : null;

    /// <summary>The source address the host would use toward <paramref name="destination"/>, as Scapy's conf.route tells it.</summary>
    public static IPAddress SourceFor(IPAddress destination) => Routes.SourceFor(destination);
}

/// <summary>
/// Asks the kernel which source address it would use toward a destination: a UDP socket connect()ed to it
/// (nothing is sent) reports its local address. Answers are kept for a second, as routes rarely change faster.
/// </summary>
internal static class Routes
{
    private static readonly ConcurrentDictionary<IPAddress, (IPAddress Source, long Expires)> Cache = new();

    public static IPAddress SourceFor(IPAddress destination)
    {
        long now = Environment.TickCount64;
        if (Cache.TryGetValue(destination, out var hit) && hit.Expires > now)
            return hit.Source;
        IPAddress source = Ask(destination);
        Cache[destination] = (source, now + 1000);
        return source;
    }

    private static IPAddress Ask(IPAddress destination)
    {
        bool v6 = destination.AddressFamily == AddressFamily.InterNetworkV6;
        IPAddress any = v6 ? IPAddress.IPv6Any : IPAddress.Any;
        try
        {
            using var probe = new Socket(destination.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            probe.Connect(new IPEndPoint(destination, 9));
            return (probe.LocalEndPoint as IPEndPoint)?.Address ?? any;
        }
        catch (SocketException)
        {
            return any;   // no route: Scapy leaves 0.0.0.0 / :: as well
        }
    }
}
