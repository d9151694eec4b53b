BeforeAll {
    Import-Module $env:NETSOCK_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'StreamTestHelpers.psm1') -Force
    $script:Cmd = 'NetSock.Commands.ReceiveTcpConnectionCommand'
}

Describe 'Receive-TcpConnection' {
    AfterEach {
        Get-NetSocket | Close-NetSocket
    }

    Context 'when connections are queued' {
        It 'accepts one connection and emits a connected socket whose RemoteEndPoint is the client''s own endpoint' {
            $l = Start-TcpListener
            $c = Connect-TcpEndpoint 127.0.0.1 $l.LocalPort -Timeout 5
            $a = @(Receive-TcpConnection $l -Timeout 5)
            $a.Count | Should -Be 1
            $a[0] | Should -BeOfType NetSock.Sockets.NetSocket
            $a[0].State | Should -Be 'Connected'
            $a[0].RemoteEndPoint | Should -Be $c.LocalEndPoint
            $a[0].LocalEndPoint | Should -Be $l.LocalEndPoint
            (Get-NetSocket).Id | Should -Contain $a[0].Id
            $l.State | Should -Be 'Listening'
        }

        It 'accepts -Count connections from a listener piped in, in the order they came, and then closes the listener' {
            $l = Start-TcpListener
            $clients = 1..3 | ForEach-Object { Connect-TcpEndpoint 127.0.0.1 $l.LocalPort -Timeout 5 }
            $accepted = @($l | Receive-TcpConnection -Count 3 -Timeout 5)
            $accepted.Count | Should -Be 3
            $accepted.RemoteEndPoint | Should -Be $clients.LocalEndPoint
            $accepted.State | Should -Be @('Connected', 'Connected', 'Connected')
            $l.State | Should -Be 'Closed'
        }

        It 'takes the listener as -Listener too, and the accepted socket carries the data of that client' {
            $l = Start-TcpListener
            $c = Connect-TcpEndpoint 127.0.0.1 $l.LocalPort -Timeout 5
            Send-SocketData $c 'first words'
            $a = Receive-TcpConnection -Listener $l -Timeout 5
            Receive-SocketData $a -Line -Count 1 -Timeout 5 | Should -Be 'first words'
        }

        It 'accepts a Unix stream connection' {
            $path = Join-Path $TestDrive 'accept.sock'
            $l = Start-TcpListener -Path $path
            $c = Connect-TcpEndpoint -Path $path -Timeout 5
            $a = Receive-TcpConnection $l -Timeout 5
            $a.AddressFamily | Should -Be 'Unix'
            $a.State | Should -Be 'Connected'
            Send-SocketData $a 'unix reply'
            Receive-SocketData $c -Line -Count 1 -Timeout 5 | Should -Be 'unix reply'
        }
    }

    Context 'when no connection comes in time' {
        It 'reports NetSocketTimeout after -Timeout seconds and leaves the listener listening for the next accept' {
            $l = Start-TcpListener
            $watch = [System.Diagnostics.Stopwatch]::StartNew()
            $out = Receive-TcpConnection $l -Timeout 1 -ErrorVariable err -ErrorAction SilentlyContinue
            $watch.Stop()
            $out | Should -BeNullOrEmpty
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -Be "NetSocketTimeout,$Cmd"
            $err[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
            $err[0].TargetObject | Should -Be $l
            $err[0].Exception.Message | Should -Match "No connection arrived on 127\.0\.0\.1:$($l.LocalPort) within 1 s"
            $watch.Elapsed.TotalSeconds | Should -BeGreaterThan 0.9
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 5
            $l.State | Should -Be 'Listening'
            $c = Connect-TcpEndpoint 127.0.0.1 $l.LocalPort -Timeout 5
            (Receive-TcpConnection $l -Timeout 5).RemoteEndPoint | Should -Be $c.LocalEndPoint
        }

        It 'emits the connections that came, then reports the timeout, with -Count larger than what arrives' {
            $l = Start-TcpListener
            $c = Connect-TcpEndpoint 127.0.0.1 $l.LocalPort -Timeout 5
            $out = @(Receive-TcpConnection $l -Count 3 -Timeout 1 -ErrorVariable err -ErrorAction SilentlyContinue)
            $out.Count | Should -Be 1
            $out[0].RemoteEndPoint | Should -Be $c.LocalEndPoint
            $err[0].FullyQualifiedErrorId | Should -Be "NetSocketTimeout,$Cmd"
        }
    }

    Context 'when the socket is not a listener' {
        It 'refuses a <Kind> socket with NetSocketNotListening' -ForEach @(
            @{ Kind = 'connected' }
            @{ Kind = 'closed listener' }
        ) {
            $l = Start-TcpListener
            $s = if ($Kind -eq 'connected') { Connect-TcpEndpoint 127.0.0.1 $l.LocalPort -Timeout 5 } else { $l | Close-NetSocket -PassThru }
            Receive-TcpConnection $s -Timeout 1 -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -Be "NetSocketNotListening,$Cmd"
            $err[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
            $err[0].Exception.Message | Should -Match 'not listening'
        }
    }

    Context 'when the listener came down the pipeline' {
        # One rule: the listener a pipeline handed in is closed when that pipeline ends, however it ends, so its port can
        # be listened on again at once. Hold records it on its way (and with -Connect queues a client for it).
        BeforeAll {
            filter Hold([hashtable] $Held, [switch] $Connect) {
                $Held.Socket = $_
                if ($Connect) { $Held.Client = Connect-TcpEndpoint 127.0.0.1 $_.LocalPort -Timeout 5 }
                $_
            }
        }

        It 'closes it when the pipeline ends by <Ending>' -ForEach @(
            @{ Ending = 'its end (-Count connections accepted)'; Run = { param($port, $held) Start-TcpListener -Port $port | Hold $held -Connect | Receive-TcpConnection -Timeout 5 } }
            @{ Ending = 'a timeout'; Run = { param($port, $held) Start-TcpListener -Port $port | Hold $held | Receive-TcpConnection -Timeout 1 -ErrorAction SilentlyContinue } }
            @{ Ending = 'an error downstream'; Run = { param($port, $held) Start-TcpListener -Port $port | Hold $held -Connect | Receive-TcpConnection -Timeout 5 | ForEach-Object { throw 'the next command failed' } } }
            @{ Ending = 'a stop (Select-Object -First)'; Run = { param($port, $held) Start-TcpListener -Port $port | Hold $held -Connect | Receive-TcpConnection -Count 2 -Timeout 5 | Select-Object -First 1 } }
        ) {
            $port = Get-FreeTcpPort
            $held = @{}
            try { $null = & $Run $port $held } catch { $_.Exception.Message | Should -Be 'the next command failed' }
            $held.Socket.State | Should -Be 'Closed'
            Get-NetSocket | Where-Object Id -EQ $held.Socket.Id | Should -BeNullOrEmpty
            (Start-TcpListener -Port $port).LocalPort | Should -Be $port
        }
    }

    Context 'when the pipeline is stopped (Ctrl+C)' {
        It 'closes a listener that came down the pipeline (Start-TcpListener | Receive-TcpConnection), so its port is free at once' {
            $port = Get-FreeTcpPort
            $ps = New-BackgroundPowerShell
            try {
                $null = $ps.AddScript("Start-TcpListener -Port $port | Receive-TcpConnection -Timeout 0")
                $run = $ps.BeginInvoke()
                Wait-Until { Get-NetSocket -State Listening | Where-Object LocalPort -EQ $port } -Because "the listener on port $port"
                $listener = Get-NetSocket -State Listening | Where-Object LocalPort -EQ $port
                $watch = [System.Diagnostics.Stopwatch]::StartNew()
                $ps.Stop()
                $watch.Elapsed.TotalSeconds | Should -BeLessThan 5
                $run.IsCompleted | Should -BeTrue
                $ps.InvocationStateInfo.State | Should -Be 'Stopped'
                $listener.State | Should -Be 'Closed'
                Get-NetSocket | Where-Object Id -EQ $listener.Id | Should -BeNullOrEmpty
                $again = Start-TcpListener -Port $port
                $again.LocalPort | Should -Be $port
            }
            finally { $ps.Dispose() }
        }

        It 'closes a Unix listener that came down the pipeline and removes its file, so the path can be listened on again at once' {
            $path = Join-Path $TestDrive 'stopped.sock'
            $ps = New-BackgroundPowerShell
            try {
                $null = $ps.AddScript("Start-TcpListener -Path '$path' | Receive-TcpConnection -Timeout 0")
                $run = $ps.BeginInvoke()
                Wait-Until { Test-Path $path } -Because "the listener at $path"
                $ps.Stop()
                $run.IsCompleted | Should -BeTrue
                $path | Should -Not -Exist
                Get-NetSocket | Where-Object { "$($_.LocalEndPoint)" -eq $path } | Should -BeNullOrEmpty
                (Start-TcpListener -Path $path).State | Should -Be 'Listening'
            }
            finally { $ps.Dispose() }
        }

        It 'leaves a listener the caller holds open (Receive-TcpConnection $l) for the next accept' {
            $l = Start-TcpListener
            $ps = New-BackgroundPowerShell
            try {
                $null = $ps.AddScript('param($l) Receive-TcpConnection $l -Timeout 0').AddArgument($l)
                $run = $ps.BeginInvoke()
                Start-Sleep -Milliseconds 300      # let the accept start waiting
                $ps.Stop()
                $run.IsCompleted | Should -BeTrue
                $l.State | Should -Be 'Listening'
                $c = Connect-TcpEndpoint 127.0.0.1 $l.LocalPort -Timeout 5
                (Receive-TcpConnection $l -Timeout 5).RemoteEndPoint | Should -Be $c.LocalEndPoint
            }
            finally { $ps.Dispose() }
        }
    }

    Context 'when it serves several clients at once with ForEach-Object -Parallel' {
        It 'echoes a line to each of 5 clients, which send in the reverse order of their connections' {
            $l = Start-TcpListener
            $port = $l.LocalPort
            # The clients run in a thread job: all five connect, then the last one sends first and waits for its echo,
            # and so on back to the first. A server that handled one connection at a time would wait on client 1
            # while client 5 waits on it; only connections served in parallel answer all five.
            $clients = Start-ThreadJob -ThrottleLimit 64 -ArgumentList $env:NETSOCK_MODULE, $port -ScriptBlock {
                param($module, $port)
                Import-Module $module
                $sockets = 1..5 | ForEach-Object { Connect-TcpEndpoint 127.0.0.1 $port -Timeout 10 }
                try {
                    foreach ($i in 5..1) {
                        $s = $sockets[$i - 1]
                        Send-SocketData $s "hello from client $i"
                        [pscustomobject]@{ Client = $i; Echo = Receive-SocketData $s -Line -Count 1 -Timeout 20 }
                    }
                }
                finally { $sockets | Close-NetSocket }
            }
            try {
                $served = Receive-TcpConnection $l -Count 5 -Timeout 20 | ForEach-Object -ThrottleLimit 5 -Parallel {
                    Import-Module $env:NETSOCK_MODULE
                    $connection = $_
                    try {
                        $line = Receive-SocketData $connection -Line -Count 1 -Timeout 20
                        Send-SocketData $connection $line
                        $line
                    }
                    finally { $connection | Close-NetSocket }
                }
                $answers = $clients | Wait-Job -Timeout 60 | Receive-Job -ErrorAction Stop
                $clients.State | Should -Be 'Completed'
                @($served | Sort-Object) | Should -Be @(1..5 | ForEach-Object { "hello from client $_" })
                @($answers).Count | Should -Be 5
                foreach ($a in $answers) { $a.Echo | Should -Be "hello from client $($a.Client)" }
                (Get-NetSocket).Id | Should -Be @($l.Id)
            }
            finally { $clients | Stop-Job -PassThru | Remove-Job -Force }
        }
    }
}
