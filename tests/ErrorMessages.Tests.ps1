# What NetSock's errors say where the OS or the user got in the way: a port another process holds is named with that
# process (read from /proc), and a wait that timed out says how to wait longer, or without limit.

BeforeDiscovery {
    $NoRoot = -not ($IsLinux -and (& id -u) -eq '0')
}

BeforeAll {
    Import-Module $env:NETSOCK_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:NoSocat = Install-TestTool -Command socat -Package socat

    function Wait-TcpListening([int] $Port, [System.Diagnostics.Process] $Process) {
        # Until the port is in LISTEN state in /proc/net/tcp (0A), or the process has died.
        $hex = ':{0:X4} ' -f $Port
        $deadline = [datetime]::UtcNow.AddSeconds(20)
        while (-not (Get-Content /proc/net/tcp | Where-Object { $_ -match "^\s*\d+: [0-9A-F]{8}$hex[0-9A-F]{8}:[0-9A-F]{4} 0A" })) {
            if ($Process.HasExited) { throw "The listener exited early (code $($Process.ExitCode))." }
            if ([datetime]::UtcNow -gt $deadline) { throw "Nothing listened on port $Port within 20 s." }
            Start-Sleep -Milliseconds 50
        }
    }
}

Describe 'A port held by another process' {
    It 'names the process that holds it (socat, with its pid), and does not suggest Close-NetSocket' -Skip:($IsLinux -ne $true) {
        if ($NoSocat) { Set-ItResult -Skipped -Because $NoSocat }
        $port = Get-Random -Minimum 41000 -Maximum 49000
        $socat = [System.Diagnostics.Process]::Start('socat', @("TCP-LISTEN:$port,bind=127.0.0.1", 'OPEN:/dev/null'))
        try {
            Wait-TcpListening $port $socat
            { Start-TcpListener -LocalAddress 127.0.0.1 -Port $port } | Should -Throw -ErrorId 'NetSocketAddressInUse,NetSock.Commands.StartTcpListenerCommand'
            $message = $Error[0].Exception.Message
            $message | Should -BeLike "127.0.0.1:$port is already in use by process $($socat.Id) (socat). *"
            $message | Should -Match "Stop-Process -Id $($socat.Id)"
            $message | Should -Not -Match 'Close-NetSocket'
        }
        finally { Stop-TestProcess $socat }
    }

    It 'says a socket of this session holds it, and that Close-NetSocket frees it' -Skip:($IsLinux -ne $true) {
        $held = Start-TcpListener -LocalAddress 127.0.0.1 -Port 0
        try {
            { Start-TcpListener -LocalAddress 127.0.0.1 -Port $held.LocalPort } | Should -Throw -ErrorId 'NetSocketAddressInUse,NetSock.Commands.StartTcpListenerCommand'
            $Error[0].Exception.Message | Should -Match 'another socket of this pwsh session.*Get-NetSocket \| Close-NetSocket'
        }
        finally { $held | Close-NetSocket }
    }
}

Describe 'A wait that timed out' {
    It 'says -Timeout 0 waits without limit (<Name>)' -ForEach @(
        @{ Name = 'Receive-TcpConnection'; Id = 'NetSocketTimeout'; Block = { $l = Start-TcpListener -Port 0; try { $l | Receive-TcpConnection -Timeout 0.2 -ErrorAction Stop } finally { $l | Close-NetSocket } } }
        @{ Name = 'Receive-Datagram'; Id = 'DatagramTimeout'; Block = { $s = New-NetSocket AF_INET SOCK_DGRAM -LocalAddress 127.0.0.1 -LocalPort 0; try { Receive-Datagram -Socket $s -Timeout 0.2 -ErrorAction Stop } finally { $s | Close-NetSocket } } }
    ) {
        $Block | Should -Throw -ErrorId "$Id*"
        $Error[0].Exception.Message | Should -Match 'Give a longer -Timeout, or -Timeout 0 to wait without limit\.$'
    }
}
