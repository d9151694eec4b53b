BeforeAll {
    Import-Module $env:NETSOCK_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'StreamTestHelpers.psm1') -Force
    $script:Cmd = 'NetSock.Commands.StartTcpListenerCommand'
}

Describe 'Start-TcpListener' {
    AfterEach {
        Get-NetSocket | Close-NetSocket
    }

    Context 'when started with no arguments' {
        It 'listens on 127.0.0.1 at an ephemeral port shown as LocalPort, in state Listening' {
            $l = Start-TcpListener
            $l.State | Should -Be 'Listening'
            $l.AddressFamily | Should -Be 'InterNetwork'
            $l.SocketType | Should -Be 'Stream'
            $l.Protocol | Should -Be 'Tcp'
            $l.LocalEndPoint.Address | Should -Be ([ipaddress]'127.0.0.1')
            $l.LocalPort | Should -BeGreaterThan 0
            $l.LocalEndPoint.Port | Should -Be $l.LocalPort
            (Get-NetSocket).Id | Should -Be @($l.Id)
        }

        It 'returns at once, and the kernel queues a connection that is accepted later in the same runspace' {
            $l = Start-TcpListener
            $client = [System.Net.Sockets.TcpClient]::new()
            try {
                $client.Connect('127.0.0.1', $l.LocalPort)
                $a = Receive-TcpConnection $l -Timeout 5
                $a.State | Should -Be 'Connected'
                $a.RemoteEndPoint.Port | Should -Be $client.Client.LocalEndPoint.Port
            }
            finally { $client.Dispose() }
        }

        It 'sets SO_REUSEADDR on the listening socket' {
            $l = Start-TcpListener
            $b = [byte[]]::new(4); $null = $l.Socket.GetRawSocketOption(1, 2, $b); [BitConverter]::ToInt32($b, 0) | Should -Be 1   # SO_REUSEADDR itself
        }
    }

    Context 'when given a port, an address or a backlog' {
        It 'listens on the port given, by name or by position' {
            $port = Get-FreeTcpPort
            (Start-TcpListener -Port $port).LocalPort | Should -Be $port
            Get-NetSocket | Close-NetSocket
            (Start-TcpListener $port).LocalPort | Should -Be $port
        }

        It 'listens on ::1 with -LocalAddress ::1 and takes an IPv6 connection' {
            $l = Start-TcpListener -LocalAddress ::1
            $l.AddressFamily | Should -Be 'InterNetworkV6'
            $l.LocalEndPoint.Address | Should -Be ([ipaddress]::IPv6Loopback)
            $c = Connect-TcpEndpoint ::1 $l.LocalPort -Timeout 5
            (Receive-TcpConnection $l -Timeout 5).RemoteEndPoint | Should -Be $c.LocalEndPoint
        }

        It 'listens on every IPv4 address with -AnyAddress, reachable through 127.0.0.1' {
            $l = Start-TcpListener -AnyAddress
            $l.LocalEndPoint.Address | Should -Be ([ipaddress]::Any)
            $c = Connect-TcpEndpoint 127.0.0.1 $l.LocalPort -Timeout 5
            $c.State | Should -Be 'Connected'
            (Receive-TcpConnection $l -Timeout 5).State | Should -Be 'Connected'
        }

        It 'listens on every IPv6 address with -LocalAddress ::, reachable through ::1' {
            $l = Start-TcpListener -LocalAddress ::
            $l.LocalEndPoint.Address | Should -Be ([ipaddress]::IPv6Any)
            $c = Connect-TcpEndpoint ::1 $l.LocalPort -Timeout 5
            (Receive-TcpConnection $l -Timeout 5).RemoteEndPoint | Should -Be $c.LocalEndPoint
        }

        It 'refuses -LocalAddress together with -AnyAddress, and leaves nothing open' {
            { Start-TcpListener -AnyAddress -LocalAddress 127.0.0.1 } | Should -Throw -ErrorId "TcpListenerAddressConflict,$Cmd"
            $Error[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
            Get-NetSocket | Should -BeNullOrEmpty
        }

        It 'queues -Backlog connections before accept, and a connection beyond the queue is not completed' {
            $l = Start-TcpListener -Backlog 2
            $results = foreach ($i in 1..5) {
                Connect-TcpEndpoint 127.0.0.1 $l.LocalPort -Timeout 1 -ErrorAction SilentlyContinue -ErrorVariable +failed
            }
            # Linux completes backlog + 1 handshakes before it drops SYNs; either way at least -Backlog are queued.
            @($results).Count | Should -BeGreaterOrEqual 2
            @($results).Count | Should -BeLessThan 5
            @($failed).Count | Should -Be (5 - @($results).Count)
            $failed | ForEach-Object FullyQualifiedErrorId | Sort-Object -Unique | Should -Be 'NetSocketTimeout,NetSock.Commands.ConnectTcpEndpointCommand'
            $accepted = Receive-TcpConnection $l -Count @($results).Count -Timeout 5
            @($accepted).Count | Should -Be @($results).Count
        }

        It 'rejects a backlog of <Backlog>' -ForEach @(@{ Backlog = 0 }, @{ Backlog = -1 }) {
            { Start-TcpListener -Backlog $Backlog } | Should -Throw -ErrorId "ParameterArgumentValidationError,$Cmd"
            Get-NetSocket | Should -BeNullOrEmpty
        }
    }

    Context 'when given -Path' {
        It 'listens on a Unix stream socket at that path, takes a connection, and removes the file on close' {
            $path = Join-Path $TestDrive 'listen.sock'
            $l = Start-TcpListener -Path $path
            $l.AddressFamily | Should -Be 'Unix'
            $l.SocketType | Should -Be 'Stream'
            $l.State | Should -Be 'Listening'
            "$($l.LocalEndPoint)" | Should -Be $path
            $path | Should -Exist
            $c = Connect-TcpEndpoint -Path $path -Timeout 5
            $a = Receive-TcpConnection $l -Timeout 5
            Send-SocketData $c 'over unix'
            Receive-SocketData $a -Line -Count 1 -Timeout 5 | Should -Be 'over unix'
            $l | Close-NetSocket
            $path | Should -Not -Exist
        }

        It 'resolves a relative path against the current location' {
            Push-Location $TestDrive
            try {
                $l = Start-TcpListener -Path ./relative.sock
                "$($l.LocalEndPoint)" | Should -Be (Join-Path $TestDrive 'relative.sock')
            }
            finally { Pop-Location }
        }

        It 'says the path exists when something is already there, and leaves nothing open' {
            $path = Join-Path $TestDrive 'taken.sock'
            $first = Start-TcpListener -Path $path
            { Start-TcpListener -Path $path } | Should -Throw -ErrorId "NetSocketAddressInUse,$Cmd"
            $Error[0].Exception.Message | Should -Match 'already exists'
            (Get-NetSocket).Id | Should -Be @($first.Id)
        }

        It 'says a -Path that is a directory is a directory, suggesting a socket file in it' {
            { Start-TcpListener -Path $TestDrive } | Should -Throw -ErrorId "NetSocketPathIsDirectory,$Cmd"
            $Error[0].Exception.Message | Should -Match ([regex]::Escape("such as '$TestDrive/server.sock'"))
            Get-NetSocket | Should -BeNullOrEmpty
        }

        It 'says a -Path over 107 bytes is too long' {
            { Start-TcpListener -Path (Join-Path $TestDrive ('l' * 110)) } | Should -Throw -ErrorId "NetSocketPathTooLong,$Cmd"
            $Error[0].Exception.Message | Should -Match 'at most 107 bytes'
            Get-NetSocket | Should -BeNullOrEmpty
        }

        It 'names the missing folder of the path' {
            { Start-TcpListener -Path (Join-Path $TestDrive 'no-such-folder/x.sock') } | Should -Throw -ErrorId "NetSocketPathNotFound,$Cmd"
            $Error[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            Get-NetSocket | Should -BeNullOrEmpty
        }
    }

    Context 'when the port is busy' {
        It 'fails with NetSocketAddressInUse naming the endpoint when another program listens there with SO_REUSEADDR, and leaves nothing in Get-NetSocket' -ForEach @(
            @{ Address = '127.0.0.1'; Shown = '127.0.0.1:{0}' }
            @{ Address = '::1'; Shown = '[::1]:{0}' }
        ) {
            # What socat reuseaddr, Python's socketserver and most servers do: SO_REUSEADDR, not SO_REUSEPORT.
            $other = [System.Net.Sockets.Socket]::new(([ipaddress]$Address).AddressFamily, 'Stream', 'Tcp')
            try {
                $other.SetRawSocketOption(1, 2, [BitConverter]::GetBytes(1))     # SOL_SOCKET, SO_REUSEADDR
                $other.Bind([System.Net.IPEndPoint]::new([ipaddress]$Address, 0))
                $other.Listen(10)
                $port = $other.LocalEndPoint.Port
                { Start-TcpListener -LocalAddress $Address -Port $port } | Should -Throw -ErrorId "NetSocketAddressInUse,$Cmd"
                $Error[0].CategoryInfo.Category | Should -Be 'ResourceUnavailable'
                "$($Error[0].TargetObject)" | Should -Be ($Shown -f $port)
                $Error[0].Exception.Message | Should -Match ([regex]::Escape(($Shown -f $port)) + ' is already in use')
                Get-NetSocket | Should -BeNullOrEmpty
            }
            finally { $other.Dispose() }
        }

        It 'fails with NetSocketAddressInUse when another Start-TcpListener listens on the port, instead of sharing its connections' {
            # Bug: .NET's ReuseAddress option sets SO_REUSEPORT as well as SO_REUSEADDR on Linux, so a second
            # listener binds the same port and the kernel splits incoming connections between the two.
            $first = Start-TcpListener
            { Start-TcpListener -Port $first.LocalPort } | Should -Throw -ErrorId "NetSocketAddressInUse,$Cmd"
            "$($Error[0].TargetObject)" | Should -Be "127.0.0.1:$($first.LocalPort)"
            (Get-NetSocket).Id | Should -Be @($first.Id)
            $first.State | Should -Be 'Listening'
        }

        It 'sets SO_REUSEADDR but not SO_REUSEPORT, so no other socket can share the listening port' {
            $l = Start-TcpListener
            $value = [byte[]]::new(4)
            $null = $l.Socket.GetRawSocketOption(1, 2, $value)       # SOL_SOCKET, SO_REUSEADDR
            [BitConverter]::ToInt32($value, 0) | Should -Be 1 -Because 'SO_REUSEADDR frees the port at once after close'
            $null = $l.Socket.GetRawSocketOption(1, 15, $value)      # SOL_SOCKET, SO_REUSEPORT
            [BitConverter]::ToInt32($value, 0) | Should -Be 0 -Because 'SO_REUSEPORT would let a second listener take half the connections'
        }
    }

    Context 'when a listener is closed (SO_REUSEADDR)' {
        It 'lets its port be listened on again at once' {
            $l = Start-TcpListener
            $port = $l.LocalPort
            $l | Close-NetSocket
            $again = Start-TcpListener -Port $port
            $again.LocalPort | Should -Be $port
            $again.State | Should -Be 'Listening'
        }

        It 'lets its port be listened on again at once even after the server closed a connection first (TIME_WAIT)' {
            $l = Start-TcpListener
            $port = $l.LocalPort
            $c = Connect-TcpEndpoint 127.0.0.1 $port -Timeout 5
            $a = Receive-TcpConnection $l -Timeout 5
            Send-SocketData $a 'bye'
            $a | Close-NetSocket            # the server closes first: its side of 127.0.0.1:$port goes to TIME_WAIT
            Receive-SocketData $c -UntilClosed -Timeout 5 | Should -Be "bye`n"
            $c, $l | Close-NetSocket
            $again = Start-TcpListener -Port $port
            $again.LocalPort | Should -Be $port
            $c2 = Connect-TcpEndpoint 127.0.0.1 $port -Timeout 5
            (Receive-TcpConnection $again -Timeout 5).RemoteEndPoint | Should -Be $c2.LocalEndPoint
        }
    }
}
