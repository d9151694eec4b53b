namespace NetSock.Packets.Layers;

/// <summary>A layer that is only bytes, with no header of its own.</summary>
public abstract class BytesLayer : Layer
{
    private byte[] _load = Array.Empty<byte>();

    [Field("The bytes", Alias = "load")]
    public byte[] Load { get => _load; set => Set(ref _load, value ?? Array.Empty<byte>()); }

    /// <summary>The bytes as UTF-8 text, beside them for reading (an invalid sequence reads as U+FFFD).</summary>
    public string Text => System.Text.Encoding.UTF8.GetString(_load);

    protected internal override int HeaderLength => _load.Length;

    /// <summary>Payload bytes do not decide whether a packet answers (Scapy's Raw.answers): the layers below have.</summary>
    protected internal override Answer AnswersSent(Layer sent, AnswerContext context) => Answer.Yes;

    protected internal override int Decode(ReadOnlySpan<byte> data, DecodeContext context)
    {
        _load = data.ToArray();
        return data.Length;
    }

    protected internal override void Encode(Span<byte> header, ReadOnlySpan<byte> payload, BuildContext context, int index) => _load.CopyTo(header);

    protected override void CopyReferences() => _load = (byte[])_load.Clone();

    public override string Summary => $"{Name} {_load.Length} bytes";
}

/// <summary>Bytes with no header: a payload, or what could not be decoded.</summary>
[Layer("Raw", "Payload bytes (text or binary)", Aliases = new[] { "Payload" })]
public sealed class Raw : BytesLayer
{
}

/// <summary>Bytes past the end a header announced (Ethernet frames padded to 60 bytes).</summary>
[Layer("Padding", "Bytes past the length a header announced (e.g. Ethernet padding)")]
public sealed class Padding : BytesLayer
{
}
