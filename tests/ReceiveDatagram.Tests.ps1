# Receive-Datagram, the course's recvfrom(). Receive-Datagram blocks, so when it binds a port itself the sender runs in a
# thread job that waits until Get-NetSocket shows the receiver's socket (the registry is the process's, so the job sees
# it) and then sends; with -Socket the datagrams are sent first and the kernel queues them. Every address is loopback
# or a Unix path under $TestDrive.

BeforeAll {
    Import-Module $env:NETSOCK_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Cmd = 'NetSock.Commands.ReceiveDatagramCommand'
    $script:NoRoot = 'it needs root or CAP_NET_RAW (raw sockets); run the tests as root'
    $script:Jobs = [System.Collections.Generic.List[object]]::new()

    function Get-FreeUdpPort {
        <# A UDP port free on the address right now: the kernel picks it for a socket bound to port 0, closed at once. #>
        param([ipaddress] $Address = [ipaddress]::Loopback)
        $s = [System.Net.Sockets.Socket]::new($Address.AddressFamily, 'Dgram', 'Udp')
        try { $s.Bind([System.Net.IPEndPoint]::new($Address, 0)); $s.LocalEndPoint.Port }
        finally { $s.Dispose() }
    }

    function Send-Udp {
        <#
        sendto() with a plain .NET socket (not Send-Datagram, so these tests check Receive-Datagram alone); returns the
        sender's endpoint, which the datagram's RemoteEndPoint must show.
        #>
        param([Parameter(Mandatory)] [System.Net.EndPoint] $To, [Parameter(Mandatory)] [AllowEmptyCollection()] [object] $Payload)
        $datagrams = @(if ($Payload -is [byte[]]) { , $Payload } else { $Payload })
        $family = $To.AddressFamily
        $protocol = if ($family -eq 'Unix') { 'Unspecified' } else { 'Udp' }
        $s = [System.Net.Sockets.Socket]::new($family, 'Dgram', $protocol)
        try {
            if ($family -ne 'Unix') { $s.Bind([System.Net.IPEndPoint]::new($To.Address, 0)) }
            foreach ($p in $datagrams) { $null = $s.SendTo([byte[]]$p, $To) }
            $s.LocalEndPoint
        }
        finally { $s.Dispose() }
    }

    function Get-Bytes([string] $Text) { , [Text.UTF8Encoding]::new($false).GetBytes($Text) }

    function Start-SenderWhenBound {
        <#
        Runs -ScriptBlock (with the built NetSock imported) in a thread job as soon as a NetSock socket is bound on
        -Port, at -Path, or for raw -Protocol; the job is kept in $Jobs and removed after each test.
        #>
        param(
            [int] $Port, [string] $Path, [int] $Protocol,
            [Parameter(Mandatory)] [scriptblock] $ScriptBlock,
            [object[]] $ArgumentList = @()
        )
        $job = Start-ThreadJob -ThrottleLimit 64 -ArgumentList $Port, $Path, $Protocol, "$ScriptBlock", $ArgumentList -ScriptBlock {
            param($port, $path, $protocol, $script, $arguments)
            Import-Module $env:NETSOCK_MODULE
            $deadline = [datetime]::UtcNow.AddSeconds(15)
            while (-not (Get-NetSocket | Where-Object {
                        ($port -and $_.LocalPort -eq $port) -or ($path -and "$($_.LocalEndPoint)" -eq $path) -or
                        ($protocol -and $_.SocketType -eq 'Raw' -and $_.ProtocolNumber -eq $protocol) })) {
                if ([datetime]::UtcNow -gt $deadline) { throw 'The receiver did not bind its socket within 15 s.' }
                Start-Sleep -Milliseconds 10
            }
            & ([scriptblock]::Create($script)) @arguments
        }
        $Jobs.Add($job)
        $job
    }

    function Complete-Sender {
        <# Waits for a sender job and rethrows what failed in it, so a broken sender fails the test that started it. #>
        param([Parameter(Mandatory, ValueFromPipeline)] $Job)
        process {
            if (-not (Wait-Job $Job -Timeout 20)) { throw 'The sender job did not finish within 20 s.' }
            Receive-Job $Job -ErrorAction Stop
        }
    }
}

Describe 'Receive-Datagram' {
    AfterEach {
        foreach ($job in $Jobs) { Remove-Job $job -Force -ErrorAction Ignore }
        $Jobs.Clear()
        Get-NetSocket | Close-NetSocket
    }

    Context 'when it is the seed''s UDP server (section 4: socket, bind, recvfrom, close)' {
        It 'binds <Address>, receives what the seed''s client sends with Send-Datagram, and closes its socket' -ForEach @(
            @{ Address = '127.0.0.1'; Local = '127.0.0.1:{0}' }
            @{ Address = '::1'; Local = '[::1]:{0}' }
        ) {
            $port = Get-FreeUdpPort $Address
            $client = Start-SenderWhenBound -Port $port -ArgumentList $Address, $port -ScriptBlock {
                param($address, $port)
                Send-Datagram $address $port 'Hello, server'
            }
            $d = Receive-Datagram -LocalAddress $Address -LocalPort $port -Timeout 10
            $d.Text | Should -Be 'Hello, server'
            $d.RemoteEndPoint.Address | Should -Be ([ipaddress]$Address)
            "$($d.LocalEndPoint)" | Should -Be ($Local -f $port)
            $client | Complete-Sender
            Get-NetSocket | Should -BeNullOrEmpty
        }

        It 'binds 127.0.0.1 when no -LocalAddress is given, and takes the port by position' {
            $port = Get-FreeUdpPort
            $null = Start-SenderWhenBound -Port $port -ArgumentList $port -ScriptBlock { param($port) Send-Datagram 127.0.0.1 $port 'default address' }
            $d = Receive-Datagram $port -Timeout 10
            $d.Text | Should -Be 'default address'
            "$($d.LocalEndPoint)" | Should -Be "127.0.0.1:$port"
        }

        It 'receives -Count datagrams from one bind, then closes the socket' {
            $port = Get-FreeUdpPort
            $client = Start-SenderWhenBound -Port $port -ArgumentList $port -ScriptBlock { param($port) 'one', 'two', 'three' | Send-Datagram 127.0.0.1 $port }
            $all = Receive-Datagram -LocalPort $port -Count 3 -Timeout 10
            $all.Text | Should -Be @('one', 'two', 'three')
            $client | Complete-Sender
            Get-NetSocket | Should -BeNullOrEmpty
        }

        It 'streams each datagram down the pipeline as it arrives, before the next one is sent' {
            $port = Get-FreeUdpPort
            $firstSeen = [System.Threading.ManualResetEventSlim]::new($false)
            try {
                $client = Start-SenderWhenBound -Port $port -ArgumentList $port, $firstSeen -ScriptBlock {
                    param($port, $firstSeen)
                    Send-Datagram 127.0.0.1 $port 'first'
                    if (-not $firstSeen.Wait(10000)) { throw 'The first datagram did not come out of Receive-Datagram before the second was sent.' }
                    Send-Datagram 127.0.0.1 $port 'second'
                }
                $texts = Receive-Datagram -LocalPort $port -Count 2 -Timeout 15 | ForEach-Object {
                    if ($_.Text -eq 'first') { $firstSeen.Set() }
                    $_.Text
                }
                $texts | Should -Be @('first', 'second')
                $client | Complete-Sender
            }
            finally { $firstSeen.Dispose() }
        }
    }

    Context 'when it returns Datagram objects' {
        BeforeEach {
            $script:server = New-NetSocket AF_INET SOCK_DGRAM -LocalPort 0
        }

        It 'carries Data, Text, Length, RemoteEndPoint, LocalEndPoint and Timestamp' {
            $before = [DateTimeOffset]::Now
            $from = Send-Udp $server.LocalEndPoint (Get-Bytes 'seed datagram')
            $d = Receive-Datagram -Socket $server -Timeout 5
            $after = [DateTimeOffset]::Now
            $d | Should -BeOfType ([NetSock.Sockets.Datagram])
            $d.Data | Should -BeOfType ([byte])
            , $d.Data | Should -BeOfType ([byte[]])
            $d.Data | Should -Be (Get-Bytes 'seed datagram')
            $d.Text | Should -Be 'seed datagram'
            $d.Length | Should -Be 13
            $d.RemoteEndPoint | Should -Be $from
            $d.LocalEndPoint | Should -Be $server.LocalEndPoint
            $d.Timestamp | Should -BeOfType ([DateTimeOffset])
            $d.Timestamp | Should -BeGreaterOrEqual $before
            $d.Timestamp | Should -BeLessOrEqual $after
            $d.Packet | Should -BeNullOrEmpty
            $d.IPHeader | Should -BeNullOrEmpty
        }

        It 'decodes Text as UTF-8' {
            $null = Send-Udp $server.LocalEndPoint (Get-Bytes 'héllo ✓ 你好')
            (Receive-Datagram -Socket $server -Timeout 5).Text | Should -Be 'héllo ✓ 你好'
        }

        It 'keeps binary Data byte for byte, all 256 values' {
            $bytes = [byte[]](0..255)
            $null = Send-Udp $server.LocalEndPoint (, $bytes)
            $d = Receive-Datagram -Socket $server -Timeout 5
            $d.Length | Should -Be 256
            $d.Data | Should -Be $bytes
        }

        It 'receives an empty datagram as Length 0' {
            $null = Send-Udp $server.LocalEndPoint (, [byte[]]@())
            $d = Receive-Datagram -Socket $server -Timeout 5
            $d.Length | Should -Be 0
            $d.Text | Should -Be ''
        }

        It 'receives a 65,507-byte datagram whole by default' {
            $bytes = [byte[]]::new(65507)
            [Random]::new(5).NextBytes($bytes)
            $null = Send-Udp $server.LocalEndPoint (, $bytes)
            $d = Receive-Datagram -Socket $server -Timeout 5
            $d.Length | Should -Be 65507
            [Convert]::ToHexString($d.Data) | Should -Be ([Convert]::ToHexString($bytes))
        }

        It 'cuts a datagram longer than -MaximumBytes, as recvfrom(bufsize) does, and the next one arrives on its own' {
            $null = Send-Udp $server.LocalEndPoint (Get-Bytes 'abcdefgh'), (Get-Bytes 'next')
            $d = Receive-Datagram -Socket $server -MaximumBytes 3 -Count 2 -Timeout 5
            $d[0].Text | Should -Be 'abc'
            $d[0].Length | Should -Be 3
            $d[1].Text | Should -Be 'nex'
        }

        It 'receives over IPv6 with the sender''s [address]:port' {
            $server6 = New-NetSocket AF_INET6 SOCK_DGRAM -LocalAddress ::1 -LocalPort 0
            $from = Send-Udp $server6.LocalEndPoint (Get-Bytes 'six')
            $d = Receive-Datagram -Socket $server6 -Timeout 5
            $d.Text | Should -Be 'six'
            "$($d.RemoteEndPoint)" | Should -Be "[::1]:$($from.Port)"
            "$($d.LocalEndPoint)" | Should -Be "[::1]:$($server6.LocalPort)"
        }
    }

    Context 'when it reads from -Socket' {
        It 'reads what is queued on a bound New-NetSocket socket, -Count at a time, and leaves the socket open' {
            $server = New-NetSocket AF_INET SOCK_DGRAM -LocalPort 0
            $null = Send-Udp $server.LocalEndPoint (Get-Bytes '1'), (Get-Bytes '2'), (Get-Bytes '3'), (Get-Bytes '4'), (Get-Bytes '5')
            (Receive-Datagram -Socket $server -Count 3 -Timeout 5).Text | Should -Be @('1', '2', '3')
            $server.State | Should -Be 'Open'
            (Receive-Datagram -Socket $server -Count 2 -Timeout 5).Text | Should -Be @('4', '5')
            $server.BytesReceived | Should -Be 5
            (Get-NetSocket).Id | Should -Be @($server.Id)
        }

        It 'takes the socket from the pipeline, and closes it when the pipeline ends' {
            $server = New-NetSocket AF_INET SOCK_DGRAM -LocalPort 0
            $null = Send-Udp $server.LocalEndPoint (Get-Bytes 'piped socket')
            ($server | Receive-Datagram -Timeout 5).Text | Should -Be 'piped socket'
            $server.State | Should -Be 'Closed'
        }

        It 'closes a socket that came down the pipeline when the pipeline ends by <Ending>, so its port is free again' -ForEach @(
            @{ Ending = 'its end (-Count datagrams received)'; Run = { param($held) New-NetSocket AF_INET SOCK_DGRAM -LocalPort 0 | Hold $held -Send | Receive-Datagram -Count 2 -Timeout 5 } }
            @{ Ending = 'a timeout'; Run = { param($held) New-NetSocket AF_INET SOCK_DGRAM -LocalPort 0 | Hold $held | Receive-Datagram -Timeout 1 } }
            @{ Ending = 'an error downstream'; Run = { param($held) New-NetSocket AF_INET SOCK_DGRAM -LocalPort 0 | Hold $held -Send | Receive-Datagram -Timeout 5 | ForEach-Object { throw 'the next command failed' } } }
            @{ Ending = 'a stop (Select-Object -First)'; Run = { param($held) New-NetSocket AF_INET SOCK_DGRAM -LocalPort 0 | Hold $held -Send | Receive-Datagram -Count 2 -Timeout 5 | Select-Object -First 1 } }
        ) {
            # Hold records the socket on its way down (and with -Send queues two datagrams for it).
            filter Hold([hashtable] $Held, [switch] $Send) {
                $Held.Socket = $_
                if ($Send) { $null = Send-Udp $_.LocalEndPoint (Get-Bytes 'one'), (Get-Bytes 'two') }
                $_
            }
            $held = @{}
            try { $null = & $Run $held } catch { $_.Exception.Message | Should -BeIn @('the next command failed', "No datagram arrived on $($held.Socket.LocalEndPoint) within 1 s. Give a longer -Timeout, or -Timeout 0 to wait without limit.") }
            $held.Socket.State | Should -Be 'Closed'
            Get-NetSocket | Where-Object Id -EQ $held.Socket.Id | Should -BeNullOrEmpty
            (New-NetSocket AF_INET SOCK_DGRAM -LocalPort $held.Socket.LocalPort).LocalPort | Should -Be $held.Socket.LocalPort
        }

        It 'gets the reply to a Send-Datagram -Socket on that same socket (client and server in one runspace)' {
            $server = New-NetSocket AF_INET SOCK_DGRAM -LocalPort 0
            $client = New-NetSocket AF_INET SOCK_DGRAM -LocalPort 0
            Send-Datagram -Socket $client -ComputerName 127.0.0.1 -Port $server.LocalPort 'ping'
            $question = Receive-Datagram -Socket $server -Timeout 5
            $question.RemoteEndPoint.Port | Should -Be $client.LocalPort
            Send-Datagram -Socket $server -ComputerName $question.RemoteEndPoint.Address -Port $question.RemoteEndPoint.Port 'pong'
            $answer = Receive-Datagram -Socket $client -Timeout 5
            $answer.Text | Should -Be 'pong'
            $answer.RemoteEndPoint.Port | Should -Be $server.LocalPort
            $client.State, $server.State | Should -Be @('Open', 'Open')
        }

        It 'times out on a -Socket with DatagramTimeout and leaves that socket open' {
            $server = New-NetSocket AF_INET SOCK_DGRAM -LocalPort 0
            { Receive-Datagram -Socket $server -Timeout 0.3 } | Should -Throw -ErrorId "DatagramTimeout,$Cmd"
            $server.State | Should -Be 'Open'
            $null = Send-Udp $server.LocalEndPoint (Get-Bytes 'still there')
            (Receive-Datagram -Socket $server -Timeout 5).Text | Should -Be 'still there'
        }

        It 'refuses a TCP <Kind> socket with DatagramSocketIsStream, saying what to use instead' -ForEach @(
            @{ Kind = 'listening'; Says = 'Receive-TcpConnection' }
            @{ Kind = 'connected'; Says = 'Receive-SocketData' }
        ) {
            $l = Start-TcpListener
            $s = if ($Kind -eq 'listening') { $l } else { Connect-TcpEndpoint 127.0.0.1 $l.LocalPort -Timeout 5 }
            { Receive-Datagram -Socket $s -Timeout 1 } | Should -Throw -ErrorId "DatagramSocketIsStream,$Cmd"
            "$($Error[0].CategoryInfo.Category)" | Should -Be 'InvalidArgument'
            $Error[0].Exception.Message | Should -Match "Socket $($s.Id) is a stream \(TCP\) socket.*$Says"
            $Error[0].Exception.Message | Should -Not -Match 'errno'
            Get-NetSocket | Close-NetSocket
        }

        It 'says a closed -Socket is closed' {
            $server = New-NetSocket AF_INET SOCK_DGRAM -LocalPort 0
            $server | Close-NetSocket
            { Receive-Datagram -Socket $server -Timeout 1 } | Should -Throw -ErrorId "NetSocketClosed,$Cmd"
        }
    }

    Context 'when it receives Unix datagrams' {
        It 'binds a -Path, receives what Send-Datagram -Path sends, and removes the socket file' {
            $path = Join-Path $TestDrive 'server.sock'
            $client = Start-SenderWhenBound -Path $path -ArgumentList $path -ScriptBlock { param($path) Send-Datagram -Path $path 'over unix' }
            $d = Receive-Datagram -Path $path -Timeout 10
            $d.Text | Should -Be 'over unix'
            "$($d.LocalEndPoint)" | Should -Be $path
            $client | Complete-Sender
            $path | Should -Not -Exist
            Get-NetSocket | Should -BeNullOrEmpty
        }

        It 'binds a -Path relative to the current location' {
            Push-Location $TestDrive
            try {
                $path = Join-Path $TestDrive 'relative.sock'
                $null = Start-SenderWhenBound -Path $path -ArgumentList $path -ScriptBlock { param($path) Send-Datagram -Path $path 'relative' }
                (Receive-Datagram -Path ./relative.sock -Timeout 10).Text | Should -Be 'relative'
                $path | Should -Not -Exist
            }
            finally { Pop-Location }
        }

        It 'tells the sender''s path as RemoteEndPoint when the sender is bound, so it can be answered' {
            $server = New-NetSocket AF_UNIX SOCK_DGRAM -Path (Join-Path $TestDrive 'srv.sock')
            $client = New-NetSocket AF_UNIX SOCK_DGRAM -Path (Join-Path $TestDrive 'cli.sock')
            $null = $client.Socket.SendTo((Get-Bytes 'from a bound client'), $server.LocalEndPoint)
            $d = Receive-Datagram -Socket $server -Timeout 5
            $d.Text | Should -Be 'from a bound client'
            "$($d.RemoteEndPoint)" | Should -Be (Join-Path $TestDrive 'cli.sock')
        }

        It 'removes the socket file after a timeout as well' {
            $path = Join-Path $TestDrive 'timeout.sock'
            { Receive-Datagram -Path $path -Timeout 0.3 } | Should -Throw -ErrorId "DatagramTimeout,$Cmd"
            $path | Should -Not -Exist
            Get-NetSocket | Should -BeNullOrEmpty
        }
    }

    Context 'when it receives the seed''s raw protocol 102 (section 5)' -Tag 'Root' {
        BeforeEach {
            if (-not (Test-IsRoot)) { Set-ItResult -Skipped -Because $NoRoot }
        }

        It 'receives protocol 102 on 127.0.0.1 from Send-Datagram -Protocol 102, with the IP header dissected' {
            $client = Start-SenderWhenBound -Protocol 102 -ScriptBlock { Send-Datagram 127.0.0.1 -Protocol 102 'custom protocol 102' }
            $d = Receive-Datagram -Protocol 102 -LocalAddress 127.0.0.1 -Timeout 10
            $d.Text | Should -Be 'custom protocol 102'
            $d.Length | Should -Be 19
            $d.IPHeader.Protocol | Should -Be 102
            $d.IPHeader.Source | Should -Be ([ipaddress]'127.0.0.1')
            $d.IPHeader.Destination | Should -Be ([ipaddress]'127.0.0.1')
            $d.IPHeader.TotalLength | Should -Be (20 + 19)
            $d.Packet | Should -Not -BeNullOrEmpty
            $d.Packet.IPv4.Protocol | Should -Be 102
            $d.Packet.Layers[0].Name | Should -Be 'IPv4'
            $d.RemoteEndPoint.Address | Should -Be ([ipaddress]'127.0.0.1')
            $client | Complete-Sender
            Get-NetSocket | Should -BeNullOrEmpty
        }

        It 'receives protocol 102 over IPv6 on ::1, where the kernel hands up the payload without a header' {
            $null = Start-SenderWhenBound -Protocol 102 -ScriptBlock { Send-Datagram ::1 -Protocol 102 -InputObject ([byte[]](0xCA, 0xFE, 0x66)) }
            $d = Receive-Datagram -Protocol 102 -LocalAddress ::1 -Timeout 10
            $d.Data | Should -Be @(0xCA, 0xFE, 0x66)
            $d.RemoteEndPoint.Address | Should -Be ([ipaddress]'::1')
        }

        It 'says a raw socket needs root or CAP_NET_RAW when run without privilege, and leaves nothing open' {
            $result = Invoke-Unprivileged {
                try { Receive-Datagram -Protocol 102 -LocalAddress 127.0.0.1 -Timeout 1 -ErrorAction Stop; 'received' }
                catch { [pscustomobject]@{ ErrorId = $_.FullyQualifiedErrorId; Category = "$($_.CategoryInfo.Category)"; Message = $_.Exception.Message; Open = @(Get-NetSocket).Count } }
            }
            $result.ErrorId | Should -Be "NetSocketNoPrivilege,$Cmd"
            $result.Category | Should -Be 'PermissionDenied'
            $result.Message | Should -Match 'needs root or CAP_NET_RAW'
            $result.Open | Should -Be 0
        }
    }

    Context 'when it waits and is stopped' {
        It 'fails with DatagramTimeout after -Timeout and closes the socket it bound, so the port is free again' {
            $port = Get-FreeUdpPort
            $watch = [Diagnostics.Stopwatch]::StartNew()
            { Receive-Datagram -LocalPort $port -Timeout 0.5 } | Should -Throw -ErrorId "DatagramTimeout,$Cmd"
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 5
            $Error[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
            $Error[0].Exception.Message | Should -Match "No datagram arrived on 127\.0\.0\.1:$port within 0\.5 s"
            Get-NetSocket | Should -BeNullOrEmpty
            (New-NetSocket AF_INET SOCK_DGRAM -LocalPort $port).LocalPort | Should -Be $port
        }

        It 'waits without limit with -Timeout 0' {
            $port = Get-FreeUdpPort
            $null = Start-SenderWhenBound -Port $port -ArgumentList $port -ScriptBlock { param($port) Start-Sleep -Milliseconds 500; Send-Datagram 127.0.0.1 $port 'late' }
            (Receive-Datagram -LocalPort $port -Timeout 0).Text | Should -Be 'late'
        }

        It 'stops at once when Select-Object -First 1 has its datagram, and releases the port' {
            $port = Get-FreeUdpPort
            $client = Start-SenderWhenBound -Port $port -ArgumentList $port -ScriptBlock { param($port) Send-Datagram 127.0.0.1 $port 'only one' }
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $first = Receive-Datagram -LocalPort $port -Count 5 -Timeout 30 | Select-Object -First 1
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 10
            $first.Text | Should -Be 'only one'
            Get-NetSocket | Where-Object LocalPort -EQ $port | Should -BeNullOrEmpty
            $client | Complete-Sender
            Get-NetSocket | Should -BeNullOrEmpty
            (New-NetSocket AF_INET SOCK_DGRAM -LocalPort $port).LocalPort | Should -Be $port
        }

        It 'stops at once when its pipeline is stopped from another thread (as Ctrl+C does), and releases the port' {
            $port = Get-FreeUdpPort
            $ps = [powershell]::Create()
            try {
                $null = $ps.AddScript("Import-Module '$env:NETSOCK_MODULE'; Receive-Datagram -LocalPort $port -Timeout 0")
                $async = $ps.BeginInvoke()
                $deadline = [datetime]::UtcNow.AddSeconds(15)
                while (-not (Get-NetSocket | Where-Object LocalPort -EQ $port)) {
                    if ($async.IsCompleted -or [datetime]::UtcNow -gt $deadline) { throw "Receive-Datagram did not bind: $($ps.Streams.Error)" }
                    Start-Sleep -Milliseconds 10
                }
                $watch = [Diagnostics.Stopwatch]::StartNew()
                $ps.Stop()
                $watch.Elapsed.TotalSeconds | Should -BeLessThan 3
                $ps.InvocationStateInfo.State | Should -Be 'Stopped'
                Get-NetSocket | Where-Object LocalPort -EQ $port | Should -BeNullOrEmpty
                (New-NetSocket AF_INET SOCK_DGRAM -LocalPort $port).LocalPort | Should -Be $port
            }
            finally { $ps.Dispose() }
        }
    }

    Context 'when the input is bad' {
        It 'says the port is in use when a New-NetSocket UDP socket holds it on <Address>, and leaves that socket alone' -ForEach @(
            @{ Address = '127.0.0.1'; Family = 'AF_INET'; Shown = '127\.0\.0\.1:{0}' }
            @{ Address = '::1'; Family = 'AF_INET6'; Shown = '\[::1\]:{0}' }
        ) {
            $holder = New-NetSocket $Family SOCK_DGRAM -LocalAddress $Address -LocalPort 0
            { Receive-Datagram -LocalAddress $Address -LocalPort $holder.LocalPort -Timeout 1 } | Should -Throw -ErrorId "NetSocketAddressInUse,$Cmd"
            $Error[0].CategoryInfo.Category | Should -Be 'ResourceUnavailable'
            $Error[0].Exception.Message | Should -Match (($Shown -f $holder.LocalPort) + ' is already in use')
            (Get-NetSocket).Id | Should -Be @($holder.Id)
            $holder.State | Should -Be 'Open'
        }

        It 'says a Unix path is in use when a socket is bound there' {
            $path = Join-Path $TestDrive 'taken.sock'
            $holder = New-NetSocket AF_UNIX SOCK_DGRAM -Path $path
            { Receive-Datagram -Path $path -Timeout 1 } | Should -Throw -ErrorId "NetSocketAddressInUse,$Cmd"
            (Get-NetSocket).Id | Should -Be @($holder.Id)
            $path | Should -Exist
        }

        It 'names the missing folder of a Unix -Path' {
            { Receive-Datagram -Path (Join-Path $TestDrive 'no-such-folder/x.sock') -Timeout 1 } | Should -Throw -ErrorId "NetSocketPathNotFound,$Cmd"
            Get-NetSocket | Should -BeNullOrEmpty
        }

        It 'says an address that is not this host''s cannot be bound' {
            { Receive-Datagram -LocalAddress 198.18.0.1 -LocalPort 40000 -Timeout 1 } | Should -Throw -ErrorId "NetSocketAddressNotAvailable,$Cmd"
            Get-NetSocket | Should -BeNullOrEmpty
        }

        It 'rejects an unknown -Protocol with the choices' {
            { Receive-Datagram -Protocol IPPROTO_BOGUS -LocalAddress 127.0.0.1 } | Should -Throw -ErrorId "NetSocketUnknownProtocol,$Cmd"
            Get-NetSocket | Should -BeNullOrEmpty
        }

        It 'rejects <Name> before binding anything' -ForEach @(
            @{ Name = 'port 0'; Arguments = @{ LocalPort = 0 } }
            @{ Name = 'port 65536'; Arguments = @{ LocalPort = 65536 } }
            @{ Name = '-Count 0'; Arguments = @{ LocalPort = 40000; Count = 0 } }
            @{ Name = '-MaximumBytes 0'; Arguments = @{ LocalPort = 40000; MaximumBytes = 0 } }
            @{ Name = 'a negative -Timeout'; Arguments = @{ LocalPort = 40000; Timeout = -1 } }
        ) {
            { Receive-Datagram @Arguments } | Should -Throw -ErrorId "ParameterArgumentValidationError,$Cmd"
            Get-NetSocket | Should -BeNullOrEmpty
        }
    }
}
