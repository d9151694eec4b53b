namespace NetSock.Packets;

/// <summary>
/// What a capture knows of a packet, given to it once when it is made (a file reader, a live capture, a sender's
/// -PassThru, a deserialized packet): when it was seen (nanoseconds since 1970-01-01 UTC), on which interface, its link
/// type, its length on the wire, its number in the capture, the file it came from and which way it went. A struct, so a
/// capture of a million packets allocates nothing more for it.
/// </summary>
public readonly record struct CaptureInfo(
    long? TimestampNanoseconds,
    string? Interface,
    LinkType LinkType,
    int? OriginalLength = null,
    long? Number = null,
    string? SourceFile = null,
    PacketDirection? Direction = null);
