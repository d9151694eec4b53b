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
            foreach ($file in 'NetSock.dll', 'NetSock.Core.dll', 'NetSock.Format.ps1xml', 'NetSock.Should.psm1', 'NetSock.Should.Operators.ps1', 'en-US/NetSock.dll-Help.xml', 'deps/PacketDotNet.dll', 'deps/SharpPcap.dll') {
                Join-Path $ModuleDir $file | Should -Exist
            }
        }

        It 'ships NetSock.dll and NetSock.Core.dll precompiled (ReadyToRun) for linux-x64, their IL kept for the rest' {
            if (-not $IsLinux -or [Runtime.InteropServices.RuntimeInformation]::OSArchitecture -ne 'X64') {
                Set-ItResult -Skipped -Because 'the build precompiles for linux-x64 only; elsewhere it ships the IL build'
                return
            }
            foreach ($file in 'NetSock.dll', 'NetSock.Core.dll') {
                $stream = [IO.File]::OpenRead((Join-Path $ModuleDir $file))
                $pe = [Reflection.PortableExecutable.PEReader]::new($stream)
                try {
                    $pe.PEHeaders.CorHeader.ManagedNativeHeaderDirectory.Size | Should -BeGreaterThan 0 -Because "$file carries a ReadyToRun header"
                    # The machine of a ReadyToRun image for Linux: AMD64 xor 0x7B79 (crossgen's mark for the OS).
                    [int]$pe.PEHeaders.CoffHeader.Machine | Should -Be (0x8664 -bxor 0x7B79) -Because "$file is compiled for linux-x64"
                    $pe.HasMetadata | Should -BeTrue -Because "$file keeps its metadata and IL, the fallback elsewhere"
                }
                finally {
                    $pe.Dispose()
                    $stream.Dispose()
                }
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

    Context 'when it is imported' {
        It 'reads its Should operators only when they are registered, not at an import without Pester' {
            $ps = [powershell]::Create()
            try {
                $probe = {
                    param($Module, $Pester)
                    $should = { (Get-Module NetSock).NestedModules | Where-Object Name -eq 'NetSock.Should' }
                    Import-Module $Module
                    [pscustomobject]@{
                        AtImport   = & (& $should) { $script:OperatorsLoaded; [bool](Get-Command Should-BeListening -ErrorAction Ignore) }
                        Registered = $(Import-Module $Pester; @(Register-NetSockShouldOperator -PassThru).Name -join ',')
                        After      = & (& $should) { $script:OperatorsLoaded; [bool](Get-Command Should-BeListening -ErrorAction Ignore) }
                    }
                }
                $pester = Join-Path (Get-Module Pester | Sort-Object Version -Descending | Select-Object -First 1).ModuleBase 'Pester.psd1'
                $r = $ps.AddScript($probe).AddArgument($env:NETSOCK_MODULE).AddArgument($pester).Invoke()[0]
                $ps.Streams.Error | Should -BeNullOrEmpty
                $r.AtImport | Should -Be @($false, $false)
                $r.Registered | Should -Be 'BeListening,HaveLayer,HaveField,SendPacket'
                $r.After | Should -Be @($true, $true)
            }
            finally {
                $ps.Dispose()
            }
        }
    }

    Context 'started by build.ps1 Shell' {
        It 'is on PSModulePath there, so a child pwsh, Start-Job and ForEach-Object -Parallel import NetSock by name' {
            $root = Split-Path $PSScriptRoot
            if ((Join-Path $root 'out/NetSock') -ne $ModuleDir) {
                Set-ItResult -Skipped -Because "the module under test ($ModuleDir) is not the one build.ps1 builds in out/NetSock"
                return
            }
            $exe = [Environment]::ProcessPath
            $pre = @(if ((Split-Path $exe -Leaf) -like 'dotnet*') { Join-Path $PSHOME 'pwsh.dll' })
            # Each line: how NetSock was imported, then the folder it came from; in every case by name only.
            $probe = @'
'shell=' + (Get-Module NetSock).ModuleBase
$exe = [Environment]::ProcessPath
$pre = @(if ((Split-Path $exe -Leaf) -like 'dotnet*') { Join-Path $PSHOME 'pwsh.dll' })
'child=' + (& $exe @pre -NoProfile -NonInteractive -Command 'Import-Module NetSock; (Get-Module NetSock).ModuleBase')
'job=' + (Start-Job { Import-Module NetSock; (Get-Module NetSock).ModuleBase } | Receive-Job -Wait -AutoRemoveJob)
'parallel=' + (1 | ForEach-Object -Parallel { Import-Module NetSock; (New-Packet IPv4 -Destination 127.0.0.1).IPv4.Destination; (Get-Module NetSock).ModuleBase } | Select-Object -Last 1)
'@
            $env:NO_COLOR = '1'
            try {
                $output = & $exe @pre -NoProfile -NonInteractive -File (Join-Path $root 'build.ps1') Shell -NoBuild -Command $probe 2>&1 | ForEach-Object { "$_" }
            }
            finally {
                Remove-Item Env:NO_COLOR
            }
            $LASTEXITCODE | Should -Be 0 -Because ($output -join "`n")
            $found = @{}
            foreach ($line in $output) { if ($line -match '^(\w+)=(.*)$') { $found[$Matches[1]] = $Matches[2] } }
            foreach ($way in 'shell', 'child', 'job', 'parallel') {
                $found[$way] | Should -Be $ModuleDir -Because "NetSock imported by name in the $way comes from the built module ($($output -join ' | '))"
            }
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
