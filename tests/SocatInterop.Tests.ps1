BeforeAll {
    Import-Module $env:NETSOCK_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'StreamTestHelpers.psm1') -Force

    # socat from Debian is the peer: installed here when missing and the tests run as root; otherwise every test
    # skips and says why.
    $script:NoSocat = Install-TestTool -Command socat -Package socat

    $script:Processes = [System.Collections.Generic.List[System.Diagnostics.Process]]::new()

    function Start-Socat {
        <#
        Starts socat with exactly these arguments (no shell, no quoting), its stdout and stderr read in the
        background; -InputText is written to its stdin, which is then closed. Every process is kept in
        $Processes, so AfterEach stops it whatever happens.
        #>
        param([Parameter(Mandatory)] [string[]] $Arguments, [string] $InputText)
        $psi = [System.Diagnostics.ProcessStartInfo]::new('socat')
        foreach ($a in $Arguments) { $psi.ArgumentList.Add($a) }
        $psi.UseShellExecute = $false
        $psi.RedirectStandardInput = $true
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $p = [System.Diagnostics.Process]::Start($psi)
        $Processes.Add($p)
        $out = $p.StandardOutput.ReadToEndAsync()
        $err = $p.StandardError.ReadToEndAsync()
        if ($InputText) { $p.StandardInput.Write($InputText); $p.StandardInput.Flush() }
        $p.StandardInput.Close()
        [pscustomobject]@{ Process = $p; Output = $out; Error = $err }
    }

    function Wait-SocatExit {
        # Waits for socat to finish; fails with its stderr when it takes too long or fails.
        param([Parameter(Mandatory)] $Socat, [int] $TimeoutSeconds = 10)
        if (-not $Socat.Process.WaitForExit($TimeoutSeconds * 1000)) { throw "socat did not exit within $TimeoutSeconds s." }
        $Socat.Process.WaitForExit()
        if ($Socat.Process.ExitCode -ne 0) { throw "socat failed (exit $($Socat.Process.ExitCode)): $($Socat.Error.Result)" }
    }

    function Connect-WhenListening {
        <# Connects to a socat server as soon as it listens (a refused attempt consumes nothing; the first success is the test's connection). #>
        param([Parameter(Mandatory)] $Socat, [string] $ComputerName, [int] $Port, [string] $Path)
        $deadline = [datetime]::UtcNow.AddSeconds(10)
        while ($true) {
            if ($Socat.Process.HasExited) { throw "socat exited (code $($Socat.Process.ExitCode)) before it listened: $($Socat.Error.Result)" }
            $s = if ($Path) {
                if (Test-Path $Path) { Connect-TcpEndpoint -Path $Path -Timeout 5 -ErrorAction SilentlyContinue }
            }
            else { Connect-TcpEndpoint $ComputerName $Port -Timeout 5 -ErrorAction SilentlyContinue }
            if ($s) { return $s }
            if ([datetime]::UtcNow -gt $deadline) { throw "socat did not listen within 10 s: $($Socat.Error.Result)" }
            Start-Sleep -Milliseconds 50
        }
    }

    function Get-Sha256([byte[]] $Bytes) { [Convert]::ToHexString([System.Security.Cryptography.SHA256]::HashData($Bytes)) }
}

Describe 'Interop with socat' {
    BeforeEach {
        if ($NoSocat) { Set-ItResult -Skipped -Because $NoSocat }
    }

    AfterEach {
        Stop-TestProcess $Processes
        $Processes.Clear()
        Get-NetSocket | Close-NetSocket
    }

    Context 'when socat is the server and NetSock the client' {
        It 'gets its line echoed by socat TCP-LISTEN ... EXEC:cat on <Name>' -ForEach @(
            @{ Name = '127.0.0.1'; Address = '127.0.0.1'; Listen = 'TCP-LISTEN:{0},bind=127.0.0.1,reuseaddr,fork' }
            @{ Name = '::1'; Address = '::1'; Listen = 'TCP6-LISTEN:{0},bind=[::1],reuseaddr,fork' }
        ) {
            $port = Get-FreeTcpPort -Address $Address
            $socat = Start-Socat ($Listen -f $port), 'EXEC:cat'
            $s = Connect-WhenListening $socat -ComputerName $Address -Port $port
            Send-SocketData $s 'hello socat'
            Receive-SocketData $s -Line -Count 1 -Timeout 5 | Should -Be 'hello socat'
            Send-SocketData $s 'héllo again' -Encoding utf8
            Receive-SocketData $s -Line -Count 1 -Timeout 5 | Should -Be 'héllo again'
        }

        It 'gets 1 MiB of random bytes echoed by socat byte for byte, in 64 KiB rounds' {
            $port = Get-FreeTcpPort
            $socat = Start-Socat "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr", 'EXEC:cat'
            $s = Connect-WhenListening $socat -ComputerName 127.0.0.1 -Port $port
            $bytes = [byte[]]::new(1MB)
            [Random]::new(11).NextBytes($bytes)
            $echo = [System.IO.MemoryStream]::new()
            for ($offset = 0; $offset -lt $bytes.Length; $offset += 64KB) {
                $round = [byte[]]::new(64KB)
                [Array]::Copy($bytes, $offset, $round, 0, 64KB)
                Send-SocketData $s $round -Timeout 10
                while ($echo.Length -lt $offset + 64KB) {
                    $chunk = Receive-SocketData $s -AsByteStream -Timeout 10
                    if (-not $chunk) { throw "socat closed after $($echo.Length) bytes" }
                    $echo.Write($chunk, 0, $chunk.Length)
                }
            }
            $echo.Length | Should -Be $bytes.Length
            Get-Sha256 $echo.ToArray() | Should -Be (Get-Sha256 $bytes)
            $s.BytesSent | Should -Be 1MB
            $s.BytesReceived | Should -Be 1MB
        }

        It 'reads the banner of socat ... SYSTEM:''echo banner'' until socat closes' {
            $port = Get-FreeTcpPort
            $socat = Start-Socat "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr", 'SYSTEM:echo banner'
            $s = Connect-WhenListening $socat -ComputerName 127.0.0.1 -Port $port
            -join @(Receive-SocketData $s -UntilClosed -Timeout 10) | Should -Be "banner`n"
            Wait-SocatExit $socat
        }

        It 'reads the banner line by line over a Unix socket (socat UNIX-LISTEN)' {
            $path = Join-Path $TestDrive 'socat-server.sock'
            $banner = Join-Path $TestDrive 'banner.sh'         # a script, so socat's own backslash escapes stay out of it
            Set-Content -Path $banner -Value 'printf ''one\r\ntwo\n'''
            $socat = Start-Socat "UNIX-LISTEN:$path", "EXEC:sh $banner"
            $s = Connect-WhenListening $socat -Path $path
            Receive-SocketData $s -Line -Timeout 10 | Should -Be @('one', 'two')
            Wait-SocatExit $socat
        }

        It 'is refused with NetSocketConnectionRefused once socat has served its one connection and exited' {
            $port = Get-FreeTcpPort
            $socat = Start-Socat "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr", 'SYSTEM:echo once'
            $s = Connect-WhenListening $socat -ComputerName 127.0.0.1 -Port $port
            $null = Receive-SocketData $s -UntilClosed -Timeout 10
            Wait-SocatExit $socat
            Connect-TcpEndpoint 127.0.0.1 $port -Timeout 5 -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -Be 'NetSocketConnectionRefused,NetSock.Commands.ConnectTcpEndpointCommand'
        }
    }

    Context 'when NetSock is the server and socat the client' {
        It 'reads what socat - TCP:<Name> sends and answers it, and socat prints the answer' -ForEach @(
            @{ Name = '127.0.0.1:port'; Listen = '127.0.0.1'; Connect = 'TCP:127.0.0.1:{0}' }
            @{ Name = '[::1]:port'; Listen = '::1'; Connect = 'TCP6:[::1]:{0}' }
        ) {
            $l = Start-TcpListener -LocalAddress $Listen
            # -t 10: after its stdin ends, socat waits up to 10 s for our answer before it gives up.
            $socat = Start-Socat '-t', '10', '-', ($Connect -f $l.LocalPort) -InputText "hello from socat`n"
            $conn = Receive-TcpConnection $l -Timeout 10
            $conn.RemoteEndPoint.Address | Should -Be ([ipaddress]$Listen)
            Receive-SocketData $conn -Line -Timeout 10 | Should -Be 'hello from socat'     # until socat shuts down its side
            Send-SocketData $conn 'hello from netsock'
            $conn | Close-NetSocket
            Wait-SocatExit $socat
            $socat.Output.Result | Should -Be "hello from netsock`n"
        }

        It 'serves a socat UNIX-CONNECT client' {
            $path = Join-Path $TestDrive 'netsock-server.sock'
            $l = Start-TcpListener -Path $path
            $socat = Start-Socat '-t', '10', '-', "UNIX-CONNECT:$path" -InputText "ping`n"
            $conn = Receive-TcpConnection $l -Timeout 10
            Receive-SocketData $conn -Line -Count 1 -Timeout 10 | Should -Be 'ping'
            Send-SocketData $conn 'pong'
            $conn | Close-NetSocket
            Wait-SocatExit $socat
            $socat.Output.Result | Should -Be "pong`n"
        }

        It 'receives a 1 MiB file that socat -u sends, byte for byte' {
            $bytes = [byte[]]::new(1MB)
            [Random]::new(13).NextBytes($bytes)
            $in = Join-Path $TestDrive 'to-netsock.bin'
            [System.IO.File]::WriteAllBytes($in, $bytes)
            $l = Start-TcpListener
            $socat = Start-Socat '-u', "OPEN:$in", "TCP:127.0.0.1:$($l.LocalPort)"
            $conn = Receive-TcpConnection $l -Timeout 10
            $got = [System.IO.MemoryStream]::new()
            Receive-SocketData $conn -UntilClosed -AsByteStream -Timeout 10 | ForEach-Object { $got.Write($_, 0, $_.Length) }
            Wait-SocatExit $socat
            $got.Length | Should -Be $bytes.Length
            Get-Sha256 $got.ToArray() | Should -Be (Get-Sha256 $bytes)
        }

        It 'sends 1 MiB that socat -u writes to a file, byte for byte' {
            $bytes = [byte[]]::new(1MB)
            [Random]::new(17).NextBytes($bytes)
            $out = Join-Path $TestDrive 'from-netsock.bin'
            $l = Start-TcpListener
            $socat = Start-Socat '-u', "TCP:127.0.0.1:$($l.LocalPort)", "CREATE:$out"
            $conn = Receive-TcpConnection $l -Timeout 10
            Send-SocketData $conn $bytes -Timeout 10
            $conn | Close-NetSocket
            Wait-SocatExit $socat
            $written = [System.IO.File]::ReadAllBytes($out)
            $written.Length | Should -Be $bytes.Length
            Get-Sha256 $written | Should -Be (Get-Sha256 $bytes)
        }
    }
}
