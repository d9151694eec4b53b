namespace NetSock.Packets;

/// <summary>What a layer of a received packet says of the layer at the same place in a sent one (see <see cref="Layer.AnswersSent"/>).</summary>
public enum Answer
{
    /// <summary>It is not an answer.</summary>
    No,
    /// <summary>It is an answer: the layers above need not be compared.</summary>
    Yes,
    /// <summary>This layer agrees; the layers above decide (and if either packet has none left, it is an answer).</summary>
    Continue,
}

/// <summary>What a layer may need of the sent packet to tell whether it is answered: the bytes after the sent layer.</summary>
public sealed class AnswerContext
{
    internal AnswerContext(int sentPayloadLength) => SentPayloadLength = sentPayloadLength;

    /// <summary>How many bytes the sent packet carries above the layer being compared (TCP's acknowledged length).</summary>
    public int SentPayloadLength { get; }
}

/// <summary>Reply matching, Scapy's answers() over whole packets: the per-layer rules are declared on the layers.</summary>
public static class Replies
{
    /// <summary>
    /// True when <paramref name="received"/> answers <paramref name="sent"/>: link headers are skipped on both sides (a
    /// reply captured on "any" starts with a Linux cooked header where the sent frame had Ethernet); an ICMP or ICMPv6
    /// error answers when what it quotes (<see cref="Layers.IcmpLayer.Quoted"/>) is the sent packet; otherwise the layers are compared pairwise from the bottom.
    /// </summary>
    public static bool Answers(Packet received, Packet sent)
    {
        var r = AboveLink(received.Layers);
        var s = AboveLink(sent.Layers);
        // On loopback what was sent comes back in as it went out: it never answers itself (UDP 53 > 53 would look swapped).
        if (NetworkBytes(received, received.Layers.Count - r.Length).SequenceEqual(NetworkBytes(sent, sent.Layers.Count - s.Length))) return false;
        for (int i = 0; i < r.Length && i < s.Length; i++)
        {
            if (i + 1 < r.Length && r[i + 1] is Layers.IcmpLayer { IsError: true, Quoted: { } quote } && r[i] is Layers.IPLayer)
                return QuoteIs(quote.Layers, s[i..]);
            switch (r[i].AnswersSent(s[i], new AnswerContext(PayloadLength(s, i))))
            {
                case Answer.No: return false;
                case Answer.Yes: return true;
            }
        }
        return r.Length > 0 && s.Length > 0;
    }

    private static bool QuoteIs(IReadOnlyList<Layer> quote, Layer[] sent)
    {
        if (quote.Count == 0) return false;
        for (int i = 0; i < quote.Count && i < sent.Length; i++)
        {
            if (quote[i] is Layers.BytesLayer || sent[i] is Layers.BytesLayer) break;   // the payload past the headers is not compared
            if (!quote[i].IsQuoteOf(sent[i])) return false;
        }
        return true;
    }

    private static ReadOnlySpan<byte> NetworkBytes(Packet packet, int linkLayers)
    {
        int offset = 0;
        for (int i = 0; i < linkLayers; i++) offset += packet.Layers[i].HeaderLength;
        byte[] bytes = packet.GetBytes();
        return bytes.AsSpan(Math.Min(offset, bytes.Length));
    }

    private static Layer[] AboveLink(IReadOnlyList<Layer> layers)
    {
        int i = 0;
        while (i < layers.Count && layers[i].IsLinkHeader) i++;
        var rest = new Layer[layers.Count - i];
        for (int j = 0; j < rest.Length; j++) rest[j] = layers[i + j];
        return rest;
    }

    private static int PayloadLength(Layer[] layers, int index)
    {
        int length = 0;
        for (int i = index + 1; i < layers.Length; i++)
            if (layers[i] is not Layers.Padding) length += layers[i].HeaderLength;
        return length;
    }
}
