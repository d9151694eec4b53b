# Send-Datagram and Receive-Datagram with peers users already trust: socat (UDP-RECVFROM, UDP-SENDTO) and Python's socket
# module (the seed's own recvfrom/sendto scripts), both ways, on 127.0.0.1 and ::1 (and a Unix datagram path for Python).
# socat and python3 come from Debian; when one is missing its tests skip and say why.

BeforeAll {
    Import-Module $env:NETSOCK_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force

    # socat: installed here when missing and the tests run as root; otherwise its tests skip and say why.
    $script:NoSocat = Install-TestTool -Command socat -Package socat
    # Debian's python3, not whatever a version manager puts first on PATH.
    $script:Python = '/usr/bin/python3'
    $script:NoPython = if (-not (Test-Path $Python)) { "$Python is missing; install it with: sudo apt-get install -y python3" }

    $script:Processes = [System.Collections.Generic.List[object]]::new()
    $script:Jobs = [System.Collections.Generic.List[object]]::new()

    function Start-Peer {
        <#
        Starts a peer process with exactly these arguments (no shell, no quoting); its stdout is collected as bytes,
        stderr as text. -InputText is written to its stdin, which is then closed. Kept in $Processes, killed after each test.
        #>
        param([Parameter(Mandatory)] [string] $FilePath, [Parameter(Mandatory)] [string[]] $Arguments, [string] $InputText)
        $psi = [System.Diagnostics.ProcessStartInfo]::new($FilePath)
        foreach ($a in $Arguments) { $psi.ArgumentList.Add($a) }
        $psi.UseShellExecute = $false
        $psi.RedirectStandardInput = $true
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $p = [System.Diagnostics.Process]::Start($psi)
        $Processes.Add($p)
        $out = [System.IO.MemoryStream]::new()
        $copy = $p.StandardOutput.BaseStream.CopyToAsync($out)
        $err = $p.StandardError.ReadToEndAsync()
        if ($InputText) { $p.StandardInput.Write($InputText); $p.StandardInput.Flush() }
        $p.StandardInput.Close()
        [pscustomobject]@{ Process = $p; Output = $out; Copy = $copy; Error = $err; Name = Split-Path $FilePath -Leaf }
    }

    function Wait-Peer {
        <# Waits for a peer to exit successfully and returns its stdout as bytes; fails with its stderr otherwise. #>
        param([Parameter(Mandatory)] $Peer, [int] $TimeoutSeconds = 15)
        if (-not $Peer.Process.WaitForExit($TimeoutSeconds * 1000)) { throw "$($Peer.Name) did not exit within $TimeoutSeconds s: $($Peer.Error.Result)" }
        $Peer.Process.WaitForExit()
        $null = $Peer.Copy.Wait(5000)
        if ($Peer.Process.ExitCode -ne 0) { throw "$($Peer.Name) failed (exit $($Peer.Process.ExitCode)): $($Peer.Error.Result)" }
        , $Peer.Output.ToArray()
    }

    function Wait-UdpBound {
        <# Waits until some process has bound UDP -Port (read from /proc/net/udp or udp6): the peer is ready for datagrams. #>
        param([Parameter(Mandatory)] $Peer, [Parameter(Mandatory)] [int] $Port, [switch] $IPv6)
        $file = if ($IPv6) { '/proc/net/udp6' } else { '/proc/net/udp' }
        $pattern = '^\s*\d+:\s+[0-9A-F]+:{0:X4}\s' -f $Port
        $deadline = [datetime]::UtcNow.AddSeconds(10)
        while (-not ((Get-Content $file) -match $pattern)) {
            if ($Peer.Process.HasExited) { throw "$($Peer.Name) exited (code $($Peer.Process.ExitCode)) before it bound port $Port`: $($Peer.Error.Result)" }
            if ([datetime]::UtcNow -gt $deadline) { throw "$($Peer.Name) did not bind port $Port within 10 s: $($Peer.Error.Result)" }
            Start-Sleep -Milliseconds 20
        }
    }

    function Wait-PathBound {
        <# Waits until a peer has bound its Unix socket (the file appears). #>
        param([Parameter(Mandatory)] $Peer, [Parameter(Mandatory)] [string] $Path)
        $deadline = [datetime]::UtcNow.AddSeconds(10)
        while (-not (Test-Path $Path)) {
            if ($Peer.Process.HasExited) { throw "$($Peer.Name) exited (code $($Peer.Process.ExitCode)) before it bound $Path`: $($Peer.Error.Result)" }
            if ([datetime]::UtcNow -gt $deadline) { throw "$($Peer.Name) did not bind $Path within 10 s." }
            Start-Sleep -Milliseconds 20
        }
    }

    function Get-FreeUdpPort {
        <# A UDP port free on the address right now: the kernel picks it for a socket bound to port 0, closed at once. #>
        param([ipaddress] $Address = [ipaddress]::Loopback)
        $s = [System.Net.Sockets.Socket]::new($Address.AddressFamily, 'Dgram', 'Udp')
        try { $s.Bind([System.Net.IPEndPoint]::new($Address, 0)); $s.LocalEndPoint.Port }
        finally { $s.Dispose() }
    }

    function Start-WhenBound {
        <#
        Runs -ScriptBlock in a thread job as soon as a NetSock socket is bound on -Port or at -Path (Get-NetSocket sees
        every runspace's sockets), so a peer sends only once Receive-Datagram listens. Kept in $Jobs, removed after each test.
        #>
        param([int] $Port, [string] $Path, [Parameter(Mandatory)] [scriptblock] $ScriptBlock, [object[]] $ArgumentList = @())
        $job = Start-ThreadJob -ThrottleLimit 64 -ArgumentList $Port, $Path, "$ScriptBlock", $ArgumentList -ScriptBlock {
            param($port, $path, $script, $arguments)
            Import-Module $env:NETSOCK_MODULE
            $deadline = [datetime]::UtcNow.AddSeconds(15)
            while (-not (Get-NetSocket | Where-Object { ($port -and $_.LocalPort -eq $port) -or ($path -and "$($_.LocalEndPoint)" -eq $path) })) {
                if ([datetime]::UtcNow -gt $deadline) { throw 'Receive-Datagram did not bind its socket within 15 s.' }
                Start-Sleep -Milliseconds 10
            }
            & ([scriptblock]::Create($script)) @arguments
        }
        $Jobs.Add($job)
        $job
    }

    function Complete-Job {
        <# Waits for a job of Start-WhenBound and returns its output; what failed in it fails the test. #>
        param([Parameter(Mandatory, ValueFromPipeline)] $Job)
        process {
            if (-not (Wait-Job $Job -Timeout 20)) { throw 'The peer job did not finish within 20 s.' }
            Receive-Job $Job -ErrorAction Stop
        }
    }

    function ConvertFrom-Utf8([byte[]] $Bytes) { [Text.Encoding]::UTF8.GetString($Bytes) }

    # The seed's section 4 scripts in Python, with the address and port from the command line.
    $script:PyServer = @'
import json, socket, sys
host, port = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_INET6 if ':' in host else socket.AF_INET, socket.SOCK_DGRAM)
s.bind((host, port))
data, addr = s.recvfrom(65535)
if len(sys.argv) > 3:
    s.sendto(data.upper(), addr)
s.close()
print(json.dumps({'data': data.hex(), 'host': addr[0], 'port': addr[1]}))
'@
    $script:PyClient = @'
import json, socket, sys
host, port, text = sys.argv[1], int(sys.argv[2]), sys.argv[3]
s = socket.socket(socket.AF_INET6 if ':' in host else socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(text.encode('utf-8'), (host, port))
reply = None
if len(sys.argv) > 4:
    s.settimeout(10)
    reply = s.recvfrom(65535)[0].decode('utf-8')
local = s.getsockname()
s.close()
print(json.dumps({'port': local[1], 'reply': reply}))
'@
    $script:PyUnixServer = @'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
data, addr = s.recvfrom(65535)
s.close()
sys.stdout.write(data.hex())
'@
    $script:PyUnixClient = @'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.sendto(sys.argv[2].encode('utf-8'), sys.argv[1])
s.close()
'@
}

AfterAll {
    foreach ($job in $Jobs) { Remove-Job $job -Force -ErrorAction Ignore }
    foreach ($p in $Processes) {
        try { if (-not $p.HasExited) { $p.Kill($true) } } catch [System.InvalidOperationException] { }
        $p.Dispose()
    }
}

Describe 'Datagram interop with socat' {
    BeforeEach {
        if ($NoSocat) { Set-ItResult -Skipped -Because $NoSocat }
    }

    AfterEach {
        foreach ($job in $Jobs) { Remove-Job $job -Force -ErrorAction Ignore }
        $Jobs.Clear()
        Stop-TestProcess $Processes
        $Processes.Clear()
        Get-NetSocket | Close-NetSocket
    }

    Context 'when socat receives and NetSock sends' {
        It 'socat UDP-RECVFROM on <Address> gets what Send-Datagram sends' -ForEach @(
            @{ Address = '127.0.0.1'; Listen = 'UDP-RECVFROM:{0},bind=127.0.0.1'; IPv6 = $false }
            @{ Address = '::1'; Listen = 'UDP6-RECVFROM:{0},bind=[::1]'; IPv6 = $true }
        ) {
            $port = Get-FreeUdpPort $Address
            $socat = Start-Peer socat '-u', ($Listen -f $port), 'STDOUT'
            Wait-UdpBound $socat -Port $port -IPv6:$IPv6
            Send-Datagram $Address $port 'hello socat, héllo'
            ConvertFrom-Utf8 (Wait-Peer $socat) | Should -Be 'hello socat, héllo'
        }

        It 'socat gets a byte[] that was piped into Send-Datagram byte by byte, whole' {
            $port = Get-FreeUdpPort
            $socat = Start-Peer socat '-u', "UDP-RECVFROM:$port,bind=127.0.0.1", 'STDOUT'
            Wait-UdpBound $socat -Port $port
            $bytes = [byte[]](0..255)
            $bytes | Send-Datagram 127.0.0.1 $port
            [Convert]::ToHexString((Wait-Peer $socat)) | Should -Be ([Convert]::ToHexString($bytes))
        }

        It 'socat ... PIPE echoes what Send-Datagram -Socket sends, and Receive-Datagram -Socket gets the echo' {
            $port = Get-FreeUdpPort
            $socat = Start-Peer socat "UDP-RECVFROM:$port,bind=127.0.0.1", 'PIPE'
            Wait-UdpBound $socat -Port $port
            $client = New-NetSocket AF_INET SOCK_DGRAM -LocalPort 0
            Send-Datagram -Socket $client -ComputerName 127.0.0.1 -Port $port 'echo me'
            $echo = Receive-Datagram -Socket $client -Timeout 10
            $echo.Text | Should -Be 'echo me'
            "$($echo.RemoteEndPoint)" | Should -Be "127.0.0.1:$port"
            $null = Wait-Peer $socat
        }
    }

    Context 'when socat sends and NetSock receives' {
        It 'Receive-Datagram on <Address> gets what socat UDP-SENDTO sends, from socat''s source port' -ForEach @(
            @{ Address = '127.0.0.1'; SendTo = 'UDP-SENDTO:127.0.0.1:{0},sourceport={1}' }
            @{ Address = '::1'; SendTo = 'UDP6-SENDTO:[::1]:{0},sourceport={1}' }
        ) {
            $port = Get-FreeUdpPort $Address
            $source = Get-FreeUdpPort $Address
            $socat = Start-WhenBound -Port $port -ArgumentList ($SendTo -f $port, $source) -ScriptBlock {
                param($sendTo)
                $out = 'hello from socat' | & socat -u STDIN $sendTo 2>&1
                if ($LASTEXITCODE -ne 0) { throw "socat failed (exit $LASTEXITCODE): $out" }
            }
            $d = Receive-Datagram -LocalAddress $Address -LocalPort $port -Timeout 10
            $d.Text | Should -Be "hello from socat`n"
            $d.RemoteEndPoint.Address | Should -Be ([ipaddress]$Address)
            $d.RemoteEndPoint.Port | Should -Be $source
            $socat | Complete-Job
            Get-NetSocket | Should -BeNullOrEmpty
        }

        It 'answers socat from the server''s socket, and socat prints the answer' {
            $server = New-NetSocket AF_INET SOCK_DGRAM -LocalPort 0
            $socat = Start-Peer socat '-t', '2', '-', "UDP-SENDTO:127.0.0.1:$($server.LocalPort)" -InputText 'ping'
            $question = Receive-Datagram -Socket $server -Timeout 10
            $question.Text | Should -Be 'ping'
            Send-Datagram -Socket $server -ComputerName $question.RemoteEndPoint.Address -Port $question.RemoteEndPoint.Port 'PONG'
            ConvertFrom-Utf8 (Wait-Peer $socat) | Should -Be 'PONG'
        }
    }
}

Describe 'Datagram interop with Python''s socket' {
    BeforeEach {
        if ($NoPython) { Set-ItResult -Skipped -Because $NoPython }
    }

    AfterEach {
        foreach ($job in $Jobs) { Remove-Job $job -Force -ErrorAction Ignore }
        $Jobs.Clear()
        Stop-TestProcess $Processes
        $Processes.Clear()
        Get-NetSocket | Close-NetSocket
    }

    Context 'when Python is the seed''s UDP server and NetSock the client' {
        It 'the seed''s Python server on <Address> gets what Send-Datagram -Socket sends, from the socket''s port' -ForEach @(
            @{ Address = '127.0.0.1'; Family = 'AF_INET'; IPv6 = $false }
            @{ Address = '::1'; Family = 'AF_INET6'; IPv6 = $true }
        ) {
            $port = Get-FreeUdpPort $Address
            $python = Start-Peer $Python '-c', $PyServer, $Address, $port
            Wait-UdpBound $python -Port $port -IPv6:$IPv6
            $client = New-NetSocket $Family SOCK_DGRAM -LocalAddress $Address -LocalPort 0
            Send-Datagram -Socket $client -ComputerName $Address -Port $port 'Hello, server'
            $got = ConvertFrom-Utf8 (Wait-Peer $python) | ConvertFrom-Json
            $got.data | Should -Be ([Convert]::ToHexString([Text.Encoding]::ASCII.GetBytes('Hello, server')).ToLower())
            [ipaddress]$got.host | Should -Be ([ipaddress]$Address)
            $got.port | Should -Be $client.LocalPort
        }

        It 'a Python server gets a 65,507-byte byte[] from Send-Datagram whole' {
            $port = Get-FreeUdpPort
            $python = Start-Peer $Python '-c', $PyServer, '127.0.0.1', $port
            Wait-UdpBound $python -Port $port
            $bytes = [byte[]]::new(65507)
            [Random]::new(3).NextBytes($bytes)
            Send-Datagram 127.0.0.1 $port -InputObject $bytes
            (ConvertFrom-Utf8 (Wait-Peer $python) | ConvertFrom-Json).data | Should -Be ([Convert]::ToHexString($bytes).ToLower())
        }

        It 'a Python server answers with sendto, and Receive-Datagram -Socket gets the answer on the sending socket' {
            $port = Get-FreeUdpPort
            $python = Start-Peer $Python '-c', $PyServer, '127.0.0.1', $port, 'reply'
            Wait-UdpBound $python -Port $port
            $client = New-NetSocket AF_INET SOCK_DGRAM -LocalPort 0
            Send-Datagram -Socket $client -ComputerName 127.0.0.1 -Port $port 'shout this'
            $answer = Receive-Datagram -Socket $client -Timeout 10
            $answer.Text | Should -Be 'SHOUT THIS'
            $answer.RemoteEndPoint.Port | Should -Be $port
            $null = Wait-Peer $python
        }

        It 'a Python AF_UNIX SOCK_DGRAM server gets what Send-Datagram -Path sends' {
            $path = Join-Path $TestDrive 'py-server.sock'
            $python = Start-Peer $Python '-c', $PyUnixServer, $path
            Wait-PathBound $python -Path $path
            Send-Datagram -Path $path -InputObject ([byte[]](0, 1, 2, 255))
            ConvertFrom-Utf8 (Wait-Peer $python) | Should -Be '000102ff'
            Get-NetSocket | Should -BeNullOrEmpty
        }
    }

    Context 'when Python is the seed''s UDP client and NetSock the server' {
        It 'Receive-Datagram on <Address> gets what the seed''s Python client sends, from the client''s port' -ForEach @(
            @{ Address = '127.0.0.1' }
            @{ Address = '::1' }
        ) {
            $port = Get-FreeUdpPort $Address
            $job = Start-WhenBound -Port $port -ArgumentList $Python, $PyClient, $Address, $port -ScriptBlock {
                param($python, $code, $address, $port)
                $out = & $python -c $code $address $port 'Hello, server ✓' 2>&1
                if ($LASTEXITCODE -ne 0) { throw "python failed (exit $LASTEXITCODE): $out" }
                $out | ConvertFrom-Json
            }
            $d = Receive-Datagram -LocalAddress $Address -LocalPort $port -Timeout 10
            $d.Text | Should -Be 'Hello, server ✓'
            $d.RemoteEndPoint.Address | Should -Be ([ipaddress]$Address)
            $sent = $job | Complete-Job
            $d.RemoteEndPoint.Port | Should -Be $sent.port
            Get-NetSocket | Should -BeNullOrEmpty
        }

        It 'answers a Python client that waits for the answer, with Send-Datagram -Socket to the datagram''s RemoteEndPoint' {
            $server = New-NetSocket AF_INET6 SOCK_DGRAM -LocalAddress ::1 -LocalPort 0
            $python = Start-Peer $Python '-c', $PyClient, '::1', $server.LocalPort, 'ping', 'wait'
            $question = Receive-Datagram -Socket $server -Timeout 10
            $question.Text | Should -Be 'ping'
            Send-Datagram -Socket $server -ComputerName $question.RemoteEndPoint.Address -Port $question.RemoteEndPoint.Port 'pong'
            (ConvertFrom-Utf8 (Wait-Peer $python) | ConvertFrom-Json).reply | Should -Be 'pong'
        }

        It 'Receive-Datagram -Path gets what a Python AF_UNIX client sends, and removes the file' {
            $path = Join-Path $TestDrive 'ns-server.sock'
            $job = Start-WhenBound -Path $path -ArgumentList $Python, $PyUnixClient, $path -ScriptBlock {
                param($python, $code, $path)
                $out = & $python -c $code $path 'unix from python' 2>&1
                if ($LASTEXITCODE -ne 0) { throw "python failed (exit $LASTEXITCODE): $out" }
            }
            (Receive-Datagram -Path $path -Timeout 10).Text | Should -Be 'unix from python'
            $job | Complete-Job
            $path | Should -Not -Exist
        }
    }
}
