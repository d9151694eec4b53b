<#
.SYNOPSIS
    A short scripted tour of NetSock on loopback, in the course's order: sockets by domain, type and protocol.
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

Step 'NetSock''s cmdlets (Scapy''s lsc())' { Get-Command -Module NetSock | Format-Table Name, Definition -AutoSize -Wrap }

    Step 'socket(AF_INET, SOCK_STREAM) and bind(("127.0.0.1", 0)): port 0 lets the kernel pick one' {
        $tcp = New-NetSocket AF_INET SOCK_STREAM -LocalPort 0
        $tcp
    }

    Step 'It is a real kernel socket: listen on it, connect a client to it, accept the connection' {
        $tcp.Socket.Listen(10)
        $client = [System.Net.Sockets.TcpClient]::new('127.0.0.1', $tcp.LocalPort)
        $peer = $tcp.Socket.Accept()
        "accepted a connection from $($peer.RemoteEndPoint)"
        $peer.Dispose(); $client.Dispose()
    }

    Step 'socket(AF_INET6, SOCK_DGRAM) bound to ::1; a second UDP socket sends it a datagram' {
        $server = New-NetSocket AF_INET6 SOCK_DGRAM -LocalAddress ::1 -LocalPort 0
        $sender = New-NetSocket AF_INET6 SOCK_DGRAM
        $null = $sender.Socket.SendTo([Text.Encoding]::UTF8.GetBytes('hello over UDP'), $server.LocalEndPoint)
        $buffer = [byte[]]::new(100); $server.Socket.ReceiveTimeout = 2000
        $n = $server.Socket.Receive($buffer)
        "received $n bytes: $([Text.Encoding]::UTF8.GetString($buffer, 0, $n))"
    }

    Step 'socket(AF_UNIX, SOCK_STREAM) bound to a path: local communication, no network' {
        New-NetSocket AF_UNIX SOCK_STREAM -Path (Join-Path $tmp 'demo.sock')
    }

    if ($isRoot) {
        Step 'socket(AF_INET, SOCK_RAW, 102), the course''s custom protocol: the kernel writes the IP header' {
            $raw = New-NetSocket AF_INET SOCK_RAW 102 -LocalAddress 127.0.0.1
            $rawSender = New-NetSocket AF_INET SOCK_RAW 102
            $null = $rawSender.Socket.SendTo([Text.Encoding]::ASCII.GetBytes('protocol 102 payload'), [System.Net.IPEndPoint]::new([ipaddress]::Loopback, 0))
            $buffer = [byte[]]::new(200); $raw.Socket.ReceiveTimeout = 2000
            $n = $raw.Socket.Receive($buffer)
            "received $n bytes: a 20-byte IPv4 header with protocol $($buffer[9]), then '$([Text.Encoding]::ASCII.GetString($buffer, 20, $n - 20))'"
        }
        Step 'socket(AF_PACKET, SOCK_RAW, ETH_P_ALL): the low-level domain, whole frames' {
            New-NetSocket AF_PACKET SOCK_RAW ETH_P_ALL
        }
    }
    else {
        Write-Host "`n# Raw and AF_PACKET sockets need root or CAP_NET_RAW: run the demo as root to see them." -ForegroundColor DarkYellow
    }

    Step 'Get-NetSocket lists what this session opened' { Get-NetSocket }

Step 'Scapy''s IP()/TCP(): New-Packet stacks layers; unset fields are filled when the packet is built' {
    $p = New-Packet IPv4 -Destination 127.0.0.1 -ttl 5 | New-Packet Tcp -dport 80 -flags S | New-Packet Raw -Load 'hi'
    $p.Summary
    ($p.Bytes | ForEach-Object { $_.ToString('x2') }) -join ' '
}

Step 'Scapy''s show() and hexdump(): Show-Packet' {
    Show-Packet $p -Built
    Show-Packet $p -Hex
}

Step 'Scapy''s DNS(): questions and records written as zone file lines, read back from the bytes' {
    $answer = New-Packet IPv4 -Source 198.18.0.53 -Destination 198.18.0.1 | New-Packet Udp -sport 53 -dport 40000 |
        New-Packet Dns -id 7 -Response 1 -qd 'example.test' -an 'example.test 300 A 198.18.0.80', 'example.test 300 TXT "hello"'
    $back = ConvertTo-Packet $answer.Bytes -LinkType Raw
    $back.Info
    $back.Dns.Answers
}

if ($isRoot) {
    Step 'Scapy''s sr(): Send-RawPacket -Receive matches the answers (an echo, a SYN to a listening port, a SYN to a closed one)' {
        $web = Start-TcpListener -Port 0
        $probes = @(New-Packet IPv4 -Destination 127.0.0.1 | New-Packet Icmp -Id 7 -Seq 1) +
            @(New-Packet IPv4 -Destination 127.0.0.1 | New-Packet Tcp -SourcePort 40000 -DestinationPort $web.LocalPort, 9 -Flags S)
        $probes | Send-RawPacket -Receive -Timeout 1 | Format-Table -AutoSize
        $web | Close-NetSocket
    }
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
        try { New-NetSocket -LocalPort $tcp.LocalPort } catch { "$($_.FullyQualifiedErrorId): $($_.Exception.Message)" }
    }

    Step 'close(): Close-NetSocket takes sockets from the pipeline; nothing is left open' {
        Get-NetSocket | Close-NetSocket
        "open sockets: $(@(Get-NetSocket).Count)"
    }
try {
    foreach ($step in $steps) {
        # Say what the step does, show its code, then run it here (so its variables stay for the next steps).
        Write-Host ''
        Write-Host "# $($step.Title)" -ForegroundColor Cyan
        foreach ($line in ($step.Code.ToString().Trim() -split "`n")) { Write-Host "PS> $($line.Trim())" -ForegroundColor Yellow }
        . $step.Code | Out-Host
    }
}
finally {
    Get-NetSocket | Close-NetSocket
    Remove-Item $tmp -Recurse -Force -ErrorAction Ignore
}
