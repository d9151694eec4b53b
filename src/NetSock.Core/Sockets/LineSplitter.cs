using System.Text;

namespace NetSock.Sockets;

/// <summary>
/// Finds lines in received bytes (LF or CRLF, in any encoding; the end of line removed), keeping a partial last line
/// until the rest arrives, and decodes chunks of text whose characters may be split across reads.
/// </summary>
public sealed class LineSplitter
{
    private readonly Encoding _encoding;
    private readonly Decoder _decoder;
    private readonly byte[] _newline;
    private readonly byte[] _carriageReturn;
    private byte[] _carry = Array.Empty<byte>();

    public LineSplitter(Encoding encoding)
    {
        _encoding = encoding;
        _decoder = encoding.GetDecoder();
        _newline = encoding.GetBytes("\n");
        _carriageReturn = encoding.GetBytes("\r");
    }

    /// <summary>The text of a chunk, as far as it decodes so far.</summary>
    public string Decode(ReadOnlySpan<byte> bytes, bool final = false)
    {
        var chars = new char[_decoder.GetCharCount(bytes, final)];
        int n = _decoder.GetChars(bytes, chars, final);
        return new string(chars, 0, n);
    }

    /// <summary>Adds received bytes to what is waiting to be split.</summary>
    public void Add(ReadOnlySpan<byte> bytes) => _carry = _carry.Length == 0 ? bytes.ToArray() : [.. _carry, .. bytes];

    /// <summary>The next whole line, or null when the bytes so far hold none.</summary>
    public string? NextLine()
    {
        for (int i = 0; i + _newline.Length <= _carry.Length; i += _newline.Length)
        {
            if (!_carry.AsSpan(i, _newline.Length).SequenceEqual(_newline)) continue;
            int end = i >= _carriageReturn.Length && _carry.AsSpan(i - _carriageReturn.Length, _carriageReturn.Length).SequenceEqual(_carriageReturn)
                ? i - _carriageReturn.Length : i;
            string line = _encoding.GetString(_carry, 0, end);
            _carry = _carry[(i + _newline.Length)..];
            return line;
        }
        return null;
    }

    /// <summary>The encoding the text is in.</summary>
    public Encoding Encoding => _encoding;

    /// <summary>Takes the bytes not yet handed out as lines.</summary>
    public byte[] TakeRest()
    {
        byte[] rest = _carry;
        _carry = Array.Empty<byte>();
        return rest;
    }

    /// <summary>What is left when the peer closes, as a last line without an end of line; null when nothing is.</summary>
    public string? Flush()
    {
        if (_carry.Length == 0) return null;
        string rest = _encoding.GetString(_carry);
        _carry = Array.Empty<byte>();
        return rest;
    }
}
