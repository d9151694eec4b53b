using System.Management.Automation;

namespace NetSock.Commands;

/// <summary>Removing the module closes every socket it opened in the runspace that removes it.</summary>
public sealed class ModuleLifetime : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    public void OnImport()
    {
    }

    public void OnRemove(PSModuleInfo module) => NetSock.Sockets.SocketRegistry.Session.CloseOwnedBy(NetSockCmdlet.CurrentOwner());
}
