using System.Management.Automation;
using NetSock.Capture;
using NetSock.Packets;

namespace NetSock.Commands;

/// <summary>
/// What Import-Pcap and Get-SniffedPacket -Path share: resolving paths (wildcards or literal) to capture files and
/// streaming their packets, with one error per bad file and the others still read; a stop (Ctrl+C, Select-Object
/// -First) also ends a wait on a FIFO at once.
/// </summary>
public abstract class CaptureFileCmdlet : NetSockCmdlet
{
    private long _emitted;

    /// <summary>True once <paramref name="count"/> packets (0: no limit) came out of the files read so far.</summary>
    protected bool CountReached(long count) => count > 0 && _emitted >= count;

    /// <summary>True when <paramref name="path"/> (wildcards allowed) names at least one existing file.</summary>
    protected bool NamesFiles(string path)
    {
        try
        {
            return SessionState.Path.GetResolvedProviderPathFromPSPath(path, out var provider) is { Count: > 0 } files &&
                provider.Name == "FileSystem" && files.Any(f => !Directory.Exists(f));
        }
        catch (Exception e) when (e is ItemNotFoundException or NotSupportedException or ProviderNotFoundException or System.Management.Automation.DriveNotFoundException or PSArgumentException)
        {
            return false;
        }
    }

    /// <summary>
    /// Writes the packets of the files <paramref name="paths"/> name (wildcards unless <paramref name="literal"/>), in
    /// order, each numbered in its file and carrying its SourceFile, until <paramref name="count"/> packets in all
    /// (0: no limit). A missing, unreadable or damaged file is a non-terminating error (a damaged one's good packets come
    /// out first) and the next is read; a filter libpcap cannot compile ends the command. TCP sequence numbers in Info
    /// are relative to each stream's first unless <paramref name="absolute"/>.
    /// </summary>
    protected void WriteCaptureFiles(IEnumerable<string> paths, bool literal, string? filter, long count, bool absolute = false)
    {
        foreach (string path in paths)
        {
            foreach (string file in Resolve(path, literal))
            {
                if (CountReached(count)) return;
                WriteCaptureFile(file, filter, count, absolute);
            }
        }
    }

    private void WriteCaptureFile(string file, string? filter, long count, bool absolute)
    {
        // Written in batches of 64: PowerShell's per-call cost of WriteObject is paid once per batch, and the packets
        // still stream; the good packets before damage come out before the error about the file.
        try
        {
            foreach (var batch in CaptureFiles.ReadBatches(file, filter, 64, StopToken, absolute))
            {
                long left = count > 0 ? count - _emitted : long.MaxValue;
                var part = batch.Length <= left ? batch : batch[..(int)left];
                _emitted += part.Length;
                WriteObject(part, enumerateCollection: true);
                if (CountReached(count)) return;
            }
        }
        catch (OperationCanceledException)
        {
            throw new PipelineStoppedException();
        }
        catch (NetSockException e) when (e.ErrorId == "CaptureFilterInvalid")
        {
            ThrowNetSockError(e);
        }
        catch (NetSockException e)
        {
            WriteNetSockError(e);      // missing, a directory, unreadable, damaged: go on with the next file
        }
    }

    /// <summary>The file-system paths <paramref name="path"/> names; none, after an error, when it names nothing.</summary>
    private IEnumerable<string> Resolve(string path, bool literal)
    {
        try
        {
            if (literal) return new[] { SessionState.Path.GetUnresolvedProviderPathFromPSPath(path) };
            var files = SessionState.Path.GetResolvedProviderPathFromPSPath(path, out var provider);
            if (provider.Name == "FileSystem") return files;
        }
        catch (ItemNotFoundException e)
        {
            WriteNetSockError(FileErrors.Map(new FileNotFoundException(e.Message, path), "CaptureFile", path, "read the capture file"));
            return Array.Empty<string>();
        }
        catch (Exception e) when (e is NotSupportedException or ProviderNotFoundException or System.Management.Automation.DriveNotFoundException or PSArgumentException)
        {
            // Fall through: not a file-system path.
        }
        WriteNetSockError(new NetSockException("CaptureFileNotFound", NetSockErrorKind.NotFound,
            $"Cannot read the capture file '{path}': it is not a file-system path. Give the path of a pcap or pcapng file.", path));
        return Array.Empty<string>();
    }
}
