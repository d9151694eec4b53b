# NetSock installed as modules are installed: build.ps1 Package makes NetSock.<version>.nupkg from the built module, and
# a clean pwsh installs it with Install-PSResource from a file repository and runs a cmdlet of the installed copy.
# The child pwsh gets its own HOME, so its PSResourceGet repository registrations and CurrentUser module folder (both
# under ~/.local/share) are inside this test's temp folder: removing the folder removes them, whatever happened.

BeforeAll {
    $script:Root = Split-Path $PSScriptRoot
    $script:Manifest = Import-PowerShellDataFile $env:NETSOCK_MODULE
    $script:Version = $Manifest.ModuleVersion
    $script:Temp = Join-Path ([IO.Path]::GetTempPath()) "netsock-package-$([guid]::NewGuid().ToString('N'))"
    $null = New-Item -ItemType Directory -Path $Temp
    $script:Feed = Join-Path $Temp 'feed'

    function Invoke-ChildPwsh {
        # A child pwsh started as this one was (dotnet pwsh.dll, or the apphost); its output and exit code.
        param([string] $Script, [hashtable] $Environment = @{})
        $exe = [Environment]::ProcessPath
        $pre = @(if ((Split-Path $exe -Leaf) -like 'dotnet*') { Join-Path $PSHOME 'pwsh.dll' })
        $Environment = @{ NO_COLOR = '1' } + $Environment
        $saved = @{}
        foreach ($name in $Environment.Keys) { $saved[$name] = [Environment]::GetEnvironmentVariable($name); [Environment]::SetEnvironmentVariable($name, $Environment[$name]) }
        Push-Location $Temp     # whatever a child writes beside it stays in the temp folder
        try {
            $output = & $exe @pre -NoLogo -NoProfile -NonInteractive -Command $Script 2>&1
            # Plain text (NO_COLOR below), and no escape sequence left in what the test reports.
            [pscustomobject]@{ Output = @($output | ForEach-Object { "$_" -replace '\e\[[0-9;?]*[A-Za-z]' }); ExitCode = $LASTEXITCODE }
        }
        finally {
            Pop-Location
            foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
        }
    }

    # The Package task, on the module the tests run against (out/NetSock), into this test's feed folder.
    $script:Packaging = Invoke-ChildPwsh "& '$(Join-Path $Root 'build.ps1')' Package -NoBuild -PackagePath '$Feed'"
    $script:Nupkg = Join-Path $Feed "NetSock.$Version.nupkg"
}

AfterAll {
    if ($Temp -and (Test-Path $Temp)) { Remove-Item $Temp -Recurse -Force }
}

Describe 'build.ps1 Package' {
    It 'writes NetSock.<version>.nupkg with the manifest, both assemblies, the dependencies and the help' {
        $Packaging.ExitCode | Should -Be 0 -Because ($Packaging.Output -join "`n")
        $Nupkg | Should -Exist
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [IO.Compression.ZipFile]::OpenRead($Nupkg)
        try {
            $entries = @($zip.Entries.FullName)
            foreach ($file in 'NetSock.psd1', 'NetSock.dll', 'NetSock.Core.dll', 'NetSock.Format.ps1xml', 'NetSock.Types.ps1xml', 'LICENSE',
                'deps/PacketDotNet.dll', 'deps/SharpPcap.dll', 'en-US/NetSock.dll-Help.xml', 'en-US/about_NetSock.help.txt') {
                $entries | Should -Contain $file
            }
            $entries | Should -Not -Contain 'System.Management.Automation.dll'
            $reader = [IO.StreamReader]::new($zip.GetEntry('NetSock.nuspec').Open())
            $nuspec = [xml]$reader.ReadToEnd()
            $reader.Dispose()
        }
        finally {
            $zip.Dispose()
        }
        $meta = $nuspec.package.metadata
        $meta.id | Should -Be 'NetSock'
        $meta.version | Should -Be $Version
        $meta.projectUrl | Should -Be $Manifest.PrivateData.PSData.ProjectUri
        $meta.licenseUrl | Should -Be $Manifest.PrivateData.PSData.LicenseUri
        $meta.releaseNotes | Should -Be $Manifest.PrivateData.PSData.ReleaseNotes
        $Manifest.PrivateData.PSData.ProjectUri | Should -Match '^https://'
        $Manifest.PrivateData.PSData.LicenseUri | Should -Match '^https://'
        $Manifest.PrivateData.PSData.ReleaseNotes | Should -Not -BeNullOrEmpty
    }
}

Describe 'Install-PSResource NetSock' {
    BeforeAll {
        $homeDir = Join-Path $Temp 'home'
        $script:Data = Join-Path $homeDir '.local/share'
        $script:Installed = Join-Path $Data 'powershell/Modules'
        $repository = "NetSockTest$([guid]::NewGuid().ToString('N'))"
        # .NET names no LocalApplicationData folder that does not exist, and PSResourceGet then writes its registrations
        # under the working directory: make the folder first.
        $null = New-Item -ItemType Directory -Path $Data -Force
        # A clean pwsh: HOME (and so its CurrentUser folders) in the temp folder, its PSModulePath the CurrentUser
        # module folder and pwsh's own modules (PSResourceGet among them).
        $clean = @{
            HOME            = $homeDir
            XDG_DATA_HOME   = $Data
            XDG_CONFIG_HOME = Join-Path $homeDir '.config'
            XDG_CACHE_HOME  = Join-Path $homeDir '.cache'
            PSModulePath    = ($Installed, (Join-Path $PSHOME 'Modules')) -join [IO.Path]::PathSeparator
        }
        $script:Install = Invoke-ChildPwsh -Environment $clean -Script @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name '$repository' -Uri '$Feed' -Trusted
try {
    Install-PSResource -Name NetSock -Repository '$repository' -Scope CurrentUser -TrustRepository -Quiet
}
finally {
    Unregister-PSResourceRepository -Name '$repository'
}
"@
        $script:Run = Invoke-ChildPwsh -Environment $clean -Script @'
$ErrorActionPreference = 'Stop'
Import-Module NetSock
'BASE=' + (Get-Module NetSock).ModuleBase
'LENGTH=' + (New-Packet IPv4 -Destination 127.0.0.1 | New-Packet Tcp -DestinationPort 80).Bytes.Length
'SYNOPSIS=' + (Get-Help New-Packet).Synopsis
'LAYERS=' + ((Get-PacketLayer).Name -join ',')
'@
        $script:RepositoryName = $repository
    }

    It 'installs from a file repository into the CurrentUser module folder of a clean pwsh' {
        $Install.ExitCode | Should -Be 0 -Because ($Install.Output -join "`n")
        Join-Path $Installed "NetSock/$Version/NetSock.psd1" | Should -Exist
        Join-Path $Installed "NetSock/$Version/deps/SharpPcap.dll" | Should -Exist
    }

    It 'imports NetSock by name from the installed copy and runs its cmdlets, help included' {
        $Run.ExitCode | Should -Be 0 -Because ($Run.Output -join "`n")
        $lines = @{}
        foreach ($line in $Run.Output) { if ($line -match '^(\w+)=(.*)$') { $lines[$Matches[1]] = $Matches[2] } }
        $lines['BASE'] | Should -Be (Join-Path $Installed "NetSock/$Version")
        $lines['LENGTH'] | Should -Be '40'
        $lines['SYNOPSIS'] | Should -Not -BeNullOrEmpty
        $lines['SYNOPSIS'] | Should -Not -Match 'New-Packet \[' -Because 'the synopsis comes from the installed help, not the syntax PowerShell makes up without it'
        $lines['LAYERS'] -split ',' | Should -Contain 'Tcp'
    }

    It 'keeps the repository registration inside the temp HOME, and removes it' {
        $registrations = Join-Path $Data 'PSResourceGet/PSResourceRepository.xml'
        $registrations | Should -Exist
        Get-Content $registrations -Raw | Should -Not -Match $RepositoryName
    }
}
