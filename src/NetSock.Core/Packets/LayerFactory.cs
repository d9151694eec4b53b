namespace NetSock.Packets;

/// <summary>
/// Makes layers from field values the way Scapy does: a field given several values (TCP(dport=(1,1024)))
/// gives one layer per value, and several such fields give every combination, streamed.
/// </summary>
public static class LayerFactory
{
    /// <summary>
    /// One layer per combination of <paramref name="values"/> (each field with one or more already-typed values),
    /// in order: the last field varies fastest, as Scapy's loops do.
    /// </summary>
    public static IEnumerable<Layer> Expand(LayerInfo layer, IReadOnlyList<(PacketField Field, IReadOnlyList<object?> Values)> values)
    {
        var index = new int[values.Count];
        while (true)
        {
            var made = layer.Create();
            for (int i = 0; i < values.Count; i++)
                Assign(made, values[i].Field, values[i].Values[index[i]]);
            yield return made;
            int k = values.Count - 1;
            while (k >= 0 && ++index[k] == values[k].Values.Count)
                index[k--] = 0;
            if (k < 0) yield break;
        }
    }

    /// <summary>Tries every value on a scratch layer, so a refused value is reported before any layer is made.</summary>
    public static void Validate(LayerInfo layer, IReadOnlyList<(PacketField Field, IReadOnlyList<object?> Values)> values)
    {
        var scratch = layer.Create();
        foreach (var (field, list) in values)
            foreach (var value in list)
                Assign(scratch, field, value);
    }

    /// <summary>Sets a field through the one converter (<see cref="PacketField.SetValue"/>); a refusal is PacketFieldInvalid.</summary>
    public static void Assign(Layer layer, PacketField field, object? value) => field.SetValue(layer, value);
}
