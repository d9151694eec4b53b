BeforeAll {
    Import-Module $env:NETSOCK_MODULE -Force
    $script:ModuleDir = Split-Path $env:NETSOCK_MODULE
}

Describe 'The NetSock module' {
    Context 'as built' {
        It 'exports the cmdlets its manifest lists, each with an OutputType' {
            $manifest = Import-PowerShellDataFile $env:NETSOCK_MODULE
            $commands = Get-Command -Module NetSock
            $commands.Name | Sort-Object | Should -Be ($manifest.CmdletsToExport | Sort-Object)
            $commands | ForEach-Object { $_.OutputType | Should -Not -BeNullOrEmpty -Because "$($_.Name) declares what it emits" }
        }

        It 'ships its dependencies but not System.Management.Automation.dll' {
            Join-Path $ModuleDir 'System.Management.Automation.dll' | Should -Not -Exist
            foreach ($dll in 'NetSock.dll', 'NetSock.Core.dll', 'PacketDotNet.dll', 'SharpPcap.dll') {
                Join-Path $ModuleDir $dll | Should -Exist
            }
            Join-Path $ModuleDir 'NetSock.Format.ps1xml' | Should -Exist
        }

        It 'loads SharpPcap and finds libpcap at run time' {
            Add-Type -Path (Join-Path $ModuleDir 'SharpPcap.dll')
            $version = [SharpPcap.Pcap]::Version
            $version | Should -Match 'libpcap'
        }
    }

    Context 'when it is removed' {
        It 'closes every socket it opened in that runspace and no other''s' {
            $mine = New-NetSocket -LocalPort 0
            $ps = [powershell]::Create()
            try {
                $theirs = $ps.AddScript("Import-Module '$env:NETSOCK_MODULE'; New-NetSocket -LocalPort 0").Invoke()[0]
                $theirs.State | Should -Be 'Open'
                $ps.Commands.Clear()
                $null = $ps.AddScript('Remove-Module NetSock').Invoke()
                $theirs.State | Should -Be 'Closed'
                $mine.State | Should -Be 'Open'
                (Get-NetSocket).Id | Should -Be @($mine.Id)
            }
            finally {
                $ps.Dispose()
                $mine | Close-NetSocket
            }
        }
    }
}
