# Test hosts in network namespaces (DESIGN.md, "Safety rules"): two namespaces the test creates, joined by a veth pair
# with addresses from the benchmarking ranges 198.18.0.0/15 and 2001:db8::/32 only, and removed afterwards. Neither
# namespace has a default route or any link to the host's own namespace, so nothing sent in them can leave them.
# Needs root (CAP_SYS_ADMIN for `ip netns`, CAP_NET_ADMIN for the links).

function New-TestNetns {
    <#
    .SYNOPSIS
        Creates two namespaces, ns-<random>-a and ns-<random>-b, joined by a veth pair (198.18.0.1/24 and 2001:db8::1/64
        in A, 198.18.0.2/24 and 2001:db8::2/64 in B, broadcast 198.18.0.255, IPv6 without duplicate address detection),
        every link up, lo included. Returns what the tests address them by; Remove-TestNetns removes them again.
    .NOTES
        The veth ends are created inside the namespaces, so no interface ever appears in the host's namespace. When any
        step fails, what was created is removed before the error is thrown.
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param()
    $tag = [guid]::NewGuid().ToString('N').Substring(0, 8)
    $netns = [pscustomobject]@{
        A             = "ns-$tag-a"
        B             = "ns-$tag-b"
        LinkA         = "v$tag" + 'a'
        LinkB         = "v$tag" + 'b'
        IPv4A         = '198.18.0.1'
        IPv4B         = '198.18.0.2'
        IPv4Broadcast = '198.18.0.255'
        IPv6A         = '2001:db8::1'
        IPv6B         = '2001:db8::2'
    }
    try {
        Invoke-Ip netns add $netns.A
        Invoke-Ip netns add $netns.B
        Invoke-Ip link add $netns.LinkA netns $netns.A type veth peer name $netns.LinkB netns $netns.B
        foreach ($side in @(
                @{ Ns = $netns.A; Link = $netns.LinkA; IPv4 = $netns.IPv4A; IPv6 = $netns.IPv6A }
                @{ Ns = $netns.B; Link = $netns.LinkB; IPv4 = $netns.IPv4B; IPv6 = $netns.IPv6B })) {
            Invoke-Ip -n $side.Ns link set lo up
            Invoke-Ip -n $side.Ns addr add "$($side.IPv4)/24" brd + dev $side.Link
            Invoke-Ip -n $side.Ns -6 addr add "$($side.IPv6)/64" dev $side.Link nodad
            Invoke-Ip -n $side.Ns link set $side.Link up
        }
        Wait-NetnsLinkUp -Namespace $netns.A -Link $netns.LinkA
        Wait-NetnsLinkUp -Namespace $netns.B -Link $netns.LinkB
        $netns
    }
    catch {
        Remove-TestNetns -Netns $netns
        throw
    }
}

function Remove-TestNetns {
    <#
    .SYNOPSIS
        Removes both namespaces of New-TestNetns (the veth pair goes with them). Removing what is already gone does
        nothing, so AfterAll can call it whatever happened before.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0, ValueFromPipeline)] [AllowNull()] $Netns)
    process {
        if (-not $Netns) { return }
        foreach ($name in $Netns.A, $Netns.B) {
            if ($name -and (& ip netns list 2>$null | Where-Object { ($_ -split ' ')[0] -eq $name })) {
                & ip netns del $name 2>$null
            }
        }
    }
}

function Start-NetnsPwsh {
    <#
    .SYNOPSIS
        Starts a child pwsh inside a namespace (`ip netns exec`), the same pwsh that runs the tests, with the built
        NetSock imported; the block's output is converted to JSON and read back by Wait-NetnsPwsh.
    .PARAMETER Arguments
        Values the block reads as $Arguments.<Name> (passed as JSON in an environment variable: no quoting to get wrong).
    .OUTPUTS
        A handle with the Process (its Id is the pwsh's own: `ip netns exec` runs it in place) and its output tasks.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $Namespace,
        [Parameter(Mandatory)] [scriptblock] $ScriptBlock,
        [hashtable] $Arguments = @{}
    )
    $pwsh = [Environment]::ProcessPath
    $psi = [System.Diagnostics.ProcessStartInfo]::new('ip')
    foreach ($a in @('netns', 'exec', $Namespace, $pwsh)) { $psi.ArgumentList.Add($a) }
    if ((Split-Path $pwsh -Leaf) -like 'dotnet*') { $psi.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll')) }
    $command = "`$Arguments = `$env:NETSOCK_NETNS_ARGS | ConvertFrom-Json; Import-Module '$env:NETSOCK_MODULE'; " +
        "& { $ScriptBlock } | ConvertTo-Json -Depth 4 -Compress"
    foreach ($a in @('-NoProfile', '-NonInteractive', '-Command', $command)) { $psi.ArgumentList.Add($a) }
    $psi.Environment['NETSOCK_NETNS_ARGS'] = ConvertTo-Json $Arguments -Compress
    $psi.UseShellExecute = $false
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.RedirectStandardInput = $true
    $process = [System.Diagnostics.Process]::Start($psi)
    $process.StandardInput.Close()
    [pscustomobject]@{
        Namespace = $Namespace
        Process   = $process
        Output    = $process.StandardOutput.ReadToEndAsync()
        Error     = $process.StandardError.ReadToEndAsync()
    }
}

function Wait-NetnsPwsh {
    <#
    .SYNOPSIS
        Waits for a child pwsh of Start-NetnsPwsh to end and returns its output converted from JSON; throws with its
        stderr when it fails or takes longer than -TimeoutSeconds (then it is killed).
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0, ValueFromPipeline)] $Child, [int] $TimeoutSeconds = 30)
    process {
        if (-not $Child.Process.WaitForExit($TimeoutSeconds * 1000)) {
            Stop-NetnsPwsh $Child
            throw "The pwsh in $($Child.Namespace) did not finish within $TimeoutSeconds s: $($Child.Error.Result)"
        }
        $Child.Process.WaitForExit()
        $out = $Child.Output.Result
        if ($Child.Process.ExitCode -ne 0) {
            throw "The pwsh in $($Child.Namespace) failed (exit $($Child.Process.ExitCode)): $($Child.Error.Result) $out"
        }
        $last = @($out -split "`n" | Where-Object { $_.Trim() }) | Select-Object -Last 1
        if ($last) { $last | ConvertFrom-Json }
    }
}

function Invoke-NetnsPwsh {
    <# Runs a block in a child pwsh inside a namespace and returns its output (Start-NetnsPwsh, then Wait-NetnsPwsh). #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $Namespace,
        [Parameter(Mandatory)] [scriptblock] $ScriptBlock,
        [hashtable] $Arguments = @{},
        [int] $TimeoutSeconds = 30
    )
    $child = Start-NetnsPwsh -Namespace $Namespace -ScriptBlock $ScriptBlock -Arguments $Arguments
    try { Wait-NetnsPwsh $child -TimeoutSeconds $TimeoutSeconds }
    finally { Stop-NetnsPwsh $child }
}

function Stop-NetnsPwsh {
    <# Kills a child pwsh of Start-NetnsPwsh (and anything it started) when it still runs, and frees its handle. #>
    [CmdletBinding()]
    param([Parameter(Position = 0, ValueFromPipeline)] [AllowNull()] $Child)
    process {
        if (-not $Child) { return }
        try {
            if (-not $Child.Process.HasExited) {
                $Child.Process.Kill($true)
                $null = $Child.Process.WaitForExit(5000)
            }
        }
        catch [System.InvalidOperationException] { }
        finally { $Child.Process.Dispose() }
    }
}

function Wait-NetnsSocket {
    <#
    .SYNOPSIS
        Waits until a process has bound a UDP port (-Port) or a raw socket of an IP protocol (-Protocol), read from
        /proc/<pid>/net/*, which shows the process's own namespace. This is how a test knows a receiver in another
        namespace is ready before the sender starts.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0)] $Child,
        [Parameter(Mandatory, ParameterSetName = 'Udp')] [int] $Port,
        [Parameter(Mandatory, ParameterSetName = 'Raw')] [int] $Protocol,
        [switch] $IPv6,
        [int] $TimeoutSeconds = 20
    )
    $table = "$(if ($Port) { 'udp' } else { 'raw' })$(if ($IPv6) { '6' })"
    $file = "/proc/$($Child.Process.Id)/net/$table"
    $pattern = '^\s*\d+:\s+[0-9A-F]+:{0:X4}\s' -f $(if ($Port) { $Port } else { $Protocol })
    $deadline = [datetime]::UtcNow.AddSeconds($TimeoutSeconds)
    while ($true) {
        if ($Child.Process.HasExited) {
            throw "The pwsh in $($Child.Namespace) exited (code $($Child.Process.ExitCode)) before it bound its socket: $($Child.Error.Result) $($Child.Output.Result)"
        }
        $lines = try { Get-Content -LiteralPath $file -ErrorAction Stop } catch { @() }
        if ($lines -match $pattern) { return }
        if ([datetime]::UtcNow -gt $deadline) { throw "The pwsh in $($Child.Namespace) did not bind its $table socket within $TimeoutSeconds s." }
        Start-Sleep -Milliseconds 20
    }
}

function Invoke-Ip {
    # Runs ip(8) with these arguments and throws with its message when it fails.
    $out = & ip @args 2>&1
    if ($LASTEXITCODE -ne 0) { throw "ip $($args -join ' ') failed (exit $LASTEXITCODE): $out" }
}

function Wait-NetnsLinkUp {
    # A veth end reports no carrier for a moment after it is set up; traffic sent before that is lost.
    param([string] $Namespace, [string] $Link)
    $deadline = [datetime]::UtcNow.AddSeconds(10)
    while (-not ((& ip -n $Namespace -o link show $Link 2>$null) -match 'LOWER_UP')) {
        if ([datetime]::UtcNow -gt $deadline) { throw "$Link in $Namespace did not come up within 10 s." }
        Start-Sleep -Milliseconds 20
    }
}

Export-ModuleMember -Function New-TestNetns, Remove-TestNetns, Start-NetnsPwsh, Wait-NetnsPwsh, Invoke-NetnsPwsh, Stop-NetnsPwsh, Wait-NetnsSocket
