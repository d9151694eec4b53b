# What the benchmarks share: the peers they compare against, from Debian.

function Install-BenchTool {
    <# Installs a Debian package with apt-get when -Test fails and this runs as root (the benchmarks' peers). #>
    param([Parameter(Mandatory)] [string] $Package, [Parameter(Mandatory)] [scriptblock] $Test)
    if (& $Test) { return }
    if ($IsLinux -and (& id -u) -eq '0' -and (Get-Command apt-get -ErrorAction Ignore)) {
        $env:DEBIAN_FRONTEND = 'noninteractive'
        & apt-get update -qq | Out-Null
        & apt-get install -y -qq --no-install-recommends $Package | Out-Null
    }
}

function Test-Scapy([string] $Python) {
    if (-not (Get-Command $Python -ErrorAction Ignore)) { return $false }
    & $Python -c 'import scapy' 2>$null
    $LASTEXITCODE -eq 0
}

function Get-ScapyPython {
    <#
    .SYNOPSIS
        The python3 that has Scapy (Debian's python3-scapy, installed when root and missing), or $null.
        Debian's scapy lives in the system python3, so that one is asked first.
    #>
    Install-BenchTool -Package python3-scapy -Test { Test-Scapy '/usr/bin/python3' }
    @('/usr/bin/python3', 'python3') | Where-Object { Test-Scapy $_ } | Select-Object -First 1
}

Export-ModuleMember -Function Install-BenchTool, Get-ScapyPython
