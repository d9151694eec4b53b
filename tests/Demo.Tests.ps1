# The README's first command: the demo (tools/Demo.ps1) runs to its end on loopback in a child pwsh, every step shows
# what it says, and it leaves no socket open and no temporary directory behind.

Describe 'The demo (build.ps1 Demo)' {
    BeforeAll {
        $pwsh = [Environment]::ProcessPath
        $pre = @(if ((Split-Path $pwsh -Leaf) -like 'dotnet*') { Join-Path $PSHOME 'pwsh.dll' })
        $demo = Join-Path $PSScriptRoot '../tools/Demo.ps1'
        $script:Output = & $pwsh @pre -NoProfile -NonInteractive -File $demo -ModulePath $env:NETSOCK_MODULE *>&1 | ForEach-Object { "$_" }
        $script:ExitCode = $LASTEXITCODE
        $script:Text = $Output -join "`n"
    }

    It 'runs to its end without an error' {
        $ExitCode | Should -Be 0 -Because (($Output | Select-Object -Last 20) -join "`n")
        $Text | Should -Match 'close\(\): Close-NetSocket takes sockets from the pipeline'
        $Text | Should -Match 'open sockets: 0'
    }

    It 'shows each step''s code and what it does: sockets, packets, DNS, a pcap file and a clear error' {
        $Text | Should -Match 'PS> \$tcp = New-NetSocket AF_INET SOCK_STREAM -LocalPort 0'
        $Text | Should -Match 'received 14 bytes: hello over UDP'
        $Text | Should -Match 'IP auto > 127\.0\.0\.1 ttl 5 / TCP 20 > 80 \[S\]'
        $Text | Should -Match 'DNS 7 2/0/0 A 198\.18\.0\.80, TXT "hello"'
        $Text | Should -Match 'NetSocketAddressInUse'
    }

    It 'shows raw sockets and sr() as root' -Skip:(-not ($IsLinux -and (& id -u) -eq '0')) {
        $Text | Should -Match 'protocol 102, then ''protocol 102 payload'''
        $Text | Should -Match 'ICMP echo-reply'
    }

    It 'leaves no temporary directory behind' {
        @(Get-ChildItem ([IO.Path]::GetTempPath()) -Filter 'netsock-demo-*' -Directory -ErrorAction Ignore |
                Where-Object { $_.LastWriteTime -gt (Get-Date).AddMinutes(-10) -and -not (Get-Process -Id ($_.Name -replace '^netsock-demo-') -ErrorAction Ignore) }) |
            Should -BeNullOrEmpty
    }
}
