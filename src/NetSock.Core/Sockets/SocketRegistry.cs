using System.Collections.Concurrent;

namespace NetSock.Sockets;

/// <summary>
/// The sockets NetSock opened in this process and has not closed yet, each with the id of its owner
/// (the PowerShell runspace that opened it), so that removing the module in one runspace closes that runspace's sockets.
/// </summary>
public sealed class SocketRegistry
{
    private readonly ConcurrentDictionary<int, (NetSocket Socket, Guid Owner)> _open = new();
    private int _lastId;

    /// <summary>The registry of this process.</summary>
    public static SocketRegistry Session { get; } = new();

    /// <summary>The next id to give a socket.</summary>
    internal int NextId() => Interlocked.Increment(ref _lastId);

    public void Add(NetSocket socket, Guid owner)
    {
        _open[socket.Id] = (socket, owner);
        socket.Closed += (_, _) => _open.TryRemove(socket.Id, out _);
    }

    /// <summary>Open sockets in the order they were created.</summary>
    public IReadOnlyList<NetSocket> List() => _open.Values.Select(v => v.Socket).OrderBy(s => s.Id).ToList();

    /// <summary>True when <paramref name="id"/> was given to a socket of this session (open or since closed).</summary>
    public bool WasIssued(int id) => id >= 1 && id <= Volatile.Read(ref _lastId);

    public NetSocket? Find(int id) => _open.TryGetValue(id, out var entry) ? entry.Socket : null;

    /// <summary>Closes every socket of one owner; returns how many were closed.</summary>
    public int CloseOwnedBy(Guid owner)
    {
        var mine = _open.Values.Where(v => v.Owner == owner).Select(v => v.Socket).ToList();
        foreach (var s in mine) s.Close();
        return mine.Count;
    }
}
