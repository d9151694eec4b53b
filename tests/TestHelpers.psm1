# Helpers shared by NetSock's Pester tests.

function Test-IsRoot {
    <# True when the tests run as root, so raw sockets, namespaces and capture are possible. #>
    $IsLinux -and (& id -u) -eq '0'
}

function Invoke-Unprivileged {
    <#
    .SYNOPSIS
        Runs a script block in a child pwsh stripped of every capability (no CAP_NET_RAW, no CAP_NET_ADMIN, ...),
        with the built NetSock imported, and returns what the block writes, converted from JSON.
    .NOTES
        The child keeps uid 0 only so it can still read the pinned pwsh under /root; without capabilities the
        kernel treats it as any other user for raw sockets, which is what the tests check.
    #>
    param([Parameter(Mandatory)] [scriptblock] $ScriptBlock)
    $pwsh = [Environment]::ProcessPath
    $pwshArgs = @(if ((Split-Path $pwsh -Leaf) -like 'dotnet*') { Join-Path $PSHOME 'pwsh.dll' })
    $command = "Import-Module '$env:NETSOCK_MODULE'; & { $ScriptBlock } | ConvertTo-Json -Depth 4 -Compress"
    $out = & setpriv --inh-caps=-all --ambient-caps=-all --bounding-set=-all -- $pwsh @pwshArgs -NoProfile -NonInteractive -Command $command 2>&1
    if ($LASTEXITCODE -ne 0) { throw "The unprivileged pwsh failed (exit $LASTEXITCODE): $out" }
    ($out | Select-Object -Last 1) | ConvertFrom-Json
}

function Get-ErrorSummary {
    <# The parts of an ErrorRecord a test asserts: FullyQualifiedErrorId, category, message, target. #>
    param([Parameter(Mandatory, ValueFromPipeline)] [System.Management.Automation.ErrorRecord] $ErrorRecord)
    process {
        [pscustomobject]@{
            ErrorId  = $ErrorRecord.FullyQualifiedErrorId
            Category = "$($ErrorRecord.CategoryInfo.Category)"
            Message  = $ErrorRecord.Exception.Message
            Target   = "$($ErrorRecord.TargetObject)"
        }
    }
}

function Install-TestTool {
    <#
    .SYNOPSIS
        Makes sure a command from a Debian package is there: installs the package with apt-get when the command is
        missing and the tests run as root. Returns $null when the command is there, else the reason its tests skip.
    #>
    param([Parameter(Mandatory)] [string] $Command, [Parameter(Mandatory)] [string] $Package)
    if (-not (Get-Command $Command -ErrorAction Ignore) -and (Test-IsRoot) -and (Get-Command apt-get -ErrorAction Ignore)) {
        $env:DEBIAN_FRONTEND = 'noninteractive'
        & apt-get install -y -qq --no-install-recommends $Package *> $null
        if ($LASTEXITCODE -ne 0) {
            & apt-get update -qq *> $null
            & apt-get install -y -qq --no-install-recommends $Package *> $null
        }
    }
    if (Get-Command $Command -ErrorAction Ignore) { return $null }
    if (Test-IsRoot) { "$Command is missing and apt-get install -y $Package failed" }
    else { "$Command is missing; install it with: sudo apt-get install -y $Package (or run the tests as root)" }
}

function Stop-TestProcess {
    <# Kills the processes a test started (with their children) and disposes them; ones already gone are fine. #>
    param([System.Diagnostics.Process[]] $Process)
    foreach ($p in $Process) {
        try { if (-not $p.HasExited) { $p.Kill($true); $null = $p.WaitForExit(5000) } }
        catch [System.InvalidOperationException] { }
        finally { $p.Dispose() }
    }
}

function New-StaleUnixSocket {
    <#
    .SYNOPSIS
        A Unix socket file whose socket has gone (what a server that exited leaves): bound, hard-linked so the file
        outlives the socket (which removes its own file), and closed. Returns nothing; the file is at -Path.
    #>
    param([Parameter(Mandatory)] [string] $Path, [ValidateSet('Stream', 'Dgram')] [string] $Type = 'Stream')
    $bound = [System.Net.Sockets.Socket]::new('Unix', $Type, 'Unspecified')
    $bound.Bind([System.Net.Sockets.UnixDomainSocketEndPoint]::new("$Path.tmp"))
    $null = New-Item -ItemType HardLink -Path $Path -Target "$Path.tmp"
    $bound.Dispose()
}

Export-ModuleMember -Function Test-IsRoot, Invoke-Unprivileged, Get-ErrorSummary, Install-TestTool, Stop-TestProcess, New-StaleUnixSocket
