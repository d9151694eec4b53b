namespace NetSock.Tests;

/// <summary>A fact that needs root (raw and AF_PACKET sockets): skipped, with that reason, when the test runs unprivileged.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!Privilege.IsRoot)
            Skip = "needs root or CAP_NET_RAW (raw and AF_PACKET sockets); run the tests as root";
    }
}
