# A burst of clients against the README's multi-client server pattern: the default backlog queues them all, a
# throttle serves many at once, and a per-client -Timeout keeps idle clients from stalling everyone. Bounded: 1,000
# clients x 4 KiB here; bench/server-load.ps1 runs longer bursts beside socat.

BeforeAll {
    Import-Module $env:NETSOCK_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    . (Join-Path $PSScriptRoot 'ServerBurst.ps1')
}

Describe 'Start-TcpListener under a burst of clients' {
    It 'queues as many connections as the kernel allows (net.core.somaxconn) when no -Backlog is given' {
        $server = Start-TcpListener
        try {
            $somaxconn = [int](Get-Content /proc/sys/net/core/somaxconn)
            # For a listening socket, ss shows the backlog in the Send-Q column.
            $line = ss -Hltn "sport = :$($server.LocalPort)" | Select-Object -First 1
            ($line -split '\s+')[2] | Should -Be $somaxconn -Because "ss says: $line"
        }
        finally { $server | Close-NetSocket }
    }

    It 'keeps a -Backlog that is given' {
        $server = Start-TcpListener -Backlog 10
        try {
            $line = ss -Hltn "sport = :$($server.LocalPort)" | Select-Object -First 1
            ($line -split '\s+')[2] | Should -Be 10 -Because "ss says: $line"
        }
        finally { $server | Close-NetSocket }
    }

    It 'echoes every byte of 1,000 concurrent clients x 4 KiB through the README pattern, none reset, while 5 idle clients are timed out' {
        $server = Start-TcpListener
        $before = @(Get-ChildItem /proc/self/fd).Count
        try {
            $run = Invoke-ServerBurst -Server $server -Clients 1000 -Idle 5 -Bytes 4096 -ThrottleLimit 64
            $run.Echoed | Should -Be 1000 -Because "served $($run.Echoed), reset $($run.Reset), timed out $($run.TimedOut), wrong $($run.Wrong): $($run.FirstProblem)"
            $run.Reset | Should -Be 0
            $run.TimedOut | Should -Be 0
            $run.Wrong | Should -Be 0
            $run.IdleClosedByServer | Should -Be 5 -Because 'the per-client -Timeout closes a client that says nothing'
            $run.Warnings | Should -HaveCount 5 -Because 'each idle client is one warning, and the server goes on'
            $run.Warnings | ForEach-Object { $_ | Should -Match 'within 5 s' }
        }
        finally { $server | Close-NetSocket }
        @(Get-NetSocket | Where-Object State -ne 'Closed').Count | Should -Be 0 -Because 'every accepted socket was closed'
        @(Get-ChildItem /proc/self/fd).Count | Should -BeLessOrEqual ($before + 5) -Because 'no descriptor is left behind'
    }
}

Describe 'The advice in a no-privilege error' {
    It 'suggests sudo or an ambient capability for one shell, not setcap on the dotnet host' {
        $advice = [NetSock.Privilege]::Advice()
        $advice | Should -Match 'sudo'
        $advice | Should -Match 'setpriv .*--ambient-caps=\+net_raw'
        $advice | Should -Not -Match 'setcap cap_net_raw'
        $advice | Should -Match 'every \.NET program'
    }

    It 'gives a raw socket to a non-root shell started the way it says, and to no other' -Skip:(-not (Test-IsRoot) -or -not (Test-Path /usr/bin/python3)) {
        $flags = [regex]::Matches([NetSock.Privilege]::Advice(), '--(inh|ambient)-caps=\S+').Value
        $flags | Should -HaveCount 2
        $probe = 'import socket; socket.socket(socket.AF_INET, socket.SOCK_RAW, 102); print("raw ok")'
        $with = & setpriv --reuid=65534 --regid=65534 --clear-groups @flags -- /usr/bin/python3 -c $probe 2>&1
        $without = & setpriv --reuid=65534 --regid=65534 --clear-groups -- /usr/bin/python3 -c $probe 2>&1
        "$with" | Should -Be 'raw ok'
        "$without" | Should -Match 'PermissionError|Operation not permitted'
    }
}
