# Helpers shared by the Pester tests of NetSock's stream cmdlets (Start-TcpListener, Receive-TcpConnection,
# Connect-TcpEndpoint, Send-SocketData, Receive-SocketData) and of their interop with socat.
# Every address used here is loopback (127.0.0.1, ::1) or a Unix path.

function Get-FreeTcpPort {
    <#
    .SYNOPSIS
        A port that is free on 127.0.0.1 (or ::1) right now: the kernel picks it for a socket bound to port 0,
        which is closed at once without ever connecting (so it leaves no TIME_WAIT behind).
    #>
    param([ipaddress] $Address = [ipaddress]::Loopback)
    $s = [System.Net.Sockets.Socket]::new($Address.AddressFamily, 'Stream', 'Tcp')
    try {
        $s.Bind([System.Net.IPEndPoint]::new($Address, 0))
        $s.LocalEndPoint.Port
    }
    finally { $s.Dispose() }
}

function Wait-Until {
    <# Polls a condition every 20 ms until it holds; throws with the description when -TimeoutSeconds pass first. #>
    param(
        [Parameter(Mandatory)] [scriptblock] $Condition,
        [double] $TimeoutSeconds = 10,
        [string] $Because = 'the condition'
    )
    $deadline = [datetime]::UtcNow.AddSeconds($TimeoutSeconds)
    while (-not (& $Condition)) {
        if ([datetime]::UtcNow -gt $deadline) { throw "Timed out after $TimeoutSeconds s waiting for $Because." }
        Start-Sleep -Milliseconds 20
    }
}

function Get-Bytes {
    <# The bytes of a string in an encoding, as Send-SocketData should put them on the wire. #>
    param([Parameter(Mandatory)] [AllowEmptyString()] [string] $Text, [string] $Encoding = 'utf8')
    $enc = switch ($Encoding) {
        'utf8' { [System.Text.UTF8Encoding]::new($false) }
        'ascii' { [System.Text.Encoding]::ASCII }
        'latin1' { [System.Text.Encoding]::Latin1 }
        'unicode' { [System.Text.UnicodeEncoding]::new($false, $false) }
        'bigendianunicode' { [System.Text.UnicodeEncoding]::new($true, $false) }
        'utf32' { [System.Text.UTF32Encoding]::new($false, $false) }
    }
    , $enc.GetBytes($Text)
}

function Read-RawBytes {
    <#
    .SYNOPSIS
        Reads exactly -Count bytes from a NetSocket's underlying .NET socket (not through Receive-SocketData, so a
        test of Send-SocketData checks the wire, not NetSock's own reader). Fails after -TimeoutSeconds.
    #>
    param([Parameter(Mandatory)] $Socket, [Parameter(Mandatory)] [int] $Count, [int] $TimeoutSeconds = 10)
    $raw = $Socket.Socket
    $raw.ReceiveTimeout = $TimeoutSeconds * 1000
    $buffer = [byte[]]::new($Count)
    $got = 0
    while ($got -lt $Count) {
        $n = $raw.Receive($buffer, $got, $Count - $got, 'None')
        if ($n -eq 0) { throw "The peer closed after $got of $Count bytes." }
        $got += $n
    }
    $buffer     # enumerated, so `Read-RawBytes ... | Should -Be $bytes` compares byte by byte
}

function Test-NoMoreRawBytes {
    <# True when nothing more is waiting on the socket within -Milliseconds (what was sent was all that was sent). #>
    param([Parameter(Mandatory)] $Socket, [int] $Milliseconds = 200)
    -not $Socket.Socket.Poll($Milliseconds * 1000, 'SelectRead')
}

function Invoke-InNewNetNamespace {
    <#
    .SYNOPSIS
        Runs a script block in a child pwsh inside a network namespace of its own (unshare --net: only a loopback
        interface, down, and no route anywhere), with the built NetSock imported; returns what the block writes,
        converted from JSON. Nothing the child sends can leave this host. Needs root.
    #>
    param([Parameter(Mandatory)] [scriptblock] $ScriptBlock)
    $pwsh = [Environment]::ProcessPath
    $pwshArgs = @(if ((Split-Path $pwsh -Leaf) -like 'dotnet*') { Join-Path $PSHOME 'pwsh.dll' })
    $command = "Import-Module '$env:NETSOCK_MODULE'; & { $ScriptBlock } | ConvertTo-Json -Depth 4 -Compress"
    $out = & unshare --net -- $pwsh @pwshArgs -NoProfile -NonInteractive -Command $command 2>&1
    if ($LASTEXITCODE -ne 0) { throw "The pwsh in a new network namespace failed (exit $LASTEXITCODE): $out" }
    ($out | Select-Object -Last 1) | ConvertFrom-Json
}

function Test-CanUnshareNet {
    <# True when this process may create a network namespace (root with unshare available). #>
    $IsLinux -and (& id -u) -eq '0' -and (Get-Command unshare -ErrorAction Ignore) -and $(& unshare --net -- true 2>$null; $LASTEXITCODE -eq 0)
}

function New-BackgroundPowerShell {
    <#
    .SYNOPSIS
        A [powershell] on a runspace of its own (in this process, so it shares NetSock's socket registry) with the
        built NetSock imported, ready for AddScript/BeginInvoke/Stop. Dispose it (and its runspace) when done.
    #>
    $ps = [powershell]::Create()
    $null = $ps.AddScript("Import-Module '$env:NETSOCK_MODULE'").Invoke()
    $ps.Commands.Clear()
    $ps
}

Export-ModuleMember -Function Get-FreeTcpPort, Wait-Until, Get-Bytes, Read-RawBytes, Test-NoMoreRawBytes,
    Invoke-InNewNetNamespace, Test-CanUnshareNet, New-BackgroundPowerShell
