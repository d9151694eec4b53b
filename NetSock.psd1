@{
    RootModule           = 'NetSock.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '5f0c7a8e-2b1d-4c39-9a57-3e6d1b0f4a21'
    Author               = 'NetSock developers'
    CompanyName          = 'NetSock'
    Copyright            = '(c) NetSock developers. All rights reserved.'
    Description          = 'Sockets, packet crafting, sending and sniffing for PowerShell: what Scapy, netcat and tcpdump do, with typed objects in the pipeline.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('NetSock.Format.ps1xml', 'NetSock.PacketLayer.Format.ps1xml', 'NetSock.Values.Format.ps1xml')
    # Loaded before the types file, which names NetSock.Packets.Packet as the target of deserialized packets.
    RequiredAssemblies   = @('NetSock.Core.dll')
    TypesToProcess       = @('NetSock.Types.ps1xml')
    # Pester's Should operators (-BeListening, -HaveLayer, -HaveField, -SendPacket); NetSock itself does not need Pester.
    NestedModules        = @('NetSock.Should.psm1')
    CmdletsToExport      = @(
        'New-NetSocket'
        'Get-NetSocket'
        'Close-NetSocket'
        'New-Packet'
        'ConvertTo-Packet'
        'Start-TcpListener'
        'Receive-TcpConnection'
        'Connect-TcpEndpoint'
        'Send-SocketData'
        'Receive-SocketData'
        'Send-Datagram'
        'Receive-Datagram'
        'Get-CaptureInterface'
        'Get-SniffedPacket'
        'Export-Pcap'
        'Import-Pcap'
        'Send-RawPacket'
        'Show-Packet'
        'Get-PacketLayer'
    )
    FunctionsToExport    = @('Register-NetSockShouldOperator')
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Network', 'Socket', 'Packet', 'Pcap', 'Scapy', 'Linux')
            ProjectUri   = 'https://github.com/netsock/netsock'
            LicenseUri   = 'https://github.com/netsock/netsock/blob/main/LICENSE'
            ReleaseNotes = 'First release: sockets (TCP, UDP, Unix, raw), packet crafting and dissection, sending at layer 2 and 3 with reply matching, capture with BPF filters, pcap files, and Pester Should operators. NetSock.dll and NetSock.Core.dll are precompiled (ReadyToRun) for linux-x64 on .NET 10, with their IL for every other platform.'
        }
    }
}
