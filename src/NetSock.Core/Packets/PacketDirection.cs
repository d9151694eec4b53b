namespace NetSock.Packets;

/// <summary>Which way a captured packet went on its interface: received (In) or sent (Out), as pcapng's epb_flags and tcpdump -Q say.</summary>
public enum PacketDirection
{
    In,
    Out,
}
