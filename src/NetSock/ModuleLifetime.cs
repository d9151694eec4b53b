using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace NetSock.Commands;

/// <summary>
/// Module start and end. On import, the third-party assemblies (PacketDotNet, SharpPcap, ...) in the module's deps/
/// folder are loaded into their own AssemblyLoadContext, so another module's copy of them cannot conflict with ours
/// (PowerShell's guidance on dependency conflicts). On removal, every socket the removing runspace opened is closed.
/// </summary>
public sealed class ModuleLifetime : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private static int _hooked;

    public void OnImport()
    {
        if (Interlocked.Exchange(ref _hooked, 1) == 0)
            AssemblyLoadContext.Default.Resolving += DependencyLoadContext.Resolve;
        FieldValues.ReportSetErrorsWithErrorIds();
    }

    public void OnRemove(PSModuleInfo module) => NetSock.Sockets.SocketRegistry.Session.CloseOwnedBy(NetSockCmdlet.CurrentOwner());
}

/// <summary>The load context of the module's dependencies, read from the deps/ folder beside NetSock.dll.</summary>
internal sealed class DependencyLoadContext : AssemblyLoadContext
{
    private static readonly string Folder = Path.Combine(Path.GetDirectoryName(typeof(DependencyLoadContext).Assembly.Location)!, "deps");
    private static readonly DependencyLoadContext Instance = new();

    private DependencyLoadContext() : base("NetSock dependencies")
    {
    }

    /// <summary>Default context's last resort: an assembly found in deps/ is loaded here.</summary>
    internal static Assembly? Resolve(AssemblyLoadContext context, AssemblyName name) =>
        File.Exists(PathOf(name)) ? Instance.LoadFromAssemblyName(name) : null;

    protected override Assembly? Load(AssemblyName name)
    {
        string path = PathOf(name);
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }

    private static string PathOf(AssemblyName name) => Path.Combine(Folder, name.Name + ".dll");
}
