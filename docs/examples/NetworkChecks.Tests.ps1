# NetworkChecks.Tests.ps1: network checks written as Pester tests with NetSock's Should operators.
#
#   "${Server}:2222" | Should -BeListening                       the service answers on its port
#   $reply | Should -HaveLayer Tcp                                 the reply is TCP
#   $reply | Should -HaveField 'IPv4.Flags' 'DF'                   the reply has DF set
#   { ... } | Should -Not -SendPacket -Filter 'tcp dst port 23'    nothing goes to telnet while the block runs
#
# The suite builds the host it checks, so it runs anywhere (as root: `ip netns`, raw sockets and capture need it):
# a network namespace joined to this one by a veth pair, 198.19.N.1/24 on this side and 198.19.N.2/24 in the
# namespace (N picked at random among the free ones; 198.18.0.0/15 is the benchmarking range, and nothing is routed
# beyond the pair), with two services in it, each a pwsh running NetSock: a TCP banner on port 2222 and a UDP echo on
# port 7. AfterAll stops them and removes the namespace, which takes the veth pair with it, whatever happened.
#
# Run it from the repository root after `dotnet pwsh ./build.ps1 Build` (it is also part of `./build.ps1 Test`):
#
#   Import-Module Pester -MinimumVersion 5.0
#   Invoke-Pester ./docs/examples/NetworkChecks.Tests.ps1 -Output Detailed
#
# NetSock is imported from $env:NETSOCK_MODULE when it is set (build.ps1 sets it), else from out/NetSock in this
# repository; where NetSock is installed, `Import-Module NetSock` is all it takes. Imported after Pester, NetSock
# registers its Should operators itself; imported before Pester, call Register-NetSockShouldOperator in BeforeAll.

BeforeDiscovery {
    $NotRoot = -not ($IsLinux -and (& id -u) -eq '0')
}

Describe 'The server in its network namespace' -Tag 'Root' -Skip:$NotRoot {
    # Inside the Describe, so that without root (-Skip) nothing is set up either.
    BeforeAll {
        $script:Services = @()          # what AfterAll cleans up, set first so it can clean up after any failure
        $script:Namespace = $null
        $ModulePath = if ($env:NETSOCK_MODULE) { $env:NETSOCK_MODULE } else { Join-Path $PSScriptRoot '../../out/NetSock/NetSock.psd1' }
        Import-Module $ModulePath -Force

        function Invoke-Ip {
            # ip(8), stopping the setup with its message when it fails.
            $out = & ip @args 2>&1
            if ($LASTEXITCODE -ne 0) { throw "ip $($args -join ' ') failed: $out" }
        }

        function Start-NamespaceService([string] $Namespace, [string] $Script) {
            # A pwsh with NetSock inside the namespace (`ip netns exec`), running $Script; it prints 'ready' once its socket
            # is bound, and the tests wait for that line. This is the pwsh that runs the tests (under dotnet: its pwsh.dll).
            $psi = [System.Diagnostics.ProcessStartInfo]::new('ip')
            $pwsh = @([Environment]::ProcessPath) + @(if ((Split-Path ([Environment]::ProcessPath) -Leaf) -like 'dotnet*') { Join-Path $PSHOME 'pwsh.dll' })
            foreach ($a in @('netns', 'exec', $Namespace) + $pwsh + @('-NoProfile', '-NonInteractive', '-Command', "Import-Module '$ModulePath'; $Script")) {
                $psi.ArgumentList.Add($a)
            }
            $psi.RedirectStandardOutput = $true
            $psi.UseShellExecute = $false
            $process = [System.Diagnostics.Process]::Start($psi)
            $line = $process.StandardOutput.ReadLineAsync()
            if (-not $line.Wait(30000) -or $line.Result -ne 'ready') {
                $process.Kill($true)
                throw "The service in $Namespace did not start: $($line.Result)"
            }
            $process
        }

        # The namespace and the veth pair, with names and a subnet of their own (interface names have at most 15 characters).
        $tag = [guid]::NewGuid().ToString('N').Substring(0, 8)
        $script:Namespace = "netsock-checks-$tag"
        $script:HostLink = "nsc$tag"
        $serverLink = "nss$tag"
        $subnet = 1..20 | ForEach-Object { Get-Random -Minimum 1 -Maximum 255 } |
            Where-Object { -not (& ip -4 route show "198.19.$_.0/24") } | Select-Object -First 1
        $script:HostAddress = "198.19.$subnet.1"
        $script:Server = "198.19.$subnet.2"

        Invoke-Ip netns add $Namespace
        Invoke-Ip link add $HostLink type veth peer name $serverLink netns $Namespace
        Invoke-Ip addr add "$HostAddress/24" dev $HostLink
        Invoke-Ip link set $HostLink up
        Invoke-Ip -n $Namespace addr add "$Server/24" dev $serverLink
        Invoke-Ip -n $Namespace link set $serverLink up
        Invoke-Ip -n $Namespace link set lo up
        $deadline = [datetime]::UtcNow.AddSeconds(10)
        while (-not ((& ip -o link show $HostLink) -match 'LOWER_UP')) {     # the pair carries traffic once both ends are up
            if ([datetime]::UtcNow -gt $deadline) { throw "$HostLink did not come up." }
            Start-Sleep -Milliseconds 20
        }

        # A TCP banner service on port 2222: each client gets one line, then the connection is closed.
        $script:Services += Start-NamespaceService $Namespace {
            $listener = Start-TcpListener -AnyAddress -Port 2222
            [Console]::WriteLine('ready')
            while ($true) {
                $client = Receive-TcpConnection $listener -Timeout 0
                Send-SocketData $client 'SSH-2.0-NetSock_sample'
                Close-NetSocket $client
            }
        }
        # A UDP echo service on port 7: each datagram goes back to its sender.
        $script:Services += Start-NamespaceService $Namespace {
            $socket = New-NetSocket AF_INET SOCK_DGRAM -LocalAddress 0.0.0.0 -LocalPort 7
            [Console]::WriteLine('ready')
            while ($true) {
                $d = Receive-Datagram -Socket $socket -Timeout 0
                Send-Datagram -Socket $socket -ComputerName $d.RemoteEndPoint.Address -Port $d.RemoteEndPoint.Port -InputObject $d.Data
            }
        }
    }

    AfterAll {
        foreach ($service in $Services) {
            if (-not $service.HasExited) { $service.Kill($true); $null = $service.WaitForExit(5000) }
            $service.Dispose()
        }
        # Removing the namespace removes the veth pair, this side included.
        if ($Namespace -and (& ip netns list | Where-Object { ($_ -split ' ')[0] -eq $Namespace })) { & ip netns del $Namespace }
    }

    Context 'the TCP banner service' {
        It 'answers on its port' {
            "${Server}:2222" | Should -BeListening -Timeout 5
        }

        It 'sends its banner first' {
            $client = Connect-TcpEndpoint $Server 2222 -Timeout 5
            try { Receive-SocketData $client -Line -Count 1 -Timeout 5 | Should -BeLike 'SSH-2.0-*' }
            finally { Close-NetSocket $client }
        }

        It 'is the only TCP service: the next port refuses' {
            "${Server}:2223" | Should -Not -BeListening -Timeout 5
        }

        It 'answers a SYN with a SYN-ACK that has DF set' {
            # Scapy's sr1(IP(dst=server)/TCP(dport=2222, flags='S')): the reply as captured.
            $syn = New-Packet IPv4 -Destination $Server | New-Packet Tcp -SourcePort 40000 -DestinationPort 2222 -Flags S
            $answer = Send-RawPacket $syn -Receive -Timeout 5 | Select-Object -First 1
            $answer | Should -HaveLayer Tcp
            $answer | Should -HaveField 'Tcp.Flags' 'SA'
            $answer | Should -HaveField 'IPv4.Flags' 'DF' -Because 'Linux sets DF on TCP (path MTU discovery)'
            $answer | Should -HaveField 'IP.src' $Server
        }
    }

    Context 'the UDP echo service' {
        It 'sends back what it gets' {
            $client = New-NetSocket AF_INET SOCK_DGRAM -LocalAddress $HostAddress -LocalPort 0
            try {
                Send-Datagram -Socket $client -ComputerName $Server -Port 7 'hello, echo'
                (Receive-Datagram -Socket $client -Timeout 5).Text | Should -Be 'hello, echo'
            }
            finally { Close-NetSocket $client }
        }

        It 'is asked with one UDP datagram to port 7' {
            { Send-Datagram $Server 7 'hello, echo' } | Should -SendPacket -Filter "udp dst port 7 and dst host $Server" -Interface $HostLink
        }
    }

    Context 'ICMP' {
        It 'answers an echo request' {
            $ping = New-Packet IPv4 -Destination $Server | New-Packet Icmp -Id 7 -Seq 1
            $answer = Send-RawPacket $ping -Receive -Timeout 5 | Select-Object -First 1
            $answer | Should -HaveLayer Icmp
            $answer | Should -HaveField 'Icmp.Type' 0 -Because 'type 0 is echo-reply'
            $answer | Should -HaveField 'Icmp.Id' 7
        }
    }

    Context 'what this host sends while it talks to the server' {
        It 'sends nothing to port 23' {
            {
                Connect-TcpEndpoint $Server 2222 -Timeout 5 | Close-NetSocket
                Send-Datagram $Server 7 'hello'
                $null = New-Packet IPv4 -Destination $Server | New-Packet Icmp -Id 8 -Seq 1 | Send-RawPacket -Receive -Timeout 5
            } | Should -Not -SendPacket -Filter 'tcp dst port 23 or udp dst port 23' -Timeout 1
        }

        It 'opens its connections with a SYN, and only receives the SYN-ACK' {
            $connect = { Connect-TcpEndpoint $Server 2222 -Timeout 5 | Close-NetSocket }
            $connect | Should -SendPacket -Filter 'tcp dst port 2222 and tcp[tcpflags] == tcp-syn'
            $connect | Should -Not -SendPacket -Filter 'tcp src port 2222' -Timeout 0.5 -Because 'the SYN-ACK comes in; Should -SendPacket counts what goes out'
        }
    }
}
