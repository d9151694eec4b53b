using System.Management.Automation;
using NetSock.Packets;

namespace NetSock.Commands;

/// <summary>
/// Scapy's ls(): without a name, every layer NetSock knows (name, aliases, description); with names (aliases and
/// wildcards allowed), the fields of those layers in wire order, with their Scapy alias, type and default.
/// </summary>
[Cmdlet(VerbsCommon.Get, "PacketLayer")]
[OutputType(typeof(LayerInfo), typeof(LayerFieldInfo))]
public sealed class GetPacketLayerCommand : NetSockCmdlet
{
    /// <summary>Layer names or aliases (IPv4, IP, Tcp, Ether, ...), case-insensitive; wildcards allowed.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(LayerNameCompleter))]
    [SupportsWildcards]
    public string[]? Name { get; set; }

    protected override void ProcessRecord()
    {
        if (Name is null)
        {
            WriteObject(LayerRegistry.All, enumerateCollection: true);
            return;
        }
        foreach (string? name in Name)
        {
            if (name is null) continue;
            foreach (var layer in Match(name))
                WriteObject(LayerFieldInfo.Of(layer), enumerateCollection: true);
        }
    }

    /// <summary>The layers whose name or an alias matches, in registry order; an error for a plain name that none has.</summary>
    private List<LayerInfo> Match(string name)
    {
        if (!WildcardPattern.ContainsWildcardCharacters(name))
        {
            if (LayerRegistry.Find(name) is { } layer) return new List<LayerInfo> { layer };
            WriteNetSockError(new NetSockException("PacketLayerNotFound", NetSockErrorKind.NotFound,
                $"No packet layer is named '{name}'. The layers are: {string.Join(", ", LayerRegistry.All.Select(l => l.Name))}.", name));
            return new List<LayerInfo>();
        }
        var pattern = new WildcardPattern(name.Trim(), WildcardOptions.IgnoreCase);
        return LayerRegistry.All.Where(l => l.Aliases.Prepend(l.Name).Any(pattern.IsMatch)).ToList();
    }
}
