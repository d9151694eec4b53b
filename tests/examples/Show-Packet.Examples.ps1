# What the examples of docs/Show-Packet.md say they do (run by tests/Examples.Tests.ps1).
@{
    1 = @{ Assert = {
            param($Run)
            $text = $Run.Output -join "`n"
            $headers = @([regex]::Matches($text, '(?m)^###\[ (\w+) \]###$') | ForEach-Object { $_.Groups[1].Value })
            $headers | Should -Be @('IPv4', 'Tcp', 'Raw') -Because 'three layers, three blocks'
            $ipv4 = $text.Substring(0, $text.IndexOf('###[ Tcp ]###'))
            foreach ($field in 'TotalLength', 'Protocol', 'Checksum', 'Source') {
                $ipv4 | Should -Match "(?m)^\s+$field\s+= auto\s*$" -Because "IPv4's $field is left to be computed"
            }
            $ipv4 | Should -Match '(?m)^\s+Destination\s+= 127\.0\.0\.1\s*$'
            $ipv4 | Should -Match '(?m)^\s+TimeToLive\s+= 64\s*$' -Because 'a field with a value shows it'
            $text | Should -Match '(?m)^\s+DestinationPort\s+= 80\s*$'
            $text | Should -Match "(?m)^\s+Load\s+= 'hi'\s*$" -Because "the Raw layer holds 'hi', shown as text"
            $text | Should -Match '(?m)^\s+Flags\s+= S\s*$' -Because 'TCP flags show as letters'
            @($Run.Output).Count | Should -Be @($Run.Output | Where-Object { "$_" -notmatch "`n" }).Count -Because 'each line is a string of its own' 
        }
    }
    2 = @{ Assert = {
            param($Run)
            $text = @($Run.Output | Where-Object { $_ -is [string] }) -join "`n"
            $text | Should -Match '(?m)^\s+TotalLength\s+= 40\s*$'
            $text | Should -Match '(?m)^\s+Protocol\s+= 6 \(Tcp\)\s*$'
            $text | Should -Match '(?m)^\s+Source\s+= 127\.0\.0\.1\s*$'
            $text | Should -Not -Match '= auto' -Because 'every auto field has its built value'
            # The checksums of IP(src='127.0.0.1', dst='127.0.0.1', id=1, ttl=64)/TCP(sport=20, dport=80, flags='S', window=8192),
            # computed outside NetSock: 0x7CCD over the IPv4 header, 0x917C over the pseudo-header and TCP header.
            $checksums = @($Run.Output | Where-Object { $_ -is [Microsoft.PowerShell.Commands.MatchInfo] })
            $checksums.Count | Should -Be 2 -Because 'the second line picks the two checksum lines'
            $checksums[0].Line | Should -Match '^\s+Checksum\s+= 0x7ccd$'
            $checksums[1].Line | Should -Match '^\s+Checksum\s+= 0x917c$'
        }
    }
    3 = @{ Assert = {
            param($Run)
            # Scapy's hexdump(IP(src='127.0.0.1', dst='127.0.0.1')/UDP()/b'hello'), character for character.
            $scapy = @(
                '0000  45 00 00 21 00 01 00 00 40 11 7C C9 7F 00 00 01  E..!....@.|.....'
                '0010  7F 00 00 01 00 35 00 35 00 0D BD 95 68 65 6C 6C  .....5.5....hell'
                '0020  6F                                               o'
            ) -join "`n"
            ($Run.Output -join "`n").TrimEnd("`r", "`n") -replace "`r`n", "`n" | Should -BeExactly $scapy
        }
    }
    4 = @{ Assert = {
            param($Run)
            $lines = @($Run.Output | ForEach-Object { "$_" -split "`r?`n" } | Where-Object { $_ })
            $lines.Count | Should -Be 3 -Because 'one line per packet of the file'
            for ($i = 0; $i -lt 3; $i++) {
                $lines[$i] | Should -Match "^$($i + 1)\s+\d\d:\d\d:\d\d\.\d{6}\s+IP 127\.0\.0\.1 > 127\.0\.0\.1 ttl 64 / UDP 53 > $(5001 + $i) len 8$"
            }
            Test-Path -LiteralPath (Join-Path ([IO.Path]::GetTempPath()) 'show-packet-example.pcap') | Should -BeFalse -Because 'the example removes its file'
        }
    }
    5 = @{ Assert = {
            param($Run)
            $show = (@($Run.Output)[0..(@($Run.Output).Count - 2)] -join "`n").TrimEnd()
            @([regex]::Matches($show, '(?m)^###\[ (\w+) \]###$') | ForEach-Object { $_.Groups[1].Value }) | Should -Be @('Ethernet', 'IPv4')
            $show | Should -Match '(?m)^\s+Type\s+= 0x0800 \(IPv4\)\s*$'
            $show | Should -Match '(?m)^\s+Identification\s+= 1\s*$' -Because 'the six bytes hold the fields up to the identification'
            $show | Should -Not -Match 'TimeToLive' -Because 'the fields past the cut are absent'
            $show | Should -Match 'Malformed: IPv4 header truncated: 6 of 20 bytes$'
            "$(@($Run.Output)[-1])".TrimEnd() | Should -Match '\[malformed: IPv4 header truncated: 6 of 20 bytes\]$'
        }
    }
}
