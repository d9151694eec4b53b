BeforeAll {
    Import-Module $env:NETSOCK_MODULE -Force
    $script:Cmd = 'NetSock.Commands.GetNetSocketCommand'
}

Describe 'Get-NetSocket' {
    AfterEach {
        Get-NetSocket | Close-NetSocket
    }

    Context 'when sockets are open' {
        BeforeEach {
            $script:tcp = New-NetSocket AF_INET SOCK_STREAM -LocalPort 0
            $script:udp = New-NetSocket AF_INET6 SOCK_DGRAM -LocalPort 0
        }

        It 'lists every open socket in the order it was opened' {
            $ids = (Get-NetSocket).Id
            $ids | Should -Be @($tcp.Id, $udp.Id)
        }

        It 'finds sockets by Id' {
            (Get-NetSocket -Id $udp.Id).LocalPort | Should -Be $udp.LocalPort
            (Get-NetSocket $tcp.Id, $udp.Id).Count | Should -Be 2
        }

        It 'takes Id from the pipeline by property name' {
            ([pscustomobject]@{ Id = $tcp.Id } | Get-NetSocket).LocalPort | Should -Be $tcp.LocalPort
        }

        It 'filters by State' {
            (Get-NetSocket -State Open).Count | Should -Be 2
            Get-NetSocket -State Listening, Connected | Should -BeNullOrEmpty
        }

        It 'no longer lists a socket once it is closed' {
            $tcp | Close-NetSocket
            (Get-NetSocket).Id | Should -Be @($udp.Id)
        }

        It 'reports an unknown Id as an error and still returns the known ones' {
            $found = Get-NetSocket -Id 999999, $tcp.Id -ErrorVariable err -ErrorAction SilentlyContinue
            $found.Id | Should -Be $tcp.Id
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -Be "NetSocketNotFound,$Cmd"
            $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $err[0].TargetObject | Should -Be 999999
        }

        It 'shows a table with Id, State, Family, Type, Protocol and the endpoints' {
            $PSStyle.OutputRendering = 'PlainText'
            $text = Get-NetSocket | Format-Table | Out-String -Width 200
            $text | Should -Match 'Id\s+State\s+Family\s+Type\s+Protocol\s+LocalEndPoint\s+RemoteEndPoint'
            $text | Should -Match "$($tcp.Id)\s+Open\s+InterNetwork\s+Stream\s+Tcp\s+127\.0\.0\.1:$($tcp.LocalPort)"
            $text | Should -Match "InterNetworkV6\s+Dgram\s+Udp\s+\[::1\]:$($udp.LocalPort)"
        }
    }

    Context 'when nothing is open' {
        It 'returns nothing and raises no error' {
            Get-NetSocket -ErrorVariable err | Should -BeNullOrEmpty
            $err | Should -BeNullOrEmpty
        }
    }
}
