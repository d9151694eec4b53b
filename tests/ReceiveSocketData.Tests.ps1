BeforeAll {
    Import-Module $env:NETSOCK_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'StreamTestHelpers.psm1') -Force
    $script:Cmd = 'NetSock.Commands.ReceiveSocketDataCommand'

    function Send-Raw {
        # Sends bytes on a NetSocket's raw .NET socket, so the tests of Receive-SocketData control the wire exactly.
        param($Socket, [byte[]] $Bytes)
        $null = $Socket.Socket.Send($Bytes)
    }

    function Start-DelayedSend {
        # A thread job that sends -Bytes on the raw socket after -Milliseconds (and then, with -Close, closes it):
        # the peer that writes while Receive-SocketData is waiting.
        param($Socket, [byte[][]] $Chunks, [int] $Milliseconds = 300, [switch] $Close, [switch] $Reset)
        Start-ThreadJob -ThrottleLimit 64 -ArgumentList $Socket, $Chunks, $Milliseconds, $Close.IsPresent, $Reset.IsPresent -ScriptBlock {
            param($ns, $chunks, $ms, $close, $reset)
            foreach ($chunk in $chunks) {
                Start-Sleep -Milliseconds $ms
                $null = $ns.Socket.Send([byte[]]$chunk)
            }
            if ($reset) {
                Start-Sleep -Milliseconds $ms
                $ns.Socket.LingerState = [System.Net.Sockets.LingerOption]::new($true, 0)
                $ns.Close()
            }
            elseif ($close) {
                Start-Sleep -Milliseconds $ms
                $ns.Close()
            }
        }
    }
}

Describe 'Receive-SocketData' {
    BeforeEach {
        # A connected pair on loopback: the tests read on $c what the server side $a writes.
        $l = Start-TcpListener
        $c = Connect-TcpEndpoint 127.0.0.1 $l.LocalPort -Timeout 5
        $a = Receive-TcpConnection $l -Timeout 5
        $jobs = [System.Collections.Generic.List[object]]::new()
    }

    AfterEach {
        $jobs | Stop-Job -PassThru | Remove-Job -Force
        Get-NetSocket | Close-NetSocket
    }

    Context 'when it reads one chunk (the seed''s recv(100))' {
        It 'returns at most -MaximumBytes bytes and leaves the rest for the next call' {
            $text = 'x' * 150
            Send-Raw $a ([Text.Encoding]::ASCII.GetBytes($text))
            Wait-Until { $c.Socket.Available -ge 150 } -Because 'the 150 bytes to arrive'
            $first = Receive-SocketData $c -MaximumBytes 100 -Timeout 5
            $first | Should -Be ('x' * 100)
            $c.BytesReceived | Should -Be 100
            Receive-SocketData $c -MaximumBytes 100 -Timeout 5 | Should -Be ('x' * 50)
            $c.BytesReceived | Should -Be 150
            $c.State | Should -Be 'Connected'
        }

        It 'decodes UTF-8 text by default and returns exactly what arrived, newlines included' {
            Send-Raw $a ([byte[]](0x68, 0xC3, 0xA9, 0x0D, 0x0A, 0x21))
            Receive-SocketData $c -Timeout 5 | Should -BeExactly "hé`r`n!"
        }

        It 'decodes text in -Encoding <Encoding>' -ForEach @(
            @{ Encoding = 'latin1'; Text = 'café' }
            @{ Encoding = 'unicode'; Text = 'hé€' }
            @{ Encoding = 'bigendianunicode'; Text = 'hé€' }
            @{ Encoding = 'utf32'; Text = 'h😀' }
        ) {
            Send-Raw $a (Get-Bytes $Text -Encoding $Encoding)
            Wait-Until { $c.Socket.Available -ge (Get-Bytes $Text -Encoding $Encoding).Length } -Because 'all the bytes'
            Receive-SocketData $c -Encoding $Encoding -Timeout 5 | Should -BeExactly $Text
        }

        It 'emits one byte[] with -AsByteStream, the bytes exactly as sent' {
            $bytes = [byte[]](0, 255, 10, 13, 1, 2, 3)
            Send-Raw $a $bytes
            Wait-Until { $c.Socket.Available -ge 7 } -Because 'the 7 bytes'
            $out = @(Receive-SocketData $c -AsByteStream -Timeout 5)
            $out.Count | Should -Be 1
            , $out[0] | Should -BeOfType [byte[]]
            $out[0] | Should -Be $bytes
        }

        It 'keeps a character split by -MaximumBytes for the next read, so the calls together give the text sent' {
            Send-Raw $a ([byte[]](0xC3, 0xA9))          # 'é' in UTF-8: two bytes
            Wait-Until { $c.Socket.Available -ge 2 } -Because 'both bytes'
            $first = Receive-SocketData $c -MaximumBytes 1 -Timeout 5
            $second = Receive-SocketData $c -MaximumBytes 1 -Timeout 5
            (@($first) + @($second)) -join '' | Should -BeExactly 'é'
        }

        It 'waits for data that comes later, up to -Timeout' {
            $jobs.Add((Start-DelayedSend $a -Chunks (, [byte[]][Text.Encoding]::ASCII.GetBytes('late')) -Milliseconds 500))
            $watch = [System.Diagnostics.Stopwatch]::StartNew()
            Receive-SocketData $c -Timeout 10 | Should -Be 'late'
            $watch.Elapsed.TotalSeconds | Should -BeGreaterThan 0.3
        }

        It 'returns nothing when the peer has closed, and writes a verbose note' {
            $a | Close-NetSocket
            $out = Receive-SocketData $c -Timeout 5 -Verbose 4>&1
            @($out | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }) | Should -BeNullOrEmpty
            "$($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })" | Should -Match 'closed its side'
        }
    }

    Context 'with -Line' {
        It 'emits one string per line, LF or CRLF, without the end of line' {
            Send-Raw $a ([Text.Encoding]::ASCII.GetBytes("unix`nwindows`r`n`nlast`n"))
            $a | Close-NetSocket
            Receive-SocketData $c -Line -Timeout 5 | Should -Be @('unix', 'windows', '', 'last')
        }

        It 'emits a last line without an end of line when the peer closes' {
            Send-Raw $a ([Text.Encoding]::ASCII.GetBytes("one`ntwo"))
            $a | Close-NetSocket
            Receive-SocketData $c -Line -Timeout 5 | Should -Be @('one', 'two')
        }

        It 'joins a line split across two sends that arrive in two reads' {
            $chunks = [byte[]][Text.Encoding]::ASCII.GetBytes('hel'), [byte[]][Text.Encoding]::ASCII.GetBytes("lo`r"), [byte[]][Text.Encoding]::ASCII.GetBytes("`nnext`n")
            $jobs.Add((Start-DelayedSend $a -Chunks $chunks -Milliseconds 200))
            Receive-SocketData $c -Line -Count 2 -Timeout 10 | Should -Be @('hello', 'next')
            $c.BytesReceived | Should -Be 12
        }

        It 'reads -Count lines and leaves the rest, a partial line too, for the next call' {
            Send-Raw $a ([Text.Encoding]::ASCII.GetBytes("a`nb`nc`npart"))
            Wait-Until { $c.Socket.Available -ge 10 } -Because 'all 10 bytes'
            Receive-SocketData $c -Line -Count 1 -Timeout 5 | Should -Be 'a'
            Receive-SocketData $c -Line -Count 2 -Timeout 5 | Should -Be @('b', 'c')
            Send-Raw $a ([Text.Encoding]::ASCII.GetBytes("ial`n"))
            Receive-SocketData $c -Line -Count 1 -Timeout 5 | Should -Be 'partial'
            $c.BytesReceived | Should -Be 14
        }

        It 'hands the rest of a line read to a later chunk read' {
            Send-Raw $a ([Text.Encoding]::ASCII.GetBytes("line`nrest of it"))
            Wait-Until { $c.Socket.Available -ge 15 } -Because 'all 15 bytes'
            Receive-SocketData $c -Line -Count 1 -Timeout 5 | Should -Be 'line'
            Receive-SocketData $c -Timeout 5 | Should -Be 'rest of it'
        }

        It 'splits lines in -Encoding unicode' {
            Send-Raw $a (Get-Bytes "één`r`ntwee`n" -Encoding unicode)
            $a | Close-NetSocket
            Receive-SocketData $c -Line -Encoding unicode -Timeout 5 | Should -Be @('één', 'twee')
        }

        It 'reads -Count 2 lines of UTF-16 text in -Encoding <Encoding>' -ForEach @(
            @{ Encoding = 'Unicode' }
            @{ Encoding = 'BigEndianUnicode' }
        ) {
            $bytes = [Text.Encoding]::$Encoding.GetBytes("héllo`nwörld`n")
            Send-Raw $a $bytes
            Receive-SocketData $c -Line -Count 2 -Encoding $Encoding -Timeout 5 | Should -BeExactly @('héllo', 'wörld')
            $c.BytesReceived | Should -Be 24
        }

        It 'joins a UTF-16 code unit split across two sends in -Encoding <Encoding> (first <First> bytes, then the rest)' -ForEach @(
            # "héllo`n" is bytes 0-11: 11 splits the line feed; 15 splits the 'ö' (bytes 14-15); 1 splits the 'h'.
            @{ Encoding = 'Unicode'; First = 11 }
            @{ Encoding = 'Unicode'; First = 15 }
            @{ Encoding = 'Unicode'; First = 1 }
            @{ Encoding = 'BigEndianUnicode'; First = 11 }
            @{ Encoding = 'BigEndianUnicode'; First = 15 }
            @{ Encoding = 'BigEndianUnicode'; First = 1 }
        ) {
            $bytes = [Text.Encoding]::$Encoding.GetBytes("héllo`nwörld`n")
            $chunks = [byte[]]$bytes[0..($First - 1)], [byte[]]$bytes[$First..($bytes.Length - 1)]
            $jobs.Add((Start-DelayedSend $a -Chunks $chunks -Milliseconds 100))
            Receive-SocketData $c -Line -Count 2 -Encoding $Encoding -Timeout 10 | Should -BeExactly @('héllo', 'wörld')
            $c.BytesReceived | Should -Be 24
        }

        It 'streams each line out as it arrives' {
            $chunks = [byte[]][Text.Encoding]::ASCII.GetBytes("first`n"), [byte[]][Text.Encoding]::ASCII.GetBytes("second`n")
            $jobs.Add((Start-DelayedSend $a -Chunks $chunks -Milliseconds 700 -Close))
            $seen = Receive-SocketData $c -Line -Timeout 10 | ForEach-Object { [pscustomobject]@{ Line = $_; At = [datetime]::UtcNow } }
            $seen.Line | Should -Be @('first', 'second')
            ($seen[1].At - $seen[0].At).TotalSeconds | Should -BeGreaterThan 0.4
        }
    }

    Context 'with -UntilClosed' {
        It 'streams every chunk as it arrives until the peer closes' {
            $chunks = [byte[]][Text.Encoding]::ASCII.GetBytes('one '), [byte[]][Text.Encoding]::ASCII.GetBytes('two '), [byte[]][Text.Encoding]::ASCII.GetBytes('three')
            $jobs.Add((Start-DelayedSend $a -Chunks $chunks -Milliseconds 400 -Close))
            $seen = Receive-SocketData $c -UntilClosed -Timeout 10 | ForEach-Object { [pscustomobject]@{ Text = $_; At = [datetime]::UtcNow } }
            -join $seen.Text | Should -Be 'one two three'
            $seen.Count | Should -BeGreaterOrEqual 2
            ($seen[-1].At - $seen[0].At).TotalSeconds | Should -BeGreaterThan 0.5
            $c.State | Should -Be 'Connected'
        }

        It 'collects 1 MiB of bytes with -AsByteStream, byte for byte' {
            $bytes = [byte[]]::new(1MB)
            [Random]::new(7).NextBytes($bytes)
            $jobs.Add((Start-DelayedSend $a -Chunks (, $bytes) -Milliseconds 50 -Close))
            $stream = [System.IO.MemoryStream]::new()
            Receive-SocketData $c -UntilClosed -AsByteStream -Timeout 10 | ForEach-Object { $stream.Write($_, 0, $_.Length) }
            $stream.Length | Should -Be $bytes.Length
            [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($stream.ToArray())) |
                Should -Be ([Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($bytes)))
        }

        It 'stops after -Count chunks' {
            $chunks = [byte[]][Text.Encoding]::ASCII.GetBytes('a'), [byte[]][Text.Encoding]::ASCII.GetBytes('b'), [byte[]][Text.Encoding]::ASCII.GetBytes('c')
            $jobs.Add((Start-DelayedSend $a -Chunks $chunks -Milliseconds 300))
            Receive-SocketData $c -UntilClosed -Count 2 -Timeout 10 | Should -Be @('a', 'b')
            Receive-SocketData $c -Timeout 10 | Should -Be 'c'
        }
    }

    Context 'with -OutFile' {
        It 'writes everything until the peer closes to the file, byte for byte, and emits nothing' {
            $bytes = [byte[]]::new(3MB)
            [Random]::new(11).NextBytes($bytes)
            $jobs.Add((Start-DelayedSend $a -Chunks (, $bytes) -Milliseconds 50 -Close))
            $file = Join-Path $TestDrive 'received.bin'
            $out = Receive-SocketData $c -OutFile $file -MaximumBytes 64KB -Timeout 10
            $out | Should -BeNullOrEmpty
            (Get-Item $file).Length | Should -Be $bytes.Length
            [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData([IO.File]::ReadAllBytes($file))) |
                Should -Be ([Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($bytes)))
            $c.BytesReceived | Should -Be $bytes.Length
        }

        It 'says the -OutFile is a directory (OutputFileIsDirectory), reads nothing, and leaves the socket open' {
            Send-Raw $a ([Text.Encoding]::ASCII.GetBytes("kept`n"))
            { Receive-SocketData $c -OutFile $TestDrive -Timeout 5 } | Should -Throw -ErrorId "OutputFileIsDirectory,$Cmd"
            $c.State | Should -Be 'Connected'
            Receive-SocketData $c -Line -Count 1 -Timeout 5 | Should -Be 'kept'
        }
    }

    Context 'when the socket came down the pipeline' {
        # One rule: the socket a pipeline handed in is closed when that pipeline ends, however it ends. Hold records it
        # on its way down, accepts its server side, and with -Send has the server send two lines.
        BeforeAll {
            filter Hold([hashtable] $Held, [switch] $Send) {
                $Held.Socket = $_
                $Held.Peer = Receive-TcpConnection $l -Timeout 5
                if ($Send) { $null = $Held.Peer.Socket.Send([Text.Encoding]::ASCII.GetBytes("one`ntwo`n")) }
                $_
            }
        }

        It 'closes it when the pipeline ends by <Ending>, and the server sees the close' -ForEach @(
            @{ Ending = 'its end (-Count lines read)'; Run = { param($held) Connect-TcpEndpoint 127.0.0.1 $l.LocalPort -Timeout 5 | Hold $held -Send | Receive-SocketData -Line -Count 1 -Timeout 5 } }
            @{ Ending = 'a timeout'; Run = { param($held) Connect-TcpEndpoint 127.0.0.1 $l.LocalPort -Timeout 5 | Hold $held | Receive-SocketData -Timeout 1 } }
            @{ Ending = 'an error downstream'; Run = { param($held) Connect-TcpEndpoint 127.0.0.1 $l.LocalPort -Timeout 5 | Hold $held -Send | Receive-SocketData -Line -Count 2 -Timeout 5 | ForEach-Object { throw 'the next command failed' } } }
            @{ Ending = 'a stop (Select-Object -First)'; Run = { param($held) Connect-TcpEndpoint 127.0.0.1 $l.LocalPort -Timeout 5 | Hold $held -Send | Receive-SocketData -Line -Timeout 5 | Select-Object -First 1 } }
        ) {
            $held = @{}
            try { $null = & $Run $held } catch { $_.FullyQualifiedErrorId | Should -BeIn @('the next command failed', "NetSocketTimeout,$Cmd") }
            $held.Socket.State | Should -Be 'Closed'
            Get-NetSocket | Where-Object Id -EQ $held.Socket.Id | Should -BeNullOrEmpty
            { Receive-SocketData $held.Peer -UntilClosed -Timeout 5 } | Should -Not -Throw
        }
    }

    Context 'when the peer resets the connection mid-receive' {
        It 'emits what came, then fails with NetSocketConnectionReset, and the socket is closed and gone' {
            $jobs.Add((Start-DelayedSend $a -Chunks (, [byte[]][Text.Encoding]::ASCII.GetBytes('partial')) -Milliseconds 300 -Reset))
            $out = [System.Collections.Generic.List[object]]::new()
            { Receive-SocketData $c -UntilClosed -Timeout 10 | ForEach-Object { $out.Add($_) } } | Should -Throw -ErrorId "NetSocketConnectionReset,$Cmd"
            $Error[0].CategoryInfo.Category | Should -Be 'ConnectionError'
            $Error[0].TargetObject | Should -Be $c.RemoteEndPoint
            $Error[0].Exception.Message | Should -Match 'reset the connection'
            -join $out | Should -Be 'partial'
            $c.State | Should -Be 'Closed'
            Get-NetSocket | Where-Object Id -EQ $c.Id | Should -BeNullOrEmpty
        }
    }

    Context 'when nothing arrives in time' {
        It 'fails with NetSocketTimeout after -Timeout seconds, closes the socket and removes it from Get-NetSocket' {
            $watch = [System.Diagnostics.Stopwatch]::StartNew()
            { Receive-SocketData $c -Timeout 1 } | Should -Throw -ErrorId "NetSocketTimeout,$Cmd"
            $watch.Stop()
            $Error[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
            $Error[0].TargetObject | Should -Be $c.RemoteEndPoint
            $Error[0].Exception.Message | Should -Match "Nothing arrived from 127\.0\.0\.1:$($l.LocalPort) within 1 s"
            $watch.Elapsed.TotalSeconds | Should -BeGreaterThan 0.9
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 5
            $c.State | Should -Be 'Closed'
            (Get-NetSocket).Id | Should -Not -Contain $c.Id
        }

        It 'fails the same way in line mode when a line never ends' {
            Send-Raw $a ([Text.Encoding]::ASCII.GetBytes('no end of line'))
            { Receive-SocketData $c -Line -Count 1 -Timeout 0.5 } | Should -Throw -ErrorId "NetSocketTimeout,$Cmd"
            $c.State | Should -Be 'Closed'
        }
    }

    Context 'when the socket cannot receive' {
        It 'reports NetSocketClosed for a closed socket' {
            $c | Close-NetSocket
            { Receive-SocketData $c -Timeout 1 } | Should -Throw -ErrorId "NetSocketClosed,$Cmd"
            $Error[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        }

        It 'reports NetSocketNotConnected for a listener' {
            { Receive-SocketData $l -Timeout 1 } | Should -Throw -ErrorId "NetSocketNotConnected,$Cmd"
            $l.State | Should -Be 'Listening'
        }
    }

    Context 'when a downstream Select-Object -First stops it' {
        It 'keeps a socket the caller holds open, with the unread lines for the next call' {
            Send-Raw $a ([Text.Encoding]::ASCII.GetBytes("one`ntwo`nthree`n"))
            Wait-Until { $c.Socket.Available -ge 14 } -Because 'all three lines'
            Receive-SocketData $c -Line -Timeout 5 | Select-Object -First 1 | Should -Be 'one'
            $c.State | Should -Be 'Connected'
            (Get-NetSocket).Id | Should -Contain $c.Id
            Receive-SocketData $c -Line -Count 2 -Timeout 5 | Should -Be @('two', 'three')
        }

        It 'closes a socket that came down the pipeline (Connect-TcpEndpoint | Receive-SocketData), leaving Get-NetSocket empty' {
            $port = $l.LocalPort
            Get-NetSocket | Close-NetSocket
            $server = Start-TcpListener -Port $port
            # The server, in a thread job: accept, send three lines in one write, then wait to see the client close its side.
            $job = Start-ThreadJob -ThrottleLimit 64 -ArgumentList $env:NETSOCK_MODULE, $server -ScriptBlock {
                param($module, $server)
                Import-Module $module
                $conn = Receive-TcpConnection $server -Timeout 10
                try {
                    Send-SocketData $conn "one`ntwo`nthree"
                    $rest = @(try { Receive-SocketData $conn -UntilClosed -Timeout 10; 'eof' } catch { $_.FullyQualifiedErrorId })
                    "client gone: $($rest[-1])"
                }
                finally { $conn, $server | Close-NetSocket }
            }
            $jobs.Add($job)
            $first = Connect-TcpEndpoint 127.0.0.1 $port -Timeout 5 | Receive-SocketData -Line -Timeout 10 | Select-Object -First 1
            $first | Should -Be 'one'
            $result = $job | Wait-Job -Timeout 15 | Receive-Job -ErrorAction Stop
            $result | Should -Match '^client gone: (eof|NetSocketConnectionReset)'
            Get-NetSocket | Should -BeNullOrEmpty
        }
    }

    Context 'when the pipeline is stopped (Ctrl+C)' {
        It 'keeps a socket the caller holds (Receive-SocketData $s) open and usable' {
            $ps = New-BackgroundPowerShell
            try {
                $null = $ps.AddScript('param($s) Receive-SocketData $s -Line -Timeout 0').AddArgument($c)
                $run = $ps.BeginInvoke()
                Start-Sleep -Milliseconds 300
                $watch = [System.Diagnostics.Stopwatch]::StartNew()
                $ps.Stop()
                $watch.Elapsed.TotalSeconds | Should -BeLessThan 5
                $run.IsCompleted | Should -BeTrue
                $c.State | Should -Be 'Connected'
                Send-Raw $a ([Text.Encoding]::ASCII.GetBytes("after stop`n"))
                Receive-SocketData $c -Line -Count 1 -Timeout 5 | Should -Be 'after stop'
            }
            finally { $ps.Dispose() }
        }

        It 'closes a socket that came down the pipeline' {
            $ps = New-BackgroundPowerShell
            try {
                $null = $ps.AddScript("Connect-TcpEndpoint 127.0.0.1 $($l.LocalPort) -Timeout 5 | Receive-SocketData -Timeout 0")
                $run = $ps.BeginInvoke()
                $peer = Receive-TcpConnection $l -Timeout 5
                # The client's endpoints are filled in when its connect completes, a moment after the server accepts.
                Wait-Until { Get-NetSocket -State Connected | Where-Object { $_.LocalEndPoint -eq $peer.RemoteEndPoint } } -Because 'the client socket'
                $client = Get-NetSocket -State Connected | Where-Object { $_.LocalEndPoint -eq $peer.RemoteEndPoint }
                Start-Sleep -Milliseconds 200
                $ps.Stop()
                $run.IsCompleted | Should -BeTrue
                $client.State | Should -Be 'Closed'
                # The server sees the close at once.
                Receive-SocketData $peer -UntilClosed -Timeout 5 | Should -BeNullOrEmpty
            }
            finally { $ps.Dispose() }
        }
    }
}
