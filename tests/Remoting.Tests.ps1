# NetSock through PowerShell's serialization boundary: datagrams come back live from PSSerializer (remoting's
# serializer), Import-Clixml and jobs, with every value and the exact time; packets come back from remoting over SSH
# with their bytes, metadata and the host they came from (PSComputerName), and captures from several hosts merge into
# one pcapng with an interface per host. (Packets through jobs and Import-Clixml: PacketData.Tests.ps1; Export-Pcap
# -ComputerName alone: ExportPcap.Tests.ps1.)
#
# The last part uses real remoting over SSH: hosts the test creates (tests/Remoting.psm1), network namespaces joined
# to this one by veth pairs on a bridge (198.19.N.1/24 here, .2, .3, .4 on `eth0` in the namespaces; nothing routed
# beyond them), each running Debian's OpenSSH sshd with a configuration, host key and client key made for the test and
# pwsh as the `powershell` subsystem. Every host captures at once (Invoke-Command -Session -ThrottleLimit -AsJob) while
# this process sends crafted UDP packets to each with Send-RawPacket. AfterAll removes the sessions, kills every
# process in the namespaces (sshd and the sessions' pwsh), removes the namespaces, the bridge and the keys, whatever
# happened. Root only (ip netns, raw sockets, capture); sshd (openssh-server) is installed with apt-get when missing.

BeforeDiscovery {
    $NotRoot = -not ($IsLinux -and (& id -u) -eq '0')
}

BeforeAll {
    Import-Module $env:NETSOCK_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Remoting.psm1') -Force

    # Makes datagrams of each kind over loopback and returns them; a string, so a job can run the same code.
    $script:MakeDatagrams = @'
param([string] $Folder, [switch] $Raw)
$made = [System.Collections.Generic.List[object]]::new()
$v4 = New-NetSocket AF_INET SOCK_DGRAM -LocalAddress 127.0.0.1 -LocalPort 0
$v6 = New-NetSocket AF_INET6 SOCK_DGRAM -LocalAddress ::1 -LocalPort 0
$unixServer = New-NetSocket AF_UNIX SOCK_DGRAM -Path (Join-Path $Folder "server-$([guid]::NewGuid().ToString('N').Substring(0, 8)).sock")
$unixClient = New-NetSocket AF_UNIX SOCK_DGRAM -Path (Join-Path $Folder "client-$([guid]::NewGuid().ToString('N').Substring(0, 8)).sock")
$protocol102 = if ($Raw) { New-NetSocket AF_INET SOCK_RAW 102 -LocalAddress 127.0.0.1 }
try {
    Send-Datagram 127.0.0.1 $v4.LocalPort 'over IPv4, ünïcödé'
    $made.Add((Receive-Datagram -Socket $v4 -Timeout 10))
    Send-Datagram ::1 $v6.LocalPort ([byte[]](0, 1, 2, 0xFE, 0xFF))
    $made.Add((Receive-Datagram -Socket $v6 -Timeout 10))
    Send-Datagram -Socket $unixClient -Path "$($unixServer.LocalEndPoint)" 'over a Unix datagram socket'
    $made.Add((Receive-Datagram -Socket $unixServer -Timeout 10))
    # One made in code, with a time in another offset than the machine's (+05:30) and endpoints as values only.
    $made.Add([NetSock.Sockets.Datagram]::new([byte[]](0x4E, 0x53), [System.Net.IPEndPoint]::Parse('198.18.0.2:53'),
            [System.Net.IPEndPoint]::Parse('[2001:db8::1]:5353'), [DateTimeOffset]::new(2026, 1, 2, 3, 4, 5, [timespan]'05:30').AddTicks(1234567), $null, $null))
    if ($protocol102) {
        Send-Datagram 127.0.0.1 -Protocol 102 'custom protocol 102'
        $made.Add((Receive-Datagram -Socket $protocol102 -Timeout 10))
    }
}
finally {
    @($v4, $v6, $unixServer, $unixClient, $protocol102) | Where-Object { $_ } | Close-NetSocket
}
$made
'@

    function Get-DatagramSnapshot {
        # What a datagram must keep across serialization, as text that compares exactly.
        param([Parameter(Mandatory, ValueFromPipeline)] $Datagram)
        process {
            [pscustomobject]@{
                Data                 = [Convert]::ToHexString([byte[]]$Datagram.Data)
                Text                 = $Datagram.Text
                Length               = $Datagram.Length
                RemoteEndPoint       = "$($Datagram.RemoteEndPoint)"
                LocalEndPoint        = "$($Datagram.LocalEndPoint)"
                Timestamp            = $Datagram.Timestamp.ToString('o')
                TimestampNanoseconds = $Datagram.TimestampNanoseconds
                Packet               = "$(if ($Datagram.Packet) { $Datagram.Packet.Hex })"
            }
        }
    }

    function Assert-LiveDatagram {
        # The datagram is a live NetSock datagram again, equal in every kept value to the snapshot of the original.
        param($Back, $Snapshot)
        $Back | Should -BeOfType ([NetSock.Sockets.Datagram])
        $b = Get-DatagramSnapshot $Back
        foreach ($name in $b.PSObject.Properties.Name) {      # the snapshot's own (a job's also has PSComputerName, ...)
            $b.$name | Should -Be $Snapshot.$name -Because "$name must come back unchanged ($($Snapshot.RemoteEndPoint))"
        }
        $Back.Data.GetType() | Should -Be ([byte[]])
        if ($Snapshot.RemoteEndPoint -match '^/') {
            $Back.RemoteEndPoint | Should -BeOfType ([System.Net.Sockets.UnixDomainSocketEndPoint])
            $Back.LocalEndPoint | Should -BeOfType ([System.Net.Sockets.UnixDomainSocketEndPoint])
        }
        else {
            $Back.RemoteEndPoint | Should -BeOfType ([System.Net.IPEndPoint])
            $Back.LocalEndPoint | Should -BeOfType ([System.Net.IPEndPoint])
        }
        $Back.Timestamp | Should -BeOfType ([DateTimeOffset])
        $Back.Timestamp.UtcTicks | Should -Be ([DateTimeOffset]::Parse($Snapshot.Timestamp).UtcTicks) -Because 'the time is kept to the 100 ns tick'
        if ($Snapshot.Packet) {
            $Back.Packet | Should -BeOfType ([NetSock.Packets.Packet])
            $Back.Packet.IPv4.Protocol | Should -Be 102
            "$($Back.IPHeader.Source)" | Should -Be '127.0.0.1'
            $Back.IPHeader.TimeToLive | Should -Be 64
        }
        else {
            $Back.Packet | Should -BeNullOrEmpty
        }
    }
}

Describe 'Datagrams across serialization' {
    BeforeAll {
        $script:Folder = Join-Path ([IO.Path]::GetTempPath()) "netsock-remoting-$([guid]::NewGuid().ToString('N'))"
        $null = New-Item -ItemType Directory -Path $Folder
        $script:Datagrams = @(& ([scriptblock]::Create($MakeDatagrams)) -Folder $Folder -Raw:(Test-IsRoot))
    }
    AfterAll {
        Remove-Item -LiteralPath $Folder -Recurse -Force -ErrorAction Ignore
    }

    It 'made a UDP datagram over IPv4 and IPv6, a Unix one, one in +05:30 and (as root) a raw protocol 102 one to send across' {
        $Datagrams.Count | Should -Be $(if (Test-IsRoot) { 5 } else { 4 })
        $Datagrams | ForEach-Object { $_ | Should -BeOfType ([NetSock.Sockets.Datagram]) }
        $Datagrams[0].Text | Should -Be 'over IPv4, ünïcödé'
        $Datagrams[3].Timestamp.Offset | Should -Be ([timespan]'05:30')
        if (Test-IsRoot) { $Datagrams[4].Packet.IPv4.Protocol | Should -Be 102 }
    }

    It 'rehydrates every datagram through remoting''s serializer (PSSerializer)' {
        foreach ($d in $Datagrams) {
            $xml = [System.Management.Automation.PSSerializer]::Serialize($d)
            $xml | Should -Match 'Deserialized\.NetSock\.Sockets\.Datagram|NetSock\.Sockets\.Datagram'
            $back = [System.Management.Automation.PSSerializer]::Deserialize($xml)
            Assert-LiveDatagram $back (Get-DatagramSnapshot $d)
            [object]::ReferenceEquals($back, $d) | Should -BeFalse
        }
    }

    It 'rehydrates datagrams through Export-Clixml and Import-Clixml' {
        $path = Join-Path $Folder 'datagrams.xml'
        $Datagrams | Export-Clixml $path
        $back = @(Import-Clixml $path)
        $back.Count | Should -Be $Datagrams.Count
        for ($i = 0; $i -lt $back.Count; $i++) { Assert-LiveDatagram $back[$i] (Get-DatagramSnapshot $Datagrams[$i]) }
    }

    It 'rehydrates datagrams a Start-Job received, with PSComputerName' {
        $job = Start-Job -ArgumentList $env:NETSOCK_MODULE, $MakeDatagrams, $Folder, (Test-IsRoot) -ScriptBlock {
            param($module, $make, $folder, $raw)
            Import-Module $module
            $made = @(& ([scriptblock]::Create($make)) -Folder $folder -Raw:$raw)
            # The datagrams, then what they were before they crossed, as text that crosses unchanged.
            foreach ($d in $made) { $d }
            foreach ($d in $made) {
                [pscustomobject]@{
                    Data = [Convert]::ToHexString([byte[]]$d.Data); Text = $d.Text; Length = $d.Length
                    RemoteEndPoint = "$($d.RemoteEndPoint)"; LocalEndPoint = "$($d.LocalEndPoint)"
                    Timestamp = $d.Timestamp.ToString('o'); TimestampNanoseconds = $d.TimestampNanoseconds
                    Packet = "$(if ($d.Packet) { $d.Packet.Hex })"
                }
            }
        }
        try {
            $null = Wait-Job $job -Timeout 120
            $job.State | Should -Be 'Completed' -Because "the job must end ($($job.ChildJobs[0].JobStateInfo.Reason))"
            $out = @(Receive-Job $job)
        }
        finally { Remove-Job $job -Force }
        $n = if (Test-IsRoot) { 5 } else { 4 }
        $out.Count | Should -Be (2 * $n)
        for ($i = 0; $i -lt $n; $i++) {
            Assert-LiveDatagram $out[$i] $out[$n + $i]
            $out[$i].PSComputerName | Should -Be 'localhost'
        }
    }
}

Describe 'Capture on several hosts through PowerShell remoting over SSH' -Tag 'Root' -Skip:$NotRoot {
    # Inside the Describe, so that without root (-Skip) nothing is set up either.
    BeforeAll {
        $script:Lab = $null
        $script:Sessions = @()
        $script:Unavailable = if (-not (Get-Command ip -ErrorAction Ignore)) { 'ip(8) is missing; install it with: apt-get install -y iproute2' }
        elseif (-not (Get-Command ssh -ErrorAction Ignore)) { 'the ssh client is missing; install it with: apt-get install -y openssh-client' }
        elseif (-not (Get-Command ssh-keygen -ErrorAction Ignore)) { 'ssh-keygen is missing; install it with: apt-get install -y openssh-client' }
        else { Install-TestSshd }
        if (-not $Unavailable) {
            $script:Lab = New-TestSshHost -Count 3
            $script:Connect = @{ UserName = $Lab.UserName; KeyFilePath = $Lab.KeyFilePath; Options = $Lab.Options; ConnectingTimeout = 30000 }
        }

        # PowerShell's SSH transport deserializes what comes back with PowerShell's own types only (PSRemotingCmdlet.cs
        # and newrunspacecommand.cs create SSH runspaces with TypeTable.LoadDefaultTypeFiles(), where WinRM and jobs use
        # the session's types), so NetSock's TargetTypeForDeserialization does not apply there: a packet comes back as
        # Deserialized.NetSock.Packets.Packet, with its bytes (Hex), its capture metadata and PSComputerName. NetSock's
        # cmdlets take it as it is (parameter binding converts it through PacketTypeConverter); ConvertTo-Packet or a
        # cast makes it live.
        $script:SshPacketType = 'Deserialized.NetSock.Packets.Packet'
    }
    AfterAll {
        if ($Sessions) { $Sessions | Remove-PSSession -ErrorAction Ignore }
        Remove-TestSshHost $Lab
    }
    BeforeEach {
        if ($Unavailable) { Set-ItResult -Skipped -Because $Unavailable }
    }

    It 'runs Invoke-Command -HostName on every host and brings back packets that say where they came from' {
        $addresses = @($Lab.Hosts.Address)
        $out = @(Invoke-Command -HostName $addresses @Connect -ArgumentList $env:NETSOCK_MODULE -ErrorVariable failed -ScriptBlock {
                param($module)
                Import-Module $module
                $me = (Get-CaptureInterface eth0).Addresses | Where-Object AddressFamily -EQ 'InterNetwork' | Select-Object -First 1
                New-Packet IPv4 -Source $me -Destination 198.18.0.1 | New-Packet Udp -DestinationPort 9 | New-Packet Raw -Load "from $me"
            })
        @($failed) | Should -BeNullOrEmpty -Because "every host must answer ($(Get-TestSshLog $Lab))"
        $out.Count | Should -Be $addresses.Count
        foreach ($o in $out) {
            $o.PSObject.TypeNames[0] | Should -Be $SshPacketType -Because 'the SSH transport deserializes with PowerShell''s own types only'
            $o.PSComputerName | Should -BeIn $addresses
            $p = [NetSock.Packets.Packet]$o
            $p | Should -BeOfType ([NetSock.Packets.Packet])
            $p.Hex | Should -Be $o.Hex
            "$($p.IPv4.Source)" | Should -Be $o.PSComputerName -Because 'each host made its packet with its own address'
            [Text.Encoding]::ASCII.GetString($p.Raw.Load) | Should -Be "from $($o.PSComputerName)"
            $p.Udp.DestinationPort | Should -Be 9
            $live = ConvertTo-Packet $o
            $live.Hex | Should -Be $o.Hex
            $live | Should -BeOfType ([NetSock.Packets.Packet])
            $live.PSComputerName | Should -Be $o.PSComputerName -Because 'ConvertTo-Packet keeps the host it came from'
        }
        @($out.PSComputerName | Sort-Object -Unique).Count | Should -Be $addresses.Count
    }

    Context 'when every host captures at once while this host sends to each' {
        BeforeAll {
            if ($Unavailable) { return }
            $script:PerHost = 4
            $script:Port = Get-Random -Minimum 20000 -Maximum 60000
            $script:Sessions = @(New-PSSession -HostName $Lab.Hosts.Address @Connect)
            $script:Sessions.Count | Should -Be $Lab.Hosts.Count -Because "a session to every host ($(Get-TestSshLog $Lab))"

            # Each host captures what is sent to it on its eth0: UDP to the port, to its own address (the bridge may
            # flood a frame to every port before it has learnt where a host is).
            $job = Invoke-Command -Session $Sessions -ThrottleLimit $Sessions.Count -AsJob -ArgumentList $env:NETSOCK_MODULE, $Port, $PerHost -ScriptBlock {
                param($module, $port, $count)
                Import-Module $module
                $me = (Get-CaptureInterface eth0).Addresses | Where-Object AddressFamily -EQ 'InterNetwork' | Select-Object -First 1
                Get-SniffedPacket eth0 -Filter "udp dst port $port and dst host $me" -Count $count -Timeout 40 -Verbose
            }
            try {
                # Capturing: Get-SniffedPacket says 'Capturing on eth0' once libpcap has opened it with the filter set,
                # and the namespace has an AF_PACKET socket bound to eth0 for all protocols (ETH_P_ALL).
                $deadline = [datetime]::UtcNow.AddSeconds(40)
                foreach ($h in $Lab.Hosts) {
                    $child = $job.ChildJobs | Where-Object Location -EQ $h.Address
                    $index = Get-NetnsInterfaceIndex -Namespace $h.Namespace -Link $h.Interface
                    while (-not (@($child.Verbose) -match '^Capturing on eth0') -or
                        -not (Get-NetnsPacketSocket $h.Namespace | Where-Object { $_.Protocol -eq 3 -and $_.InterfaceIndex -eq $index })) {
                        if ($child.State -in 'Failed', 'Completed', 'Stopped') {
                            throw "The capture on $($h.Address) ended before it started: $($child.JobStateInfo.Reason) $(@($child.Error) -join ' ')"
                        }
                        if ([datetime]::UtcNow -gt $deadline) { throw "The capture on $($h.Address) did not start within 40 s. $(Get-TestSshLog $Lab)" }
                        Start-Sleep -Milliseconds 50
                    }
                }

                # This host sends each one its own packets, with payloads and IP identifications of their own; what
                # Send-RawPacket -PassThru gives is what went to the kernel.
                $script:Sent = @(foreach ($h in $Lab.Hosts) {
                        for ($k = 1; $k -le $PerHost; $k++) {
                            $id = [int]($h.Address -split '\.')[3] * 100 + $k
                            $wire = New-Packet IPv4 -Source $Lab.LocalAddress -Destination $h.Address -Identification $id |
                                New-Packet Udp -SourcePort (40000 + $id) -DestinationPort $Port |
                                New-Packet Raw -Load "NetSock over remoting: packet $k of $PerHost to $($h.Name) at $($h.Address)" |
                                Send-RawPacket -PassThru
                            [pscustomobject]@{ Host = $h.Address; Id = $id; Hex = $wire.Hex }
                        }
                    })

                if (-not (Wait-Job $job -Timeout 60)) { throw "The captures did not end within 60 s. $(Get-TestSshLog $Lab)" }
                $script:JobErrors = @($job.ChildJobs | ForEach-Object { $_.Error } | ForEach-Object { "$_" })
                $script:JobStates = @($job.ChildJobs | ForEach-Object { "$($_.Location): $($_.State) $($_.JobStateInfo.Reason)" })
                $script:Received = @(Receive-Job $job)
            }
            finally {
                $job | Remove-Job -Force
            }
            # What a user does with them: no conversion, straight into one file.
            $script:Merged = Join-Path $TestDrive 'merged.pcapng'
            $Received | Sort-Object TimestampNanoseconds | Export-Pcap $Merged
            # And live, for the checks below (the host stays beside each).
            $script:Captured = @($Received | ForEach-Object { [pscustomobject]@{ Host = $_.PSComputerName; Packet = ConvertTo-Packet $_ } })
        }

        It 'ends every capture without an error' {
            $JobStates.Count | Should -Be $Lab.Hosts.Count
            $JobStates | ForEach-Object { $_ | Should -Match ': Completed' }
            $JobErrors | Should -BeNullOrEmpty
        }

        It 'brings back every packet sent, and nothing else, as NetSock packets with PSComputerName' {
            $Received.Count | Should -Be $Sent.Count
            $Received | ForEach-Object {
                $_.PSObject.TypeNames[0] | Should -Be $SshPacketType
                $_.PSComputerName | Should -BeIn $Lab.Hosts.Address
            }
            $Captured.Packet | ForEach-Object { $_ | Should -BeOfType ([NetSock.Packets.Packet]) }
            $keys = @($Captured | ForEach-Object { $_.Host + ' ' + [Convert]::ToHexString($_.Packet.Bytes, 14, $_.Packet.Bytes.Length - 14) } | Sort-Object)
            $keys | Should -Be @($Sent | ForEach-Object { "$($_.Host) $($_.Hex)" } | Sort-Object)
        }

        It 'attributes each packet to the host that captured it (PSComputerName), as captured on its eth0' {
            foreach ($h in $Lab.Hosts) {
                $mine = @($Captured | Where-Object Host -EQ $h.Address)
                $mine.Count | Should -Be $PerHost -Because "$($h.Address) captured the $PerHost packets sent to it"
                foreach ($c in $mine) {
                    "$($c.Packet.IPv4.Destination)" | Should -Be $h.Address
                    $c.Packet.Interface | Should -Be 'eth0'
                    $c.Packet.LinkType | Should -Be 'Ethernet'
                    [Text.Encoding]::ASCII.GetString($c.Packet.Raw.Load) | Should -Match "to $($h.Name) at $([regex]::Escape($h.Address))$"
                }
                @($mine.Packet.Number | Sort-Object) | Should -Be @(1..$PerHost) -Because 'each capture numbers its own packets'
            }
        }

        It 'keeps every byte from the IP header on, and the capture metadata' {
            foreach ($s in $Sent) {
                $c = @($Captured | Where-Object { $_.Host -eq $s.Host -and $_.Packet.IPv4.Identification -eq $s.Id })
                $c.Count | Should -Be 1
                $p = $c[0].Packet
                $p.Ethernet.Type | Should -Be 0x0800
                [Convert]::ToHexString($p.Bytes, 14, $p.Bytes.Length - 14) | Should -Be $s.Hex
                $p.OriginalLength | Should -Be $p.Bytes.Length
                $p.TimestampNanoseconds | Should -BeGreaterThan 0
                $p.Timestamp | Should -BeOfType ([DateTimeOffset])
            }
        }

        It 'merges them into one time-ordered pcapng with an interface per host, named host/interface' {
            $back = @(Get-SniffedPacket -Path $Merged)
            $back.Count | Should -Be $Sent.Count
            $back.Number | Should -Be @(1..$Sent.Count)
            foreach ($p in $back) {
                # Every frame is unique (its IP identification), so each one in the file is found by its bytes.
                $from = @($Received | Where-Object Hex -EQ $p.Hex)
                $from.Count | Should -Be 1
                $p.TimestampNanoseconds | Should -Be $from[0].TimestampNanoseconds
                $p.Interface | Should -Be "$($from[0].PSComputerName)/eth0"
                $p.Interface | Should -Be "$($p.IPv4.Destination)/eth0"
            }
            @($back.TimestampNanoseconds) | Should -Be @($back.TimestampNanoseconds | Sort-Object) -Because 'the merged file is in time order'
            @($back.Interface | Sort-Object -Unique) | Should -Be @($Lab.Hosts | ForEach-Object { "$($_.Address)/eth0" } | Sort-Object)
        }

        It 'writes a pcapng where tshark shows on which host and interface each packet was seen' {
            $reason = Install-TestTool -Command tshark -Package tshark
            if ($reason) { Set-ItResult -Skipped -Because $reason; return }
            $lines = @(& tshark -r $Merged -T fields -E separator=',' -e frame.interface_name -e ip.dst -e udp.dstport 2>$null)
            $LASTEXITCODE | Should -Be 0
            $lines.Count | Should -Be $Sent.Count
            foreach ($line in $lines) {
                $name, $dst, $dstPort = $line -split ','
                $name | Should -Be "$dst/eth0"
                $dstPort | Should -Be $Port
            }
            @($lines | ForEach-Object { ($_ -split ',')[0] } | Sort-Object -Unique).Count | Should -Be $Lab.Hosts.Count
        }
    }
}
