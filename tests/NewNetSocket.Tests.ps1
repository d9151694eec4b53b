BeforeAll {
    Import-Module $env:NETSOCK_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Cmd = 'NetSock.Commands.NewNetSocketCommand'
}

Describe 'New-NetSocket' {
    AfterEach {
        Get-NetSocket | Close-NetSocket
    }

    Context 'when it opens the socket kinds of the course' {
        It 'opens an AF_INET SOCK_STREAM socket bound to an ephemeral loopback port that accepts a real connection' {
            $s = New-NetSocket AF_INET SOCK_STREAM -LocalPort 0
            $s.LocalEndPoint.Address | Should -Be ([ipaddress]'127.0.0.1')
            $s.LocalPort | Should -BeGreaterThan 0
            $s.Protocol | Should -Be 'Tcp'
            $s.State | Should -Be 'Open'
            $s.Socket.Listen(1)
            $client = [System.Net.Sockets.TcpClient]::new()
            try {
                $client.Connect('127.0.0.1', $s.LocalPort)
                $client.Connected | Should -BeTrue
            }
            finally { $client.Dispose() }
        }

        It 'opens an AF_INET6 SOCK_DGRAM socket on ::1 that receives a datagram sent to it' {
            $s = New-NetSocket AF_INET6 SOCK_DGRAM -LocalAddress ::1 -LocalPort 0
            $s.Protocol | Should -Be 'Udp'
            $udp = [System.Net.Sockets.UdpClient]::new([System.Net.Sockets.AddressFamily]::InterNetworkV6)
            try { $null = $udp.Send([byte[]](1, 2, 3), 3, [System.Net.IPEndPoint]::new([ipaddress]::IPv6Loopback, $s.LocalPort)) }
            finally { $udp.Dispose() }
            $s.Socket.ReceiveTimeout = 5000
            $buffer = [byte[]]::new(16)
            $s.Socket.Receive($buffer) | Should -Be 3
            $buffer[0..2] | Should -Be @(1, 2, 3)
        }

        It 'accepts .NET names and numbers as well as the C symbols' {
            $s = New-NetSocket InterNetwork Dgram 17
            $s.AddressFamily | Should -Be 'InterNetwork'
            $s.SocketType | Should -Be 'Dgram'
            $s.ProtocolNumber | Should -Be 17
            (New-NetSocket -AddressFamily 10 -SocketType 2 -ProtocolType IPPROTO_UDP).AddressFamily | Should -Be 'InterNetworkV6'
        }

        It 'defaults to AF_INET and SOCK_STREAM like Python''s socket()' {
            $s = New-NetSocket
            $s.AddressFamily | Should -Be 'InterNetwork'
            $s.SocketType | Should -Be 'Stream'
            $s.Protocol | Should -Be 'Tcp'
        }

        It 'opens a Unix datagram socket at a path relative to the current location and removes the file on close' {
            Push-Location $TestDrive
            try {
                $s = New-NetSocket AF_UNIX SOCK_DGRAM -Path ./dgram.sock
                $s.AddressFamily | Should -Be 'Unix'
                Join-Path $TestDrive 'dgram.sock' | Should -Exist
                "$($s.LocalEndPoint)" | Should -Be (Join-Path $TestDrive 'dgram.sock')
                $s | Close-NetSocket
                Join-Path $TestDrive 'dgram.sock' | Should -Not -Exist
            }
            finally { Pop-Location }
        }

        It 'takes -Path alone as a Unix stream socket' {
            $s = New-NetSocket -Path (Join-Path $TestDrive 'stream.sock')
            $s.AddressFamily | Should -Be 'Unix'
            $s.SocketType | Should -Be 'Stream'
        }

        It 'sets SO_REUSEADDR with -ReuseAddress' {
            $s = New-NetSocket -LocalPort 0 -ReuseAddress
            $b = [byte[]]::new(4); $null = $s.Socket.GetRawSocketOption(1, 2, $b); [BitConverter]::ToInt32($b, 0) | Should -Be 1   # SO_REUSEADDR itself
        }

        It 'opens the seed''s raw protocol-102 socket, bound to an address, and it receives a protocol-102 datagram' -Tag 'Root' -Skip:(-not (Test-IsRoot)) {
            $receiver = New-NetSocket AF_INET SOCK_RAW 102 -LocalAddress 127.0.0.1
            $sender = New-NetSocket AF_INET SOCK_RAW 102
            $receiver.Protocol | Should -Be '102'
            $null = $sender.Socket.SendTo([Text.Encoding]::ASCII.GetBytes('seed 102'), [System.Net.IPEndPoint]::new([ipaddress]::Loopback, 0))
            $receiver.Socket.ReceiveTimeout = 5000
            $buffer = [byte[]]::new(128)
            $n = $receiver.Socket.Receive($buffer)
            $buffer[9] | Should -Be 102
            [Text.Encoding]::ASCII.GetString($buffer, 20, $n - 20) | Should -Be 'seed 102'
        }

        It 'opens an AF_PACKET socket for every EtherType' -Tag 'Root' -Skip:(-not (Test-IsRoot)) {
            $s = New-NetSocket AF_PACKET SOCK_RAW ETH_P_ALL
            $s.AddressFamily | Should -Be 'Packet'
            $s.Protocol | Should -Be 'All'
        }

        It 'opens AF_PACKET as SOCK_RAW when no type is given' -Tag 'Root' -Skip:(-not (Test-IsRoot)) {
            $s = New-NetSocket AF_PACKET -ProtocolType ETH_P_ARP
            $s.SocketType | Should -Be 'Raw'
            $s.ProtocolNumber | Should -Be 0x0806
        }

        It 'opens a ping socket, or names the sysctl that forbids it' -Skip:(-not $IsLinux) {
            $range = (Get-Content /proc/sys/net/ipv4/ping_group_range -Raw).Trim() -split '\s+' | ForEach-Object { [long]$_ }
            $gid = [long](& id -g)
            if ($gid -ge $range[0] -and $gid -le $range[1]) {
                (New-NetSocket AF_INET SOCK_DGRAM IPPROTO_ICMP).Protocol | Should -Be 'Icmp'
            }
            else {
                { New-NetSocket AF_INET SOCK_DGRAM IPPROTO_ICMP } | Should -Throw -ErrorId "NetSocketPingGroupDenied,$Cmd"
                $Error[0].Exception.Message | Should -Match 'net\.ipv4\.ping_group_range'
                Get-NetSocket | Should -BeNullOrEmpty
            }
        }
    }

    Context 'when the input is bad' {
        It 'rejects an unknown family with the choices, and leaves nothing open' {
            { New-NetSocket AF_APPLETALK SOCK_STREAM } | Should -Throw -ErrorId "NetSocketUnknownAddressFamily,$Cmd"
            $Error[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
            $Error[0].Exception.Message | Should -Match 'AF_INET6'
            Get-NetSocket | Should -BeNullOrEmpty
        }

        It 'rejects a type and protocol pair the OS refuses' {
            { New-NetSocket AF_INET SOCK_STREAM IPPROTO_UDP } | Should -Throw -ErrorId "NetSocketTypeProtocolRefused,$Cmd"
            $Error[0].Exception.Message | Should -Match 'Stream sockets carry Tcp'
            Get-NetSocket | Should -BeNullOrEmpty
        }

        It 'rejects an unknown protocol name' {
            { New-NetSocket AF_INET SOCK_RAW IPPROTO_BOGUS } | Should -Throw -ErrorId "NetSocketUnknownProtocol,$Cmd"
        }

        It 'says which address is already in use and how to free it' {
            $first = New-NetSocket -LocalPort 0
            { New-NetSocket -LocalPort $first.LocalPort } | Should -Throw -ErrorId "NetSocketAddressInUse,$Cmd"
            $Error[0].CategoryInfo.Category | Should -Be 'ResourceUnavailable'
            $Error[0].Exception.Message | Should -Match "127\.0\.0\.1:$($first.LocalPort) is already in use"
            @(Get-NetSocket).Count | Should -Be 1
        }

        It 'rejects port <Port> before opening anything' -ForEach @(@{ Port = -1 }, @{ Port = 65536 }) {
            { New-NetSocket -LocalPort $Port } | Should -Throw -ErrorId "ParameterArgumentValidationError,$Cmd"
            $Error[0].Exception.Message | Should -Match '65535|0'
            Get-NetSocket | Should -BeNullOrEmpty
        }

        It 'names the missing folder of a Unix socket path' {
            $path = Join-Path $TestDrive 'no-such-folder/x.sock'
            { New-NetSocket AF_UNIX SOCK_STREAM -Path $path } | Should -Throw -ErrorId "NetSocketPathNotFound,$Cmd"
            $Error[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $Error[0].Exception.Message | Should -Match 'no-such-folder. .* does not exist'
            Get-NetSocket | Should -BeNullOrEmpty
        }

        It 'binds a Unix path of 107 bytes and refuses one of 108 with NetSocketPathTooLong, counting a relative path from the current location' {
            Push-Location $TestDrive
            try {
                $name = 'u' * (107 - "$TestDrive/".Length)
                (New-NetSocket -Path "./$name").LocalEndPoint | Should -Be "$TestDrive/$name"
                { New-NetSocket -Path "./$($name)v" } | Should -Throw -ErrorId "NetSocketPathTooLong,$Cmd"
                $Error[0].Exception.Message | Should -Match 'is 108 bytes long, but a Unix socket path can have at most 107 bytes'
                @(Get-NetSocket).Count | Should -Be 1
            }
            finally { Pop-Location }
        }

        It 'says a Unix -Path that is <What> cannot take a socket (<ErrorId>), and leaves it as it was' -ForEach @(
            @{ What = 'a directory'; ErrorId = 'NetSocketPathIsDirectory'; Make = { param($p) $null = New-Item -ItemType Directory -Path $p }; Says = 'it is a directory.*server.sock' }
            @{ What = 'a regular file'; ErrorId = 'NetSocketPathNotSocket'; Make = { param($p) Set-Content -Path $p -Value 'keep me' }; Says = 'is a regular file, not a Unix socket' }
        ) {
            $path = Join-Path $TestDrive "taken-$(Get-Random)"
            & $Make $path
            { New-NetSocket -Path $path } | Should -Throw -ErrorId "$ErrorId,$Cmd"
            "$($Error[0].CategoryInfo.Category)" | Should -Be 'InvalidArgument'
            $Error[0].Exception.Message | Should -Match $Says
            $path | Should -Exist
            Get-NetSocket | Should -BeNullOrEmpty
        }

        It 'refuses -Path for an IP family' {
            { New-NetSocket AF_INET SOCK_STREAM -Path (Join-Path $TestDrive 'x.sock') } | Should -Throw -ErrorId "NetSocketPathNeedsUnix,$Cmd"
        }

        It 'refuses an address of the other family' {
            { New-NetSocket AF_INET SOCK_DGRAM -LocalAddress ::1 } | Should -Throw -ErrorId "NetSocketAddressFamilyMismatch,$Cmd"
        }

        It 'says a <Kind> socket needs root or CAP_NET_RAW when run without privilege, and leaves nothing open' -Tag 'Root' -Skip:(-not (Test-IsRoot)) -ForEach @(
            @{ Kind = 'raw IPv4'; Family = 'AF_INET'; Protocol = '102' }
            @{ Kind = 'AF_PACKET'; Family = 'AF_PACKET'; Protocol = 'ETH_P_ALL' }
        ) {
            $result = Invoke-Unprivileged ([scriptblock]::Create(@"
                try { New-NetSocket $Family SOCK_RAW $Protocol -ErrorAction Stop; 'opened' }
                catch { [pscustomobject]@{ ErrorId = `$_.FullyQualifiedErrorId; Category = "`$(`$_.CategoryInfo.Category)"; Message = `$_.Exception.Message; Open = @(Get-NetSocket).Count } }
"@))
            $result.ErrorId | Should -Be "NetSocketNoPrivilege,$Cmd"
            $result.Category | Should -Be 'PermissionDenied'
            $result.Message | Should -Match 'needs root or CAP_NET_RAW'
            $result.Open | Should -Be 0
        }
    }
}
