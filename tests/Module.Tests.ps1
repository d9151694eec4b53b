BeforeAll {
    Import-Module $env:NETSOCK_MODULE -Force
    $script:ModuleDir = Split-Path $env:NETSOCK_MODULE
}

Describe 'The NetSock module' {
    Context 'as built' {
        It 'exports the cmdlets and functions its manifest lists, each with an OutputType' {
            $manifest = Import-PowerShellDataFile $env:NETSOCK_MODULE
            $commands = Get-Command -Module NetSock
            $commands.Name | Sort-Object | Should -Be (@($manifest.CmdletsToExport) + @($manifest.FunctionsToExport) | Sort-Object)
            $commands | ForEach-Object { $_.OutputType | Should -Not -BeNullOrEmpty -Because "$($_.Name) declares what it emits" }
        }

        It 'ships its own assemblies beside the manifest, the third-party ones in deps/, and no System.Management.Automation.dll' {
            Get-ChildItem $ModuleDir -Recurse -Filter 'System.Management.Automation.dll' | Should -BeNullOrEmpty
            foreach ($file in 'NetSock.dll', 'NetSock.Core.dll', 'NetSock.Format.ps1xml', 'NetSock.Should.psm1', 'en-US/NetSock.dll-Help.xml', 'deps/PacketDotNet.dll', 'deps/SharpPcap.dll') {
                Join-Path $ModuleDir $file | Should -Exist
            }
        }

        It 'loads SharpPcap into its own load context and finds libpcap at run time' {
            [NetSock.Capture.CaptureLibrary]::Version | Should -Match 'libpcap version \d'
            $sharpPcap = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'SharpPcap' }
            $sharpPcap | Should -Not -BeNullOrEmpty
            $context = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($sharpPcap[0])
            $context.Name | Should -Be 'NetSock dependencies'
            $sharpPcap[0].Location | Should -BeLike (Join-Path $ModuleDir 'deps/*')
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
