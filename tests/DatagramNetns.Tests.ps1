# Send-Datagram and Receive-Datagram between two hosts the test creates: network namespaces A and B joined by a veth pair
# (198.18.0.1/24 and 2001:db8::1/64 in A, 198.18.0.2/24 and 2001:db8::2/64 in B; tests/Netns.psm1). NetSock runs in each
# namespace in a child pwsh (`ip netns exec`). The namespaces have no route out and are removed in AfterAll, whatever
# happened. Root only: `ip netns` and raw sockets need it.

BeforeAll {
    Import-Module $env:NETSOCK_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Netns.psm1') -Force
    $script:SendCmd = 'NetSock.Commands.SendDatagramCommand'
    $script:ReceiveCmd = 'NetSock.Commands.ReceiveDatagramCommand'
    $script:NoRoot = if (-not (Test-IsRoot)) { 'it needs root (ip netns, veth pairs, raw sockets); run the tests as root' }
    elseif (-not (Get-Command ip -ErrorAction Ignore)) { 'ip(8) is missing; install it with: apt-get install -y iproute2' }
    $script:Netns = $null
    if (-not $NoRoot) { $script:Netns = New-TestNetns }

    function Get-FreeUdpPort {
        # Any port will do: each namespace has ports of its own and nothing else runs there.
        Get-Random -Minimum 20000 -Maximum 60000
    }

    function Invoke-Exchange {
        <#
        Runs -Receiver in namespace B and -Sender in namespace A, both started at once; the sender waits behind a gate
        that opens when the receiver has bound its socket (UDP -Port or raw -Protocol). Returns both outputs.
        Both children are killed when anything fails.
        #>
        param(
            [Parameter(Mandatory)] [scriptblock] $Receiver,
            [Parameter(Mandatory)] [scriptblock] $Sender,
            [hashtable] $Arguments = @{},
            [int] $Port, [int] $Protocol, [switch] $IPv6
        )
        $gate = Join-Path $TestDrive "gate-$([guid]::NewGuid().ToString('N'))"
        $Arguments = $Arguments + @{ Gate = $gate }
        $gated = [scriptblock]::Create("while (-not (Test-Path `$Arguments.Gate)) { Start-Sleep -Milliseconds 20 }`n$Sender")
        $rx = Start-NetnsPwsh -Namespace $Netns.B -ScriptBlock $Receiver -Arguments $Arguments
        $tx = Start-NetnsPwsh -Namespace $Netns.A -ScriptBlock $gated -Arguments $Arguments
        try {
            if ($Protocol) { Wait-NetnsSocket $rx -Protocol $Protocol -IPv6:$IPv6 } else { Wait-NetnsSocket $rx -Port $Port -IPv6:$IPv6 }
            $null = New-Item -ItemType File -Path $gate
            $sent = Wait-NetnsPwsh $tx
            [pscustomobject]@{ Sent = $sent; Received = Wait-NetnsPwsh $rx }
        }
        finally {
            Stop-NetnsPwsh $rx
            Stop-NetnsPwsh $tx
        }
    }
}

AfterAll {
    Remove-TestNetns $Netns
}

Describe 'Datagrams between two network namespaces' -Tag 'Root' {
    BeforeEach {
        if ($NoRoot) { Set-ItResult -Skipped -Because $NoRoot }
    }

    Context 'when the namespaces are set up' {
        It 'gives A and B their 198.18.0.0/24 and 2001:db8::/64 addresses on a veth pair, and no route out' {
            (& ip -n $Netns.A -o addr show dev $Netns.LinkA) -join "`n" | Should -Match '198\.18\.0\.1/24 brd 198\.18\.0\.255'
            (& ip -n $Netns.B -o addr show dev $Netns.LinkB) -join "`n" | Should -Match '2001:db8::2/64'
            (& ip -n $Netns.A route show default) | Should -BeNullOrEmpty
            (& ip -n $Netns.B -6 route show default) | Should -BeNullOrEmpty
            (& ip -o link show) -join "`n" | Should -Not -Match ([regex]::Escape($Netns.LinkA))
        }
    }

    Context 'when a receiver bound to 0.0.0.0 waits for a broadcast' {
        It 'receives in B what Send-Datagram -Broadcast sends to 198.18.0.255 from A' {
            $port = Get-FreeUdpPort
            $result = Invoke-Exchange -Port $port -Arguments @{ Port = $port; To = $Netns.IPv4Broadcast } -Receiver {
                $d = Receive-Datagram -LocalAddress 0.0.0.0 -LocalPort $Arguments.Port -Timeout 20
                [pscustomobject]@{ Text = $d.Text; Remote = "$($d.RemoteEndPoint)"; Local = "$($d.LocalEndPoint)"; Open = @(Get-NetSocket).Count }
            } -Sender {
                Send-Datagram $Arguments.To $Arguments.Port 'broadcast hello' -Broadcast -PassThru
            }
            $result.Sent | Should -Be 15
            $result.Received.Text | Should -Be 'broadcast hello'
            $result.Received.Remote | Should -Match '^198\.18\.0\.1:\d+$'
            $result.Received.Local | Should -Be "0.0.0.0:$port"
            $result.Received.Open | Should -Be 0
        }

        It 'refuses to send to 198.18.0.255 without -Broadcast (DatagramBroadcastDenied), and nothing of it arrives' {
            $port = Get-FreeUdpPort
            $result = Invoke-Exchange -Port $port -Arguments @{ Port = $port; To = $Netns.IPv4Broadcast; Unicast = $Netns.IPv4B } -Receiver {
                Receive-Datagram -LocalAddress 0.0.0.0 -LocalPort $Arguments.Port -Count 1 -Timeout 20 | ForEach-Object { [pscustomobject]@{ Text = $_.Text } }
            } -Sender {
                $denied = try { Send-Datagram $Arguments.To $Arguments.Port 'not allowed' -ErrorAction Stop; $null }
                catch { [pscustomobject]@{ ErrorId = $_.FullyQualifiedErrorId; Category = "$($_.CategoryInfo.Category)"; Message = $_.Exception.Message; Open = @(Get-NetSocket).Count } }
                # A unicast datagram after it: the receiver takes the first datagram it gets, which must be this one.
                Send-Datagram $Arguments.Unicast $Arguments.Port 'after the refusal'
                $denied
            }
            $result.Sent.ErrorId | Should -Be "DatagramBroadcastDenied,$SendCmd"
            $result.Sent.Category | Should -Be 'PermissionDenied'
            $result.Sent.Message | Should -Match '198\.18\.0\.255.*needs -Broadcast'
            $result.Sent.Open | Should -Be 0
            $result.Received.Text | Should -Be 'after the refusal'
        }
    }

    Context 'when the seed''s protocol 102 goes from one host to the other (section 5)' {
        It 'receives in B, bound to 198.18.0.2, the protocol-102 datagram A sends with port 0, with IPHeader.Source 198.18.0.1' {
            $result = Invoke-Exchange -Protocol 102 -Arguments @{ From = $Netns.IPv4A; To = $Netns.IPv4B } -Receiver {
                $d = Receive-Datagram -Protocol 102 -LocalAddress $Arguments.To -Timeout 20
                [pscustomobject]@{
                    Text        = $d.Text
                    Length      = $d.Length
                    Protocol    = $d.IPHeader.Protocol
                    Source      = "$($d.IPHeader.Source)"
                    Destination = "$($d.IPHeader.Destination)"
                    Ttl         = $d.IPHeader.TimeToLive
                    Layers      = @($d.Packet.Layers | ForEach-Object Name)
                    Remote      = "$($d.RemoteEndPoint.Address)"
                    Open        = @(Get-NetSocket).Count
                }
            } -Sender {
                Send-Datagram $Arguments.To -Protocol 102 'custom protocol 102 across the veth' -PassThru
            }
            $result.Sent | Should -Be 35
            $result.Received.Text | Should -Be 'custom protocol 102 across the veth'
            $result.Received.Length | Should -Be 35
            $result.Received.Protocol | Should -Be 102
            $result.Received.Source | Should -Be '198.18.0.1'
            $result.Received.Destination | Should -Be '198.18.0.2'
            $result.Received.Ttl | Should -Be 64
            $result.Received.Layers[0] | Should -Be 'IPv4'
            $result.Received.Remote | Should -Be '198.18.0.1'
            $result.Received.Open | Should -Be 0
        }
    }

    Context 'when UDP goes over IPv6 across the veth' {
        It 'receives on 2001:db8::2 in B, -Count 2, what Send-Datagram sends from A' {
            $port = Get-FreeUdpPort
            $result = Invoke-Exchange -Port $port -IPv6 -Arguments @{ Port = $port; To = $Netns.IPv6B } -Receiver {
                Receive-Datagram -LocalAddress $Arguments.To -LocalPort $Arguments.Port -Count 2 -Timeout 20 |
                    ForEach-Object { [pscustomobject]@{ Text = $_.Text; Remote = "$($_.RemoteEndPoint)"; Local = "$($_.LocalEndPoint)" } }
            } -Sender {
                'one', 'two' | Send-Datagram $Arguments.To $Arguments.Port
            }
            $result.Received.Text | Should -Be @('one', 'two')
            $result.Received[0].Remote | Should -Match '^\[2001:db8::1\]:\d+$'
            $result.Received[0].Local | Should -Be "[2001:db8::2]:$port"
        }

        It 'gets the answer back in A on the socket it sent from (Send-Datagram -Socket, Receive-Datagram -Socket)' {
            $port = Get-FreeUdpPort
            $result = Invoke-Exchange -Port $port -IPv6 -Arguments @{ Port = $port; Server = $Netns.IPv6B; Client = $Netns.IPv6A } -Receiver {
                $s = New-NetSocket AF_INET6 SOCK_DGRAM -LocalAddress $Arguments.Server -LocalPort $Arguments.Port
                $q = Receive-Datagram -Socket $s -Timeout 20
                Send-Datagram -Socket $s -ComputerName $q.RemoteEndPoint.Address -Port $q.RemoteEndPoint.Port $q.Text.ToUpper()
                [pscustomobject]@{ Question = $q.Text; From = "$($q.RemoteEndPoint)" }
            } -Sender {
                $c = New-NetSocket AF_INET6 SOCK_DGRAM -LocalAddress $Arguments.Client -LocalPort 0
                Send-Datagram -Socket $c -ComputerName $Arguments.Server -Port $Arguments.Port 'ping across namespaces'
                $a = Receive-Datagram -Socket $c -Timeout 20
                [pscustomobject]@{ Answer = $a.Text; From = "$($a.RemoteEndPoint)"; Client = "$($c.LocalEndPoint)" }
            }
            $result.Received.Question | Should -Be 'ping across namespaces'
            $result.Received.From | Should -Be $result.Sent.Client
            $result.Sent.Answer | Should -Be 'PING ACROSS NAMESPACES'
            $result.Sent.From | Should -Be "[2001:db8::2]:$port"
        }
    }

    Context 'when the destination cannot be reached' {
        It 'says <To> is unreachable from a namespace with no route to it (DatagramUnreachable), and leaves nothing open' -ForEach @(
            @{ To = '198.19.255.1' }
            @{ To = '2001:db8:ffff::1' }
        ) {
            $result = Invoke-NetnsPwsh -Namespace $Netns.A -Arguments @{ To = $To } -ScriptBlock {
                try { Send-Datagram $Arguments.To 9 'nowhere' -ErrorAction Stop; [pscustomobject]@{ ErrorId = 'sent'; Routes = @(ip -6 route; ip route) -join '; ' } }
                catch { [pscustomobject]@{ ErrorId = $_.FullyQualifiedErrorId; Category = "$($_.CategoryInfo.Category)"; Message = $_.Exception.Message; Open = @(Get-NetSocket).Count; Routes = '' } }
            }
            $result.ErrorId | Should -Be "DatagramUnreachable,$SendCmd" -Because "the namespace has no route to $To (its routes: $($result.Routes))"
            $result.Category | Should -Be 'ConnectionError'
            $result.Message | Should -Match ([regex]::Escape($To))
            $result.Open | Should -Be 0
        }
    }
}
