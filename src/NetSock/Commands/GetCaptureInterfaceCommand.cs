using System.Management.Automation;
using NetSock.Capture;

namespace NetSock.Commands;

/// <summary>The interfaces libpcap can capture on (Scapy's get_if_list(), tcpdump -D), or the default one (conf.iface).</summary>
[Cmdlet(VerbsCommon.Get, "CaptureInterface", DefaultParameterSetName = NameSet)]
[OutputType(typeof(CaptureInterface))]
public sealed class GetCaptureInterfaceCommand : NetSockCmdlet
{
    private const string NameSet = "Name";
    private const string DefaultSet = "Default";

    /// <summary>Interface names to list; wildcards allowed.</summary>
    [Parameter(Position = 0, ParameterSetName = NameSet, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(InterfaceCompleter))]
    [SupportsWildcards]
    public string[]? Name { get; set; }

    /// <summary>Only the interface a capture uses when none is named: the first up, running, non-loopback one.</summary>
    [Parameter(Mandatory = true, ParameterSetName = DefaultSet)]
    public SwitchParameter Default { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            var all = CaptureInterface.List();
            if (Default)
            {
                WriteObject(CaptureInterface.Default(all));
                return;
            }
            if (Name is null)
            {
                WriteObject(all, enumerateCollection: true);
                return;
            }
            foreach (string name in Name)
            {
                var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
                var found = all.Where(i => pattern.IsMatch(i.Name)).ToList();
                if (found.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
                    WriteNetSockError(new NetSockException("CaptureInterfaceNotFound", NetSockErrorKind.NotFound,
                        $"No capture interface is named '{name}'. The interfaces are: {string.Join(", ", all.Select(i => i.Name))}.", name));
                WriteObject(found, enumerateCollection: true);
            }
        }
        catch (NetSockException e)
        {
            ThrowNetSockError(e);
        }
    }
}

/// <summary>Completes interface names for every -Interface parameter of the module.</summary>
public sealed class InterfaceCompleter : NameCompleter
{
    protected override IEnumerable<string> Names(System.Collections.IDictionary bound)
    {
        try { return CaptureInterface.List().Select(i => i.Name); }
        catch (NetSockException) { return Array.Empty<string>(); }
    }
}
