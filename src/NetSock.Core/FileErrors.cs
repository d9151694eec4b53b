namespace NetSock;

/// <summary>
/// Turns what the OS says about a file (a .NET IOException or UnauthorizedAccessException) into a NetSockException
/// whose ErrorId is <c>&lt;Noun&gt;&lt;Problem&gt;</c> and whose message says what is wrong and what to do, so no raw
/// .NET exception reaches a user: <c>IsDirectory</c>, <c>NotFound</c>, <c>AccessDenied</c>, <c>ReadOnly</c>,
/// <c>DiskFull</c>, <c>IOFailed</c> after the noun (CaptureFile, OutputFile, ...).
/// </summary>
public static class FileErrors
{
    // errno values as Linux numbers them (.NET puts the raw errno into IOException.HResult for the errors it has no type for).
    private const int ENOENT = 2, EACCES = 13, EISDIR = 21, ENOSPC = 28, EROFS = 30, EDQUOT = 122, EPERM = 1;

    /// <summary>True for the exceptions <see cref="Map"/> knows how to explain.</summary>
    public static bool IsFileError(Exception e) => e is IOException or UnauthorizedAccessException;

    /// <summary>
    /// The NetSockException for <paramref name="e"/>, raised while <paramref name="doing"/> (e.g. "write the capture
    /// file") at <paramref name="path"/>; <paramref name="noun"/> starts the ErrorId.
    /// </summary>
    public static NetSockException Map(Exception e, string noun, string path, string doing)
    {
        if (e is NetSockException ns) return ns;
        int errno = e.HResult is > 0 and < 4096 ? e.HResult : 0;
        if (errno == EISDIR || Directory.Exists(path))
            return new($"{noun}IsDirectory", NetSockErrorKind.InvalidArgument,
                $"Cannot {doing} '{path}': it is a directory. Give the path of a file (in that directory, or elsewhere).", path, e);
        if (e is FileNotFoundException or DirectoryNotFoundException || errno == ENOENT)
            return new($"{noun}NotFound", NetSockErrorKind.NotFound,
                $"Cannot {doing} '{path}': {(File.Exists(path) ? "it" : "it or its directory")} does not exist. Check the path.", path, e);
        if (errno == EROFS)
            return new($"{noun}ReadOnly", NetSockErrorKind.WriteError,
                $"Cannot {doing} '{path}': the file system is read-only. Write to a writable location instead.", path, e);
        if (errno is ENOSPC or EDQUOT)
            return new($"{noun}DiskFull", NetSockErrorKind.ResourceUnavailable,
                $"Cannot {doing} '{path}': no space is left on the device (or the disk quota is used up). Free some space or write elsewhere.", path, e);
        if (e is UnauthorizedAccessException || errno is EACCES or EPERM)
            return new($"{noun}AccessDenied", NetSockErrorKind.PermissionDenied,
                $"Cannot {doing} '{path}': permission denied. Use a path you may access, or change its permissions.", path, e);
        return new($"{noun}IOFailed", NetSockErrorKind.WriteError,
            $"Cannot {doing} '{path}': {e.Message.TrimEnd('.')}.", path, e);
    }
}
