using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using NetSock.Sockets;

namespace NetSock.Commands;

/// <summary>Completes from a fixed list of names, case-insensitively by prefix.</summary>
public abstract class NameCompleter : IArgumentCompleter
{
    protected abstract IEnumerable<string> Names(IDictionary fakeBoundParameters);

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        string prefix = wordToComplete.Trim('\'', '"');
        return Names(fakeBoundParameters)
            .Where(n => n.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, n));
    }
}

public sealed class AddressFamilyCompleter : NameCompleter
{
    protected override IEnumerable<string> Names(IDictionary bound) => SocketSymbols.AllNames(SocketSymbols.Families);
}

public sealed class SocketTypeCompleter : NameCompleter
{
    protected override IEnumerable<string> Names(IDictionary bound) => SocketSymbols.AllNames(SocketSymbols.Types);
}

/// <summary>IP protocols, or EtherTypes when the command's -AddressFamily is AF_PACKET.</summary>
public sealed class ProtocolCompleter : NameCompleter
{
    protected override IEnumerable<string> Names(IDictionary bound)
    {
        bool packet = bound["AddressFamily"] is object f && IsPacket(f.ToString());
        return SocketSymbols.AllNames(packet ? SocketSymbols.EtherTypes : SocketSymbols.IpProtocols);
    }

    private static bool IsPacket(string? family)
    {
        try { return family is not null && SocketSymbols.ParseFamily(family) == System.Net.Sockets.AddressFamily.Packet; }
        catch (NetSockException) { return false; }
    }
}

/// <summary>Layer names and aliases from the registry.</summary>
public sealed class LayerNameCompleter : NameCompleter
{
    protected override IEnumerable<string> Names(IDictionary bound) =>
        NetSock.Packets.LayerRegistry.All.SelectMany(l => l.Aliases.Prepend(l.Name));
}

/// <summary>Ids of the open sockets, with what each is as the tooltip.</summary>
public sealed class SocketIdCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        SocketRegistry.Session.List()
            .Where(s => s.Id.ToString(System.Globalization.CultureInfo.InvariantCulture).StartsWith(wordToComplete, StringComparison.Ordinal))
            .Select(s => new CompletionResult(s.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), s.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), CompletionResultType.ParameterValue, s.ToString()));
}

/// <summary>
/// Values of a New-Packet field: Scapy's TCP flag letters for TCP flags (S, SA, PA, ...), ICMP and ICMPv6 type names
/// for -Type (echo-request completes to its number, 8, the name shown in the list; typing the number works too).
/// </summary>
public sealed class FieldValueCompleter : IArgumentCompleter
{
    private static readonly string[] FlagLetters = { "S", "SA", "A", "PA", "FA", "F", "R", "RA", "P", "U", "FPU", "SEC" };

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var layer = fakeBoundParameters["Layer"] is object name ? NetSock.Packets.LayerRegistry.Find(name.ToString() ?? "") : null;
        var field = layer?.FindField(parameterName);
        if (layer is null || field is null) return Enumerable.Empty<CompletionResult>();
        string prefix = wordToComplete.Trim('\'', '"');
        return Values(layer.Type, field)
            .Where(v => v.Text.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) || v.Shown.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Select(v => new CompletionResult(v.Text, v.Shown, CompletionResultType.ParameterValue, v.Tip));
    }

    private static IEnumerable<(string Text, string Shown, string Tip)> Values(Type layer, NetSock.Packets.PacketField field)
    {
        if (field.Type == typeof(NetSock.Packets.TcpFlags))
            return FlagLetters.Select(l => (l, l, NetSock.Packets.TcpFlags.Parse(l).ToString()));
        Func<int, string?>? names = field.Name != "Type" ? null
            : layer == typeof(NetSock.Packets.Layers.Icmp) ? NetSock.Packets.Layers.Icmp.TypeNameOf
            : layer == typeof(NetSock.Packets.Layers.IcmpV6) ? NetSock.Packets.Layers.IcmpV6.TypeNameOf : null;
        if (names is null) return Enumerable.Empty<(string, string, string)>();
        return Enumerable.Range(0, 256).Select(t => (Type: t, Name: names(t))).Where(t => t.Name is not null)
            .Select(t => (t.Type.ToString(System.Globalization.CultureInfo.InvariantCulture), t.Name!, $"{t.Type} {t.Name}"));
    }
}
