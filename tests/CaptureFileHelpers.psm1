# Helpers for the capture-file tests (Export-Pcap, Import-Pcap, Get-SniffedPacket -Path): small file systems that fill up
# or are read-only, a user without root, FIFOs, descriptor counts, and a stop of a pipeline that blocks.

function New-TestDirectory {
    <# A new, empty directory under the temp path with a unique name, readable by every user. #>
    $dir = Join-Path ([IO.Path]::GetTempPath()) "netsock-cap-$([guid]::NewGuid().ToString('N').Substring(0, 12))"
    $null = New-Item -ItemType Directory -Path $dir
    & chmod 755 $dir
    $dir
}

function New-TestTmpfs {
    <#
    .SYNOPSIS
        Mounts a tmpfs of -Size (e.g. 64k) on a new directory and returns its path; Remove-TestTmpfs unmounts it. Needs root.
    #>
    param([string] $Size = '64k')
    $dir = New-TestDirectory
    & mount -t tmpfs -o "size=$Size,mode=0755" tmpfs $dir
    if ($LASTEXITCODE -ne 0) { Remove-Item -LiteralPath $dir -Force; throw "mount -t tmpfs on $dir failed (exit $LASTEXITCODE)." }
    $dir
}

function Remove-TestTmpfs {
    <# Unmounts what New-TestTmpfs mounted (lazily, should something still hold it) and removes the directory. #>
    param([string] $Path)
    if (-not $Path) { return }
    & umount $Path 2>$null
    if ($LASTEXITCODE -ne 0) { & umount -l $Path 2>$null }
    Remove-Item -LiteralPath $Path -Force -Recurse -ErrorAction Ignore
}

function New-TestFifo {
    <# A new FIFO (mkfifo) with a unique name under the temp path. #>
    $path = Join-Path ([IO.Path]::GetTempPath()) "netsock-cap-$([guid]::NewGuid().ToString('N').Substring(0, 12)).fifo"
    & mkfifo $path
    if ($LASTEXITCODE -ne 0) { throw "mkfifo $path failed (exit $LASTEXITCODE)." }
    $path
}

function Get-OpenFileCount {
    <# How many file descriptors this process has open (/proc/self/fd): the same before and after shows nothing leaked. #>
    @([IO.Directory]::GetFileSystemEntries('/proc/self/fd')).Count
}

function Get-OpenFile {
    <# What this process's file descriptors refer to (the targets of /proc/self/fd's links). #>
    foreach ($fd in [IO.Directory]::GetFileSystemEntries('/proc/self/fd')) {
        try { [IO.File]::ResolveLinkTarget($fd, $false).FullName } catch { }
    }
}

function Get-ErrorRecord {
    <#
    .SYNOPSIS
        The ErrorRecords in what -ErrorVariable collected: a terminating error is kept there as the exception that
        carries its record.
    #>
    param([Parameter(ValueFromPipeline)] $InputObject)
    process {
        if ($InputObject -is [System.Management.Automation.ErrorRecord]) { $InputObject }
        elseif ($InputObject.ErrorRecord) { $InputObject.ErrorRecord }
    }
}

function Get-CaughtError {
    <# Runs a block that must end in a terminating error and returns what a test asserts of it; fails when none comes. #>
    param([Parameter(Mandatory)] [scriptblock] $ScriptBlock)
    try {
        & $ScriptBlock
    }
    catch {
        return [pscustomobject]@{
            ErrorId   = $_.FullyQualifiedErrorId
            Category  = "$($_.CategoryInfo.Category)"
            Message   = $_.Exception.Message
            Exception = $_.Exception
        }
    }
    throw 'The block ended without a terminating error.'
}

function Invoke-AsNobody {
    <#
    .SYNOPSIS
        Runs a script block in a child pwsh as the user nobody (uid and gid 65534, no supplementary groups, no
        capabilities), with the built NetSock imported and $Arguments set, and returns what it writes, from JSON.
    .NOTES
        pwsh comes from a dotnet tool under /root, which nobody may not enter: its folder (and the module's) are
        bind-mounted on directories nobody can read for the child's lifetime, and unmounted afterwards. Needs root.
    #>
    param([Parameter(Mandatory)] [scriptblock] $ScriptBlock, [hashtable] $Arguments = @{})
    $pwshBind = New-TestDirectory
    $moduleBind = New-TestDirectory
    $userHome = New-TestDirectory
    & chmod 777 $userHome
    $mounted = @()
    try {
        foreach ($pair in @(@($PSHOME, $pwshBind), @((Split-Path $env:NETSOCK_MODULE), $moduleBind))) {
            & mount --bind $pair[0] $pair[1]
            if ($LASTEXITCODE -ne 0) { throw "mount --bind $($pair[0]) failed (exit $LASTEXITCODE)." }
            $mounted += $pair[1]
        }
        $json = ($Arguments | ConvertTo-Json -Compress -Depth 4) -replace "'", "''"
        $module = Join-Path $moduleBind (Split-Path $env:NETSOCK_MODULE -Leaf)
        $command = "`$Arguments = '$json' | ConvertFrom-Json; Import-Module '$module'; & { $ScriptBlock } | ConvertTo-Json -Depth 4 -Compress"
        $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($command))
        $out = & env "HOME=$userHome" setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --ambient-caps=-all -- `
            ([Environment]::ProcessPath) (Join-Path $pwshBind 'pwsh.dll') -NoProfile -NonInteractive -EncodedCommand $encoded 2>&1
        if ($LASTEXITCODE -ne 0) { throw "The pwsh run as nobody failed (exit $LASTEXITCODE): $out" }
        ($out | Select-Object -Last 1) | ConvertFrom-Json
    }
    finally {
        foreach ($m in $mounted) { & umount $m 2>$null }
        Remove-Item -LiteralPath $pwshBind, $moduleBind, $userHome -Recurse -Force -ErrorAction Ignore
    }
}

function Stop-WhileBlocked {
    <#
    .SYNOPSIS
        Starts -Script in a PowerShell instance of this process (with the module imported), lets it reach its blocking
        wait, calls Stop() on it and reports whether Stop returned within -WaitSeconds (a generous bound, not a timing
        assertion), the state the instance ended in, and the files this process had open during the wait.
    #>
    param([Parameter(Mandatory)] [string] $Module, [Parameter(Mandatory)] [string] $Script, [int] $WaitSeconds = 60)
    $ps = [powershell]::Create()
    $returned = $false
    try {
        $null = $ps.AddScript("Import-Module '$Module'; Write-Information 'ready'; $Script")
        $async = $ps.BeginInvoke()
        $deadline = [datetime]::UtcNow.AddSeconds($WaitSeconds)
        while ($ps.Streams.Information.Count -eq 0 -and -not $async.IsCompleted -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
        Start-Sleep -Milliseconds 500       # into the wait
        $openDuring = @(Get-OpenFile)
        $stop = $ps.BeginStop($null, $null)
        $returned = $stop.AsyncWaitHandle.WaitOne([timespan]::FromSeconds($WaitSeconds))
        [pscustomobject]@{
            Returned   = $returned
            State      = "$($ps.InvocationStateInfo.State)"
            OpenDuring = $openDuring
            Errors   = @($ps.Streams.Error | ForEach-Object { "$_" })
        }
    }
    finally {
        if ($returned) { $ps.Dispose() }        # a Stop that hangs would hang Dispose too
    }
}

Export-ModuleMember -Function New-TestDirectory, New-TestTmpfs, Remove-TestTmpfs, New-TestFifo, Get-OpenFileCount, Get-OpenFile, Get-ErrorRecord, Get-CaughtError, Invoke-AsNobody, Stop-WhileBlocked
