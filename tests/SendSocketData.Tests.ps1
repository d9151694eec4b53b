BeforeAll {
    Import-Module $env:NETSOCK_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'StreamTestHelpers.psm1') -Force
    $script:Cmd = 'NetSock.Commands.SendSocketDataCommand'
}

Describe 'Send-SocketData' {
    BeforeEach {
        # A connected pair on loopback; what the client sends is read from the server's raw .NET socket.
        $l = Start-TcpListener
        $c = Connect-TcpEndpoint 127.0.0.1 $l.LocalPort -Timeout 5
        $a = Receive-TcpConnection $l -Timeout 5
    }

    AfterEach {
        Get-NetSocket | Close-NetSocket
    }

    Context 'when it sends text' {
        It 'sends a string in UTF-8 followed by a newline' {
            Send-SocketData $c 'héllo'
            $expected = [byte[]](0x68, 0xC3, 0xA9, 0x6C, 0x6C, 0x6F, 0x0A)
            Read-RawBytes $a 7 | Should -Be $expected
            Test-NoMoreRawBytes $a | Should -BeTrue
            $c.BytesSent | Should -Be 7
        }

        It 'sends the string as it is with -NoNewline' {
            Send-SocketData $c 'no newline' -NoNewline
            [Text.Encoding]::ASCII.GetString((Read-RawBytes $a 10)) | Should -Be 'no newline'
            Test-NoMoreRawBytes $a | Should -BeTrue
        }

        It 'sends the string and its newline in -Encoding <Encoding>' -ForEach @(
            @{ Encoding = 'ascii'; Text = 'plain' }
            @{ Encoding = 'latin1'; Text = 'café' }
            @{ Encoding = 'unicode'; Text = 'hé€' }
            @{ Encoding = 'bigendianunicode'; Text = 'hé€' }
            @{ Encoding = 'utf32'; Text = 'h😀' }
            @{ Encoding = 'utf8'; Text = 'h😀€' }
        ) {
            $expected = Get-Bytes "$Text`n" -Encoding $Encoding
            Send-SocketData $c $Text -Encoding $Encoding
            Read-RawBytes $a $expected.Length | Should -Be $expected
            Test-NoMoreRawBytes $a | Should -BeTrue
        }

        It 'sends each string of a stream from the pipeline, in order, each with its newline' {
            'one', 'two', 'three' | Send-SocketData $c
            [Text.Encoding]::ASCII.GetString((Read-RawBytes $a 14)) | Should -Be "one`ntwo`nthree`n"
            Test-NoMoreRawBytes $a | Should -BeTrue
        }

        It 'sends each string of an array given as -InputObject, not the array''s type name' {
            Send-SocketData $c 'one', 'two'
            $expected = Get-Bytes "one`ntwo`n"
            $got = Read-RawBytes $a $expected.Length -TimeoutSeconds 2
            [Text.Encoding]::UTF8.GetString($got) | Should -Not -Match 'System\.Object\[\]'
            $got | Should -Be $expected
            Test-NoMoreRawBytes $a | Should -BeTrue
        }

        It 'sends an empty string as an empty line' {
            Send-SocketData $c ''
            Read-RawBytes $a 1 | Should -Be @(10)
        }

        It 'sends a number as its text' {
            Send-SocketData $c 42
            [Text.Encoding]::ASCII.GetString((Read-RawBytes $a 3)) | Should -Be "42`n"
        }

        It 'rejects an unknown -Encoding before sending anything' {
            { Send-SocketData $c 'x' -Encoding klingon } | Should -Throw -ErrorId "SocketDataEncodingUnknown,$Cmd"
            $Error[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
            $Error[0].Exception.Message | Should -Match 'utf8'
            Test-NoMoreRawBytes $a | Should -BeTrue
            $c.State | Should -Be 'Connected'
        }
    }

    Context 'when it sends bytes' {
        It 'sends a byte[] given as a parameter exactly, with no newline' {
            $bytes = [byte[]](0..255)
            Send-SocketData -Socket $c -InputObject $bytes
            Read-RawBytes $a 256 | Should -Be $bytes
            Test-NoMoreRawBytes $a | Should -BeTrue
            $c.BytesSent | Should -Be 256
        }

        It 'sends a byte[] piped byte by byte whole, and -PassThru emits it once' {
            $bytes = [byte[]](255..0)
            $out = @($bytes | Send-SocketData $c -PassThru)
            $out.Count | Should -Be 1
            , $out[0] | Should -BeOfType [byte[]]
            $out[0] | Should -Be $bytes
            Read-RawBytes $a 256 | Should -Be $bytes
            Test-NoMoreRawBytes $a | Should -BeTrue
        }

        It 'sends a byte[] piped whole (with the unary comma) as it is' {
            $bytes = [byte[]](1, 2, 3, 0, 13, 10)
            , $bytes | Send-SocketData $c
            Read-RawBytes $a 6 | Should -Be $bytes
            Test-NoMoreRawBytes $a | Should -BeTrue
        }

        It 'sends bytes and strings from one pipeline in the order they came' {
            [byte]65, 'x' | Send-SocketData $c
            [Text.Encoding]::ASCII.GetString((Read-RawBytes $a 3)) | Should -Be "Ax`n"
        }

        It 'sends 8 MiB in one call, every byte arriving in order while the peer reads' {
            $size = 8MB
            $bytes = [byte[]]::new($size)
            [Random]::new(5).NextBytes($bytes)
            $reader = Start-ThreadJob -ThrottleLimit 64 -ArgumentList $a.Socket, $size -ScriptBlock {
                param($raw, $size)
                $raw.ReceiveTimeout = 20000
                $buffer = [byte[]]::new($size)
                $got = 0
                while ($got -lt $size) {
                    $n = $raw.Receive($buffer, $got, $size - $got, 'None')
                    if ($n -eq 0) { break }
                    $got += $n
                }
                if ($got -ne $size) { "only $got of $size bytes arrived" }
                else { [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($buffer)) }
            }
            try {
                Send-SocketData $c $bytes -Timeout 20
                $hash = $reader | Wait-Job -Timeout 30 | Receive-Job -ErrorAction Stop
                $hash | Should -Be ([Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($bytes)))
                $c.BytesSent | Should -Be $size
            }
            finally { $reader | Stop-Job -PassThru | Remove-Job -Force }
        }
    }

    Context 'with -PassThru' {
        It 'emits the bytes of each string sent, newline included' {
            $out = @('ab', 'c' | Send-SocketData $c -PassThru -Encoding ascii)
            $out.Count | Should -Be 2
            $out[0] | Should -Be ([byte[]](0x61, 0x62, 0x0A))
            $out[1] | Should -Be ([byte[]](0x63, 0x0A))
        }

        It 'emits nothing without it' {
            Send-SocketData $c 'quiet' | Should -BeNullOrEmpty
        }
    }

    Context 'over a Unix stream socket' {
        It 'sends text and bytes the same way' {
            $path = Join-Path $TestDrive 'send.sock'
            $ul = Start-TcpListener -Path $path
            $uc = Connect-TcpEndpoint -Path $path -Timeout 5
            $ua = Receive-TcpConnection $ul -Timeout 5
            Send-SocketData $uc 'unix'
            Send-SocketData $uc ([byte[]](0, 1, 2))
            Read-RawBytes $ua 8 | Should -Be ([byte[]](0x75, 0x6E, 0x69, 0x78, 0x0A, 0, 1, 2))
        }
    }

    Context 'when the socket cannot send' {
        It 'reports NetSocketClosed for a socket already closed, naming the socket' {
            $c | Close-NetSocket
            { Send-SocketData $c 'too late' } | Should -Throw -ErrorId "NetSocketClosed,$Cmd"
            $Error[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
            $Error[0].TargetObject | Should -Be $c
            $Error[0].Exception.Message | Should -Match "socket $($c.Id): it is Closed"
        }

        It 'reports NetSocketNotConnected for a listener' {
            { Send-SocketData $l 'nobody' } | Should -Throw -ErrorId "NetSocketNotConnected,$Cmd"
            $l.State | Should -Be 'Listening'
        }

        It 'reports NetSocketConnectionReset when the peer has reset the connection, and closes the socket' {
            $a.Socket.LingerState = [System.Net.Sockets.LingerOption]::new($true, 0)
            $a | Close-NetSocket                      # SO_LINGER 0: close sends RST
            Start-Sleep -Milliseconds 100
            { Send-SocketData $c 'anyone?' } | Should -Throw -ErrorId "NetSocketConnectionReset,$Cmd"
            $Error[0].CategoryInfo.Category | Should -Be 'ConnectionError'
            $c.State | Should -Be 'Closed'
            Get-NetSocket | Where-Object Id -EQ $c.Id | Should -BeNullOrEmpty
        }

        It 'reports NetSocketTimeout when the peer does not read within -Timeout, and closes the socket' {
            $watch = [System.Diagnostics.Stopwatch]::StartNew()
            { Send-SocketData $c ([byte[]]::new(64MB)) -Timeout 1 } | Should -Throw -ErrorId "NetSocketTimeout,$Cmd"
            $watch.Stop()
            $Error[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
            $Error[0].Exception.Message | Should -Match 'the peer is not reading'
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 10
            $c.State | Should -Be 'Closed'
            Get-NetSocket | Where-Object Id -EQ $c.Id | Should -BeNullOrEmpty
        }
    }
}
