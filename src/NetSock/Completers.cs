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
