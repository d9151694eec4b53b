# Pester 5 tests of NetSock's own Should operators (src/NetSock/NetSock.Should.psm1): -BeListening, -HaveLayer,
# -HaveField and -SendPacket. Each is checked passing, failing (with its message), with -Not, with a timeout where it
# has one, and with bad input (which fails with -Not too: it is never a pass). Traffic goes to loopback only, except
# the direction checks of -SendPacket, which run between two network namespaces the file creates and removes
# (tests/Netns.psm1). Run with NETSOCK_MODULE set to the built module's manifest (build.ps1 Test does that).

BeforeDiscovery {
    $NoRoot = -not ($IsLinux -and (& id -u) -eq '0')
}

BeforeAll {
    Import-Module $env:NETSOCK_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Netns.psm1') -Force
    $script:PesterManifest = Join-Path (Get-Module Pester).ModuleBase 'Pester.psd1'

    function Get-Like([string] $Text) {
        # An -ExpectedMessage pattern that matches $Text literally ([ and ] are wildcard characters otherwise).
        "*$([System.Management.Automation.WildcardPattern]::Escape($Text))*"
    }

    function Get-ClosedPort {
        # A loopback port where nothing listens: the kernel picks a free one, and it is closed again at once.
        $l = Start-TcpListener -Port 0
        $port = $l.LocalPort
        $l | Close-NetSocket
        $port
    }

    function Wait-AcceptQueue([int] $Port, [int] $Count) {
        # Waits until the listener on 127.0.0.1:<Port> has <Count> connections waiting for accept (rx_queue of a LISTEN
        # socket in /proc/net/tcp), so the next SYN finds the queue full and is dropped.
        $local = '0100007F:{0:X4}' -f $Port
        $deadline = [datetime]::UtcNow.AddSeconds(10)
        while ($true) {
            $row = Get-Content /proc/net/tcp | ForEach-Object { , ($_.Trim() -split '\s+') } | Where-Object { $_[1] -eq $local -and $_[3] -eq '0A' }
            if ($row -and [Convert]::ToInt32(($row[4] -split ':')[1], 16) -ge $Count) { return }
            if ([datetime]::UtcNow -gt $deadline) { throw "The accept queue of 127.0.0.1:$Port did not reach $Count within 10 s." }
            Start-Sleep -Milliseconds 20
        }
    }

    function New-UdpPacket {
        # An IPv4/UDP packet as it would be captured: dissected from bytes, every field set.
        $crafted = New-Packet IPv4 -Source 127.0.0.1 -Destination 127.0.0.1 -TimeToLive 1 | New-Packet Udp -SourcePort 53 -DestinationPort 53
        ConvertTo-Packet $crafted.Bytes -LinkType Raw
    }
}

Describe 'NetSock''s Should operators' {
    Context 'registration' {
        It 'are registered with Pester when NetSock is imported after Pester 5' {
            $names = (Get-ShouldOperator).Name
            foreach ($name in 'BeListening', 'HaveLayer', 'HaveField', 'SendPacket') { $names | Should -Contain $name }
        }

        It 'can be registered again, by Import-Module -Force or Register-NetSockShouldOperator, and keep working' {
            Import-Module $env:NETSOCK_MODULE -Force
            $again = @(Register-NetSockShouldOperator -PassThru)
            $again.Name | Should -Be @('BeListening', 'HaveLayer', 'HaveField', 'SendPacket')
            $again.Status | Should -Be @('Updated', 'Updated', 'Updated', 'Updated')
            Register-NetSockShouldOperator
            "127.0.0.1:$(Get-ClosedPort)" | Should -Not -BeListening
            New-UdpPacket | Should -HaveLayer Udp
        }

        It 'are registered by Register-NetSockShouldOperator when Pester is imported after NetSock, and NetSock needs no Pester' {
            $ps = [powershell]::Create()
            try {
                $out = $ps.AddScript({
                        param($NetSock, $Pester)
                        Import-Module $NetSock
                        $r = [ordered]@{ PesterBefore = [bool](Get-Module Pester) }
                        try { Register-NetSockShouldOperator } catch { $r.Without = "$($_.FullyQualifiedErrorId): $($_.Exception.Message)" }
                        Import-Module $Pester
                        $r.Status = @(Register-NetSockShouldOperator -PassThru).Status -join ','
                        $l = Start-TcpListener -Port 0
                        try { "127.0.0.1:$($l.LocalPort)" | Should -BeListening; $r.Works = 'passed' } finally { $l | Close-NetSocket }
                        [pscustomobject]$r
                    }).AddArgument($env:NETSOCK_MODULE).AddArgument($PesterManifest).Invoke()
                $ps.Streams.Error | Should -BeNullOrEmpty
            }
            finally { $ps.Dispose() }
            $out[0].PesterBefore | Should -BeFalse
            $out[0].Without | Should -BeLike 'NetSockPesterNotLoaded*Pester 5 or later*Import-Module Pester*Register-NetSockShouldOperator*'
            $out[0].Status | Should -Be 'Registered,Registered,Registered,Registered'
            $out[0].Works | Should -Be 'passed'
        }

        It 'ship as a nested module of the manifest, with Register-NetSockShouldOperator exported' {
            $manifest = Import-PowerShellDataFile $env:NETSOCK_MODULE
            $manifest.NestedModules | Should -Contain 'NetSock.Should.psm1'
            $manifest.FunctionsToExport | Should -Be @('Register-NetSockShouldOperator')
            Join-Path (Split-Path $env:NETSOCK_MODULE) 'NetSock.Should.psm1' | Should -Exist
            (Get-Command Register-NetSockShouldOperator).Source | Should -Be 'NetSock'
        }
    }

    Context 'Should -BeListening' {
        BeforeAll {
            $script:Listener = Start-TcpListener -Port 0 -Backlog 128   # each check leaves a closed connection in the queue
            $script:Port = $Listener.LocalPort
            $script:Listener6 = Start-TcpListener -LocalAddress ::1 -Port 0
        }

        AfterAll {
            $Listener, $Listener6 | Close-NetSocket -ErrorAction Ignore
        }

        It 'passes for a listening endpoint given as <Name>' -ForEach @(
            @{ Name = 'host:port text'; Make = { "127.0.0.1:$Port" } }
            @{ Name = 'a name and a port'; Make = { "localhost:$Port" } }
            @{ Name = '[IPv6]:port text'; Make = { "[::1]:$($Listener6.LocalPort)" } }
            @{ Name = 'an IPEndPoint'; Make = { [System.Net.IPEndPoint]::new([ipaddress]::Loopback, $Port) } }
            @{ Name = 'a DnsEndPoint'; Make = { [System.Net.DnsEndPoint]::new('localhost', $Port) } }
            @{ Name = 'a URI'; Make = { [uri]"http://127.0.0.1:$Port/" } }
            @{ Name = 'the listener (NetSocket)'; Make = { $Listener } }
            @{ Name = 'an object with ComputerName and Port'; Make = { [pscustomobject]@{ ComputerName = '127.0.0.1'; Port = $Port } } }
            @{ Name = 'a hashtable with Host and Port'; Make = { @{ Host = '127.0.0.1'; Port = "$Port" } } }
        ) {
            & $Make | Should -BeListening -Timeout 5
        }

        It 'takes the remote endpoint of a connected socket, and several endpoints at once' {
            $client = Connect-TcpEndpoint 127.0.0.1 $Port
            try {
                $client | Should -BeListening
                "127.0.0.1:$Port", "[::1]:$($Listener6.LocalPort)" | Should -BeListening
            }
            finally { $client | Close-NetSocket }
        }

        It 'connects to a Unix stream listener by its path' {
            $path = Join-Path ([System.IO.Path]::GetTempPath()) "netsock-should-$([guid]::NewGuid().ToString('N')).sock"
            $unix = Start-TcpListener -Path $path
            try { $unix | Should -BeListening }
            finally { $unix | Close-NetSocket }
            { $unix | Should -BeListening } | Should -Throw -ExpectedMessage (Get-Like "Expected $path to be listening, but ")
        }

        It 'closes the connection it made' {
            $before = @(Get-NetSocket).Count
            "127.0.0.1:$Port" | Should -BeListening
            @(Get-NetSocket).Count | Should -Be $before
            $accepted = Receive-TcpConnection $Listener -Timeout 5
            try { Receive-SocketData $accepted -Timeout 5 | Should -BeNullOrEmpty -Because 'the peer closed its side: recv() returns nothing' }
            finally { $accepted | Close-NetSocket }
        }

        It 'fails for a refused port, saying so' {
            $closed = Get-ClosedPort
            { "127.0.0.1:$closed" | Should -BeListening } |
                Should -Throw -ExpectedMessage (Get-Like "Expected 127.0.0.1:$closed to be listening, but the connection was refused (NetSocketConnectionRefused).")
            { "[::1]:$closed" | Should -BeListening -Because 'the service runs' } |
                Should -Throw -ExpectedMessage (Get-Like "Expected [::1]:$closed to be listening, because the service runs, but the connection was refused (NetSocketConnectionRefused).")
        }

        It 'with -Not, passes for a refused port, and for a listener that was closed' {
            "127.0.0.1:$(Get-ClosedPort)" | Should -Not -BeListening
            $gone = Start-TcpListener -Port 0
            $gone | Close-NetSocket
            $gone | Should -Not -BeListening
        }

        It 'with -Not, fails for a listening endpoint, naming the connection that succeeded' {
            { "127.0.0.1:$Port" | Should -Not -BeListening -Because 'it is switched off' } |
                Should -Throw -ExpectedMessage (Get-Like "Expected 127.0.0.1:$Port not to be listening, because it is switched off, but a TCP connection to it from 127.0.0.1:") 
            $accepted = Receive-TcpConnection $Listener -Timeout 5
            $accepted | Close-NetSocket
        }

        It 'times out after -Timeout on a port that drops SYNs (a full accept queue), and -Not then passes' {
            $full = Start-TcpListener -Port 0 -Backlog 1
            $queued = @()
            try {
                # listen(1): two connections fill the queue (nobody accepts), and the kernel drops any further SYN.
                $queued = 1..2 | ForEach-Object { Connect-TcpEndpoint 127.0.0.1 $full.LocalPort -Timeout 5 }
                Wait-AcceptQueue -Port $full.LocalPort -Count 2
                { "127.0.0.1:$($full.LocalPort)" | Should -BeListening -Timeout 0.5 } |
                    Should -Throw -ExpectedMessage (Get-Like "Expected 127.0.0.1:$($full.LocalPort) to be listening, but the connection timed out after 0.5 s (NetSocketTimeout).")
                "127.0.0.1:$($full.LocalPort)" | Should -Not -BeListening -Timeout 0.5
            }
            finally { @($queued) + $full | Close-NetSocket -ErrorAction Ignore }
        }

        It 'fails for input that is not an endpoint (<Name>), with -Not too' -ForEach @(
            @{ Name = 'text'; Value = 'not-an-endpoint'; Why = "'not-an-endpoint' ([String]), which is not one: write it as 'host:port' or '[IPv6]:port'" }
            @{ Name = 'a port out of range'; Value = '127.0.0.1:70000'; Why = 'the port 70000 is not between 1 and 65535' }
            @{ Name = 'an IPv6 address without brackets'; Value = '::1:80'; Why = "write it as 'host:port' or '[IPv6]:port'" }
            @{ Name = '$null'; Value = $null; Why = "`$null, which is not one" }
            @{ Name = 'a number'; Value = 8080; Why = "8080 ([Int32]), which is not one" }
        ) {
            { $Value | Should -BeListening } | Should -Throw -ExpectedMessage (Get-Like "Expected an endpoint to be listening, but got")
            { $Value | Should -BeListening } | Should -Throw -ExpectedMessage (Get-Like $Why)
            { $Value | Should -Not -BeListening } | Should -Throw -ExpectedMessage (Get-Like "Expected an endpoint not to be listening, but got")
        }

        It 'fails, with -Not too, for a name that does not resolve' {
            { 'no-such-host.invalid:80' | Should -Not -BeListening -Timeout 5 } |
                Should -Throw -ExpectedMessage (Get-Like 'Could not check whether no-such-host.invalid:80 is listening:')
            { 'no-such-host.invalid:80' | Should -BeListening -Timeout 5 } | Should -Throw -ExpectedMessage '*(NetSocketNameNotFound).'
        }
    }

    Context 'Should -HaveLayer' {
        BeforeAll {
            $script:Udp = New-UdpPacket
            $script:Summary = 'IP 127.0.0.1 > 127.0.0.1 ttl 1 / UDP 53 > 53 len 8 (layers IPv4/Udp).'
        }

        It 'passes for the layers a packet has, by name or alias, one or several' {
            $Udp | Should -HaveLayer Udp
            $Udp | Should -HaveLayer IP
            $Udp | Should -HaveLayer IPv4, Udp
            New-Packet IPv4 -Destination 127.0.0.1 | New-Packet Tcp -dport 80 | Should -HaveLayer Tcp
        }

        It 'fails for a missing layer, with the packet''s summary and layers' {
            { $Udp | Should -HaveLayer Tcp } | Should -Throw -ExpectedMessage (Get-Like "Expected a packet with layer Tcp, but got: $Summary")
            { $Udp | Should -HaveLayer IPv4, Tcp -Because 'it is a SYN' } |
                Should -Throw -ExpectedMessage (Get-Like "Expected a packet with layers IPv4, Tcp, because it is a SYN, but got: $Summary")
        }

        It 'with -Not, passes when the packet has none of the layers, and fails when it has one' {
            $Udp | Should -Not -HaveLayer Tcp
            $Udp | Should -Not -HaveLayer Tcp, Icmp
            { $Udp | Should -Not -HaveLayer Udp } | Should -Throw -ExpectedMessage (Get-Like "Expected a packet without layer Udp, but got: $Summary")
        }

        It 'adds the hexdump to the message with -Verbose, $VerbosePreference or NETSOCK_SHOULD_HEXDUMP' {
            $hex = '0000  45 00 00 1C'
            { $Udp | Should -HaveLayer Tcp } | Should -Throw -ExpectedMessage "*$Summary"
            { $Udp | Should -HaveLayer Tcp -Verbose } | Should -Throw -ExpectedMessage (Get-Like "$Summary$([Environment]::NewLine)$hex")
            & {
                $VerbosePreference = 'Continue'
                { $Udp | Should -HaveLayer Tcp } | Should -Throw -ExpectedMessage (Get-Like $hex)
            }
            $env:NETSOCK_SHOULD_HEXDUMP = '1'
            try { { $Udp | Should -HaveLayer Tcp } | Should -Throw -ExpectedMessage (Get-Like $hex) }
            finally { Remove-Item Env:NETSOCK_SHOULD_HEXDUMP }
        }

        It 'takes the packet of a raw datagram and of a deserialized packet' {
            if (Test-IsRoot) {
                $raw = New-NetSocket AF_INET SOCK_RAW 102 -LocalAddress 127.0.0.1
                try {
                    Send-Datagram 127.0.0.1 -Protocol 102 'custom'
                    Receive-Datagram -Socket $raw -Timeout 5 | Should -HaveLayer IPv4
                }
                finally { $raw | Close-NetSocket }
            }
            $Udp | Export-Clixml (Join-Path $TestDrive 'p.xml')
            Import-Clixml (Join-Path $TestDrive 'p.xml') | Should -HaveLayer Udp
            $deserialized = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($Udp))
            $deserialized | Should -HaveField 'Udp.dport' 53
        }

        It 'fails for an unknown layer name, listing the layers' {
            { $Udp | Should -HaveLayer Tpc } | Should -Throw -ExpectedMessage (Get-Like "Should -HaveLayer: 'Tpc' is not a known layer. The layers are: Arp, ")
            { $Udp | Should -Not -HaveLayer Tpc } | Should -Throw -ExpectedMessage (Get-Like "'Tpc' is not a known layer")
        }

        It 'fails for input that is not a packet (<Name>), with -Not too' -ForEach @(
            @{ Name = 'text'; Make = { 'IPv4/Udp' }; Got = "'IPv4/Udp' ([String]): Should -HaveLayer takes a packet" }
            @{ Name = '$null'; Make = { $null }; Got = '$null: Should -HaveLayer takes a packet' }
            @{ Name = 'a UDP datagram'; Make = { [NetSock.Sockets.Datagram]::new([byte[]](1, 2), $null, $null, [DateTimeOffset]::Now) }; Got = 'a datagram without an IP header' }
        ) {
            $Value = & $Make
            { $Value | Should -HaveLayer Udp } | Should -Throw -ExpectedMessage (Get-Like "Expected a packet with layer Udp, but got $Got")
            { $Value | Should -Not -HaveLayer Udp } | Should -Throw -ExpectedMessage (Get-Like "Expected a packet without layer Udp, but got $Got")
        }
    }

    Context 'Should -HaveField' {
        BeforeAll {
            $script:Udp = New-UdpPacket
            $script:Summary = 'IP 127.0.0.1 > 127.0.0.1 ttl 1 / UDP 53 > 53 len 8 (layers IPv4/Udp).'
        }

        It 'passes when <Path> is <Expected>' -ForEach @(
            @{ Path = 'IPv4.TimeToLive'; Expected = 1 }
            @{ Path = 'IP.ttl'; Expected = '1' }
            @{ Path = 'ipv4.source'; Expected = '127.0.0.1' }
            @{ Path = 'IPv4.Destination'; Expected = [ipaddress]'127.0.0.1' }
            @{ Path = 'Udp.dport'; Expected = 53 }
            @{ Path = 'IPv4.Flags'; Expected = 'None' }
        ) {
            $Udp | Should -HaveField $Path $Expected
        }

        It 'converts the expected value to the field''s type: DF flags, TCP flags, bytes' {
            $syn = New-Packet IPv4 -Destination 127.0.0.1 -Flags DF | New-Packet Tcp -dport 80 -flags S | New-Packet Raw -Load 'hi'
            $syn | Should -HaveField 'IPv4.Flags' 'DF'
            $syn | Should -HaveField 'Tcp.Flags' 'S'
            $syn | Should -HaveField 'Tcp.flags' 2
            $syn | Should -HaveField 'Raw.Load' 'hi'
            $syn | Should -HaveField 'Raw.Load' ([byte[]](0x68, 0x69))
            $syn | Should -Not -HaveField 'Tcp.Flags' 'SA'
        }

        It 'fails with the expected value, the value seen and the packet' {
            { $Udp | Should -HaveField 'IPv4.TimeToLive' 64 } |
                Should -Throw -ExpectedMessage (Get-Like "Expected IPv4.TimeToLive to be 64, but it was 1 in: $Summary")
            { $Udp | Should -HaveField 'IP.ttl' 64 -Because 'Linux starts at 64' } |
                Should -Throw -ExpectedMessage (Get-Like "Expected IPv4.TimeToLive to be 64, because Linux starts at 64, but it was 1 in: $Summary")
            { $Udp | Should -HaveField 'IPv4.Source' '198.18.0.1' } |
                Should -Throw -ExpectedMessage (Get-Like "Expected IPv4.Source to be 198.18.0.1, but it was 127.0.0.1 in: $Summary")
        }

        It 'with -Not, passes for another value and fails for that value' {
            $Udp | Should -Not -HaveField 'IPv4.TimeToLive' 64
            { $Udp | Should -Not -HaveField 'IPv4.TimeToLive' 1 } |
                Should -Throw -ExpectedMessage (Get-Like "Expected IPv4.TimeToLive not to be 1, but it was 1 in: $Summary")
        }

        It 'without an expected value, checks that the field is set rather than auto' {
            $crafted = New-Packet IPv4 -Destination 127.0.0.1 | New-Packet Udp -dport 53
            $crafted | Should -HaveField 'IPv4.Destination'
            $crafted | Should -Not -HaveField 'IPv4.Checksum'
            { $crafted | Should -HaveField 'IPv4.Checksum' } | Should -Throw -ExpectedMessage (Get-Like 'Expected IPv4.Checksum to be set, but it was auto (unset) in: IP ')
            $Udp | Should -HaveField 'IPv4.Checksum'
        }

        It 'adds the hexdump with -Verbose' {
            { $Udp | Should -HaveField 'IPv4.TimeToLive' 64 -Verbose } |
                Should -Throw -ExpectedMessage (Get-Like "$Summary$([Environment]::NewLine)0000  45 00 00 1C")
        }

        It 'fails, with -Not too, when the packet does not have the layer' {
            { $Udp | Should -HaveField 'Tcp.DestinationPort' 80 } |
                Should -Throw -ExpectedMessage (Get-Like "Expected Tcp.DestinationPort to be 80, but the packet has no Tcp layer: $Summary")
            { $Udp | Should -Not -HaveField 'Tcp.DestinationPort' 80 } |
                Should -Throw -ExpectedMessage (Get-Like "Expected Tcp.DestinationPort not to be 80, but the packet has no Tcp layer: $Summary")
        }

        It 'fails for a path it cannot resolve (<Path>), naming what is known' -ForEach @(
            @{ Path = 'IPv9.ttl'; Message = "Should -HaveField: 'IPv9' in 'IPv9.ttl' is not a known layer. The layers are: Arp, " }
            @{ Path = 'IPv4.tll'; Message = "Should -HaveField: IPv4 has no field 'tll'. Its fields are: Version (version), " }
            @{ Path = 'ttl'; Message = "Should -HaveField takes a field path Layer.Field, such as IPv4.TimeToLive or IP.ttl, but got 'ttl' ([String])." }
        ) {
            { $Udp | Should -HaveField $Path 64 } | Should -Throw -ExpectedMessage (Get-Like $Message)
            { $Udp | Should -Not -HaveField $Path 64 } | Should -Throw -ExpectedMessage (Get-Like $Message)
        }

        It 'fails for an expected value the field cannot hold' {
            { $Udp | Should -Not -HaveField 'IPv4.TimeToLive' 'sixty-four' } |
                Should -Throw -ExpectedMessage (Get-Like "Should -HaveField: 'sixty-four' ([String]) is not a value of IPv4.TimeToLive (Byte):")
            { $Udp | Should -HaveField 'IPv4.TimeToLive' 300 } | Should -Throw -ExpectedMessage (Get-Like 'is not a value of IPv4.TimeToLive (Byte)')
        }

        It 'fails for input that is not a packet, with -Not too' {
            { 'text' | Should -HaveField 'IPv4.TimeToLive' 64 } | Should -Throw -ExpectedMessage (Get-Like "Expected IPv4.TimeToLive to be 64, but got 'text' ([String]): Should -HaveField takes a packet")
            { 'text' | Should -Not -HaveField 'IPv4.TimeToLive' 64 } | Should -Throw -ExpectedMessage (Get-Like "Expected IPv4.TimeToLive not to be 64, but got 'text'")
        }

        It 'completes the field path with tab: <Line>' -ForEach @(
            @{ Line = '$p | Should -HaveField Ud'; Expected = 'Udp.' }
            @{ Line = '$p | Should -HaveField IPv4.Ti'; Expected = 'IPv4.TimeToLive' }
            @{ Line = '$p | Should -HaveField IP.tt'; Expected = 'IP.ttl' }
            @{ Line = '$p | Should -Not -HaveField -Field Tcp.dp'; Expected = 'Tcp.dport' }
            @{ Line = '$p | Should -HaveLayer Ic'; Expected = 'Icmp' }
            @{ Line = '{ } | Should -SendPacket -Filter udp -Interface l'; Expected = 'lo' }
        ) {
            $result = TabExpansion2 -inputScript $Line -cursorColumn $Line.Length
            $result.CompletionMatches.CompletionText | Should -Contain $Expected
        }
    }

    Context 'Should -SendPacket' -Tag 'Root' {
        BeforeAll {
            $script:NoCapture = if (-not (Test-IsRoot)) { 'live capture needs root or CAP_NET_RAW; run the tests as root' }
            $script:UdpPort = Get-Random -Minimum 30000 -Maximum 60000
        }

        BeforeEach {
            if ($NoCapture) { Set-ItResult -Skipped -Because $NoCapture }
        }

        It 'passes when the block sends a matching packet, on any and on lo' {
            { Send-Datagram 127.0.0.1 $UdpPort 'ping' } | Should -SendPacket -Filter "udp dst port $UdpPort"
            { Send-Datagram 127.0.0.1 $UdpPort 'ping' } | Should -SendPacket -Filter "udp dst port $UdpPort" -Interface lo -Timeout 2
        }

        It 'sees what the block sends after a delay, within -Timeout' {
            {
                $null = Start-ThreadJob -ThrottleLimit 64 -ArgumentList $env:NETSOCK_MODULE, $UdpPort -ScriptBlock {
                    param($module, $port)
                    Import-Module $module
                    Start-Sleep -Milliseconds 300
                    Send-Datagram 127.0.0.1 $port 'late'
                }
            } | Should -SendPacket -Filter "udp dst port $UdpPort" -Timeout 30
            Get-Job | Remove-Job -Force
        }

        It 'fails when nothing matching went out within -Timeout, saying so' {
            { { Send-Datagram 127.0.0.1 ($UdpPort + 1) 'other port' } | Should -SendPacket -Filter "udp dst port $UdpPort" -Timeout 0.2 -Because 'the client queries it' } |
                Should -Throw -ExpectedMessage (Get-Like "Expected the script block to send a packet matching 'udp dst port $UdpPort' on any, because the client queries it, but none went out during the block or within 0.2 s after it.")
        }

        It 'with -Not, passes when nothing matching went out' {
            { Send-Datagram 127.0.0.1 ($UdpPort + 1) 'other port' } | Should -Not -SendPacket -Filter "udp dst port $UdpPort" -Timeout 0.2
            { } | Should -Not -SendPacket -Filter 'tcp dst port 23' -Interface lo -Timeout 0.2
        }

        It 'with -Not, fails listing what went out' {
            $failed = { { 1..3 | ForEach-Object { Send-Datagram 127.0.0.1 $UdpPort "ping $_" } } | Should -Not -SendPacket -Filter "udp dst port $UdpPort" -Timeout 0.5 } |
                Should -Throw -PassThru
            $message = $failed.Exception.Message
            $message | Should -BeLike (Get-Like "Expected the script block not to send a packet matching 'udp dst port $UdpPort' on any, but 3 went out:")
            @($message -split [Environment]::NewLine).Count | Should -Be 4
            $message | Should -BeLike "*$([Environment]::NewLine)    LinuxSll / IP 127.0.0.1 > 127.0.0.1 ttl 64 / UDP * > $UdpPort len 14 / Raw 6 bytes (layers LinuxSll/IPv4/Udp/Raw)."
        }

        It 'lets an error of the block through' {
            { { throw 'the block failed' } | Should -SendPacket -Filter 'udp' -Timeout 0.2 } | Should -Throw -ExpectedMessage 'the block failed'
        }

        It 'fails, with -Not too, for a filter libpcap cannot compile and for input that is not a script block' {
            { { } | Should -Not -SendPacket -Filter 'udp prot 53' } |
                Should -Throw -ExpectedMessage (Get-Like "but the capture could not start: libpcap cannot compile the filter 'udp prot 53'")
            { 'Send-Datagram' | Should -Not -SendPacket -Filter 'udp' } |
                Should -Throw -ExpectedMessage (Get-Like "Expected the script block not to send a packet matching 'udp' on any, but got 'Send-Datagram' ([String]): Should -SendPacket takes a script block")
        }
    }

    Context 'Should -SendPacket without privilege' {
        It 'fails, with -Not too, saying the capture needs root or CAP_NET_RAW' -Skip:$NoRoot {
            $block = [scriptblock]::Create(@"
Import-Module '$PesterManifest'
Register-NetSockShouldOperator
foreach (`$not in `$false, `$true) { try { { } | Should -SendPacket -Not:`$not -Filter udp -Timeout 0.1; 'passed' } catch { `$_.Exception.Message } }
"@)
            $messages = Invoke-Unprivileged $block
            $messages.Count | Should -Be 2
            $messages[0] | Should -BeLike '*but the capture could not start: Capturing on any needs root or CAP_NET_RAW*(CaptureNoPrivilege).'
            $messages[1] | Should -BeLike 'Expected the script block not to send a packet matching ''udp'' on any, but the capture could not start:*(CaptureNoPrivilege).'
        }
    }

    Context 'Should -SendPacket between two network namespaces' -Tag 'Root' {
        BeforeAll {
            $script:NoNetns = if (-not (Test-IsRoot)) { 'it needs root (ip netns, veth pairs, raw sockets, capture); run the tests as root' }
            elseif (-not (Get-Command ip -ErrorAction Ignore)) { 'ip(8) is missing; install it with: apt-get install -y iproute2' }
            $script:Netns = $null
            if (-not $NoNetns) { $script:Netns = New-TestNetns }
        }

        AfterAll {
            Remove-TestNetns $Netns
        }

        BeforeEach {
            if ($NoNetns) { Set-ItResult -Skipped -Because $NoNetns }
        }

        It 'counts what went out of A (the echo request), not what came in (the reply), on any and on the veth' {
            # In A: ping B once per check, with Pester imported after NetSock (Start-NetnsPwsh imports NetSock first).
            $r = Invoke-NetnsPwsh -Namespace $Netns.A -TimeoutSeconds 60 -Arguments @{ To = $Netns.IPv4B; Link = $Netns.LinkA; Pester = $PesterManifest } -ScriptBlock {
                Import-Module $Arguments.Pester
                Register-NetSockShouldOperator
                $ping = { $null = New-Packet IPv4 -Destination $Arguments.To | New-Packet Icmp -Id 0x4E53 -Seq 1 | Send-RawPacket -Receive -Timeout 3 }
                $check = {
                    param([scriptblock] $Assertion)
                    try { & $Assertion; 'passed' } catch { $_.Exception.Message }
                }
                [pscustomobject]@{
                    RequestOnAny   = & $check { $ping | Should -SendPacket -Filter 'icmp[icmptype] == icmp-echo' }
                    NoReplyOnAny   = & $check { $ping | Should -Not -SendPacket -Filter 'icmp[icmptype] == icmp-echoreply' -Timeout 0.5 }
                    ReplyOnAny     = & $check { $ping | Should -SendPacket -Filter 'icmp[icmptype] == icmp-echoreply' -Timeout 0.5 }
                    RequestOnVeth  = & $check { $ping | Should -SendPacket -Filter 'icmp[icmptype] == icmp-echo' -Interface $Arguments.Link }
                    NoReplyOnVeth  = & $check { $ping | Should -Not -SendPacket -Filter 'icmp[icmptype] == icmp-echoreply' -Interface $Arguments.Link -Timeout 0.5 }
                    RequestsOnVeth = & $check { $ping | Should -Not -SendPacket -Filter 'icmp' -Interface $Arguments.Link -Timeout 0.5 }
                }
            }
            $r.RequestOnAny | Should -Be 'passed'
            $r.NoReplyOnAny | Should -Be 'passed'
            $r.ReplyOnAny | Should -BeLike (Get-Like "Expected the script block to send a packet matching 'icmp[icmptype] == icmp-echoreply' on any, but none went out during the block or within 0.5 s after it. 1 matching packet came in instead, the first: LinuxSll / IP $($Netns.IPv4B) > $($Netns.IPv4A) ttl 64 / ICMP echo-reply id 20051 seq 1 (layers LinuxSll/IPv4/Icmp).")
            $r.RequestOnVeth | Should -Be 'passed'
            $r.NoReplyOnVeth | Should -Be 'passed'
            $r.RequestsOnVeth | Should -BeLike "Expected the script block not to send a packet matching 'icmp' on $($Netns.LinkA), but 1 went out:$([Environment]::NewLine)    Ethernet * / IP $($Netns.IPv4A) > $($Netns.IPv4B) ttl 64 / ICMP echo-request id 20051 seq 1 (layers Ethernet/IPv4/Icmp)."
        }
    }
}
