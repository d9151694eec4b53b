<#
.SYNOPSIS
    A short scripted tour of NetSock on loopback: a crafted packet and sr()'s table first, then the classic sockets
    with NetSock's cmdlets, DNS, a pcap file and a clear error. Each command is shown, then its own output.
    Run it with: dotnet pwsh ./build.ps1 Demo
#>
param([Parameter(Mandatory)] [string] $ModulePath)

$ErrorActionPreference = 'Stop'
Import-Module $ModulePath -Force
$isRoot = $IsLinux -and (& id -u) -eq '0'
$tmp = Join-Path ([IO.Path]::GetTempPath()) "netsock-demo-$PID"
$null = New-Item -ItemType Directory -Path $tmp -Force

$steps = [System.Collections.Generic.List[object]]::new()
function Step([string] $Title, [scriptblock] $Code) { $steps.Add([pscustomobject]@{ Title = $Title; Code = $Code }) }

# The tour starts where Scapy's does: a crafted packet, then sr()'s table of what answered.
Step 'Scapy''s IP()/TCP(): New-Packet stacks layers; unset fields are filled when the packet is built' {
    $p = New-Packet IPv4 -Destination 127.0.0.1 -ttl 5 | New-Packet Tcp -dport 80 -flags S | New-Packet Raw -Load 'hi'
    $p
    $p.Summary
    $p.IPv4.ttl = '0x20'
    $p.IPv4.TimeToLive
}

if ($isRoot) {
    Step 'Scapy''s sr(): Send-RawPacket -Receive matches the answers (an echo, a SYN to a listening port, a SYN to a closed one)' {
        $web = Start-TcpListener -Port 0
        $probes = @(New-Packet IPv4 -Destination 127.0.0.1 | New-Packet Icmp -Id 7 -Seq 1) + @(New-Packet IPv4 -Destination 127.0.0.1 | New-Packet Tcp -SourcePort 40000 -DestinationPort $web.LocalPort, 9 -Flags S)
        $probes | Send-RawPacket -Receive -Timeout 1 | Format-Table -AutoSize
        $web | Close-NetSocket
    }
}
else {
    Write-Host "`n# Scapy's sr() puts packets on the wire, which needs root or CAP_NET_RAW: run the demo as root to see its table." -ForegroundColor DarkYellow
}

Step 'Scapy''s show() and hexdump(): Show-Packet' {
    Show-Packet $p -Built
    Show-Packet $p -Hex
}

Step 'Scapy''s DNS(): questions and records written as zone file lines, read back from the bytes' {
    $answer = New-Packet IPv4 -Source 198.18.0.53 -Destination 198.18.0.1 | New-Packet Udp -sport 53 -dport 40000 | New-Packet Dns -id 7 -Response 1 -qd 'example.test' -an 'example.test 300 A 198.18.0.80', 'example.test 300 TXT "hello"'
    $back = ConvertTo-Packet $answer.Bytes -LinkType Raw
    $back.Info
    $back.Dns.Answers
}

Step 'Sockets, as Python opens them: socket(AF_INET, SOCK_STREAM), bind(("127.0.0.1", 0)) and listen(): port 0 lets the kernel pick one' {
    $listener = Start-TcpListener -Port 0
    $listener
}

Step 'connect(), accept(), send() and recv() on loopback' {
    $client = Connect-TcpEndpoint 127.0.0.1 $listener.LocalPort -Timeout 5
    $server = Receive-TcpConnection $listener -Timeout 5
    Send-SocketData $client 'hello over TCP'
    Receive-SocketData $server -Timeout 5
}

Step 'socket(AF_INET6, SOCK_DGRAM) bound to ::1, sendto() and recvfrom()' {
    $udp = New-NetSocket AF_INET6 SOCK_DGRAM -LocalAddress ::1 -LocalPort 0
    Send-Datagram ::1 $udp.LocalPort 'hello over UDP'
    $datagram = Receive-Datagram -Socket $udp -Timeout 5
    "received $($datagram.Length) bytes: $($datagram.Text)"
}

Step 'socket(AF_UNIX, SOCK_STREAM) bound to a path: local communication, no network' {
    New-NetSocket AF_UNIX SOCK_STREAM -Path (Join-Path $tmp 'demo.sock')
}

if ($isRoot) {
    Step 'socket(AF_INET, SOCK_RAW, 102), a custom protocol: the kernel writes the IP header' {
        $raw = New-NetSocket AF_INET SOCK_RAW 102 -LocalAddress 127.0.0.1
        Send-Datagram 127.0.0.1 -Protocol 102 -InputObject 'protocol 102 payload'
        $datagram = Receive-Datagram -Socket $raw -Timeout 5
        "received $($datagram.Packet.Length) bytes: a 20-byte IPv4 header with protocol $($datagram.IPHeader.Protocol), then '$($datagram.Text)'"
    }
    Step 'socket(AF_PACKET, SOCK_RAW, ETH_P_ALL): the low-level domain, whole frames' {
        New-NetSocket AF_PACKET SOCK_RAW ETH_P_ALL
    }
}
else {
    Write-Host "`n# Raw and AF_PACKET sockets need root or CAP_NET_RAW: run the demo as root to see them." -ForegroundColor DarkYellow
}

Step 'Get-NetSocket lists what this session opened' {
    Get-NetSocket
}

Step 'Packets to a pcap file and back (wrpcap / rdpcap), with a BPF filter on the file' {
    $file = Join-Path $tmp 'demo.pcap'
    1..5 | ForEach-Object { New-Packet IPv4 -Destination 127.0.0.1 | New-Packet Udp -DestinationPort (5000 + $_) } | Export-Pcap $file
    Get-SniffedPacket -Path $file -Filter 'udp dst port 5003' | Select-Object Number, Length, Summary
}

Step 'Packets on their own print as Wireshark lists them: No, Time, Source, Destination, Protocol, Length, Info' {
    Get-SniffedPacket -Path $file
}

Step 'Bad input is a clear error: binding a port that is already taken' {
    try { New-NetSocket -LocalPort $listener.LocalPort } catch { "$($_.FullyQualifiedErrorId): $($_.Exception.Message)" }
}

Step 'close(): Close-NetSocket takes sockets from the pipeline; nothing is left open' {
    Get-NetSocket | Close-NetSocket
    "open sockets: $(@(Get-NetSocket).Count)"
}

try {
    foreach ($step in $steps) {
        Write-Host ''
        Write-Host "# $($step.Title)" -ForegroundColor Cyan
        # Each command, then its own output: run here, dot-sourced, so its variables stay for the next commands.
        foreach ($statement in $step.Code.Ast.EndBlock.Statements) {
            Write-Host "PS> $($statement.Extent.Text)" -ForegroundColor Yellow
            . ([scriptblock]::Create($statement.Extent.Text)) | Out-Host
        }
    }
}
finally {
    Get-NetSocket | Close-NetSocket
    Remove-Item $tmp -Recurse -Force -ErrorAction Ignore
}
