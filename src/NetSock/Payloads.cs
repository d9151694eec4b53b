using System.Collections;
using System.Management.Automation;

namespace NetSock.Commands;

/// <summary>
/// Turns what Send-SocketData and Send-Datagram are given into payloads, in order: a string or other value (encoded by
/// the command), a byte[] whole, a byte[] that PowerShell's pipeline unrolled into single bytes (gathered until something
/// else arrives or the input ends), and an array given as a parameter, item by item.
/// </summary>
internal sealed class Payloads
{
    private readonly Func<object, byte[]> _encode;
    private readonly Action<byte[]> _send;
    private List<byte>? _loose;

    public Payloads(Func<object, byte[]> encode, Action<byte[]> send)
    {
        _encode = encode;
        _send = send;
    }

    public void Add(object? input)
    {
        input = input is PSObject ps ? ps.BaseObject : input;
        switch (input)
        {
            case byte b:
                (_loose ??= new List<byte>()).Add(b);
                return;
            case IEnumerable list and not string and not byte[]:
                foreach (object? item in list) Add(item);      // -InputObject 'one','two'
                return;
        }
        Flush();
        _send(input switch
        {
            byte[] bytes => bytes,
            null => Array.Empty<byte>(),
            _ => _encode(input),
        });
    }

    /// <summary>Sends the gathered loose bytes, if any, as one payload.</summary>
    public void Flush()
    {
        if (_loose is not { Count: > 0 }) return;
        byte[] bytes = _loose.ToArray();
        _loose.Clear();
        _send(bytes);
    }
}
