# Pester 5 tests of Show-Packet: Scapy's show(), show2() (-Built, values compared with Scapy's own show2() when Debian's
# python3-scapy is there), hexdump() (-Hex, compared with Scapy's own output) and tcpdump-like lines (-Summary) of
# packets read back from a pcap file. Every mode writes one string per line.

BeforeDiscovery {
    $NoRoot = -not ($IsLinux -and (& id -u) -eq '0')
}

BeforeAll {
    Import-Module $env:NETSOCK_MODULE -Force
    $script:Cmd = 'NetSock.Commands.ShowPacketCommand'

    function New-IPv4Tcp {
        New-Packet IPv4 -Source 127.0.0.1 -Destination 127.0.0.1 | New-Packet Tcp -DestinationPort 80
    }

    # Debian's python3, not whatever a version manager puts first on PATH; Scapy's hexdump() is the oracle for -Hex.
    $script:Python = '/usr/bin/python3'
    $script:NoScapy = if (-not (Test-Path $Python)) { "$Python is missing; install it with: sudo apt-get install -y python3-scapy" }
    else {
        & $Python -c 'import scapy.all' 2>$null
        if ($LASTEXITCODE -ne 0) { "Scapy is not installed for $Python; install it with: sudo apt-get install -y python3-scapy" }
    }

    function Get-ScapyHexdump([byte[][]] $Packets) {
        # hexdump(bytes, dump=True) as Scapy prints it, for each of the byte arrays (one python3 run for all).
        $script = 'import sys; from scapy.all import hexdump; sys.stdout.write("\n=====\n".join(hexdump(bytes.fromhex(h), dump=True) for h in sys.argv[1:]))'
        $out = & $Python -c $script @($Packets | ForEach-Object { [Convert]::ToHexString($_) }) 2>$null
        if ($LASTEXITCODE -ne 0) { throw "Scapy's hexdump failed (exit $LASTEXITCODE)." }
        (@($out) -join "`n") -split "`n=====`n"
    }
}

Describe 'Show-Packet' {
    Context 'by default (Scapy''s show())' {
        It 'shows a block per layer with a line per field, and unset auto fields as auto' {
            $text = Show-Packet (New-IPv4Tcp)
            $lines = $text -split "`n"
            $lines[0] | Should -BeExactly '###[ IPv4 ]###'
            $lines | Should -Contain '###[ Tcp ]###'
            $tcpAt = [array]::IndexOf($lines, '###[ Tcp ]###')
            @($lines[1..($lines.Count - 1)] | Where-Object { $_ -ne '###[ Tcp ]###' -and $_ -notmatch '^  \w+ +=( |$)' }) | Should -BeNullOrEmpty
            ($lines[1..($tcpAt - 1)] | Where-Object { $_ -match '^  Checksum\s+= (.*)$' }) | Should -Match '= auto$'
            ($lines[($tcpAt + 1)..($lines.Count - 1)] | Where-Object { $_ -match '^  Checksum\s+= ' }) | Should -Match '= auto$'
            $lines | Should -Contain ('  TimeToLive'.PadRight(22) + ' = 64')
            $lines | Should -Contain ('  Source'.PadRight(22) + ' = 127.0.0.1')
            $lines | Should -Contain ('  DestinationPort'.PadRight(22) + ' = 80')
        }

        It 'lines the = signs up within each layer, in wire order' {
            $lines = (Show-Packet (New-IPv4Tcp)) -split "`n"
            $tcp = $lines[([array]::IndexOf($lines, '###[ Tcp ]###') + 1)..($lines.Count - 1)]
            @($tcp | ForEach-Object { $_.IndexOf(' = ') } | Select-Object -Unique).Count | Should -Be 1
            ($tcp | ForEach-Object { ($_ -split '=')[0].Trim() }) | Should -Be @((Get-PacketLayer Tcp).Name)
        }

        It 'writes one string per line, as the packets come, so Select-String finds the line' {
            $p = New-IPv4Tcp
            $out = @(Show-Packet $p)
            $out.Count | Should -Be (2 + @(Get-PacketLayer IPv4).Count + @(Get-PacketLayer Tcp).Count)
            $out | ForEach-Object { $_ | Should -BeOfType [string]; $_ | Should -Not -Match "`n" }
            $out[0] | Should -BeExactly '###[ IPv4 ]###'
            @($p, $p, $p | Show-Packet).Count | Should -Be (3 * $out.Count)
            @(Show-Packet $p | Select-String 'DestinationPort').Line | Should -BeExactly ('  DestinationPort'.PadRight(22) + ' = 80')

            $log = [System.Collections.Generic.List[string]]::new()
            & { foreach ($i in 1..3) { $log.Add("made $i"); $p } } | Show-Packet | ForEach-Object { if ($_ -like '###*') { $log.Add("shown $_") } }
            $log -join ',' | Should -Be 'made 1,shown ###[ IPv4 ]###,shown ###[ Tcp ]###,made 2,shown ###[ IPv4 ]###,shown ###[ Tcp ]###,made 3,shown ###[ IPv4 ]###,shown ###[ Tcp ]###'
        }

        It 'shows a payload as text when it is mostly printable, with Python''s escapes, and as hex otherwise' {
            $get = New-IPv4Tcp | New-Packet Raw -Load "GET / HTTP/1.1`r`nHost: a'b`r`n`r`n"
            @(Show-Packet $get)[-1] | Should -BeExactly "  Load = 'GET / HTTP/1.1\r\nHost: a\'b\r\n\r\n'"
            $binary = New-IPv4Tcp | New-Packet Raw -Load ([byte[]](0, 1, 2, 0x41, 0xff))
            @(Show-Packet $binary)[-1] | Should -BeExactly '  Load = 00 01 02 41 FF'
            $get.Raw.Text | Should -BeExactly "GET / HTTP/1.1`r`nHost: a'b`r`n`r`n"
            $get.Raw.Load[0] | Should -Be ([byte][char]'G')
        }

        It 'shows checksums in hex, the EtherType and IP protocol with their names, and flags as letters' {
            $p = New-Packet Ethernet -Source 02:00:00:00:00:01 -Destination 02:00:00:00:00:02 |
                New-Packet IPv4 -Source 127.0.0.1 -Destination 127.0.0.1 -Flags DF | New-Packet Tcp -DestinationPort 80 -Flags PA
            $lines = @(Show-Packet $p -Built)
            $lines | Should -Contain '  Type        = 0x0800 (IPv4)'
            $lines | Should -Contain '  Source      = 02:00:00:00:00:01'
            $lines | Should -Contain ('  Protocol'.PadRight(22) + ' = 6 (Tcp)')
            $lines | Should -Contain ('  Flags'.PadRight(22) + ' = DF')
            $lines | Should -Contain ('  Flags'.PadRight(22) + ' = PA')
            $lines | Should -Contain ('  Checksum'.PadRight(22) + (' = 0x{0:x4}' -f $p.Rebuilt().IPv4.Checksum))
            $lines | Should -Contain ('  Checksum'.PadRight(22) + (' = 0x{0:x4}' -f $p.Rebuilt().Tcp.Checksum))
        }

        It 'writes the values Scapy''s show2() writes for the same bytes' {
            if ($NoScapy) { Set-ItResult -Skipped -Because $NoScapy; return }
            $p = New-Packet Ethernet -Source 02:00:00:00:00:01 -Destination 02:00:00:00:00:02 |
                New-Packet IPv4 -Source 127.0.0.1 -Destination 127.0.0.1 -Flags DF | New-Packet Tcp -DestinationPort 80 -Flags PA |
                New-Packet Raw -Load "GET / HTTP/1.1`r`n`r`n"
            $script = 'import sys; from scapy.all import Ether; sys.stdout.write(Ether(bytes.fromhex(sys.argv[1])).show2(dump=True))'
            $scapy = @(& $Python -c $script $p.Hex 2>$null)
            $LASTEXITCODE | Should -Be 0
            # Scapy's names for NetSock's (its aliases), in the order both print them; the load and flags are written alike.
            $theirs = @($scapy | Where-Object { $_ -match '^\s+(chksum|flags|load)\s+= (.*)$' } | ForEach-Object { $Matches[2].Trim() })
            $ours = @(Show-Packet $p -Built | Where-Object { $_ -match '^  (Checksum|Flags|Load)\s+= (.*)$' } | ForEach-Object { $Matches[2] })
            $ours | Should -Be $theirs
            $theirs | Should -Be @('DF', ('0x{0:x4}' -f $p.Rebuilt().IPv4.Checksum), 'PA', ('0x{0:x4}' -f $p.Rebuilt().Tcp.Checksum), "'GET / HTTP/1.1\r\n\r\n'")
        }

        It 'ends a malformed packet with the reason' {
            $cut = ConvertTo-Packet '02000000000202000000000108004500001c0001'
            $lines = (Show-Packet $cut) -split "`n"
            $lines[0] | Should -BeExactly '###[ Ethernet ]###'
            $lines[-1] | Should -BeExactly 'Malformed: IPv4 header truncated: 6 of 20 bytes'
        }
    }

    Context 'with -Built (Scapy''s show2())' {
        It 'shows the computed lengths and checksums, and no auto field' {
            $p = New-IPv4Tcp
            $built = $p.Rebuilt()
            $lines = (Show-Packet $p -Built) -split "`n"
            $lines | Should -Not -Match '= auto$'
            $tcpAt = [array]::IndexOf($lines, '###[ Tcp ]###')
            $ipChecksum = $lines[1..($tcpAt - 1)] | Where-Object { $_ -match '^  Checksum\s+= ' }
            $tcpChecksum = $lines[($tcpAt + 1)..($lines.Count - 1)] | Where-Object { $_ -match '^  Checksum\s+= ' }
            $ipChecksum | Should -Match ("= 0x{0:x4}$" -f $built.IPv4.Checksum)
            $tcpChecksum | Should -Match ("= 0x{0:x4}$" -f $built.Tcp.Checksum)
            $built.IPv4.Checksum | Should -Be 0x7ccd   # Scapy: IP(src='127.0.0.1', dst='127.0.0.1')/TCP() has chksum 0x7ccd
            $lines | Should -Contain ('  TotalLength'.PadRight(22) + ' = 40')
            $lines | Should -Contain ('  Protocol'.PadRight(22) + ' = 6 (Tcp)')
            $p.IPv4.Checksum | Should -BeNullOrEmpty -Because 'showing the built packet leaves the packet unchanged'
        }

        It 'cannot be combined with -Hex or -Summary' {
            { Show-Packet (New-IPv4Tcp) -Built -Hex } | Should -Throw -ErrorId "AmbiguousParameterSet,$Cmd"
            { Show-Packet (New-IPv4Tcp) -Built -Summary } | Should -Throw -ErrorId "AmbiguousParameterSet,$Cmd"
            { Show-Packet (New-IPv4Tcp) -Hex -Summary } | Should -Throw -ErrorId "AmbiguousParameterSet,$Cmd"
        }
    }

    Context 'with -Hex (Scapy''s hexdump())' {
        BeforeAll {
            # hexdump(IP(dst='127.0.0.1')/UDP()/b'hello') from Scapy 2.5, with the source 127.0.0.1.
            $script:Golden = @(
                '0000  45 00 00 21 00 01 00 00 40 11 7C C9 7F 00 00 01  E..!....@.|.....'
                '0010  7F 00 00 01 00 35 00 35 00 0D BD 95 68 65 6C 6C  .....5.5....hell'
                '0020  6F                                               o'
            ) -join "`n"
            $script:Hello = New-Packet IPv4 -Source 127.0.0.1 -Destination 127.0.0.1 | New-Packet Udp | New-Packet Raw -Load 'hello'
        }

        It 'matches the hexdump Scapy printed for the same packet, a string per line' {
            $lines = @(Show-Packet $Hello -Hex)
            $lines.Count | Should -Be 3
            $lines -join "`n" | Should -BeExactly $Golden
        }

        It 'matches Scapy''s hexdump() of the same bytes, run now, character for character' {
            if ($NoScapy) { Set-ItResult -Skipped -Because $NoScapy; return }
            $packets = @(
                $Hello
                New-IPv4Tcp
                New-Packet IPv4 -Source 198.18.0.1 -Destination 198.18.0.2 | New-Packet Udp -DestinationPort 53 | New-Packet Raw -Load ([byte[]](0..255))
                ConvertTo-Packet '02000000000202000000000108004500001c0001'
            )
            $scapy = @(Get-ScapyHexdump ($packets | ForEach-Object { , $_.Bytes }))
            $scapy.Count | Should -Be $packets.Count
            for ($i = 0; $i -lt $packets.Count; $i++) {
                (Show-Packet $packets[$i] -Hex) -join "`n" | Should -BeExactly $scapy[$i] -Because "hexdump of $([Convert]::ToHexString($packets[$i].Bytes))"
            }
        }
    }

    Context 'with -Summary' {
        It 'gives one line per packet with its number and local time, for packets read from a pcap file' {
            $path = Join-Path ([IO.Path]::GetTempPath()) "netsock-show-$([guid]::NewGuid()).pcap"
            try {
                $packets = 1..3 | ForEach-Object {
                    $p = New-Packet IPv4 -Source 127.0.0.1 -Destination 127.0.0.1 | New-Packet Udp -DestinationPort (5000 + $_)
                    $p.Timestamp = [DateTimeOffset]::FromUnixTimeMilliseconds(1700000000000 + $_ * 1000).AddTicks($_ * 10)
                    $p
                }
                $packets | Export-Pcap $path
                $back = @(Get-SniffedPacket -Path $path)
                $lines = @($back | Show-Packet -Summary)
                $lines.Count | Should -Be 3
                for ($i = 0; $i -lt 3; $i++) {
                    $time = $packets[$i].Timestamp.ToLocalTime().ToString('HH:mm:ss.ffffff', [cultureinfo]::InvariantCulture)
                    $lines[$i] | Should -BeExactly "$($i + 1)  $time $($back[$i].Summary)"
                    $lines[$i] | Should -Match "\.00000$($i + 1) IP 127\.0\.0\.1 > 127\.0\.0\.1 .*UDP .*> $(5001 + $i)"
                    $lines[$i] | Should -Not -Match "`n"
                }
            }
            finally {
                Remove-Item -LiteralPath $path -ErrorAction Ignore
            }
            $path | Should -Not -Exist
        }

        It 'leaves the link layer out, as tcpdump does without -e: a frame captured on lo has no Ethernet 00:00:00:00:00:00 first' -Tag 'Root' -Skip:$NoRoot {
            $socket = New-NetSocket AF_INET SOCK_DGRAM -LocalAddress 127.0.0.1 -LocalPort 0
            $port = $socket.LocalPort
            try {
                $job = Start-ThreadJob -ArgumentList $env:NETSOCK_MODULE, $port -ScriptBlock {
                    param($module, $port)
                    Import-Module $module
                    Start-Sleep -Milliseconds 500
                    1..5 | ForEach-Object { Send-Datagram -InputObject 'hi' -ComputerName 127.0.0.1 -Port $port; Start-Sleep -Milliseconds 100 }
                }
                $captured = @(Get-SniffedPacket lo -Filter "udp dst port $port" -Count 1 -Timeout 10)
                $job | Wait-Job | Remove-Job
            }
            finally { $socket | Close-NetSocket }
            $captured.Count | Should -Be 1
            $captured[0].Layers[0].Name | Should -Be 'Ethernet'
            $line = $captured[0] | Show-Packet -Summary
            $line | Should -Match "^1  \d\d:\d\d:\d\d\.\d{6} IP 127\.0\.0\.1 > 127\.0\.0\.1 ttl 64 / UDP \d+ > $port len 10 / Raw 2 bytes$"
            $line | Should -Not -Match 'Ethernet|00:00:00:00:00:00'
            $captured[0].Summary | Should -Match '^Ethernet 00:00:00:00:00:00 > 00:00:00:00:00:00 ' -Because 'the packet''s own Summary, as Scapy''s summary(), has every layer'
        }

        It 'gives the summary alone for a packet with no number or time, and says why a packet is malformed' {
            Show-Packet (New-IPv4Tcp) -Summary | Should -BeExactly (New-IPv4Tcp).Summary
            $cut = ConvertTo-Packet '02000000000202000000000108004500001c0001'
            Show-Packet $cut -Summary | Should -Match '\[malformed: IPv4 header truncated: 6 of 20 bytes\]$'
        }
    }
}
