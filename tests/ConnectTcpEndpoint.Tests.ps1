BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'StreamTestHelpers.psm1') -Force
}

BeforeAll {
    Import-Module $env:NETSOCK_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'StreamTestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Cmd = 'NetSock.Commands.ConnectTcpEndpointCommand'
}

Describe 'Connect-TcpEndpoint' {
    AfterEach {
        Get-NetSocket | Close-NetSocket
    }

    Context 'when a server listens' {
        It 'connects to <Address> and returns a connected socket with both endpoints' -ForEach @(
            @{ Address = '127.0.0.1'; Listen = '127.0.0.1'; Family = 'InterNetwork' }
            @{ Address = '::1'; Listen = '::1'; Family = 'InterNetworkV6' }
            @{ Address = '[::1]'; Listen = '::1'; Family = 'InterNetworkV6' }
        ) {
            $l = Start-TcpListener -LocalAddress $Listen
            $c = Connect-TcpEndpoint $Address $l.LocalPort -Timeout 5
            $c | Should -BeOfType NetSock.Sockets.NetSocket
            $c.State | Should -Be 'Connected'
            $c.AddressFamily | Should -Be $Family
            $c.Protocol | Should -Be 'Tcp'
            $c.RemoteEndPoint | Should -Be $l.LocalEndPoint
            $c.LocalEndPoint.Address | Should -Be ([ipaddress]$Listen)
            $c.LocalPort | Should -BeGreaterThan 0
            (Get-NetSocket).Id | Should -Contain $c.Id
            (Receive-TcpConnection $l -Timeout 5).RemoteEndPoint | Should -Be $c.LocalEndPoint
        }

        It 'connects by host name (localhost)' {
            $l = Start-TcpListener
            $c = Connect-TcpEndpoint -ComputerName localhost -Port $l.LocalPort -Timeout 5
            $c.State | Should -Be 'Connected'
            $c.RemoteEndPoint | Should -Be $l.LocalEndPoint
        }

        It 'takes the -HostName and -Address aliases' {
            $l = Start-TcpListener
            (Connect-TcpEndpoint -HostName 127.0.0.1 -Port $l.LocalPort -Timeout 5).State | Should -Be 'Connected'
            (Connect-TcpEndpoint -Address 127.0.0.1 -Port $l.LocalPort -Timeout 5).State | Should -Be 'Connected'
        }

        It 'connects from the port given with -LocalPort' {
            $l = Start-TcpListener
            $localPort = Get-FreeTcpPort
            $c = Connect-TcpEndpoint 127.0.0.1 $l.LocalPort -LocalPort $localPort -Timeout 5
            $c.LocalPort | Should -Be $localPort
            (Receive-TcpConnection $l -Timeout 5).RemoteEndPoint.Port | Should -Be $localPort
        }

        It 'reports NetSocketAddressInUse when the -LocalPort is held by another socket, and leaves nothing open' {
            $l = Start-TcpListener
            $holder = [System.Net.Sockets.Socket]::new('InterNetwork', 'Stream', 'Tcp')
            try {
                $holder.Bind([System.Net.IPEndPoint]::new([ipaddress]::Loopback, 0))
                $holder.Listen(1)
                Connect-TcpEndpoint 127.0.0.1 $l.LocalPort -LocalAddress 127.0.0.1 -LocalPort $holder.LocalEndPoint.Port -Timeout 5 -ErrorVariable err -ErrorAction SilentlyContinue |
                    Should -BeNullOrEmpty
                $err[0].FullyQualifiedErrorId | Should -Be "NetSocketAddressInUse,$Cmd"
                $err[0].CategoryInfo.Category | Should -Be 'ResourceUnavailable'
                (Get-NetSocket).Id | Should -Be @($l.Id)
            }
            finally { $holder.Dispose() }
        }

        It 'connects from the address given with -LocalAddress' {
            $l = Start-TcpListener -LocalAddress ::1
            $c = Connect-TcpEndpoint ::1 $l.LocalPort -LocalAddress ::1 -Timeout 5
            $c.LocalEndPoint.Address | Should -Be ([ipaddress]::IPv6Loopback)
            (Receive-TcpConnection $l -Timeout 5).RemoteEndPoint | Should -Be $c.LocalEndPoint
        }

        It 'connects to a Unix stream socket with -Path' {
            $path = Join-Path $TestDrive 'connect.sock'
            $l = Start-TcpListener -Path $path
            $c = Connect-TcpEndpoint -Path $path -Timeout 5
            $c.AddressFamily | Should -Be 'Unix'
            $c.State | Should -Be 'Connected'
            "$($c.RemoteEndPoint)" | Should -Be $path
            (Receive-TcpConnection $l -Timeout 5).State | Should -Be 'Connected'
        }

        It 'takes ComputerName and Port by property name from the pipeline, one connection per object' {
            $l = Start-TcpListener
            $targets = @(
                [pscustomobject]@{ ComputerName = '127.0.0.1'; Port = $l.LocalPort }
                [pscustomobject]@{ ComputerName = 'localhost'; Port = $l.LocalPort }
            )
            $out = @($targets | Connect-TcpEndpoint -Timeout 5)
            $out.Count | Should -Be 2
            $out.State | Should -Be @('Connected', 'Connected')
            @(Receive-TcpConnection $l -Count 2 -Timeout 5).Count | Should -Be 2
        }
    }

    Context 'when nothing listens' {
        It 'reports NetSocketConnectionRefused with the endpoint as target, and leaves nothing open, on <Address>' -ForEach @(
            @{ Address = '127.0.0.1'; Shown = '127.0.0.1:{0}' }
            @{ Address = '::1'; Shown = '[::1]:{0}' }
        ) {
            $port = Get-FreeTcpPort -Address $Address
            $out = Connect-TcpEndpoint $Address $port -Timeout 5 -ErrorVariable err -ErrorAction SilentlyContinue
            $out | Should -BeNullOrEmpty
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -Be "NetSocketConnectionRefused,$Cmd"
            $err[0].CategoryInfo.Category | Should -Be 'ConnectionError'
            "$($err[0].TargetObject)" | Should -Be ($Shown -f $port)
            $err[0].Exception.Message | Should -Match 'refused the connection'
            Get-NetSocket | Should -BeNullOrEmpty
        }

        It 'goes on with the next pipeline item after a refusal (a non-terminating error)' {
            $l = Start-TcpListener
            $closed = Get-FreeTcpPort
            $out = @(
                [pscustomobject]@{ ComputerName = '127.0.0.1'; Port = $closed }
                [pscustomobject]@{ ComputerName = '127.0.0.1'; Port = $l.LocalPort }
            ) | Connect-TcpEndpoint -Timeout 5 -ErrorVariable err -ErrorAction SilentlyContinue
            @($out).Count | Should -Be 1
            $out.RemoteEndPoint.Port | Should -Be $l.LocalPort
            $err[0].FullyQualifiedErrorId | Should -Be "NetSocketConnectionRefused,$Cmd"
        }

        It 'reports NetSocketPathNotFound for a Unix path where nothing is' {
            $path = Join-Path $TestDrive 'nobody-here.sock'
            Connect-TcpEndpoint -Path $path -Timeout 5 -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -Be "NetSocketPathNotFound,$Cmd"
            $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            "$($err[0].TargetObject)" | Should -Be $path
            Get-NetSocket | Should -BeNullOrEmpty
        }

        It 'says a Unix path that is <What> is not a socket (<ErrorId>), not that nothing listens on a port, and leaves nothing open' -ForEach @(
            @{ What = 'a plain file'; ErrorId = 'NetSocketPathNotSocket'; Make = { param($p) Set-Content -Path $p -Value 'not a socket' }; Says = 'is a regular file, not a Unix socket' }
            @{ What = 'a FIFO'; ErrorId = 'NetSocketPathNotSocket'; Make = { param($p) & mkfifo $p }; Says = 'is a FIFO \(named pipe\), not a Unix socket' }
            @{ What = 'a directory'; ErrorId = 'NetSocketPathIsDirectory'; Make = { param($p) $null = New-Item -ItemType Directory -Path $p }; Says = 'is a directory, not a Unix socket' }
        ) {
            $path = Join-Path $TestDrive "not-a-socket-$(Get-Random)"
            & $Make $path
            Connect-TcpEndpoint -Path $path -Timeout 5 -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -Be "$ErrorId,$Cmd"
            "$($err[0].CategoryInfo.Category)" | Should -Be 'InvalidArgument'
            $err[0].Exception.Message | Should -Match $Says
            $err[0].Exception.Message | Should -Not -Match 'port'
            Get-NetSocket | Should -BeNullOrEmpty
        }

        It 'says nothing listens on a Unix socket file whose server has gone, and goes on with the next path' {
            $gone = Join-Path $TestDrive 'gone.sock'
            New-StaleUnixSocket -Path $gone -Type Stream
            $live = Join-Path $TestDrive 'live.sock'
            $l = Start-TcpListener -Path $live
            $out = [pscustomobject]@{ Path = $gone }, [pscustomobject]@{ Path = $live } | Connect-TcpEndpoint -Timeout 5 -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -Be "NetSocketConnectionRefused,$Cmd"
            $err[0].Exception.Message | Should -Match "Nothing listens on the Unix socket '.*gone.sock'.*Start the server again"
            @($out).Count | Should -Be 1
            "$($out.RemoteEndPoint)" | Should -Be $live
        }

        It 'says a Unix path over 107 bytes is too long, giving the limit' {
            $path = Join-Path $TestDrive ('x' * 120)
            Connect-TcpEndpoint -Path $path -Timeout 5 -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -Be "NetSocketPathTooLong,$Cmd"
            $err[0].Exception.Message | Should -Match "is $([Text.Encoding]::UTF8.GetByteCount($path)) bytes long.*at most 107 bytes"
        }

        It 'says a host name over 255 characters is too long for DNS' {
            $name = ((@('a' * 63) * 4) -join '.') + '.invalid'
            Connect-TcpEndpoint $name 80 -Timeout 5 -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -Be "NetSocketNameTooLong,$Cmd"
            "$($err[0].CategoryInfo.Category)" | Should -Be 'InvalidArgument'
            $err[0].Exception.Message | Should -Match "is $($name.Length) characters long, but a DNS name has at most 255"
            Get-NetSocket | Should -BeNullOrEmpty
        }
    }

    Context 'when the server does not complete the connection in time' {
        It 'reports NetSocketTimeout after -Timeout seconds when the listener''s backlog is full, and closes the socket' {
            $l = Start-TcpListener -Backlog 1
            # Fill the accept queue (Linux completes backlog + 1 handshakes); the next SYN is dropped and connect waits.
            $queued = @()
            $err = $null
            foreach ($i in 1..6) {
                $before = @(Get-NetSocket).Id
                $watch = [System.Diagnostics.Stopwatch]::StartNew()
                $s = Connect-TcpEndpoint 127.0.0.1 $l.LocalPort -Timeout 1 -ErrorVariable err -ErrorAction SilentlyContinue
                $watch.Stop()
                if ($err) { break }
                $queued += $s
            }
            $err | Should -Not -BeNullOrEmpty -Because 'a connection beyond a full backlog is never completed'
            $queued.Count | Should -BeGreaterOrEqual 1
            $err[0].FullyQualifiedErrorId | Should -Be "NetSocketTimeout,$Cmd"
            $err[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
            "$($err[0].TargetObject)" | Should -Be "127.0.0.1:$($l.LocalPort)"
            $err[0].Exception.Message | Should -Match 'timed out after 1 s'
            $watch.Elapsed.TotalSeconds | Should -BeGreaterThan 0.9
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 5
            # The socket of the failed attempt is closed and gone: only what was there before remains.
            @(Get-NetSocket).Id | Should -Be $before
        }

        It 'accepts a fractional -Timeout' {
            $l = Start-TcpListener -Backlog 1
            $watch = $null
            foreach ($i in 1..6) {
                $watch = [System.Diagnostics.Stopwatch]::StartNew()
                $null = Connect-TcpEndpoint 127.0.0.1 $l.LocalPort -Timeout 0.3 -ErrorVariable err -ErrorAction SilentlyContinue
                $watch.Stop()
                if ($err) { break }
            }
            $err[0].FullyQualifiedErrorId | Should -Be "NetSocketTimeout,$Cmd"
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 2
        }
    }

    Context 'when the name does not resolve' {
        It 'reports NetSocketNameNotFound with the name as target, and leaves nothing open' -Tag 'Root' -Skip:(-not (Test-CanUnshareNet)) {
            # Resolving an unknown name asks the DNS server; a network namespace of the test's own keeps the query on this host.
            $result = Invoke-InNewNetNamespace {
                Connect-TcpEndpoint no-such-host.invalid 80 -Timeout 5 -ErrorVariable err -ErrorAction SilentlyContinue
                [pscustomobject]@{
                    ErrorId  = $err[0].FullyQualifiedErrorId
                    Category = "$($err[0].CategoryInfo.Category)"
                    Target   = "$($err[0].TargetObject)"
                    Message  = $err[0].Exception.Message
                    Open     = @(Get-NetSocket).Count
                }
            }
            $result.ErrorId | Should -Be "NetSocketNameNotFound,$Cmd"
            $result.Category | Should -Be 'ObjectNotFound'
            $result.Target | Should -Be 'no-such-host.invalid'
            $result.Message | Should -Match "'no-such-host\.invalid' could not be resolved"
            $result.Open | Should -Be 0
        }

        It 'reports NetSocketNameNotFound when the name has no address of the -LocalAddress family' -Skip:([System.Net.Dns]::GetHostAddresses('localhost').AddressFamily -contains 'InterNetworkV6') {
            Connect-TcpEndpoint localhost 9 -LocalAddress ::1 -Timeout 5 -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -Be "NetSocketNameNotFound,$Cmd"
            $err[0].Exception.Message | Should -Match 'IPv6 address'
            Get-NetSocket | Should -BeNullOrEmpty
        }
    }

    Context 'when the arguments are wrong' {
        It 'rejects port <Port>' -ForEach @(@{ Port = 0 }, @{ Port = 65536 }) {
            { Connect-TcpEndpoint 127.0.0.1 $Port } | Should -Throw -ErrorId "ParameterArgumentValidationError,$Cmd"
            Get-NetSocket | Should -BeNullOrEmpty
        }
    }
}

Describe 'The seed''s section 3 TCP server and client, transcribed' {
    AfterEach {
        Get-NetSocket | Close-NetSocket
    }

    It 'server: listen(10), accept, recv(100), send, close; client: connect, send, recv(100), close -- on <Name>' -ForEach @(
        @{ Name = '127.0.0.1'; Address = '127.0.0.1' }
        @{ Name = '::1'; Address = '::1' }
        @{ Name = 'a Unix path'; Address = $null }
    ) {
        $path = Join-Path $TestDrive 'seed.sock'
        # server: s = socket(AF_INET, SOCK_STREAM); s.bind((addr, port)); s.listen(10)
        $server = if ($Address) { Start-TcpListener -LocalAddress $Address -Port 0 -Backlog 10 } else { Start-TcpListener -Path $path -Backlog 10 }
        # client: c = socket(AF_INET, SOCK_STREAM); c.connect((addr, port))
        $client = if ($Address) { Connect-TcpEndpoint $Address $server.LocalPort -Timeout 5 } else { Connect-TcpEndpoint -Path $path -Timeout 5 }
        # client: c.send(b'Hello, server')
        Send-SocketData $client 'Hello, server' -NoNewline -Timeout 5
        # server: conn, addr = s.accept()
        $conn = Receive-TcpConnection $server -Timeout 5
        # server: data = conn.recv(100); print(data)
        $data = Receive-SocketData $conn -MaximumBytes 100 -Timeout 5
        # server: conn.send(b'Hello, client'); conn.close()
        Send-SocketData $conn 'Hello, client' -NoNewline -Timeout 5
        $conn | Close-NetSocket
        # client: data = c.recv(100); print(data); c.close()
        $reply = Receive-SocketData $client -MaximumBytes 100 -Timeout 5
        $client | Close-NetSocket

        $data | Should -Be 'Hello, server'
        $reply | Should -Be 'Hello, client'
        if ($Address) { $conn.RemoteEndPoint | Should -Be $client.LocalEndPoint }
        $conn.BytesReceived | Should -Be 13
        $conn.BytesSent | Should -Be 13
        $client.BytesSent | Should -Be 13
        $client.BytesReceived | Should -Be 13
        (Get-NetSocket).Id | Should -Be @($server.Id)
    }
}
