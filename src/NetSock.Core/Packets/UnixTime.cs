namespace NetSock.Packets;

/// <summary>Capture time as nanoseconds since 1970-01-01 UTC, and back to a DateTimeOffset (to the 100 ns tick, rounded down).</summary>
public static class UnixTime
{
    public static DateTimeOffset FromNanoseconds(long nanoseconds) =>
        DateTimeOffset.UnixEpoch.AddTicks(Math.DivRem(nanoseconds, 100, out long rem) - (rem < 0 ? 1 : 0));

    public static long ToNanoseconds(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
}
