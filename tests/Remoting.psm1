# Hosts for real PowerShell remoting over SSH (DESIGN.md, "Safety rules"): network namespaces the test creates, each
# running OpenSSH's sshd with a configuration, a host key and an authorized client key made for the test, and pwsh as
# the `powershell` SSH subsystem. The namespaces are joined to this (the test's) namespace by veth pairs on a bridge:
# 198.19.N.1/24 on the bridge here, 198.19.N.2, .3, ... on `eth0` in each namespace, N picked at random among the /24s
# no route here uses yet (198.18.0.0/15 is the benchmarking range). No namespace has a default route, and nothing is
# forwarded, so nothing sent to them goes further. Remove-TestSshHost kills every process in the namespaces (sshd, and
# the pwsh each session started), removes the namespaces, the bridge and the keys. Needs root.

Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1')

function Install-TestSshd {
    <#
    .SYNOPSIS
        Makes sure /usr/sbin/sshd is there: installs Debian's openssh-server with apt-get when it is missing and the tests
        run as root. Returns $null when sshd is there, else the reason the remoting tests skip.
    .NOTES
        The package would start (and enable) the system's own sshd on every address. Unless the machine already says
        otherwise (a Docker image's /usr/sbin/policy-rc.d), a policy-rc.d that refuses to start services is put in place
        for the install and removed after it, so the tests leave no sshd running that they did not start.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param()
    if (Test-Path -LiteralPath '/usr/sbin/sshd') { return $null }
    if (-not (Test-IsRoot)) {
        return 'sshd is missing; install it with: sudo apt-get install -y openssh-server (or run the tests as root)'
    }
    if (-not (Get-Command apt-get -ErrorAction Ignore)) { return 'sshd is missing and there is no apt-get to install openssh-server with' }
    $policy = '/usr/sbin/policy-rc.d'
    $ownPolicy = -not (Test-Path -LiteralPath $policy)
    try {
        if ($ownPolicy) {
            Set-Content -LiteralPath $policy -Value "#!/bin/sh`n# NetSock's tests: no service starts while they install openssh-server.`nexit 101"
            & chmod 755 $policy
        }
        $reason = Install-TestTool -Command '/usr/sbin/sshd' -Package 'openssh-server'
    }
    finally {
        if ($ownPolicy) { Remove-Item -LiteralPath $policy -Force -ErrorAction Ignore }
    }
    if (Test-Path -LiteralPath '/usr/sbin/sshd') { return $null }
    if ($reason) { $reason } else { 'sshd is missing and apt-get install -y openssh-server did not install /usr/sbin/sshd' }
}

function New-TestSshHost {
    <#
    .SYNOPSIS
        Creates -Count namespaces ns-ssh-<tag>-<i>, each with `eth0` at 198.19.N.(1+i)/24 on a bridge that has 198.19.N.1/24
        in this namespace, and starts an sshd in each (root login with the test's key only, pwsh as the `powershell`
        subsystem). Waits until every sshd listens on port 22. Returns what the tests connect with: Hosts (Name,
        Namespace, Address, Interface, Process, Log), KeyFilePath, UserName, Options (for Invoke-Command -Options),
        LocalAddress (198.19.N.1), Bridge, Folder.
    .NOTES
        When any step fails, what was created is removed before the error is thrown.
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param([ValidateRange(1, 9)] [int] $Count = 2)
    $tag = [guid]::NewGuid().ToString('N').Substring(0, 8)
    $used = (& ip -4 route show) -join "`n"
    $subnet = 1..50 | ForEach-Object { Get-Random -Minimum 1 -Maximum 255 } |
        Where-Object { $used -notmatch "(^|\s)198\.19\.$_\." } | Select-Object -First 1
    if (-not $subnet) { throw 'No free 198.19.N.0/24 was found for the test hosts.' }
    $folder = Join-Path ([IO.Path]::GetTempPath()) "netsock-ssh-$tag"
    $lab = [pscustomobject]@{
        Tag          = $tag
        Bridge       = "nsb$tag"
        LocalAddress = "198.19.$subnet.1"
        Folder       = $folder
        KeyFilePath  = Join-Path $folder 'client_key'
        UserName     = 'root'
        # The ssh client PowerShell runs: no known_hosts written, no questions, only the test's key, quiet.
        Options      = @{
            StrictHostKeyChecking = 'no'; UserKnownHostsFile = '/dev/null'; BatchMode = 'yes'; IdentitiesOnly = 'yes'
            LogLevel = 'ERROR'; ConnectTimeout = '10'
        }
        Hosts        = [System.Collections.Generic.List[object]]::new()
        RunSshd      = $null      # /run/sshd, when the lab created it (sshd's privilege separation directory)
    }
    try {
        $null = New-Item -ItemType Directory -Path $folder
        & chmod 700 $folder
        Invoke-Tool ssh-keygen -q -t ed25519 -N '' -C "netsock-test-host-$tag" -f (Join-Path $folder 'host_key')
        Invoke-Tool ssh-keygen -q -t ed25519 -N '' -C "netsock-test-client-$tag" -f $lab.KeyFilePath
        Copy-Item -LiteralPath "$($lab.KeyFilePath).pub" -Destination (Join-Path $folder 'authorized_keys')
        # The subsystem: the pwsh that runs the tests (a dotnet tool: dotnet and its pwsh.dll), in server mode.
        $pwsh = @([Environment]::ProcessPath) + @(if ((Split-Path ([Environment]::ProcessPath) -Leaf) -like 'dotnet*') { Join-Path $PSHOME 'pwsh.dll' })
        $subsystem = Join-Path $folder 'pwsh-subsystem.sh'
        Set-Content -LiteralPath $subsystem -Value ("#!/bin/sh`nexec " + (($pwsh | ForEach-Object { "'$_'" }) -join ' ') + ' -sshs -NoLogo -NoProfile')
        & chmod 755 $subsystem
        if (-not (Test-Path -LiteralPath '/run/sshd')) {
            $null = New-Item -ItemType Directory -Path '/run/sshd'
            & chmod 755 '/run/sshd'
            $lab.RunSshd = '/run/sshd'
        }

        Invoke-Ip link add $lab.Bridge type bridge
        Invoke-Ip addr add "$($lab.LocalAddress)/24" dev $lab.Bridge
        Invoke-Ip link set $lab.Bridge up
        for ($i = 1; $i -le $Count; $i++) {
            $h = [pscustomobject]@{
                Name      = "node$i"
                Namespace = "ns-ssh-$tag-$i"
                Link      = "nsh$tag$i"       # this namespace's end, on the bridge
                Interface = 'eth0'            # the end in the host's namespace (each namespace has names of its own)
                Address   = "198.19.$subnet.$(1 + $i)"
                Config    = Join-Path $folder "sshd_config-$i"
                Log       = Join-Path $folder "sshd-$i.log"
                Process   = $null
            }
            $lab.Hosts.Add($h)
            Invoke-Ip netns add $h.Namespace
            Invoke-Ip link add $h.Link type veth peer name $h.Interface netns $h.Namespace
            Invoke-Ip link set $h.Link master $lab.Bridge up
            Invoke-Ip -n $h.Namespace link set lo up
            Invoke-Ip -n $h.Namespace addr add "$($h.Address)/24" dev $h.Interface
            Invoke-Ip -n $h.Namespace link set $h.Interface up
            Set-Content -LiteralPath $h.Config -Value @(
                "Port 22"
                "ListenAddress $($h.Address)"
                "HostKey $(Join-Path $folder 'host_key')"
                "PidFile $(Join-Path $folder "sshd-$i.pid")"
                "AuthorizedKeysFile $(Join-Path $folder 'authorized_keys')"
                'PermitRootLogin prohibit-password'
                'PubkeyAuthentication yes'
                'PasswordAuthentication no'
                'KbdInteractiveAuthentication no'
                'UsePAM no'
                'StrictModes no'
                'X11Forwarding no'
                'AllowTcpForwarding no'
                'PrintMotd no'
                'LogLevel VERBOSE'
                "Subsystem powershell $subsystem"
            )
            Invoke-Tool /usr/sbin/sshd -t -f $h.Config
        }
        foreach ($h in $lab.Hosts) {
            Wait-LinkUp -Link $h.Link
            Wait-LinkUp -Namespace $h.Namespace -Link $h.Interface
            $psi = [System.Diagnostics.ProcessStartInfo]::new('ip')
            foreach ($a in 'netns', 'exec', $h.Namespace, '/usr/sbin/sshd', '-D', '-f', $h.Config, '-E', $h.Log) { $psi.ArgumentList.Add($a) }
            $psi.UseShellExecute = $false
            $psi.RedirectStandardInput = $true
            $h.Process = [System.Diagnostics.Process]::Start($psi)     # `ip netns exec` runs sshd in place: its Id is sshd's
            $h.Process.StandardInput.Close()
        }
        foreach ($h in $lab.Hosts) { Wait-SshdListening $h }
        $lab
    }
    catch {
        Remove-TestSshHost $lab
        throw
    }
}

function Remove-TestSshHost {
    <#
    .SYNOPSIS
        Tears down what New-TestSshHost made: kills every process in the lab's namespaces (sshd and the sessions' pwsh,
        all started by the test: nothing else runs there), removes the namespaces (their veth pairs go with them), the
        bridge, the keys and configurations, and /run/sshd when the lab created it. What is already gone is fine, so
        AfterAll can call it whatever happened before.
    #>
    [CmdletBinding()]
    param([Parameter(Position = 0, ValueFromPipeline)] [AllowNull()] $Lab)
    process {
        if (-not $Lab) { return }
        $namespaces = @(& ip netns list 2>$null | ForEach-Object { ($_ -split ' ')[0] })
        foreach ($h in $Lab.Hosts) {
            if ($h.Process) {
                try { if (-not $h.Process.HasExited) { $h.Process.Kill($true); $null = $h.Process.WaitForExit(5000) } }
                catch [System.InvalidOperationException] { }
                finally { $h.Process.Dispose() }
            }
            if ($h.Namespace -in $namespaces) {
                foreach ($processId in @(& ip netns pids $h.Namespace 2>$null)) {
                    try { (Get-Process -Id ([int]$processId) -ErrorAction Stop).Kill($true) } catch { }
                }
                & ip netns del $h.Namespace 2>$null
            }
        }
        if ($Lab.Bridge -and (& ip -o link show $Lab.Bridge 2>$null)) { & ip link del $Lab.Bridge 2>$null }
        if ($Lab.Folder -and (Test-Path -LiteralPath $Lab.Folder)) { Remove-Item -LiteralPath $Lab.Folder -Recurse -Force -ErrorAction Ignore }
        if ($Lab.RunSshd -and -not (Get-ChildItem -LiteralPath $Lab.RunSshd -Force -ErrorAction Ignore)) {
            Remove-Item -LiteralPath $Lab.RunSshd -Force -ErrorAction Ignore
        }
    }
}

function Get-TestSshLog {
    <# The sshd logs of the lab's hosts, for a failure message. #>
    param([Parameter(Mandatory)] $Lab)
    foreach ($h in $Lab.Hosts) {
        $text = if (Test-Path -LiteralPath $h.Log) { (Get-Content -LiteralPath $h.Log -Tail 15) -join "`n" } else { '(no log)' }
        "sshd on $($h.Address) ($($h.Namespace)):`n$text"
    }
}

function Get-NetnsPacketSocket {
    <#
    .SYNOPSIS
        The AF_PACKET sockets open in a namespace (/proc/net/packet read there), as objects with Protocol (3 is
        ETH_P_ALL, what a capture binds) and InterfaceIndex; how a test sees that a capture runs in that namespace.
    #>
    param([Parameter(Mandatory)] [string] $Namespace)
    & ip netns exec $Namespace cat /proc/net/packet 2>$null | Select-Object -Skip 1 | ForEach-Object {
        $f = -split $_
        if ($f.Count -ge 5) { [pscustomobject]@{ Protocol = [Convert]::ToInt32($f[3], 16); InterfaceIndex = [int]$f[4] } }
    }
}

function Get-NetnsInterfaceIndex {
    <# The index of an interface in a namespace. #>
    param([Parameter(Mandatory)] [string] $Namespace, [Parameter(Mandatory)] [string] $Link)
    [int](& ip -n $Namespace -j link show dev $Link | ConvertFrom-Json)[0].ifindex
}

function Wait-SshdListening {
    # sshd listens once /proc/<its pid>/net/tcp (its namespace's table) has 0.0.0.0-or-its-address:22 in state LISTEN (0A).
    param([Parameter(Mandatory)] $SshHost, [int] $TimeoutSeconds = 20)
    $deadline = [datetime]::UtcNow.AddSeconds($TimeoutSeconds)
    while ($true) {
        if ($SshHost.Process.HasExited) {
            $log = if (Test-Path -LiteralPath $SshHost.Log) { Get-Content -LiteralPath $SshHost.Log -Raw }
            throw "sshd in $($SshHost.Namespace) exited (code $($SshHost.Process.ExitCode)) before it listened: $log"
        }
        $lines = try { Get-Content -LiteralPath "/proc/$($SshHost.Process.Id)/net/tcp" -ErrorAction Stop } catch { @() }
        if ($lines -match '^\s*\d+:\s+[0-9A-F]{8}:0016\s+00000000:0000\s+0A\s') { return }
        if ([datetime]::UtcNow -gt $deadline) { throw "sshd in $($SshHost.Namespace) did not listen on port 22 within $TimeoutSeconds s." }
        Start-Sleep -Milliseconds 20
    }
}

function Wait-LinkUp {
    # A veth end reports no carrier for a moment after it is set up; traffic sent before that is lost.
    param([string] $Namespace, [Parameter(Mandatory)] [string] $Link)
    $ns = @(if ($Namespace) { '-n', $Namespace })
    $deadline = [datetime]::UtcNow.AddSeconds(10)
    while (-not ((& ip @ns -o link show $Link 2>$null) -match 'LOWER_UP')) {
        if ([datetime]::UtcNow -gt $deadline) { throw "$Link$(if ($Namespace) { " in $Namespace" }) did not come up within 10 s." }
        Start-Sleep -Milliseconds 20
    }
}

function Invoke-Ip {
    # Runs ip(8) with these arguments and throws with its message when it fails.
    $out = & ip @args 2>&1
    if ($LASTEXITCODE -ne 0) { throw "ip $($args -join ' ') failed (exit $LASTEXITCODE): $out" }
}

function Invoke-Tool {
    # Runs a native command and throws with its output when it fails.
    $command, $rest = $args
    $out = & $command @rest 2>&1
    if ($LASTEXITCODE -ne 0) { throw "$command $($rest -join ' ') failed (exit $LASTEXITCODE): $out" }
}

Export-ModuleMember -Function Install-TestSshd, New-TestSshHost, Remove-TestSshHost, Get-TestSshLog, Get-NetnsPacketSocket, Get-NetnsInterfaceIndex
