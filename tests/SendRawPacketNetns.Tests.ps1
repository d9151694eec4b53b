# Send-RawPacket between two hosts the test creates: network namespaces A and B joined by a veth pair (198.18.0.1/24 and
# 2001:db8::1/64 in A, 198.18.0.2/24 and 2001:db8::2/64 in B; tests/Netns.psm1). Send-RawPacket runs in A in a child
# pwsh (`ip netns exec`), its peers (listeners, captures, receivers) in B. The namespaces have no route out and are
# removed in AfterAll, whatever happened. Root only: `ip netns`, raw sockets and capture need it.

BeforeAll {
    Import-Module $env:NETSOCK_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Netns.psm1') -Force
    $script:Cmd = 'NetSock.Commands.SendRawPacketCommand'
    $script:NoRoot = if (-not (Test-IsRoot)) { 'it needs root (ip netns, veth pairs, raw sockets, capture); run the tests as root' }
    elseif (-not (Get-Command ip -ErrorAction Ignore)) { 'ip(8) is missing; install it with: apt-get install -y iproute2' }
    $script:Netns = $null
    if (-not $NoRoot) { $script:Netns = New-TestNetns }

    function Get-FreePort {
        # Any port will do: each namespace has ports of its own and nothing else runs there.
        Get-Random -Minimum 20000 -Maximum 40000
    }

    function Get-LinkMac([string] $Namespace, [string] $Link) {
        (& ip -n $Namespace -j link show dev $Link | ConvertFrom-Json)[0].address
    }

    function New-GatePath([string] $Name) { Join-Path $TestDrive "$Name-$([guid]::NewGuid().ToString('N'))" }

    function Wait-GateFile {
        # Waits until a child has written its file (it writes it under another name and renames it: whole or absent).
        param([Parameter(Mandatory)] $Child, [Parameter(Mandatory)] [string] $Path, [int] $TimeoutSeconds = 20)
        $deadline = [datetime]::UtcNow.AddSeconds($TimeoutSeconds)
        while (-not (Test-Path $Path)) {
            if ($Child.Process.HasExited) { throw "The pwsh in $($Child.Namespace) exited (code $($Child.Process.ExitCode)) early: $($Child.Error.Result) $($Child.Output.Result)" }
            if ([datetime]::UtcNow -gt $deadline) { throw "The pwsh in $($Child.Namespace) did not write $Path within $TimeoutSeconds s." }
            Start-Sleep -Milliseconds 20
        }
        Get-Content -Raw $Path
    }

    function Invoke-WithListenerInB {
        <#
        Starts a TCP listener on 198.18.0.2 in B (Start-TcpListener -Port 0, kept open until the test is done), then runs
        -Sender in A with $Arguments.Port set to the listener's port. Returns what the sender returns.
        #>
        param([Parameter(Mandatory)] [scriptblock] $Sender, [hashtable] $Arguments = @{})
        $ready = New-GatePath 'ready'
        $done = New-GatePath 'done'
        $listener = Start-NetnsPwsh -Namespace $Netns.B -Arguments @{ Address = $Netns.IPv4B; Ready = $ready; Done = $done } -ScriptBlock {
            $l = Start-TcpListener -LocalAddress $Arguments.Address -Port 0
            Set-Content -LiteralPath "$($Arguments.Ready).tmp" -Value $l.LocalPort
            Move-Item -LiteralPath "$($Arguments.Ready).tmp" -Destination $Arguments.Ready
            $deadline = [datetime]::UtcNow.AddSeconds(60)
            while (-not (Test-Path $Arguments.Done) -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
            $l | Close-NetSocket
            [pscustomobject]@{ Port = $l.LocalPort }
        }
        try {
            $port = [int](Wait-GateFile $listener $ready).Trim()
            Invoke-NetnsPwsh -Namespace $Netns.A -Arguments ($Arguments + @{ Port = $port }) -ScriptBlock $Sender
        }
        finally {
            $null = New-Item -ItemType File -Path $done -Force
            $null = $listener.Process.WaitForExit(10000)
            Stop-NetnsPwsh $listener
        }
    }
}

AfterAll {
    Remove-TestNetns $Netns
}

Describe 'Send-RawPacket between two network namespaces' -Tag 'Root' {
    BeforeEach {
        if ($NoRoot) { Set-ItResult -Skipped -Because $NoRoot }
    }

    Context 'with -Receive across the veth (sr)' {
        It 'gets the echo-reply from 198.18.0.2 to an ICMP echo sent from 198.18.0.1' {
            $r = Invoke-NetnsPwsh -Namespace $Netns.A -Arguments @{ To = $Netns.IPv4B } -ScriptBlock {
                $out = @(New-Packet IPv4 -Destination $Arguments.To | New-Packet Icmp -Id 0x4E53 -Seq 1 | New-Packet Raw -Load 'across' | Send-RawPacket -Receive -Timeout 5)
                [pscustomobject]@{
                    Count = $out.Count; Answered = $out[0].Answered; Number = $out[0].Number
                    Type = $out[0].Received.Icmp.Type; Id = $out[0].Received.Icmp.Id; Seq = $out[0].Received.Icmp.Seq
                    From = "$($out[0].Received.IPv4.Source)"; To = "$($out[0].Received.IPv4.Destination)"
                    SentFrom = "$($out[0].Sent.IPv4.Source)"; Load = [Text.Encoding]::UTF8.GetString($out[0].Received.Raw.Load)
                    RoundTripPositive = $out[0].RoundTrip -gt [timespan]::Zero
                }
            }
            $r.Count | Should -Be 1
            $r.Answered | Should -BeTrue
            $r.Number | Should -Be 1
            $r.Type | Should -Be 0
            $r.Id | Should -Be 0x4E53
            $r.Seq | Should -Be 1
            $r.From | Should -Be '198.18.0.2'
            $r.To | Should -Be '198.18.0.1'
            $r.SentFrom | Should -Be '198.18.0.1'
            $r.Load | Should -Be 'across'
            $r.RoundTripPositive | Should -BeTrue
        }

        It 'gets the ICMPv6 echo-reply from 2001:db8::2 to an echo sent from 2001:db8::1' {
            # The first IPv6 packet may wait on neighbour discovery: a few tries, the first answered one counts.
            $r = Invoke-NetnsPwsh -Namespace $Netns.A -TimeoutSeconds 60 -Arguments @{ To = $Netns.IPv6B } -ScriptBlock {
                $try = 0
                do {
                    $try++
                    $out = @(New-Packet IPv6 -Destination $Arguments.To | New-Packet IcmpV6 -Id 0x4E54 -Seq $try | Send-RawPacket -Receive -Timeout 3)
                } until ($out[0].Answered -or $try -ge 5)
                [pscustomobject]@{
                    Tries = $try; Answered = $out[0].Answered; Type = $out[0].Received.IcmpV6.Type; Id = $out[0].Received.IcmpV6.Id
                    Seq = $out[0].Received.IcmpV6.Seq; From = "$($out[0].Received.IPv6.Source)"; SentFrom = "$($out[0].Sent.IPv6.Source)"
                }
            }
            $r.Answered | Should -BeTrue -Because "no echo-reply came in $($r.Tries) tries"
            $r.Type | Should -Be 129
            $r.Id | Should -Be 0x4E54
            $r.Seq | Should -Be $r.Tries
            $r.From | Should -Be '2001:db8::2'
            $r.SentFrom | Should -Be '2001:db8::1'
        }

        It 'gets a SYN/ACK acknowledging seq + 1 from a port Start-TcpListener listens on in B' {
            $r = Invoke-WithListenerInB -Arguments @{ To = $Netns.IPv4B } -Sender {
                $out = @(New-Packet IPv4 -Destination $Arguments.To | New-Packet Tcp -SourcePort 41000 -DestinationPort $Arguments.Port -Flags S -SequenceNumber 2000000 |
                        Send-RawPacket -Receive -Timeout 5)
                [pscustomobject]@{
                    Count = $out.Count; Answered = $out[0].Answered; Flags = $out[0].Received.Tcp.Flags.Letters
                    Ack = $out[0].Received.Tcp.AcknowledgmentNumber; SourcePort = $out[0].Received.Tcp.SourcePort
                    DestinationPort = $out[0].Received.Tcp.DestinationPort; From = "$($out[0].Received.IPv4.Source)"; Port = $Arguments.Port
                }
            }
            $r.Count | Should -Be 1
            $r.Answered | Should -BeTrue
            $r.Flags | Should -Be 'SA'
            $r.Ack | Should -Be 2000001
            $r.SourcePort | Should -Be $r.Port
            $r.DestinationPort | Should -Be 41000
            $r.From | Should -Be '198.18.0.2'
        }

        It 'gets a RST from a closed TCP port in B' {
            $port = Get-FreePort
            $r = Invoke-NetnsPwsh -Namespace $Netns.A -Arguments @{ To = $Netns.IPv4B; Port = $port } -ScriptBlock {
                $out = @(New-Packet IPv4 -Destination $Arguments.To | New-Packet Tcp -SourcePort 41001 -DestinationPort $Arguments.Port -Flags S -SequenceNumber 77 |
                        Send-RawPacket -Receive -Timeout 5)
                [pscustomobject]@{ Count = $out.Count; Answered = $out[0].Answered; Flags = "$($out[0].Received.Tcp.Flags)"; Ack = $out[0].Received.Tcp.AcknowledgmentNumber; SourcePort = $out[0].Received.Tcp.SourcePort }
            }
            $r.Count | Should -Be 1
            $r.Answered | Should -BeTrue
            $r.Flags | Should -Match 'R'
            $r.Ack | Should -Be 78
            $r.SourcePort | Should -Be $port
        }

        It 'matches the ICMP port-unreachable from a closed UDP port in B back to the datagram it quotes' {
            $port = Get-FreePort
            $r = Invoke-NetnsPwsh -Namespace $Netns.A -Arguments @{ To = $Netns.IPv4B; Port = $port } -ScriptBlock {
                $out = @(New-Packet IPv4 -Destination $Arguments.To | New-Packet Udp -SourcePort 41002 -DestinationPort $Arguments.Port | New-Packet Raw -Load 'closed?' |
                        Send-RawPacket -Receive -Timeout 5)
                $rx = $out[0].Received
                [pscustomobject]@{
                    Count = $out.Count; Answered = $out[0].Answered; Type = $rx.Icmp.Type; Code = $rx.Icmp.Code; From = "$($rx.IPv4.Source)"
                    Layers = @($rx.Layers | ForEach-Object Name) -join '/'
                    OwnUdp = $null -ne $rx.Udp; Quoted = @($rx.Icmp.Quoted.Layers.Name) -join '/'
                    QuotedSport = $rx.Icmp.Quoted.Udp.SourcePort; QuotedDport = $rx.Icmp.Quoted.Udp.DestinationPort
                }
            }
            $r.Count | Should -Be 1
            $r.Answered | Should -BeTrue
            $r.Type | Should -Be 3
            $r.Code | Should -Be 3
            $r.From | Should -Be '198.18.0.2'
            $r.Layers | Should -Be 'Ethernet/IPv4/Icmp' -Because 'the answer is captured on the veth it came in by, with its Ethernet header'
            $r.OwnUdp | Should -BeFalse
            $r.Quoted | Should -Be 'IPv4/Udp/Raw'
            $r.QuotedSport | Should -Be 41002
            $r.QuotedDport | Should -Be $port
        }

        It 'gets the ARP is-at from B''s veth MAC to a who-has for 198.18.0.2 sent at layer 2 on A''s veth' {
            $macB = Get-LinkMac $Netns.B $Netns.LinkB
            $macA = Get-LinkMac $Netns.A $Netns.LinkA
            $r = Invoke-NetnsPwsh -Namespace $Netns.A -Arguments @{ Link = $Netns.LinkA; Target = $Netns.IPv4B } -ScriptBlock {
                $out = @(New-Packet Ether | New-Packet Arp -Operation WhoHas -TargetProtocolAddress $Arguments.Target |
                        Send-RawPacket -Interface $Arguments.Link -Receive -Timeout 5)
                $rx = $out[0].Received
                [pscustomobject]@{
                    Count = $out.Count; Answered = $out[0].Answered
                    SentLayers = @($out[0].Sent.Layers.Name) -join '/'; SentDestination = "$($out[0].Sent.Ethernet.Destination)"
                    SentSenderMac = "$($out[0].Sent.Arp.SenderHardwareAddress)"; SentSenderIP = "$($out[0].Sent.Arp.SenderProtocolAddress)"
                    Operation = "$($rx.Arp.Operation)"; SenderIP = "$($rx.Arp.SenderProtocolAddress)"; SenderMac = "$($rx.Arp.SenderHardwareAddress)"
                    TargetMac = "$($rx.Arp.TargetHardwareAddress)"
                    LinkType = "$($rx.LinkType)"; EtherSource = "$($rx.Ethernet.Source)"; Interface = $rx.Interface
                }
            }
            $r.Count | Should -Be 1
            $r.Answered | Should -BeTrue
            $r.SentLayers | Should -Be 'Ethernet/Arp'
            $r.SentDestination | Should -Be 'ff:ff:ff:ff:ff:ff'
            $r.SentSenderMac | Should -Be $macA
            $r.SentSenderIP | Should -Be '198.18.0.1'
            $r.Operation | Should -Be 'IsAt'
            $r.SenderIP | Should -Be '198.18.0.2'
            $r.SenderMac | Should -Be $macB
            $r.TargetMac | Should -Be $macA
            # Captured on the veth it came in by (not on "any", where a cooked header has no Ethernet layer).
            $r.LinkType | Should -Be 'Ethernet'
            $r.Interface | Should -Be $Netns.LinkA
            $r.EtherSource | Should -Be $macB
        }

        It 'captures the echo-reply sent at layer 3 on the veth it comes in by: Ethernet from B''s MAC' {
            $macB = Get-LinkMac $Netns.B $Netns.LinkB
            $r = Invoke-NetnsPwsh -Namespace $Netns.A -Arguments @{ To = $Netns.IPv4B } -ScriptBlock {
                $rx = New-Packet IPv4 -Destination $Arguments.To | New-Packet Icmp -Id 0x4E55 -Seq 1 | Send-RawPacket -First -Timeout 5
                [pscustomobject]@{ Type = "$($rx.GetType().Name)"; LinkType = "$($rx.LinkType)"; Interface = $rx.Interface; EtherSource = "$($rx.Ethernet.Source)"; Id = $rx.Icmp.Id }
            }
            $r.Type | Should -Be 'Packet' -Because '-First (sr1) writes the answer itself'
            $r.Id | Should -Be 0x4E55
            $r.LinkType | Should -Be 'Ethernet'
            $r.Interface | Should -Be $Netns.LinkA
            $r.EtherSource | Should -Be $macB
        }
    }

    Context 'capturing on any' {
        It 'says which interface each packet passed and whether it went out or came in' {
            $r = Invoke-NetnsPwsh -Namespace $Netns.A -Arguments @{ To = $Netns.IPv4B } -ScriptBlock {
                $module = (Get-Module NetSock).Path
                $to = $Arguments.To
                $job = Start-ThreadJob { Import-Module $using:module; Start-Sleep -Seconds 1; New-Packet IPv4 -Destination $using:to | New-Packet Icmp -Id 0x4E56 | Send-RawPacket }
                $seen = @(Get-SniffedPacket -Interface any -Filter 'icmp' -Count 2 -Timeout 10)
                $job | Wait-Job | Remove-Job
                $seen | ForEach-Object { [pscustomobject]@{ Interface = $_.Interface; Direction = "$($_.Direction)"; Type = $_.Icmp.Type; LinkType = "$($_.LinkType)" } }
            }
            $r.Count | Should -Be 2
            $r[0].Type | Should -Be 8
            $r[0].Direction | Should -Be 'Out'
            $r[0].Interface | Should -Be $Netns.LinkA
            $r[1].Type | Should -Be 0
            $r[1].Direction | Should -Be 'In'
            $r[1].Interface | Should -Be $Netns.LinkA
            $r[0].LinkType | Should -Be 'LinuxSll'
        }
    }

    Context 'sending what the kernel would not send itself' {
        It 'delivers a UDP datagram with a wrong checksum (0x1234) unchanged to B''s veth' {
            $port = Get-FreePort
            $stop = New-GatePath 'stop'
            $capture = Start-NetnsPwsh -Namespace $Netns.B -Arguments @{ Link = $Netns.LinkB; Port = $port } -ScriptBlock {
                Get-SniffedPacket $Arguments.Link -Filter "udp dst port $($Arguments.Port)" -Count 1 -Timeout 30 | ForEach-Object {
                    $ihl = $_.IPv4.InternetHeaderLength * 4
                    $ipStart = $_.Bytes.Length - $_.IPv4.TotalLength      # after the link header
                    [pscustomobject]@{
                        Checksum  = $_.Udp.Checksum
                        IPPayload = [Convert]::ToHexString($_.Bytes, $ipStart + $ihl, $_.IPv4.TotalLength - $ihl)
                        Source    = "$($_.IPv4.Source)"
                        Interface = $_.Interface
                    }
                }
            }
            try {
                # The sender repeats until the capture has its packet (it may start before the capture runs).
                $sender = Start-NetnsPwsh -Namespace $Netns.A -Arguments @{ To = $Netns.IPv4B; Port = $port; Stop = $stop } -ScriptBlock {
                    $p = New-Packet IPv4 -Destination $Arguments.To | New-Packet Udp -SourcePort 41003 -DestinationPort $Arguments.Port -Checksum 0x1234 |
                        New-Packet Raw -Load 'a checksum that is wrong on purpose'
                    $first = $null
                    for ($i = 0; $i -lt 250 -and -not (Test-Path $Arguments.Stop); $i++) {
                        $sent = Send-RawPacket $p -PassThru
                        if (-not $first) { $first = $sent }
                        Start-Sleep -Milliseconds 100
                    }
                    $ihl = $first.IPv4.InternetHeaderLength * 4
                    [pscustomobject]@{ Checksum = $first.Udp.Checksum; IPPayload = [Convert]::ToHexString($first.Bytes, $ihl, $first.Bytes.Length - $ihl); Layers = @($first.Layers.Name) -join '/' }
                }
                $seen = Wait-NetnsPwsh $capture -TimeoutSeconds 40
                $null = New-Item -ItemType File -Path $stop -Force
                $sent = Wait-NetnsPwsh $sender -TimeoutSeconds 40
            }
            finally {
                $null = New-Item -ItemType File -Path $stop -Force
                Stop-NetnsPwsh $capture
                if ($sender) { Stop-NetnsPwsh $sender }
            }
            $sent.Layers | Should -Be 'IPv4/Udp/Raw'
            $sent.Checksum | Should -Be 0x1234
            $seen.Checksum | Should -Be 0x1234
            $seen.Source | Should -Be '198.18.0.1'
            $seen.Interface | Should -Be $Netns.LinkB
            $seen.IPPayload | Should -Be $sent.IPPayload
            $seen.IPPayload | Should -BeLike '*1234*'
        }

        It 'delivers the seed''s protocol-102 datagram to Receive-Datagram -Protocol 102 in B, from 198.18.0.1' {
            $receiver = Start-NetnsPwsh -Namespace $Netns.B -Arguments @{ Address = $Netns.IPv4B } -ScriptBlock {
                $d = Receive-Datagram -Protocol 102 -LocalAddress $Arguments.Address -Timeout 20
                [pscustomobject]@{ Text = $d.Text; Protocol = $d.IPHeader.Protocol; Source = "$($d.IPHeader.Source)"; Destination = "$($d.IPHeader.Destination)"; Remote = "$($d.RemoteEndPoint.Address)" }
            }
            try {
                Wait-NetnsSocket $receiver -Protocol 102
                $sent = Invoke-NetnsPwsh -Namespace $Netns.A -Arguments @{ To = $Netns.IPv4B } -ScriptBlock {
                    $p = New-Packet IPv4 -Destination $Arguments.To -Protocol 102 | New-Packet Raw -Load 'hello 102' | Send-RawPacket -PassThru
                    [pscustomobject]@{ Protocol = $p.IPv4.Protocol; Length = $p.Length; Layers = @($p.Layers.Name) -join '/' }
                }
                $received = Wait-NetnsPwsh $receiver -TimeoutSeconds 30
            }
            finally { Stop-NetnsPwsh $receiver }
            $sent.Protocol | Should -Be 102
            $sent.Length | Should -Be 29
            $sent.Layers | Should -Be 'IPv4/Raw'
            $received.Text | Should -Be 'hello 102'
            $received.Protocol | Should -Be 102
            $received.Source | Should -Be '198.18.0.1'
            $received.Destination | Should -Be '198.18.0.2'
            $received.Remote | Should -Be '198.18.0.1'
        }
    }

    Context 'when the kernel refuses the packet' {
        It 'says there is no route to 198.19.0.1 from A (RawPacketNoRoute), and the next send works' {
            $r = Invoke-NetnsPwsh -Namespace $Netns.A -Arguments @{ Nowhere = '198.19.0.1'; To = $Netns.IPv4B } -ScriptBlock {
                $out = @(New-Packet IPv4 -Destination $Arguments.Nowhere | New-Packet Icmp -Id 5 | Send-RawPacket -ErrorVariable err -ErrorAction SilentlyContinue)
                $thrown = try { New-Packet IPv4 -Destination $Arguments.Nowhere | New-Packet Icmp -Id 5 | Send-RawPacket -ErrorAction Stop; 'sent' } catch { $_.FullyQualifiedErrorId }
                $next = New-Packet IPv4 -Destination $Arguments.To | New-Packet Icmp -Id 6 -Seq 1 | Send-RawPacket -Receive -Timeout 5
                [pscustomobject]@{
                    Out = $out.Count; Errors = $err.Count; ErrorId = $err[0].FullyQualifiedErrorId; Category = "$($err[0].CategoryInfo.Category)"
                    Message = $err[0].Exception.Message; Thrown = $thrown; NextAnswered = $next.Answered
                }
            }
            $r.Out | Should -Be 0
            $r.Errors | Should -Be 1
            $r.ErrorId | Should -Be "RawPacketNoRoute,$Cmd"
            $r.Category | Should -Be 'ConnectionError'
            $r.Message | Should -Match 'No route'
            $r.Message | Should -Match '198\.19\.0\.1'
            $r.Thrown | Should -Be "RawPacketNoRoute,$Cmd"
            $r.NextAnswered | Should -BeTrue
        }

        It 'says a 3000-byte payload is more than the veth''s MTU 1500 carries (RawPacketTooBig), and the next send works' {
            $r = Invoke-NetnsPwsh -Namespace $Netns.A -Arguments @{ To = $Netns.IPv4B } -ScriptBlock {
                $big = New-Packet IPv4 -Destination $Arguments.To | New-Packet Udp -SourcePort 41004 -DestinationPort 9 | New-Packet Raw -Load ([byte[]]::new(3000))
                $out = @(Send-RawPacket $big -ErrorVariable err -ErrorAction SilentlyContinue)
                $next = New-Packet IPv4 -Destination $Arguments.To | New-Packet Icmp -Id 7 -Seq 1 | Send-RawPacket -Receive -Timeout 5
                [pscustomobject]@{
                    Out = $out.Count; Errors = $err.Count; ErrorId = $err[0].FullyQualifiedErrorId; Category = "$($err[0].CategoryInfo.Category)"
                    Message = $err[0].Exception.Message; NextAnswered = $next.Answered
                }
            }
            $r.Out | Should -Be 0
            $r.Errors | Should -Be 1
            $r.ErrorId | Should -Be "RawPacketTooBig,$Cmd"
            $r.Category | Should -Be 'InvalidArgument'
            $r.Message | Should -Match 'MTU 1500'
            $r.Message | Should -Match '3028 bytes'
            $r.Message | Should -Match ([regex]::Escape($Netns.LinkA))
            $r.Message | Should -Match '-FragmentSize'
            $r.NextAnswered | Should -BeTrue
        }

        It 'sends the same 3000-byte payload over the MTU 1500 with -FragmentSize 1400: B gets it whole, from three fragments' {
            $port = 41005
            $receiver = Start-NetnsPwsh -Namespace $Netns.B -Arguments @{ Address = $Netns.IPv4B; Port = $port } -ScriptBlock {
                $d = Receive-Datagram -LocalAddress $Arguments.Address -LocalPort $Arguments.Port -MaximumBytes 65535 -Timeout 20
                [pscustomobject]@{ Length = $d.Length; Sum = ($d.Data | Measure-Object -Sum).Sum }
            }
            try {
                Wait-NetnsSocket $receiver -Port $port
                $sent = Invoke-NetnsPwsh -Namespace $Netns.A -Arguments @{ To = $Netns.IPv4B; Port = $port } -ScriptBlock {
                    $payload = [byte[]](1..3000 | ForEach-Object { $_ % 251 })
                    $big = New-Packet IPv4 -Destination $Arguments.To | New-Packet Udp -SourcePort 41006 -DestinationPort $Arguments.Port | New-Packet Raw -Load $payload
                    @(Send-RawPacket $big -FragmentSize 1400 -PassThru | ForEach-Object { [pscustomobject]@{ Bytes = $_.Length; Offset = $_.IPv4.FragmentOffset; Flags = "$($_.IPv4.Flags)" } })
                }
                $received = Wait-NetnsPwsh $receiver -TimeoutSeconds 30
            }
            finally { Stop-NetnsPwsh $receiver }
            @($sent.Bytes) | Should -Be @(1420, 1420, 228)
            @($sent.Offset) | Should -Be @(0, 175, 350)
            @($sent.Flags) | Should -Be @('MF', 'MF', 'None')
            $received.Length | Should -Be 3000
            $received.Sum | Should -Be ((1..3000 | ForEach-Object { $_ % 251 }) | Measure-Object -Sum).Sum
        }
    }
}
