using System.Buffers.Binary;

namespace NetSock.Packets;

/// <summary>
/// Where a TCP segment stands in its stream, stamped on the packet as it is read: the numbers its sequence and
/// acknowledgment numbers are counted from (Wireshark's relative sequence numbers), and the window scale its sender
/// announced in the handshake (0 when the handshake was not seen or did not agree on scaling).
/// </summary>
internal readonly record struct TcpStreamMark(uint SequenceBase, uint AcknowledgmentBase, byte WindowShift);

/// <summary>
/// Follows the conversations of one capture, packet by packet, as Wireshark does for its Info column. TCP streams: the
/// first segment seen in each direction sets that direction's base (its sequence number for a SYN, one less otherwise,
/// so that data starts at 1; an acknowledgment seen first sets the other direction's base), a new SYN with another
/// initial sequence number starts the stream again, and the window scales announced by both SYNs apply to the segments
/// after them. ICMP and ICMPv6 echo: a reply is stamped with the number of the request it answers (the first reply
/// only). Reads only the IP, TCP and ICMP headers' bytes (nothing is dissected), O(1) per packet; at most
/// <see cref="MaxStreams"/> streams and as many unanswered requests are remembered: past that, all are forgotten.
/// Not thread-safe: one tracker per capture, fed in capture order.
/// </summary>
public sealed class ConversationTracker
{
    /// <summary>How many streams (and unanswered echo requests) are remembered at once (some 4 MB).</summary>
    public const int MaxStreams = 65536;

    private readonly Dictionary<StreamKey, StreamState> _streams = new();
    private readonly Dictionary<StreamKey, long> _echoRequests = new();
    private readonly bool _absolute;
    private long _seen;

    /// <param name="absoluteSequenceNumbers">Stamps sequence numbers to be shown as they are on the wire (tshark's
    /// tcp.relative_sequence_numbers:FALSE); the window is still scaled.</param>
    public ConversationTracker(bool absoluteSequenceNumbers = false) => _absolute = absoluteSequenceNumbers;

    /// <summary>
    /// Stamps <paramref name="packet"/> with its place in its conversation, when it is a TCP segment or an ICMP echo (not
    /// one quoted in an ICMP error). A packet without a Number counts as the one after the last packet stamped.
    /// </summary>
    public void Stamp(Packet packet)
    {
        long number = packet.Number ?? _seen + 1;
        _seen = number;
        byte[] bytes = packet.GetBytes();
        if (!TryLocate(bytes, packet.LinkType, out int ip, out int l4, out bool v6, out int protocol)) return;
        UInt128 src = v6 ? BinaryPrimitives.ReadUInt128BigEndian(bytes.AsSpan(ip + 8)) : BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(ip + 12));
        UInt128 dst = v6 ? BinaryPrimitives.ReadUInt128BigEndian(bytes.AsSpan(ip + 24)) : BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(ip + 16));
        ReadOnlySpan<byte> t = bytes.AsSpan(l4);
        if (protocol != 6)
        {
            Echo(packet, number, src, dst, t, v6);
            return;
        }
        ushort sport = BinaryPrimitives.ReadUInt16BigEndian(t), dport = BinaryPrimitives.ReadUInt16BigEndian(t[2..]);
        bool forward = src < dst || (src == dst && sport <= dport);
        var key = forward ? new StreamKey(src, dst, sport, dport) : new StreamKey(dst, src, dport, sport);
        if (!_streams.TryGetValue(key, out var state))
        {
            if (_streams.Count >= MaxStreams) _streams.Clear();
            _streams.Add(key, state = new StreamState());
        }
        var mark = state.Next(forward ? 0 : 1, t);
        packet.TcpMark = _absolute ? mark with { SequenceBase = 0, AcknowledgmentBase = 0 } : mark;
    }

    /// <summary>Remembers an echo request's number; stamps the first reply to it with that number.</summary>
    private void Echo(Packet packet, long number, UInt128 src, UInt128 dst, ReadOnlySpan<byte> icmp, bool v6)
    {
        byte type = icmp[0];
        ushort id = BinaryPrimitives.ReadUInt16BigEndian(icmp[4..]), seq = BinaryPrimitives.ReadUInt16BigEndian(icmp[6..]);
        if (type == (v6 ? 128 : 8))
        {
            if (_echoRequests.Count >= MaxStreams) _echoRequests.Clear();
            _echoRequests[new StreamKey(src, dst, id, seq)] = number;
        }
        else if (type == (v6 ? 129 : 0) && _echoRequests.Remove(new StreamKey(dst, src, id, seq), out long request))
        {
            packet.EchoRequestNumber = request;
        }
    }

    /// <summary>
    /// Finds the IP header and the TCP (6) or ICMP (1, 58) header after it, in an unfragmented packet or a first
    /// fragment; false for anything else.
    /// </summary>
    private static bool TryLocate(byte[] b, LinkType linkType, out int ip, out int tcp, out bool v6, out int protocol)
    {
        ip = tcp = protocol = 0;
        v6 = false;
        int etherType;
        switch (linkType)
        {
            case LinkType.Ethernet:
                if (b.Length < 14) return false;
                ip = 14;
                etherType = BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(12));
                while (etherType is 0x8100 or 0x88A8 && b.Length >= ip + 4)
                {
                    etherType = BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(ip + 2));
                    ip += 4;
                }
                break;
            case LinkType.LinuxSll:
                if (b.Length < 16) return false;
                etherType = BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(14));
                ip = 16;
                break;
            case LinkType.LinuxSll2:
                if (b.Length < 20) return false;
                etherType = BinaryPrimitives.ReadUInt16BigEndian(b);
                ip = 20;
                break;
            case LinkType.Null:
                if (b.Length < 4) return false;
                int family = b[0] != 0 ? b[0] : b[3];
                etherType = family == 2 ? 0x0800 : family is 24 or 28 or 30 ? 0x86DD : 0;
                ip = 4;
                break;
            case LinkType.Raw or LinkType.IPv4 or LinkType.IPv6:
                if (b.Length < 1) return false;
                etherType = b[0] >> 4 == 6 ? 0x86DD : 0x0800;
                break;
            default:
                return false;
        }
        if (etherType == 0x0800)
        {
            if (b.Length < ip + 20 || b[ip] >> 4 != 4) return false;
            if ((BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(ip + 6)) & 0x1FFF) != 0) return false;
            protocol = b[ip + 9];
            if (protocol is not (6 or 1)) return false;
            tcp = ip + (b[ip] & 0xF) * 4;
        }
        else if (etherType == 0x86DD)
        {
            if (b.Length < ip + 40 || b[ip] >> 4 != 6) return false;
            v6 = true;
            int next = b[ip + 6];
            tcp = ip + 40;
            while (next is 0 or 43 or 60 && b.Length >= tcp + 8)
            {
                next = b[tcp];
                tcp += (b[tcp + 1] + 1) * 8;
            }
            if (next is not (6 or 58)) return false;
            protocol = next;
        }
        else
        {
            return false;
        }
        return b.Length >= tcp + (protocol == 6 ? 20 : 8);
    }

    private readonly record struct StreamKey(UInt128 A, UInt128 B, ushort PortA, ushort PortB);

    /// <summary>Both directions of one stream: 0 from the lower endpoint, 1 from the higher.</summary>
    private sealed class StreamState
    {
        private const sbyte NoSyn = -2, NoScaling = -1;
        private readonly uint[] _base = new uint[2];
        private readonly bool[] _known = new bool[2];
        private readonly sbyte[] _scale = { NoSyn, NoSyn };

        public TcpStreamMark Next(int d, ReadOnlySpan<byte> tcp)
        {
            uint seq = BinaryPrimitives.ReadUInt32BigEndian(tcp[4..]), ack = BinaryPrimitives.ReadUInt32BigEndian(tcp[8..]);
            int flags = tcp[13];
            bool syn = (flags & 0x02) != 0, hasAck = (flags & 0x10) != 0;
            if (syn && !hasAck && _known[d] && seq != _base[d])
            {
                // A new SYN with another initial sequence number: the ports are used again for a new stream.
                _known[0] = _known[1] = false;
                _scale[0] = _scale[1] = NoSyn;
            }
            if (!_known[d])
            {
                _base[d] = syn ? seq : seq - 1;
                _known[d] = true;
            }
            if (hasAck && !_known[1 - d])
            {
                _base[1 - d] = ack - 1;
                _known[1 - d] = true;
            }
            if (syn) _scale[d] = WindowScale(tcp);
            int shift = _scale[d] >= 0 && _scale[1 - d] != NoScaling ? _scale[d] : 0;
            return new TcpStreamMark(_base[d], _base[1 - d], syn ? (byte)0 : (byte)shift);
        }

        /// <summary>The WScale option of a SYN (capped at 14, as RFC 7323 says), or NoScaling.</summary>
        private static sbyte WindowScale(ReadOnlySpan<byte> tcp)
        {
            int end = Math.Min(tcp.Length, (tcp[12] >> 4) * 4);
            for (int i = 20; i < end;)
            {
                byte kind = tcp[i];
                if (kind == 0) break;
                if (kind == 1) { i++; continue; }
                if (i + 1 >= end || tcp[i + 1] < 2) break;
                if (kind == 3 && tcp[i + 1] == 3 && i + 2 < end) return (sbyte)Math.Min((int)tcp[i + 2], 14);
                i += tcp[i + 1];
            }
            return NoScaling;
        }
    }
}
