# Send-Datagram, the course's sendto(). What it puts on the wire is read with the .NET socket under a NetSocket (not with
# Receive-Datagram), so these tests check Send-Datagram alone. Every target is loopback or a Unix path under $TestDrive.

BeforeAll {
    Import-Module $env:NETSOCK_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Cmd = 'NetSock.Commands.SendDatagramCommand'
    $script:NoRoot = 'it needs root or CAP_NET_RAW (raw sockets); run the tests as root'

    function Read-Datagram {
        <# recvfrom() on a NetSocket's .NET socket: the next datagram's bytes and sender, or an error after -TimeoutSeconds. #>
        param([Parameter(Mandatory)] $Socket, [int] $TimeoutSeconds = 5, [int] $BufferSize = 65536)
        $raw = $Socket.Socket
        if (-not $raw.Poll($TimeoutSeconds * 1000000, 'SelectRead')) { throw "No datagram arrived on $($Socket.LocalEndPoint) within $TimeoutSeconds s." }
        $buffer = [byte[]]::new($BufferSize)
        $from = switch ($raw.AddressFamily) {
            'InterNetworkV6' { [System.Net.IPEndPoint]::new([ipaddress]::IPv6Any, 0) }
            'Unix' { [System.Net.Sockets.UnixDomainSocketEndPoint]::new([char]0) }
            default { [System.Net.IPEndPoint]::new([ipaddress]::Any, 0) }
        }
        $n = $raw.ReceiveFrom($buffer, [ref] $from)
        $data = [byte[]]::new($n)
        [Array]::Copy($buffer, $data, $n)
        [pscustomobject]@{ Data = $data; Length = $n; From = $from; Text = [Text.Encoding]::UTF8.GetString($data) }
    }

    function Test-NoDatagram {
        <# True when nothing is waiting on the socket after -Milliseconds. #>
        param([Parameter(Mandatory)] $Socket, [int] $Milliseconds = 300)
        -not $Socket.Socket.Poll($Milliseconds * 1000, 'SelectRead')
    }

    function Get-ClosedUdpPort {
        <# A UDP port on 127.0.0.1 that nothing holds right now (bound to port 0 by the kernel, then closed). #>
        $s = [System.Net.Sockets.Socket]::new('InterNetwork', 'Dgram', 'Udp')
        try { $s.Bind([System.Net.IPEndPoint]::new([ipaddress]::Loopback, 0)); $s.LocalEndPoint.Port }
        finally { $s.Dispose() }
    }
}

Describe 'Send-Datagram' {
    AfterEach {
        Get-NetSocket | Close-NetSocket
    }

    Context 'when it is the seed''s UDP client (section 4: socket, sendto, close)' {
        It 'sends text to a UDP server bound on <Address> and closes the socket it opened' -ForEach @(
            @{ Address = '127.0.0.1'; Family = 'AF_INET' }
            @{ Address = '::1'; Family = 'AF_INET6' }
        ) {
            $server = New-NetSocket $Family SOCK_DGRAM -LocalAddress $Address -LocalPort 0
            Send-Datagram $Address $server.LocalPort 'Hello, server'
            $got = Read-Datagram $server
            $got.Text | Should -Be 'Hello, server'
            $got.From.Address | Should -Be ([ipaddress]$Address)
            $got.From.Port | Should -BeGreaterThan 0
            (Get-NetSocket).Id | Should -Be @($server.Id)
        }

        It 'returns nothing unless -PassThru is given, and then the size of each datagram sent' {
            $server = New-NetSocket AF_INET SOCK_DGRAM -LocalPort 0
            Send-Datagram 127.0.0.1 $server.LocalPort 'quiet' | Should -BeNullOrEmpty
            Send-Datagram 127.0.0.1 $server.LocalPort 'héllo' -PassThru | Should -Be 6
        }

        It 'sends without a server, as UDP does: no error when nothing listens on the port' {
            $port = Get-ClosedUdpPort
            { Send-Datagram 127.0.0.1 $port 'into the void' -ErrorAction Stop } | Should -Not -Throw
            Get-NetSocket | Should -BeNullOrEmpty
        }

        It 'takes the host by -HostName and the payload by -Data, as aliases' {
            $server = New-NetSocket AF_INET SOCK_DGRAM -LocalPort 0
            Send-Datagram -HostName 127.0.0.1 -Port $server.LocalPort -Data 'by alias'
            (Read-Datagram $server).Text | Should -Be 'by alias'
        }
    }

    Context 'when it sends payloads' {
        BeforeEach {
            $script:server = New-NetSocket AF_INET SOCK_DGRAM -LocalPort 0
        }

        It 'sends a byte[] given whole as one datagram, byte for byte' {
            $bytes = [byte[]](0..255)
            Send-Datagram 127.0.0.1 $server.LocalPort -InputObject $bytes
            $got = Read-Datagram $server
            $got.Length | Should -Be 256
            $got.Data | Should -Be $bytes
            Test-NoDatagram $server | Should -BeTrue
        }

        It 'sends a byte[] piped byte by byte as one datagram' {
            $bytes = [byte[]](255, 0, 1, 127, 128, 10, 13)
            $bytes | Send-Datagram 127.0.0.1 $server.LocalPort
            $got = Read-Datagram $server
            $got.Data | Should -Be $bytes
            Test-NoDatagram $server | Should -BeTrue
        }

        It 'sends each piped string as a datagram of its own, in order' {
            'one', 'two', 'three' | Send-Datagram 127.0.0.1 $server.LocalPort
            (1..3 | ForEach-Object { (Read-Datagram $server).Text }) | Should -Be @('one', 'two', 'three')
            Test-NoDatagram $server | Should -BeTrue
        }

        It 'sends each byte[] in a piped list as a datagram of its own' {
            @([byte[]](1, 2), [byte[]](3, 4, 5)) | Send-Datagram 127.0.0.1 $server.LocalPort
            (Read-Datagram $server).Data | Should -Be @(1, 2)
            (Read-Datagram $server).Data | Should -Be @(3, 4, 5)
        }

        It 'sends an empty string as an empty datagram' {
            Send-Datagram 127.0.0.1 $server.LocalPort ''
            (Read-Datagram $server).Length | Should -Be 0
        }

        It 'encodes text as UTF-8 without a byte-order mark by default' {
            Send-Datagram 127.0.0.1 $server.LocalPort 'héllo ✓'
            (Read-Datagram $server).Data | Should -Be ([Text.UTF8Encoding]::new($false).GetBytes('héllo ✓'))
        }

        It 'encodes text in -Encoding <Encoding>' -ForEach @(
            @{ Encoding = 'ascii'; Expected = [byte[]](0x68, 0x3F) }
            @{ Encoding = 'latin1'; Expected = [byte[]](0x68, 0xE9) }
            @{ Encoding = 'unicode'; Expected = [byte[]](0x68, 0x00, 0xE9, 0x00) }
            @{ Encoding = 'bigendianunicode'; Expected = [byte[]](0x00, 0x68, 0x00, 0xE9) }
            @{ Encoding = 'utf32'; Expected = [byte[]](0x68, 0, 0, 0, 0xE9, 0, 0, 0) }
            @{ Encoding = 'utf8'; Expected = [byte[]](0x68, 0xC3, 0xA9) }
        ) {
            Send-Datagram 127.0.0.1 $server.LocalPort 'hé' -Encoding $Encoding
            (Read-Datagram $server).Data | Should -Be $Expected
        }

        It 'sends each payload -Count times' {
            'a', 'b' | Send-Datagram 127.0.0.1 $server.LocalPort -Count 3
            (1..6 | ForEach-Object { (Read-Datagram $server).Text }) -join '' | Should -Be 'aaabbb'
            Test-NoDatagram $server | Should -BeTrue
        }

        It 'sends the largest UDP payload over IPv4, 65,507 bytes, whole' {
            $bytes = [byte[]]::new(65507)
            [Random]::new(7).NextBytes($bytes)
            Send-Datagram 127.0.0.1 $server.LocalPort -InputObject $bytes
            $got = Read-Datagram $server
            $got.Length | Should -Be 65507
            [Convert]::ToHexString($got.Data) | Should -Be ([Convert]::ToHexString($bytes))
        }

        It 'sends the largest UDP payload over IPv6, 65,527 bytes, whole' {
            $server6 = New-NetSocket AF_INET6 SOCK_DGRAM -LocalAddress ::1 -LocalPort 0
            Send-Datagram ::1 $server6.LocalPort -InputObject ([byte[]]::new(65527))
            (Read-Datagram $server6).Length | Should -Be 65527
        }
    }

    Context 'when it sends from -Socket' {
        It 'sends from a New-NetSocket socket, so the reply comes back to it, and leaves it open' {
            $server = New-NetSocket AF_INET SOCK_DGRAM -LocalPort 0
            $client = New-NetSocket AF_INET SOCK_DGRAM -LocalPort 0
            Send-Datagram -Socket $client -ComputerName 127.0.0.1 -Port $server.LocalPort 'ping'
            $got = Read-Datagram $server
            $got.Text | Should -Be 'ping'
            $got.From.Port | Should -Be $client.LocalPort
            $null = $server.Socket.SendTo([Text.Encoding]::ASCII.GetBytes('pong'), $got.From)
            (Read-Datagram $client).Text | Should -Be 'pong'
            $client.State | Should -Be 'Open'
            $client.BytesSent | Should -Be 4
        }

        It 'answers a client from the server''s own socket, as the seed''s server would with sendto' {
            $server = New-NetSocket AF_INET6 SOCK_DGRAM -LocalAddress ::1 -LocalPort 0
            $client = New-NetSocket AF_INET6 SOCK_DGRAM -LocalAddress ::1 -LocalPort 0
            Send-Datagram -Socket $client -ComputerName ::1 -Port $server.LocalPort 'question'
            $question = Read-Datagram $server
            Send-Datagram -Socket $server -ComputerName $question.From.Address -Port $question.From.Port 'answer'
            $answer = Read-Datagram $client
            $answer.Text | Should -Be 'answer'
            $answer.From.Port | Should -Be $server.LocalPort
        }

        It 'sends to the connected peer of a -Socket when no -ComputerName is given' {
            $server = New-NetSocket AF_INET SOCK_DGRAM -LocalPort 0
            $client = New-NetSocket AF_INET SOCK_DGRAM -LocalPort 0
            $client.Socket.Connect($server.LocalEndPoint)
            'one', 'two' | Send-Datagram -Socket $client
            (Read-Datagram $server).Text | Should -Be 'one'
            (Read-Datagram $server).Text | Should -Be 'two'
        }

        It 'sets SO_BROADCAST on the -Socket with -Broadcast' {
            $client = New-NetSocket AF_INET SOCK_DGRAM -LocalPort 0
            $server = New-NetSocket AF_INET SOCK_DGRAM -LocalPort 0
            Send-Datagram -Socket $client -ComputerName 127.0.0.1 -Port $server.LocalPort 'x' -Broadcast
            $client.Socket.EnableBroadcast | Should -BeTrue
        }

        It 'resolves a host name given with -Socket, and asks for -Port when it is missing' {
            $server = New-NetSocket AF_INET SOCK_DGRAM -LocalPort 0
            $client = New-NetSocket AF_INET SOCK_DGRAM -LocalPort 0
            Send-Datagram -Socket $client -ComputerName localhost -Port $server.LocalPort 'by name'
            (Receive-Datagram -Socket $server -Timeout 5).Text | Should -Be 'by name'
            { Send-Datagram -Socket $client -ComputerName 127.0.0.1 'x' } | Should -Throw -ErrorId "DatagramPortMissing,$Cmd"
            $Error[0].Exception.Message | Should -Match '-Port'
            $client.State | Should -Be 'Open'
        }

        It 'sends strings piped to a Unix -Path (the parameter set resolves with pipeline input)' {
            $path = Join-Path $TestDrive 'piped.sock'
            $server = New-NetSocket AF_UNIX SOCK_DGRAM -Path $path
            'a', 'b' | Send-Datagram -Path $path
            (Receive-Datagram -Socket $server -Count 2 -Timeout 5).Text | Should -Be @('a', 'b')
        }

        It 'says a -Socket with no peer and no -ComputerName needs a destination, naming -ComputerName and -Port' {
            $client = New-NetSocket AF_INET SOCK_DGRAM -LocalPort 0
            { Send-Datagram -Socket $client 'nowhere' } | Should -Throw -ErrorId "DatagramDestinationMissing,$Cmd"
            $Error[0].Exception.Message | Should -Not -Match 'Sending to\s+failed'
            $Error[0].Exception.Message | Should -Match '-ComputerName'
            $client.State | Should -Be 'Open'
        }

        It 'reports ICMP port unreachable on a connected -Socket as DatagramRefused, naming the peer' {
            $port = Get-ClosedUdpPort
            $client = New-NetSocket AF_INET SOCK_DGRAM -LocalPort 0
            $client.Socket.Connect([System.Net.IPEndPoint]::new([ipaddress]::Loopback, $port))
            Send-Datagram -Socket $client 'knock' -Count 3 -ErrorVariable err -ErrorAction SilentlyContinue
            $err.Count | Should -BeGreaterThan 0
            $err[0].FullyQualifiedErrorId | Should -Be "DatagramRefused,$Cmd"
            $err[0].CategoryInfo.Category | Should -Be 'ConnectionError'
            $err[0].Exception.Message | Should -Match "127\.0\.0\.1:$port answered an earlier datagram with ICMP port unreachable"
        }

        It 'says a closed -Socket is closed (-Broadcast: <Broadcast>)' -ForEach @(@{ Broadcast = $false }, @{ Broadcast = $true }) {
            $client = New-NetSocket AF_INET SOCK_DGRAM -LocalPort 0
            $client | Close-NetSocket
            { Send-Datagram -Socket $client -ComputerName 127.0.0.1 -Port 9 'x' -Broadcast:$Broadcast -ErrorAction Stop } | Should -Throw -ErrorId "NetSocketClosed,$Cmd"
        }
    }

    Context 'when it sends to a Unix datagram path' {
        It 'sends to a Unix datagram socket at a -Path relative to the current location and leaves no file of its own' {
            Push-Location $TestDrive
            try {
                $server = New-NetSocket AF_UNIX SOCK_DGRAM -Path ./server.sock
                Send-Datagram -Path ./server.sock 'over unix'
                (Read-Datagram $server).Text | Should -Be 'over unix'
                (Get-ChildItem $TestDrive -Filter '*.sock').Name | Should -Be @('server.sock')
                (Get-NetSocket).Id | Should -Be @($server.Id)
                $server | Close-NetSocket
                Get-ChildItem $TestDrive -Filter '*.sock' | Should -BeNullOrEmpty
            }
            finally { Pop-Location }
        }

        It 'sends bytes and -Count over a Unix datagram path' {
            $server = New-NetSocket AF_UNIX SOCK_DGRAM -Path (Join-Path $TestDrive 'count.sock')
            Send-Datagram -Path (Join-Path $TestDrive 'count.sock') -InputObject ([byte[]](1, 0, 2)) -Count 2
            (Read-Datagram $server).Data | Should -Be @(1, 0, 2)
            (Read-Datagram $server).Data | Should -Be @(1, 0, 2)
        }

        It 'sends from a bound Unix -Socket to a -Path, so the reply comes back to its path' {
            $server = New-NetSocket AF_UNIX SOCK_DGRAM -Path (Join-Path $TestDrive 'srv.sock')
            $client = New-NetSocket AF_UNIX SOCK_DGRAM -Path (Join-Path $TestDrive 'cli.sock')
            Send-Datagram -Socket $client -Path (Join-Path $TestDrive 'srv.sock') 'ping over unix'
            $got = Read-Datagram $server
            $got.Text | Should -Be 'ping over unix'
            "$($got.From)" | Should -Be (Join-Path $TestDrive 'cli.sock')
        }

        It 'says a Unix path that is a regular file is not a socket, not that an ICMP port unreachable came back' {
            $path = Join-Path $TestDrive 'plain.txt'
            Set-Content -Path $path -Value 'not a socket'
            { Send-Datagram -Path $path 'x' } | Should -Throw -ErrorId "NetSocketPathNotSocket,$Cmd"
            $Error[0].Exception.Message | Should -Match 'is a regular file, not a Unix socket'
            $Error[0].Exception.Message | Should -Not -Match 'ICMP'
            Get-NetSocket | Should -BeNullOrEmpty
        }

        It 'says nothing is bound any more at a Unix datagram socket file whose receiver has gone' {
            $gone = Join-Path $TestDrive 'gone-dgram.sock'
            New-StaleUnixSocket -Path $gone -Type Dgram
            Send-Datagram -Path $gone 'x' -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -Be "NetSocketConnectionRefused,$Cmd"
            $err[0].Exception.Message | Should -Match 'Nothing listens on the Unix socket.*Receive-Datagram -Path'
            $err[0].Exception.Message | Should -Not -Match 'ICMP'
        }

        It 'refuses a TCP -Socket with DatagramSocketIsStream before sending anything' {
            $l = Start-TcpListener
            { Send-Datagram -Socket $l -ComputerName 127.0.0.1 -Port 9 'x' } | Should -Throw -ErrorId "DatagramSocketIsStream,$Cmd"
            $Error[0].Exception.Message | Should -Match "Socket $($l.Id) is a stream \(TCP\) socket"
            $l.State | Should -Be 'Listening'
        }

        It 'says nothing listens at a Unix path that does not exist, naming the path' {
            $path = Join-Path $TestDrive 'nobody.sock'
            { Send-Datagram -Path $path 'x' -ErrorAction Stop } | Should -Throw
            $Error[0].Exception.Message | Should -Match ([regex]::Escape($path))
            $Error[0].Exception.Message | Should -Match 'does not exist|no such file|nothing listens|No such'
            Get-NetSocket | Should -BeNullOrEmpty
        }
    }

    Context 'when it sends the seed''s raw protocol 102 (section 5)' -Tag 'Root' {
        BeforeEach {
            if (-not (Test-IsRoot)) { Set-ItResult -Skipped -Because $NoRoot }
        }

        It 'sends protocol 102 to 127.0.0.1 with no port, the kernel writing the IP header' {
            $receiver = New-NetSocket AF_INET SOCK_RAW 102 -LocalAddress 127.0.0.1
            Send-Datagram 127.0.0.1 -Protocol 102 'custom protocol 102'
            $got = Read-Datagram $receiver
            $got.Data[0] -shr 4 | Should -Be 4
            $got.Data[9] | Should -Be 102
            [ipaddress]::new([byte[]]$got.Data[12..15]) | Should -Be ([ipaddress]'127.0.0.1')
            $headerLength = ($got.Data[0] -band 0x0F) * 4
            [Text.Encoding]::ASCII.GetString([byte[]]$got.Data, $headerLength, $got.Length - $headerLength) | Should -Be 'custom protocol 102'
            Get-NetSocket | Where-Object SocketType -EQ 'Raw' | Select-Object -ExpandProperty Id | Should -Be @($receiver.Id)
        }

        It 'sends protocol 102 over IPv6 to ::1, where the kernel hands up the payload alone' {
            $receiver = New-NetSocket AF_INET6 SOCK_RAW 102 -LocalAddress ::1
            Send-Datagram ::1 -Protocol 102 -InputObject ([byte[]](0xCA, 0xFE))
            (Read-Datagram $receiver).Data | Should -Be @(0xCA, 0xFE)
        }

        It 'refuses a raw IPv4 payload over 65,515 bytes' {
            { Send-Datagram 127.0.0.1 -Protocol 102 -InputObject ([byte[]]::new(65516)) -ErrorAction Stop } | Should -Throw -ErrorId "DatagramTooLarge,$Cmd"
            $Error[0].Exception.Message | Should -Match '65,515'
            Get-NetSocket | Should -BeNullOrEmpty
        }

        It 'says a raw socket needs root or CAP_NET_RAW when run without privilege, and leaves nothing open' {
            $result = Invoke-Unprivileged {
                try { Send-Datagram 127.0.0.1 -Protocol 102 'x' -ErrorAction Stop; 'sent' }
                catch { [pscustomobject]@{ ErrorId = $_.FullyQualifiedErrorId; Category = "$($_.CategoryInfo.Category)"; Message = $_.Exception.Message; Open = @(Get-NetSocket).Count } }
            }
            $result.ErrorId | Should -Be "NetSocketNoPrivilege,$Cmd"
            $result.Category | Should -Be 'PermissionDenied'
            $result.Message | Should -Match 'needs root or CAP_NET_RAW'
            $result.Open | Should -Be 0
        }
    }

    Context 'with -WhatIf' {
        It 'sends nothing with -WhatIf and leaves no socket open' {
            $server = New-NetSocket AF_INET SOCK_DGRAM -LocalPort 0
            Send-Datagram 127.0.0.1 $server.LocalPort 'not really' -WhatIf
            'a', 'b' | Send-Datagram 127.0.0.1 $server.LocalPort -Count 5 -WhatIf -PassThru | Should -BeNullOrEmpty
            Test-NoDatagram $server | Should -BeTrue
            (Get-NetSocket).Id | Should -Be @($server.Id)
        }

        It 'sends nothing from a -Socket with -WhatIf' {
            $server = New-NetSocket AF_INET SOCK_DGRAM -LocalPort 0
            $client = New-NetSocket AF_INET SOCK_DGRAM -LocalPort 0
            Send-Datagram -Socket $client -ComputerName 127.0.0.1 -Port $server.LocalPort 'x' -WhatIf
            Test-NoDatagram $server | Should -BeTrue
            $client.BytesSent | Should -Be 0
        }

        It 'sends with -Confirm:$false' {
            $server = New-NetSocket AF_INET SOCK_DGRAM -LocalPort 0
            Send-Datagram 127.0.0.1 $server.LocalPort 'confirmed' -Confirm:$false
            (Read-Datagram $server).Text | Should -Be 'confirmed'
        }
    }

    Context 'when the input is bad' {
        It 'refuses a payload over 65,507 bytes to an IPv4 address with DatagramTooLarge, and sends and leaks nothing' {
            $server = New-NetSocket AF_INET SOCK_DGRAM -LocalPort 0
            { Send-Datagram 127.0.0.1 $server.LocalPort -InputObject ([byte[]]::new(65508)) -ErrorAction Stop } | Should -Throw -ErrorId "DatagramTooLarge,$Cmd"
            $Error[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
            $Error[0].Exception.Message | Should -Match 'at most 65,507 bytes; this payload has 65,508'
            Test-NoDatagram $server | Should -BeTrue
            (Get-NetSocket).Id | Should -Be @($server.Id)
        }

        It 'refuses a payload over 65,527 bytes to an IPv6 address' {
            $server = New-NetSocket AF_INET6 SOCK_DGRAM -LocalAddress ::1 -LocalPort 0
            { Send-Datagram ::1 $server.LocalPort -InputObject ([byte[]]::new(65528)) -ErrorAction Stop } | Should -Throw -ErrorId "DatagramTooLarge,$Cmd"
            $Error[0].Exception.Message | Should -Match '65,527'
            Test-NoDatagram $server | Should -BeTrue
        }

        It 'reports a payload too large as an error of its own and still sends the others' {
            $server = New-NetSocket AF_INET SOCK_DGRAM -LocalPort 0
            'before', [byte[]]::new(70000), 'after' | Send-Datagram 127.0.0.1 $server.LocalPort -ErrorVariable err -ErrorAction SilentlyContinue
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -Be "DatagramTooLarge,$Cmd"
            (Read-Datagram $server).Text | Should -Be 'before'
            (Read-Datagram $server).Text | Should -Be 'after'
            Test-NoDatagram $server | Should -BeTrue
        }

        It 'says a name that does not resolve cannot be resolved, and leaves nothing open' {
            { Send-Datagram no-such-host.invalid 9 'x' } | Should -Throw -ErrorId "NetSocketNameNotFound,$Cmd"
            $Error[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $Error[0].Exception.Message | Should -Match "'no-such-host\.invalid' could not be resolved"
            Get-NetSocket | Should -BeNullOrEmpty
        }

        It 'rejects port <Port> before opening anything' -ForEach @(@{ Port = 0 }, @{ Port = 65536 }) {
            { Send-Datagram 127.0.0.1 $Port 'x' } | Should -Throw -ErrorId "ParameterArgumentValidationError,$Cmd"
            Get-NetSocket | Should -BeNullOrEmpty
        }

        It 'rejects an unknown -Encoding with the choices, before sending anything' {
            $server = New-NetSocket AF_INET SOCK_DGRAM -LocalPort 0
            { Send-Datagram 127.0.0.1 $server.LocalPort 'x' -Encoding klingon } | Should -Throw -ErrorId "SocketDataEncodingUnknown,$Cmd"
            $Error[0].Exception.Message | Should -Match 'bigendianunicode'
            Test-NoDatagram $server | Should -BeTrue
        }

        It 'rejects an unknown -Protocol with the choices' {
            { Send-Datagram 127.0.0.1 -Protocol IPPROTO_BOGUS 'x' } | Should -Throw -ErrorId "NetSocketUnknownProtocol,$Cmd"
            $Error[0].Exception.Message | Should -Match 'a number from 0 to 255'
            Get-NetSocket | Should -BeNullOrEmpty
        }

        It 'rejects -Count 0' {
            { Send-Datagram 127.0.0.1 9 'x' -Count 0 } | Should -Throw -ErrorId "ParameterArgumentValidationError,$Cmd"
        }
    }
}
