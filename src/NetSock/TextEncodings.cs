using System.Text;
using NetSock.Commands;

namespace NetSock.Commands;

/// <summary>The -Encoding names the socket cmdlets accept, as Get-Content and Set-Content name them.</summary>
internal static class TextEncodings
{
    public static readonly string[] Names = { "utf8", "ascii", "latin1", "unicode", "bigendianunicode", "utf32" };

    public static Encoding Get(string? name) => name?.ToLowerInvariant() switch
    {
        null or "utf8" or "utf-8" or "utf8nobom" => new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        "ascii" => Encoding.ASCII,
        "latin1" or "iso-8859-1" => Encoding.Latin1,
        "unicode" or "utf16" or "utf-16" => new UnicodeEncoding(bigEndian: false, byteOrderMark: false),
        "bigendianunicode" => new UnicodeEncoding(bigEndian: true, byteOrderMark: false),
        "utf32" or "utf-32" => new UTF32Encoding(bigEndian: false, byteOrderMark: false),
        _ => throw new NetSockException("SocketDataEncodingUnknown", NetSockErrorKind.InvalidArgument,
            $"'{name}' is not an encoding NetSock knows. Use one of: {string.Join(", ", Names)}.", name),
    };
}

/// <summary>Completes -Encoding.</summary>
public sealed class EncodingCompleter : NameCompleter
{
    protected override IEnumerable<string> Names(System.Collections.IDictionary bound) => TextEncodings.Names;
}
