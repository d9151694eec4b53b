namespace NetSock.Packets;

/// <summary>How a frame starts: the pcap LINKTYPE_ numbers.</summary>
public enum LinkType
{
    /// <summary>BSD loopback: a 4-byte address family in host order.</summary>
    Null = 0,
    Ethernet = 1,
    /// <summary>Raw IP: the packet starts with an IPv4 or IPv6 header.</summary>
    Raw = 101,
    /// <summary>Linux cooked capture (SLL), as `tcpdump -i any` writes.</summary>
    LinuxSll = 113,
    IPv4 = 228,
    IPv6 = 229,
    /// <summary>Linux cooked capture v2 (SLL2), as newer `tcpdump -i any` writes.</summary>
    LinuxSll2 = 276,
}
