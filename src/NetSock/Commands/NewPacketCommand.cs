using System.Collections;
using System.Management.Automation;
using NetSock.Packets;

namespace NetSock.Commands;

/// <summary>
/// Scapy's IP(), TCP(), '/': makes a layer from its declared fields (each a parameter, with Scapy's name as alias)
/// and puts it on top of each packet from the pipeline, or makes a packet of it alone. A field given several values
/// makes one packet per value; -Count repeats each.
/// </summary>
[Cmdlet(VerbsCommon.New, "Packet")]
[OutputType(typeof(Packet))]
public sealed class NewPacketCommand : NetSockCmdlet, IDynamicParameters
{
    /// <summary>Catches what binds to nothing (a misspelt field, or any field of a misspelt layer), so the error can say what is wrong.</summary>
    private const string UnboundName = "UnboundArguments";

    private static readonly HashSet<string> StaticNames = new(StringComparer.OrdinalIgnoreCase) { "Layer", "Field", "Count", "InputObject", "Packet" };

    private RuntimeDefinedParameterDictionary? _fieldParameters;
    private LayerInfo? _info;
    private List<(PacketField Field, IReadOnlyList<object?> Values)>? _values;

    /// <summary>The layer to make: IPv4, Tcp, Udp, Ethernet, Raw, ... (Get-PacketLayer lists them).</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ArgumentCompleter(typeof(LayerNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Layer { get; set; } = "";

    /// <summary>Field values by name or Scapy alias: @{ ttl = 5; dst = '127.0.0.1' }.</summary>
    [Parameter]
    public Hashtable? Field { get; set; }

    /// <summary>How many copies of each packet to emit.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Count { get; set; } = 1;

    /// <summary>Packets to put the new layer on top of; each is left unchanged.</summary>
    [Parameter(ValueFromPipeline = true)]
    [Alias("Packet")]
    public Packet? InputObject { get; set; }

    public object GetDynamicParameters()
    {
        _fieldParameters = new RuntimeDefinedParameterDictionary();
        if (string.IsNullOrEmpty(Layer)) return _fieldParameters;      // Get-Command New-Packet: no layer, no field parameters
        _fieldParameters.Add(UnboundName, new RuntimeDefinedParameter(UnboundName, typeof(object[]), new System.Collections.ObjectModel.Collection<Attribute>
        {
            new ParameterAttribute { ValueFromRemainingArguments = true, DontShow = true },
        }));
        var info = LayerRegistry.Find(Layer);
        if (info is null) return _fieldParameters;
        foreach (var field in info.Fields.Where(f => !StaticNames.Contains(f.Name)))
        {
            var attributes = new System.Collections.ObjectModel.Collection<Attribute>
            {
                new ParameterAttribute { HelpMessage = field.Description },
                new ArgumentCompleterAttribute(typeof(FieldValueCompleter)),
            };
            if (field.Alias is { } alias && !alias.Equals(field.Name, StringComparison.OrdinalIgnoreCase) && !StaticNames.Contains(alias))
                attributes.Add(new AliasAttribute(alias));
            _fieldParameters.Add(field.Name, new RuntimeDefinedParameter(field.Name, typeof(object), attributes));
        }
        return _fieldParameters;
    }

    protected override void BeginProcessing()
    {
        try
        {
            _info = LayerRegistry.Get(Layer);
            var given = _fieldParameters?.Values.Where(p => p.IsSet && p.Name != UnboundName).Select(p => (p.Name, (object?)p.Value));
            _values = FieldValues.Collect(_info, Field, given?.Concat(Unbound(_fieldParameters?[UnboundName].Value as object[])));
            LayerFactory.Validate(_info, _values);
        }
        catch (NetSockException e)
        {
            ThrowNetSockError(e);
        }
    }

    /// <summary>
    /// What bound to no parameter, as (field, value) pairs: "-dprt 80" is the field dprt, which the layer then refuses as
    /// -Field @{ dprt = 80 } is refused (PacketFieldUnknown, with the layer's fields).
    /// </summary>
    private static IEnumerable<(string Name, object? Value)> Unbound(object[]? rest)
    {
        for (int i = 0; rest is not null && i < rest.Length; i++)
        {
            if (Unwrap(rest[i]) is string token && token.Length > 1 && token[0] == '-')
            {
                bool takesNext = i + 1 < rest.Length && (token.EndsWith(':') || !(Unwrap(rest[i + 1]) is string next && next.Length > 1 && next[0] == '-'));
                yield return (token[1..].TrimEnd(':'), takesNext ? rest[++i] : null);
                continue;
            }
            throw new NetSockException("PacketArgumentUnexpected", NetSockErrorKind.InvalidArgument,
                $"New-Packet takes one layer name, then its fields by name; {NetSock.Packets.Layer.FormatValue(Unwrap(rest[i]))} is left over. Give a field by name (New-Packet Tcp -DestinationPort 80) or in -Field @{{ dport = 80 }}.", rest[i]);
        }
    }

    private static object? Unwrap(object? value) => value is PSObject ps ? ps.BaseObject : value;

    protected override void ProcessRecord()
    {
        // Streamed: a range of a million ports never sits in memory.
        foreach (var layer in LayerFactory.Expand(_info!, _values!))
        {
            for (int i = 0; i < Count; i++)
                WriteObject(InputObject is null ? Packet.FromLayers(new[] { layer }) : InputObject.Stack(layer));
        }
    }
}
