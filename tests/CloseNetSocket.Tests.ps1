BeforeAll {
    Import-Module $env:NETSOCK_MODULE -Force
    $script:Cmd = 'NetSock.Commands.CloseNetSocketCommand'
}

Describe 'Close-NetSocket' {
    AfterEach {
        Get-NetSocket | Close-NetSocket
    }

    Context 'when given sockets' {
        It 'closes sockets from the pipeline and frees their port at once' {
            $s = New-NetSocket -LocalPort 0
            $port = $s.LocalPort
            $s | Close-NetSocket
            $s.State | Should -Be 'Closed'
            Get-NetSocket | Should -BeNullOrEmpty
            (New-NetSocket -LocalPort $port).LocalPort | Should -Be $port
        }

        It 'closes the OS socket, so a listener stops accepting connections' {
            $s = New-NetSocket -LocalPort 0
            $s.Socket.Listen(1)
            $port = $s.LocalPort
            Close-NetSocket $s
            $client = [System.Net.Sockets.TcpClient]::new()
            try { { $client.Connect('127.0.0.1', $port) } | Should -Throw '*refused*' }
            finally { $client.Dispose() }
        }

        It 'closes sockets by Id, named or by position' {
            $a = New-NetSocket; $b = New-NetSocket; $c = New-NetSocket
            Close-NetSocket -Id $a.Id
            Close-NetSocket $c.Id
            $c.State | Should -Be 'Closed'
            $a.State | Should -Be 'Closed'
            (Get-NetSocket).Id | Should -Be @($b.Id)
        }

        It 'takes Id by property name from the pipeline' {
            $a = New-NetSocket
            [pscustomobject]@{ Id = $a.Id } | Close-NetSocket
            $a.State | Should -Be 'Closed'
        }

        It 'emits the closed sockets with -PassThru' {
            $a = New-NetSocket
            $out = $a | Close-NetSocket -PassThru
            $out.Id | Should -Be $a.Id
            $out.State | Should -Be 'Closed'
        }

        It 'leaves the socket open with -WhatIf' {
            $a = New-NetSocket
            $a | Close-NetSocket -WhatIf
            $a.State | Should -Be 'Open'
        }
    }

    Context 'when the socket is already closed' {
        It 'does nothing and raises no error, by object or by Id' {
            $a = New-NetSocket
            $a | Close-NetSocket
            { $a | Close-NetSocket -ErrorAction Stop } | Should -Not -Throw
            { Close-NetSocket -Id $a.Id -ErrorAction Stop } | Should -Not -Throw
            $a.State | Should -Be 'Closed'
        }
    }

    Context 'when the Id was never opened' {
        It 'reports an error naming the Id and goes on with the next one' {
            $a = New-NetSocket
            Close-NetSocket -Id 999999, $a.Id -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -Be "NetSocketNotFound,$Cmd"
            $err[0].Exception.Message | Should -Match '999999'
            $a.State | Should -Be 'Closed'
        }
    }
}
