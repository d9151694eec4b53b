# The error sweep: every cmdlet against bad inputs — a directory, a FIFO, a regular file where a socket belongs, a
# read-only and a full file system (small tmpfs mounts made here), a user without root where root is not needed, paths
# and names too long, names that do not exist. For each it asserts an ErrorRecord with NetSock's ErrorId and category
# (never a raw .NET exception), no file descriptor left open (/proc/self/fd counted around a second run of the row, so
# what .NET opens once on first use does not count), nothing left in Get-NetSocket, and a session that still works.
#
# A row is one hashtable:
#   Name      what is wrong (the test's name)
#   Run       the script block that runs the cmdlet; it gets $Ctx (paths made here, see BeforeAll) and closes anything
#             it opened itself to set the scene (New-SweepPair / Close-SweepPair make and close a connected pair)
#   ErrorId   the ErrorId expected, without the command name
#   Category  the ErrorCategory expected
#   As        'Any' (default: runs in this session), 'Root' (skipped without root), 'NonRoot' (runs as uid 65534 in a
#             child pwsh when the tests run as root, in this session otherwise)
#   Tmpfs     $true when it uses $Ctx.ReadOnly or $Ctx.Full (mounted only as root)
#   Says      optional regex the message must match (what is wrong, what to do)
# Adding a row is adding a hashtable to $Rows.

BeforeDiscovery {
    $script:Rows = @(
        # New-NetSocket
        @{ Name = 'New-NetSocket -Path over the sun_path limit'; Run = { param($Ctx) New-NetSocket -Path $Ctx.LongPath }; ErrorId = 'NetSocketPathTooLong'; Category = 'InvalidArgument'; Says = 'at most 107 bytes' }
        @{ Name = 'New-NetSocket -Path a directory'; Run = { param($Ctx) New-NetSocket -Path $Ctx.Dir }; ErrorId = 'NetSocketPathIsDirectory'; Category = 'InvalidArgument'; Says = 'is a directory' }
        @{ Name = 'New-NetSocket -Path a FIFO'; Run = { param($Ctx) New-NetSocket -Path $Ctx.Fifo }; ErrorId = 'NetSocketPathNotSocket'; Category = 'InvalidArgument'; Says = 'FIFO' }
        @{ Name = 'New-NetSocket -Path on a read-only file system'; Run = { param($Ctx) New-NetSocket -Path "$($Ctx.ReadOnly)/a.sock" }; ErrorId = 'NetSocketPathReadOnly'; Category = 'WriteError'; Tmpfs = $true; Says = 'read-only' }
        @{ Name = 'New-NetSocket -Path on a full file system'; Run = { param($Ctx) New-NetSocket -Path "$($Ctx.Full)/a.sock" }; ErrorId = 'NetSocketPathDiskFull'; Category = 'ResourceUnavailable'; Tmpfs = $true; Says = 'no space' }
        @{ Name = 'New-NetSocket with a bad family name'; Run = { New-NetSocket AF_BOGUS }; ErrorId = 'NetSocketUnknownAddressFamily'; Category = 'InvalidArgument' }
        @{ Name = 'New-NetSocket raw as a user without root'; Run = { New-NetSocket AF_INET SOCK_RAW 1 }; ErrorId = 'NetSocketNoPrivilege'; Category = 'PermissionDenied'; As = 'NonRoot'; Says = 'root or CAP_NET_RAW' }
        @{ Name = 'New-NetSocket -Path in a folder the user may not write'; Run = { param($Ctx) New-NetSocket -Path "$($Ctx.Private)/a.sock" }; ErrorId = 'NetSocketPathAccessDenied'; Category = 'PermissionDenied'; As = 'NonRoot' }

        # Start-TcpListener
        @{ Name = 'Start-TcpListener -Path over the sun_path limit'; Run = { param($Ctx) Start-TcpListener -Path $Ctx.LongPath }; ErrorId = 'NetSocketPathTooLong'; Category = 'InvalidArgument' }
        @{ Name = 'Start-TcpListener -Path a directory'; Run = { param($Ctx) Start-TcpListener -Path $Ctx.Dir }; ErrorId = 'NetSocketPathIsDirectory'; Category = 'InvalidArgument' }
        @{ Name = 'Start-TcpListener -Path a regular file'; Run = { param($Ctx) Start-TcpListener -Path $Ctx.File }; ErrorId = 'NetSocketPathNotSocket'; Category = 'InvalidArgument'; Says = 'regular file' }
        @{ Name = 'Start-TcpListener -Path on a read-only file system'; Run = { param($Ctx) Start-TcpListener -Path "$($Ctx.ReadOnly)/l.sock" }; ErrorId = 'NetSocketPathReadOnly'; Category = 'WriteError'; Tmpfs = $true }
        @{ Name = 'Start-TcpListener -Path on a full file system'; Run = { param($Ctx) Start-TcpListener -Path "$($Ctx.Full)/l.sock" }; ErrorId = 'NetSocketPathDiskFull'; Category = 'ResourceUnavailable'; Tmpfs = $true }
        @{ Name = 'Start-TcpListener on a privileged port as a user without root'; Run = { Start-TcpListener -Port 80 }; ErrorId = 'NetSocketBindDenied'; Category = 'PermissionDenied'; As = 'NonRoot'; Says = '1024' }
        @{ Name = 'Start-TcpListener -Path in a folder the user may not write'; Run = { param($Ctx) Start-TcpListener -Path "$($Ctx.Private)/l.sock" }; ErrorId = 'NetSocketPathAccessDenied'; Category = 'PermissionDenied'; As = 'NonRoot' }

        # Receive-TcpConnection
        @{ Name = 'Receive-TcpConnection on a closed listener'; Run = { $l = Start-TcpListener; Close-NetSocket $l; Receive-TcpConnection $l -Timeout 1 }; ErrorId = 'NetSocketNotListening'; Category = 'InvalidOperation' }
        @{ Name = 'Receive-TcpConnection when nobody connects'; Run = { Start-TcpListener | Receive-TcpConnection -Timeout 1 }; ErrorId = 'NetSocketTimeout'; Category = 'OperationTimeout' }

        # Connect-TcpEndpoint
        @{ Name = 'Connect-TcpEndpoint -Path over the sun_path limit'; Run = { param($Ctx) Connect-TcpEndpoint -Path $Ctx.LongPath }; ErrorId = 'NetSocketPathTooLong'; Category = 'InvalidArgument' }
        @{ Name = 'Connect-TcpEndpoint -Path a regular file'; Run = { param($Ctx) Connect-TcpEndpoint -Path $Ctx.File -Timeout 5 }; ErrorId = 'NetSocketPathNotSocket'; Category = 'InvalidArgument'; Says = 'regular file, not a Unix socket' }
        @{ Name = 'Connect-TcpEndpoint -Path a directory'; Run = { param($Ctx) Connect-TcpEndpoint -Path $Ctx.Dir -Timeout 5 }; ErrorId = 'NetSocketPathIsDirectory'; Category = 'InvalidArgument' }
        @{ Name = 'Connect-TcpEndpoint -Path a FIFO'; Run = { param($Ctx) Connect-TcpEndpoint -Path $Ctx.Fifo -Timeout 5 }; ErrorId = 'NetSocketPathNotSocket'; Category = 'InvalidArgument' }
        @{ Name = 'Connect-TcpEndpoint -Path a socket file nobody listens on'; Run = { param($Ctx) Connect-TcpEndpoint -Path $Ctx.Stale -Timeout 5 }; ErrorId = 'NetSocketConnectionRefused'; Category = 'ConnectionError'; Says = 'Nothing listens on the Unix socket' }
        @{ Name = 'Connect-TcpEndpoint -Path a datagram socket'; Run = { param($Ctx) $d = New-NetSocket AF_UNIX SOCK_DGRAM -Path "$($Ctx.Base)/d.sock"; try { Connect-TcpEndpoint -Path "$($Ctx.Base)/d.sock" -Timeout 5 } finally { Close-NetSocket $d } }; ErrorId = 'NetSocketPathWrongType'; Category = 'InvalidArgument'; Says = 'Send-Datagram -Path' }
        @{ Name = 'Connect-TcpEndpoint to a host name over 255 characters'; Run = { param($Ctx) Connect-TcpEndpoint $Ctx.LongHost 80 -Timeout 5 }; ErrorId = 'NetSocketNameTooLong'; Category = 'InvalidArgument'; Says = 'at most 255' }
        @{ Name = 'Connect-TcpEndpoint to a port nobody listens on'; Run = { param($Ctx) Connect-TcpEndpoint 127.0.0.1 $Ctx.ClosedPort -Timeout 5 }; ErrorId = 'NetSocketConnectionRefused'; Category = 'ConnectionError' }
        @{ Name = 'Connect-TcpEndpoint -Path a socket the user may not write'; Run = { param($Ctx) Connect-TcpEndpoint -Path $Ctx.LockedStream -Timeout 5 }; ErrorId = 'NetSocketPathAccessDenied'; Category = 'PermissionDenied'; As = 'NonRoot' }

        # Send-SocketData
        @{ Name = 'Send-SocketData on a listener'; Run = { $l = Start-TcpListener; try { Send-SocketData $l 'x' } finally { Close-NetSocket $l } }; ErrorId = 'NetSocketNotConnected'; Category = 'InvalidOperation' }
        @{ Name = 'Send-SocketData on a closed socket'; Run = { $p = New-SweepPair; Close-SweepPair $p; Send-SocketData $p.Client 'x' }; ErrorId = 'NetSocketClosed'; Category = 'InvalidOperation' }

        # Receive-SocketData
        @{ Name = 'Receive-SocketData -OutFile a directory'; Run = { param($Ctx) $p = New-SweepPair; try { Receive-SocketData $p.Client -OutFile $Ctx.Dir -Timeout 5 } finally { Close-SweepPair $p } }; ErrorId = 'OutputFileIsDirectory'; Category = 'InvalidArgument'; Says = 'is a directory' }
        @{ Name = 'Receive-SocketData -OutFile on a read-only file system'; Run = { param($Ctx) $p = New-SweepPair; try { Receive-SocketData $p.Client -OutFile "$($Ctx.ReadOnly)/out.bin" -Timeout 5 } finally { Close-SweepPair $p } }; ErrorId = 'OutputFileReadOnly'; Category = 'WriteError'; Tmpfs = $true }
        @{ Name = 'Receive-SocketData -OutFile on a full file system'; Run = { param($Ctx) $p = New-SweepPair -Send 64KB; try { Receive-SocketData $p.Client -OutFile $Ctx.FullTarget -Timeout 5 } finally { Close-SweepPair $p } }; ErrorId = 'OutputFileDiskFull'; Category = 'ResourceUnavailable'; Tmpfs = $true; Says = 'no space' }
        @{ Name = 'Receive-SocketData -OutFile in a folder the user may not write'; Run = { param($Ctx) $p = New-SweepPair; try { Receive-SocketData $p.Client -OutFile "$($Ctx.Private)/out.bin" -Timeout 5 } finally { Close-SweepPair $p } }; ErrorId = 'OutputFileAccessDenied'; Category = 'PermissionDenied'; As = 'NonRoot' }
        @{ Name = 'Receive-SocketData when nothing arrives'; Run = { $p = New-SweepPair; try { Receive-SocketData $p.Client -Timeout 1 } finally { Close-SweepPair $p } }; ErrorId = 'NetSocketTimeout'; Category = 'OperationTimeout' }

        # Send-Datagram
        @{ Name = 'Send-Datagram -Path a regular file'; Run = { param($Ctx) Send-Datagram -Path $Ctx.File 'x' }; ErrorId = 'NetSocketPathNotSocket'; Category = 'InvalidArgument'; Says = 'not a Unix socket' }
        @{ Name = 'Send-Datagram -Path a stream socket'; Run = { param($Ctx) $l = Start-TcpListener -Path "$($Ctx.Base)/s.sock"; try { Send-Datagram -Path "$($Ctx.Base)/s.sock" 'x' } finally { Close-NetSocket $l } }; ErrorId = 'NetSocketPathWrongType'; Category = 'InvalidArgument'; Says = 'Connect-TcpEndpoint -Path' }
        @{ Name = 'Send-Datagram -Path over the sun_path limit'; Run = { param($Ctx) Send-Datagram -Path $Ctx.LongPath 'x' }; ErrorId = 'NetSocketPathTooLong'; Category = 'InvalidArgument' }
        @{ Name = 'Send-Datagram to a host name over 255 characters'; Run = { param($Ctx) Send-Datagram $Ctx.LongHost 9 'x' }; ErrorId = 'NetSocketNameTooLong'; Category = 'InvalidArgument' }
        @{ Name = 'Send-Datagram -Socket a TCP socket'; Run = { $l = Start-TcpListener; try { Send-Datagram -Socket $l -ComputerName 127.0.0.1 -Port 9 'x' } finally { Close-NetSocket $l } }; ErrorId = 'DatagramSocketIsStream'; Category = 'InvalidArgument'; Says = 'Receive-TcpConnection' }
        @{ Name = 'Send-Datagram -Path a socket the user may not write'; Run = { param($Ctx) Send-Datagram -Path $Ctx.LockedDgram 'x' }; ErrorId = 'NetSocketPathAccessDenied'; Category = 'PermissionDenied'; As = 'NonRoot' }
        @{ Name = 'Send-Datagram raw as a user without root'; Run = { Send-Datagram 127.0.0.1 -Protocol 102 'x' }; ErrorId = 'NetSocketNoPrivilege'; Category = 'PermissionDenied'; As = 'NonRoot' }

        # Receive-Datagram
        @{ Name = 'Receive-Datagram -Socket a TCP listener'; Run = { $l = Start-TcpListener; try { Receive-Datagram -Socket $l -Timeout 1 } finally { Close-NetSocket $l } }; ErrorId = 'DatagramSocketIsStream'; Category = 'InvalidArgument'; Says = 'stream \(TCP\) socket' }
        @{ Name = 'Receive-Datagram -Path over the sun_path limit'; Run = { param($Ctx) Receive-Datagram -Path $Ctx.LongPath -Timeout 1 }; ErrorId = 'NetSocketPathTooLong'; Category = 'InvalidArgument' }
        @{ Name = 'Receive-Datagram -Path a directory'; Run = { param($Ctx) Receive-Datagram -Path $Ctx.Dir -Timeout 1 }; ErrorId = 'NetSocketPathIsDirectory'; Category = 'InvalidArgument' }
        @{ Name = 'Receive-Datagram -Path on a read-only file system'; Run = { param($Ctx) Receive-Datagram -Path "$($Ctx.ReadOnly)/d.sock" -Timeout 1 }; ErrorId = 'NetSocketPathReadOnly'; Category = 'WriteError'; Tmpfs = $true }
        @{ Name = 'Receive-Datagram when nothing arrives'; Run = { New-NetSocket AF_INET SOCK_DGRAM -LocalPort 0 | Receive-Datagram -Timeout 1 }; ErrorId = 'DatagramTimeout'; Category = 'OperationTimeout' }
        @{ Name = 'Receive-Datagram raw as a user without root'; Run = { Receive-Datagram -Protocol 102 -Timeout 1 }; ErrorId = 'NetSocketNoPrivilege'; Category = 'PermissionDenied'; As = 'NonRoot' }

        # Close-NetSocket, Get-NetSocket
        @{ Name = 'Close-NetSocket -Id never issued'; Run = { Close-NetSocket -Id 987654 }; ErrorId = 'NetSocketNotFound'; Category = 'ObjectNotFound' }
        @{ Name = 'Get-NetSocket -Id not open'; Run = { Get-NetSocket -Id 987654 }; ErrorId = 'NetSocketNotFound'; Category = 'ObjectNotFound' }

        # Packets
        @{ Name = 'New-Packet with an unknown layer'; Run = { New-Packet Bogus }; ErrorId = 'PacketLayerUnknown'; Category = 'InvalidArgument' }
        @{ Name = 'New-Packet with a field value out of range'; Run = { New-Packet IPv4 -ttl 300 }; ErrorId = 'PacketFieldInvalid'; Category = 'InvalidArgument' }
        @{ Name = 'New-Packet with a host name that does not resolve'; Run = { New-Packet IPv4 -Destination 'no-such-host.invalid' }; ErrorId = 'PacketNameNotFound'; Category = 'ObjectNotFound'; Says = 'could not be resolved' }
        @{ Name = 'ConvertTo-Packet of a serialized packet with bad hex'; Run = { [pscustomobject]@{ Hex = 'zz'; LinkType = 'Ethernet' } | ConvertTo-Packet }; ErrorId = 'PacketHexInvalid'; Category = 'InvalidArgument'; Says = 'not a hex digit' }
        @{ Name = 'ConvertTo-Packet of a serialized packet with bad bytes'; Run = { [pscustomobject]@{ Bytes = 'abc'; LinkType = 'Ethernet' } | ConvertTo-Packet }; ErrorId = 'PacketSerializedInvalid'; Category = 'InvalidArgument' }
        @{ Name = 'ConvertTo-Packet of a number'; Run = { ConvertTo-Packet 42 }; ErrorId = 'PacketInputInvalid'; Category = 'InvalidArgument' }
        # Show-Packet takes only packets: PowerShell's parameter binding refuses anything else (its message carries ours).
        @{ Name = 'Show-Packet of a serialized packet with bad hex'; Run = { Show-Packet -Packet ([pscustomobject]@{ Hex = 'zz'; LinkType = 'Ethernet' }) }; ErrorId = 'CannotConvertArgumentNoMessage'; Category = 'InvalidArgument'; Says = 'not a hex digit' }
        @{ Name = 'Get-PacketLayer of an unknown layer'; Run = { Get-PacketLayer Bogus }; ErrorId = 'PacketLayerNotFound'; Category = 'ObjectNotFound' }
        @{ Name = 'Send-RawPacket as a user without root'; Run = { New-Packet IPv4 -Destination 127.0.0.1 | New-Packet Icmp | Send-RawPacket }; ErrorId = 'RawPacketNoPrivilege'; Category = 'PermissionDenied'; As = 'NonRoot'; Says = 'root or CAP_NET_RAW' }
        @{ Name = 'Send-RawPacket on an interface that does not exist'; Run = { New-Packet IPv4 -Destination 127.0.0.1 | New-Packet Icmp | Send-RawPacket -Interface nosuch0 }; ErrorId = 'RawPacketInterfaceNotFound'; Category = 'ObjectNotFound' }
        # Capture files and capture
        @{ Name = 'Export-Pcap to a directory'; Run = { param($Ctx) New-Packet IPv4 | Export-Pcap $Ctx.Dir }; ErrorId = 'CaptureFileIsDirectory'; Category = 'InvalidArgument'; Says = 'is a directory' }
        @{ Name = 'Export-Pcap into a folder that does not exist'; Run = { param($Ctx) 1..3 | ForEach-Object { New-Packet IPv4 } | Export-Pcap "$($Ctx.Base)/nofolder/x.pcap" }; ErrorId = 'CaptureFileNotFound'; Category = 'ObjectNotFound' }
        @{ Name = 'Export-Pcap to /proc/version'; Run = { New-Packet IPv4 | Export-Pcap /proc/version }; ErrorId = 'CaptureFileIOFailed'; Category = 'WriteError' }
        @{ Name = 'Export-Pcap on a read-only file system'; Run = { param($Ctx) New-Packet IPv4 | Export-Pcap "$($Ctx.ReadOnly)/x.pcap" }; ErrorId = 'CaptureFileReadOnly'; Category = 'WriteError'; Tmpfs = $true; Says = 'read-only' }
        @{ Name = 'Export-Pcap on a full file system'; Run = { param($Ctx) 1..200 | ForEach-Object { New-Packet IPv4 | New-Packet Raw -Load ([byte[]]::new(1000)) } | Export-Pcap "$($Ctx.Full)/x.pcap" }; ErrorId = 'CaptureFileDiskFull'; Category = 'ResourceUnavailable'; Tmpfs = $true; Says = 'no space' }
        @{ Name = 'Export-Pcap -Append of pcap records to a pcapng file'; Run = { param($Ctx) New-Packet IPv4 | Export-Pcap "$($Ctx.Base)/a.pcapng"; 1..3 | ForEach-Object { New-Packet IPv4 } | Export-Pcap "$($Ctx.Base)/a.pcapng" -Append -Format Pcap }; ErrorId = 'CaptureFileFormatMismatch'; Category = 'InvalidArgument' }
        @{ Name = 'Export-Pcap in a folder the user may not write'; Run = { param($Ctx) New-Packet IPv4 | Export-Pcap "$($Ctx.Private)/x.pcap" }; ErrorId = 'CaptureFileAccessDenied'; Category = 'PermissionDenied'; As = 'NonRoot' }
        @{ Name = 'Get-SniffedPacket -Path a directory'; Run = { param($Ctx) Get-SniffedPacket -Path $Ctx.Dir }; ErrorId = 'CaptureFileIsDirectory'; Category = 'InvalidArgument'; Says = 'is a directory' }
        @{ Name = 'Get-SniffedPacket -Path a file that is no capture'; Run = { param($Ctx) Get-SniffedPacket -Path $Ctx.File }; ErrorId = 'CaptureFileUnknownFormat'; Category = 'InvalidArgument' }
        @{ Name = 'Get-SniffedPacket -Path a file that does not exist'; Run = { param($Ctx) Get-SniffedPacket -Path "$($Ctx.Base)/none.pcap" }; ErrorId = 'CaptureFileNotFound'; Category = 'ObjectNotFound' }
        @{ Name = 'Get-SniffedPacket on an interface that does not exist'; Run = { Get-SniffedPacket -Interface nosuch0 -Timeout 1 }; ErrorId = 'CaptureInterfaceNotFound'; Category = 'ObjectNotFound' }
        @{ Name = 'Get-SniffedPacket live as a user without root'; Run = { Get-SniffedPacket -Interface lo -Timeout 1 }; ErrorId = 'CaptureNoPrivilege'; Category = 'PermissionDenied'; As = 'NonRoot'; Says = 'root or CAP_NET_RAW' }
        @{ Name = 'Import-Pcap a directory'; Run = { param($Ctx) Import-Pcap $Ctx.Dir }; ErrorId = 'CaptureFileIsDirectory'; Category = 'InvalidArgument' }
        @{ Name = 'Import-Pcap a file that is no capture'; Run = { param($Ctx) Import-Pcap $Ctx.File }; ErrorId = 'CaptureFileUnknownFormat'; Category = 'InvalidArgument' }
        @{ Name = 'Get-CaptureInterface of a name that does not exist'; Run = { Get-CaptureInterface -Name nosuch0 }; ErrorId = 'CaptureInterfaceNotFound'; Category = 'ObjectNotFound' }
    ) | ForEach-Object {
        foreach ($default in @{ As = 'Any'; Tmpfs = $false; Says = '' }.GetEnumerator()) {
            if (-not $_.ContainsKey($default.Key)) { $_[$default.Key] = $default.Value }
        }
        $_
    }
}

BeforeAll {
    # What AfterAll undoes, known before anything is made, so a failure half-way still unmounts and closes.
    $script:Mounted = [System.Collections.Generic.List[string]]::new()
    $script:Held = @()
    $script:Ctx = @{ Base = $null }
    Import-Module $env:NETSOCK_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'CaptureFileHelpers.psm1') -Force
    $script:IsRoot = Test-IsRoot

    # What runs a row, as text too: the unprivileged child pwsh defines the same functions from it.
    $script:Harness = {
        function New-SweepPair([int] $Send = 0) {
            # A connected pair on loopback; with -Send, the server side sends that many bytes and closes.
            $l = Start-TcpListener
            $c = Connect-TcpEndpoint 127.0.0.1 $l.LocalPort -Timeout 5
            $a = Receive-TcpConnection $l -Timeout 5
            if ($Send) { Send-SocketData $a ([byte[]]::new($Send)) -Timeout 5; Close-NetSocket $a }
            @{ Listener = $l; Client = $c; Server = $a }
        }

        function Close-SweepPair($Pair) { $Pair.Values | Close-NetSocket }

        function Get-FdCount { [System.IO.Directory]::GetFiles('/proc/self/fd').Count }

        function Invoke-SweepRow([scriptblock] $Run, [hashtable] $Ctx) {
            # Runs the row twice: the first run lets .NET open what it opens once (epoll, the resolver); the second is
            # counted. Both must give the same error.
            $once = {
                $ErrorActionPreference = 'Continue'
                @(try { & $Run $Ctx 2>&1 | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] } } catch { $_ })
            }
            $first = & $once
            [GC]::Collect(); [GC]::WaitForPendingFinalizers()
            $open = @(Get-NetSocket | ForEach-Object Id)
            $fdBefore = Get-FdCount
            $second = & $once
            $fdAfter = Get-FdCount
            $left = @(Get-NetSocket | Where-Object Id -NotIn $open | ForEach-Object { "$_" })
            $alive = try {
                $p = New-SweepPair
                Send-SocketData $p.Client 'still here' -Timeout 5
                $echo = Receive-SocketData $p.Server -Line -Count 1 -Timeout 5
                Close-SweepPair $p
                $echo -eq 'still here'
            }
            catch { $false }
            [pscustomobject]@{
                FirstErrorId = @($first | ForEach-Object FullyQualifiedErrorId) -join '; '
                ErrorId      = @($second | ForEach-Object FullyQualifiedErrorId) -join '; '
                Category     = @($second | ForEach-Object { "$($_.CategoryInfo.Category)" }) -join '; '
                Message      = @($second | ForEach-Object { $_.Exception.Message }) -join '; '
                FdBefore     = $fdBefore
                FdAfter      = $fdAfter
                LeftOpen     = $left -join '; '
                Alive        = $alive
            }
        }
    }
    . $script:Harness

    function Assert-SweepRow($Result) {
        # Reads the row's ErrorId, Category and Says from the It's data.
        $Result.FirstErrorId | Should -Be $Result.ErrorId -Because 'the second run fails as the first'
        $Result.ErrorId | Should -Match "^$ErrorId,NetSock\.Commands\.\w+Command$" -Because "the error is NetSock's $ErrorId, from the cmdlet (got: $($Result.ErrorId): $($Result.Message))"
        $Result.Category | Should -Be $Category
        if ($Says) { $Result.Message | Should -Match $Says }
        $Result.FdAfter | Should -BeLessOrEqual $Result.FdBefore -Because 'no file descriptor is left open'
        $Result.LeftOpen | Should -BeNullOrEmpty -Because 'no socket is left in Get-NetSocket'
        $Result.Alive | Should -BeTrue -Because 'the session still works'
    }

    # The scene: a unique folder with a directory, a FIFO, a regular file, a socket file nobody listens on, sockets only
    # root may reach, a folder only root may write, and (as root) a read-only and a full tmpfs mounted in it.
    $base = Join-Path ([IO.Path]::GetTempPath()) "netsock-sweep-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    $script:Ctx = @{
        Base       = $base
        Dir        = "$base/dir"
        Fifo       = "$base/fifo"
        File       = "$base/file"
        Stale      = "$base/stale.sock"
        Private    = "$base/private"
        LongPath   = "$base/" + ('p' * 120) + '.sock'
        LongHost   = (@('a' * 63) * 4 -join '.') + '.invalid'
        ReadOnly   = "$base/ro"
        Full       = "$base/full"
        FullTarget = "$base/full/target"
        ClosedPort = 0
        LockedStream = "$base/locked-stream.sock"
        LockedDgram  = "$base/locked-dgram.sock"
    }
    $null = New-Item -ItemType Directory -Path $base, $Ctx.Dir, $Ctx.Private, $Ctx.ReadOnly, $Ctx.Full
    & chmod 755 $base
    & chmod 700 $Ctx.Private
    & mkfifo $Ctx.Fifo
    Set-Content -Path $Ctx.File -Value 'not a socket'
    # A socket file with nothing behind it: a hard link to a bound socket's file outlives the socket (.NET removes
    # the file it bound when the socket is disposed, not the link).
    $stale = [System.Net.Sockets.Socket]::new('Unix', 'Stream', 'Unspecified')
    $stale.Bind([System.Net.Sockets.UnixDomainSocketEndPoint]::new("$base/bound.sock"))
    $null = New-Item -ItemType HardLink -Path $Ctx.Stale -Target "$base/bound.sock"
    $stale.Dispose()
    $probe = [System.Net.Sockets.Socket]::new('InterNetwork', 'Stream', 'Tcp')
    $probe.Bind([System.Net.IPEndPoint]::new([ipaddress]::Loopback, 0))
    $Ctx.ClosedPort = $probe.LocalEndPoint.Port
    $probe.Dispose()        # a port nothing listens on right now
    $script:Held = @(
        Start-TcpListener -Path $Ctx.LockedStream
        New-NetSocket AF_UNIX SOCK_DGRAM -Path $Ctx.LockedDgram
    )
    & chmod 600 $Ctx.LockedStream $Ctx.LockedDgram

    if ($IsRoot) {
        & mount -t tmpfs -o 'ro,size=64k' netsock-sweep-ro $Ctx.ReadOnly
        if ($LASTEXITCODE -eq 0) { $Mounted.Add($Ctx.ReadOnly) }
        # Full: 16 KiB of blocks and 4 inodes (the root, the target, the filler, one more), all used up.
        & mount -t tmpfs -o 'size=16k,nr_inodes=4' netsock-sweep-full $Ctx.Full
        if ($LASTEXITCODE -eq 0) {
            $Mounted.Add($Ctx.Full)
            $null = New-Item -ItemType File -Path $Ctx.FullTarget
            & dd if=/dev/zero of="$($Ctx.Full)/filler" bs=4k count=64 2>$null
            & touch "$($Ctx.Full)/last" 2>$null
        }
    }
    $script:NoTmpfs = if (-not $IsRoot) { 'it mounts tmpfs file systems, which needs root' }
    elseif ($Mounted.Count -lt 2) { 'mount -t tmpfs failed' }
}

AfterAll {
    foreach ($mount in $Mounted) { & umount -l $mount }
    $Held | Close-NetSocket
    if ($Ctx.Base -and (Test-Path $Ctx.Base)) { Remove-Item -LiteralPath $Ctx.Base -Recurse -Force -ErrorAction SilentlyContinue }
}

Describe 'Every cmdlet against bad input' {
    Context 'in this session' {
        It '<Name>: <ErrorId> (<Category>)' -ForEach @($Rows | Where-Object { $_.As -ne 'NonRoot' }) {
            if ($As -eq 'Root' -and -not $IsRoot) { Set-ItResult -Skipped -Because 'it needs root' }
            if ($Tmpfs -and $NoTmpfs) { Set-ItResult -Skipped -Because $NoTmpfs }
            $result = Invoke-SweepRow $Run $Ctx
            Assert-SweepRow $result
        }
    }

    Context 'as a user without root (uid 65534 in a child pwsh when these tests run as root)' -ForEach @{ NonRootRows = @($Rows | Where-Object { $_.As -eq 'NonRoot' }) } {
        BeforeAll {
            $rows = $NonRootRows
            $script:Unprivileged = @{}
            $script:NoChild = if ($IsRoot -and -not (Get-Command setpriv -ErrorAction Ignore)) { 'setpriv (util-linux) is missing, so no child pwsh can run as uid 65534' }
            if ($NoChild) { return }
            if (-not $IsRoot) {
                foreach ($row in $rows) { $Unprivileged[$row.Name] = Invoke-SweepRow $row.Run $Ctx }
                return
            }
            # One child pwsh as uid 65534 (CaptureFileHelpers' Invoke-AsNobody) runs every row with the same harness.
            $parsed = Invoke-AsNobody -Arguments @{ Rows = @($rows | ForEach-Object { @{ Name = $_.Name; Run = "$($_.Run)" } }); Ctx = $Ctx; Harness = "$Harness" } -ScriptBlock {
                . ([scriptblock]::Create($Arguments.Harness))
                $ctx = @{}
                foreach ($p in $Arguments.Ctx.PSObject.Properties) { $ctx[$p.Name] = $p.Value }
                $results = @{}
                foreach ($row in $Arguments.Rows) { $results[$row.Name] = Invoke-SweepRow ([scriptblock]::Create($row.Run)) $ctx }
                $results
            }
            foreach ($p in $parsed.PSObject.Properties) { $Unprivileged[$p.Name] = $p.Value }
        }

        It '<Name>: <ErrorId> (<Category>)' -ForEach $NonRootRows {
            if ($NoChild) { Set-ItResult -Skipped -Because $NoChild }
            $Unprivileged.Keys | Should -Contain $Name
            Assert-SweepRow $Unprivileged[$Name]
        }
    }
}
