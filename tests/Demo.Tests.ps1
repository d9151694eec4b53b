# The README's first command: the demo (tools/Demo.ps1) runs to its end on loopback in a child pwsh. It starts with a
# crafted packet and (as root) sr()'s table, shows each command followed by its own output, uses NetSock's cmdlets for
# the sockets, and leaves no socket open and no temporary directory behind.

Describe 'The demo (build.ps1 Demo)' {
    BeforeAll {
        $pwsh = [Environment]::ProcessPath
        $pre = @(if ((Split-Path $pwsh -Leaf) -like 'dotnet*') { Join-Path $PSHOME 'pwsh.dll' })
        $script:DemoPath = Join-Path $PSScriptRoot '../tools/Demo.ps1'
        $script:Output = & $pwsh @pre -NoProfile -NonInteractive -File $DemoPath -ModulePath $env:NETSOCK_MODULE *>&1 | ForEach-Object { "$_" }
        $script:ExitCode = $LASTEXITCODE
        $script:Text = $Output -join "`n"
        # The lines without colour codes, and without the blank ones.
        $script:Lines = @(($Output -join "`n") -split "`n" | ForEach-Object { $_ -replace '\x1b\[[0-9;]*m', '' } | Where-Object { $_.Trim() })
        # What a command printed: the lines after its 'PS> ' line up to the next command or step.
        function script:Get-OutputOf([string] $Command) {
            $at = [array]::IndexOf($Lines, "PS> $Command")
            if ($at -lt 0) { throw "the demo shows no command '$Command'" }
            @($Lines[($at + 1)..($Lines.Count - 1)] | ForEach-Object -Begin { $go = $true } -Process {
                    if ($_ -like 'PS> *' -or $_ -like '# *') { $go = $false }
                    if ($go) { $_ }
                })
        }
    }

    It 'runs to its end without an error' {
        $ExitCode | Should -Be 0 -Because (($Output | Select-Object -Last 20) -join "`n")
        $Text | Should -Match 'close\(\): Close-NetSocket takes sockets from the pipeline'
        (Get-OutputOf '"open sockets: $(@(Get-NetSocket).Count)"') | Should -Be 'open sockets: 0'
    }

    It 'starts with a crafted packet: its first lines are New-Packet and what it made' {
        $Lines[0] | Should -BeLike '# Scapy''s IP()/TCP(): New-Packet stacks layers*'
        $Lines[1] | Should -Be 'PS> $p = New-Packet IPv4 -Destination 127.0.0.1 -ttl 5 | New-Packet Tcp -dport 80 -flags S | New-Packet Raw -Load ''hi'''
        $Lines[2] | Should -Be 'PS> $p'
        (Get-OutputOf '$p') -join "`n" | Should -Match 'Number +Timestamp +Source +Destination +Protocol +Length +Info'
        (Get-OutputOf '$p.Summary') | Should -Be 'IP auto > 127.0.0.1 ttl 5 / TCP 20 > 80 [S] seq 0 win 8192 / Raw 2 bytes'
        (Get-OutputOf '$p.IPv4.TimeToLive') | Should -Be '32' -Because "ttl = '0x20' is set as New-Packet -ttl 0x20 would set it"
        $Text | Should -Not -Match 'Register-NetSockShouldOperator' -Because 'the tour shows what NetSock does, not the source of its functions'
    }

    It 'shows sr()''s table second, as root' -Skip:(-not ($IsLinux -and (& id -u) -eq '0')) {
        $Lines.IndexOf(($Lines | Where-Object { $_ -like '# Scapy''s sr()*' } | Select-Object -First 1)) | Should -BeLessThan $Lines.IndexOf(($Lines | Where-Object { $_ -like '# Scapy''s show()*' } | Select-Object -First 1))
        $table = Get-OutputOf '$probes | Send-RawPacket -Receive -Timeout 1 | Format-Table -AutoSize'
        $table[0] | Should -Match 'Number +RoundTrip +Sent +Received'
        $table -join "`n" | Should -Match 'Echo \(ping\) request\s+id=0x0007, seq=1/256, ttl=64 +Echo \(ping\)' -Because 'Sent and Received show tshark''s Info'
        $table -join "`n" | Should -Match '40000 → 9 \[SYN\] Seq=0.* 9 → 40000'
    }

    It 'shows each command followed by its own output, not a block of code and then all of its output' {
        (Get-OutputOf 'Receive-SocketData $server -Timeout 5') | Should -Be 'hello over TCP'
        (Get-OutputOf '"received $($datagram.Length) bytes: $($datagram.Text)"') | Should -Be 'received 14 bytes: hello over UDP'
        (Get-OutputOf '$back.Info') | Should -Be 'Standard query response 0x0007 A example.test A 198.18.0.80 TXT' -Because 'Info is what tshark shows'
        (Get-OutputOf '$listener = Start-TcpListener -Port 0') | Should -BeNullOrEmpty -Because 'an assignment prints nothing'
        (Get-OutputOf '$listener') -join "`n" | Should -Match 'Listening +InterNetwork +Stream +Tcp +127\.0\.0\.1:'
        $Text | Should -Match 'NetSocketAddressInUse'
    }

    It 'uses NetSock''s cmdlets for the sockets, not .NET''s TcpClient or the socket''s own Listen/Accept/Receive' {
        $commands = @($Lines | Where-Object { $_ -like 'PS> *' })
        $commands | Should -Contain 'PS> $client = Connect-TcpEndpoint 127.0.0.1 $listener.LocalPort -Timeout 5'
        $commands | Should -Contain 'PS> $server = Receive-TcpConnection $listener -Timeout 5'
        $commands | Should -Contain 'PS> Send-Datagram ::1 $udp.LocalPort ''hello over UDP'''
        $commands -join "`n" | Should -Not -Match 'TcpClient|\.Socket\.(Listen|Accept|Receive|SendTo)'
        Get-Content $DemoPath -Raw | Should -Not -Match 'TcpClient|\.Socket\.(Listen|Accept|Receive|SendTo)'
    }

    It 'shows raw sockets as root' -Skip:(-not ($IsLinux -and (& id -u) -eq '0')) {
        $Text | Should -Match 'protocol 102, then ''protocol 102 payload'''
    }

    It 'leaves no temporary directory behind' {
        @(Get-ChildItem ([IO.Path]::GetTempPath()) -Filter 'netsock-demo-*' -Directory -ErrorAction Ignore |
                Where-Object { $_.LastWriteTime -gt (Get-Date).AddMinutes(-10) -and -not (Get-Process -Id ($_.Name -replace '^netsock-demo-') -ErrorAction Ignore) }) |
            Should -BeNullOrEmpty
    }
}
