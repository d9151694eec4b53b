# The operators of NetSock.Should.psm1 and their helpers, loaded on first need (Register-NetSockShouldOperator), not at
# Import-Module NetSock: parsing them is most of what the nested module cost at import, and the first command of a
# session rarely needs Pester. Dot-sourced from a function of that module, so each function is declared script: (the
# module's scope).

Set-StrictMode -Version 3.0

#region Operators

function script:Should-BeListening($ActualValue, [double] $Timeout = 5, [switch] $Negate, [string] $Because, $CallerSessionState) {
    <#
    .SYNOPSIS
        Passes when a TCP connection to the endpoint succeeds within -Timeout seconds (5 by default); the connection
        is closed at once. With -Not, passes when it is refused, unreachable or times out.
    .DESCRIPTION
        The endpoint is 'host:port' or '[IPv6]:port' text, an IPEndPoint or DnsEndPoint, a URI with a port, a NetSocket
        (a listener: its local endpoint, the wildcard address as loopback; a connected socket: its remote endpoint; a
        Unix stream socket: its path), or an object with ComputerName (or Host, HostName, Address) and Port properties.
        Input that is none of these, or a name that does not resolve, fails with -Not too.
    .EXAMPLE
        '127.0.0.1:8080' | Should -BeListening -Timeout 2
    .EXAMPLE
        '[::1]:8081' | Should -Not -BeListening
    #>
    $endpoint = ConvertTo-ShouldEndpoint $ActualValue
    $because = Format-ShouldBecause $Because
    if ($endpoint.Error) {
        return New-ShouldResult $false "Expected an endpoint$(if ($Negate) { ' not' }) to be listening,$because but got $(Format-ShouldValue $ActualValue), which is not one: $($endpoint.Error)"
    }
    if ($Timeout -lt 0) { return New-ShouldResult $false "Should -BeListening -Timeout takes seconds, 0 or more (0: no limit), but got $Timeout." }
    $connect = if ($endpoint.Path) { @{ Path = $endpoint.Path } } else { @{ ComputerName = $endpoint.Host; Port = $endpoint.Port } }
    $socket = $null
    $failure = $null
    $local = $null
    try {
        # The cmdlet by its type: found whatever scope NetSock was imported into (a module's, a runspace's).
        $connectCmdlet = [System.Management.Automation.CmdletInfo]::new('Connect-TcpEndpoint', [NetSock.Commands.ConnectTcpEndpointCommand])
        $socket = & $connectCmdlet @connect -Timeout $Timeout -ErrorAction Stop
    }
    catch {
        $failure = $_
    }
    finally {
        if ($socket) { $local = "$($socket.LocalEndPoint)"; $socket.Close() }
    }
    $text = $endpoint.Text
    if (-not $failure) {
        if (-not $Negate) { return New-ShouldResult $true }
        $from = if ($local) { " from $local" } else { '' }
        return New-ShouldResult $false "Expected $text not to be listening,$because but a TCP connection to it$from succeeded."
    }
    $id = "$($failure.FullyQualifiedErrorId)".Split(',')[0]
    $what = switch ($id) {
        'NetSocketConnectionRefused' { 'the connection was refused' }
        'NetSocketTimeout' { "the connection timed out after $Timeout s" }
        'NetSocketConnectionReset' { 'the connection was reset' }
        default { "the connection failed: $($failure.Exception.Message.TrimEnd('.'))" }
    }
    if ($id -in 'NetSocketNameNotFound', 'ParameterArgumentValidationError') {
        # Not an answer from the network: the check could not be made, which -Not must not take for "not listening".
        return New-ShouldResult $false "Could not check whether $text is listening:$because $($failure.Exception.Message.TrimEnd('.')) ($id)."
    }
    if ($Negate) { return New-ShouldResult $true }
    New-ShouldResult $false "Expected $text to be listening,$because but $what ($id)."
}

function script:Should-HaveLayer($ActualValue, [string[]] $Layer, [switch] $Negate, [string] $Because, $CallerSessionState) {
    <#
    .SYNOPSIS
        Passes when the packet has every layer given (by name or alias: Tcp, IPv4, IP, Ether, ...); with -Not, when it
        has none of them.
    .DESCRIPTION
        Takes packets of New-Packet, ConvertTo-Packet and Get-SniffedPacket, the Packet of a datagram of a raw socket,
        and the Received packet of an answer of Send-RawPacket -Receive.
    .EXAMPLE
        $packet | Should -HaveLayer Tcp
    .EXAMPLE
        $packet | Should -Not -HaveLayer Raw
    #>
    $detail = Test-ShouldDetail $CallerSessionState $args
    $because = Format-ShouldBecause $Because
    $not = if ($Negate) { 'out' } else { '' }
    if (-not $Layer) { return New-ShouldResult $false 'Should -HaveLayer needs the name of a layer, such as Should -HaveLayer Tcp (Get-PacketLayer lists them).' }
    $unknown = @($Layer | Where-Object { -not [NetSock.Packets.LayerRegistry]::Find($_) })
    if ($unknown) {
        return New-ShouldResult $false "Should -HaveLayer: '$($unknown[0])' is not a known layer. The layers are: $(Get-ShouldLayerList)."
    }
    $infos = @($Layer | ForEach-Object { [NetSock.Packets.LayerRegistry]::Find($_) })
    $names = ($infos.Name | Select-Object -Unique) -join ', '
    $expected = "Expected a packet with$not layer$(if (@($infos).Count -gt 1) { 's' }) $names,$because"
    $packet = Resolve-ShouldPacket $ActualValue 'HaveLayer'
    if ($packet -is [string]) { return New-ShouldResult $false "$expected but got $packet" }
    $present = @($infos | Where-Object { Find-ShouldLayer $packet $_ })
    $succeeded = if ($Negate) { $present.Count -eq 0 } else { $present.Count -eq @($infos).Count }
    if ($succeeded) { return New-ShouldResult $true }
    New-ShouldResult $false "$expected but got: $(Format-ShouldPacket $packet $detail)"
}

function script:Should-HaveField($ActualValue, [string] $Field, $ExpectedValue, [switch] $Negate, [string] $Because, $CallerSessionState) {
    <#
    .SYNOPSIS
        Passes when a field of the packet has the expected value: -Field is Layer.Field with the names or the Scapy
        aliases of both ('IPv4.TimeToLive', 'IP.ttl', 'Tcp.Flags'); the expected value is converted to the field's
        type ('DF', 'SA', '198.18.0.2', 64). Without an expected value, passes when the field is set (not auto).
    .DESCRIPTION
        The packet must have the layer, with -Not too. -Field completes with tab: layers, then their fields.
    .EXAMPLE
        $packet | Should -HaveField 'IPv4.TimeToLive' 64
    .EXAMPLE
        $reply | Should -HaveField IP.flags DF
    #>
    $detail = Test-ShouldDetail $CallerSessionState $args
    $because = Format-ShouldBecause $Because
    $hasExpected = $PSBoundParameters.ContainsKey('ExpectedValue')
    $parts = "$Field".Split('.', 2)
    if ($parts.Count -ne 2 -or -not $parts[0].Trim() -or -not $parts[1].Trim()) {
        return New-ShouldResult $false "Should -HaveField takes a field path Layer.Field, such as IPv4.TimeToLive or IP.ttl, but got $(Format-ShouldValue $Field)."
    }
    $layerInfo = [NetSock.Packets.LayerRegistry]::Find($parts[0])
    if (-not $layerInfo) {
        return New-ShouldResult $false "Should -HaveField: '$($parts[0])' in '$Field' is not a known layer. The layers are: $(Get-ShouldLayerList)."
    }
    $fieldInfo = $layerInfo.FindField($parts[1].Trim())
    if (-not $fieldInfo) {
        return New-ShouldResult $false "Should -HaveField: $($layerInfo.Name) has no field '$($parts[1])'. Its fields are: $($layerInfo.Fields -join ', ')."
    }
    $path = "$($layerInfo.Name).$($fieldInfo.Name)"
    $expected = $null
    if ($hasExpected) {
        try { $expected = ConvertTo-ShouldFieldValue $ExpectedValue $fieldInfo }
        catch { return New-ShouldResult $false "Should -HaveField: $(Format-ShouldValue $ExpectedValue) is not a value of $path ($($fieldInfo.Type.Name)): $($_.Exception.Message)" }
    }
    $want = if ($hasExpected) { "to be $([NetSock.Packets.Layer]::FormatValue($expected))" } else { 'to be set' }
    $not = if ($Negate) { ' not' } else { '' }
    $packet = Resolve-ShouldPacket $ActualValue 'HaveField'
    if ($packet -is [string]) { return New-ShouldResult $false "Expected $path$not $want,$because but got $packet" }
    $layer = Find-ShouldLayer $packet $layerInfo
    if (-not $layer) {
        return New-ShouldResult $false "Expected $path$not $want,$because but the packet has no $($layerInfo.Name) layer: $(Format-ShouldPacket $packet $detail)"
    }
    $actual = $fieldInfo.GetValue($layer)
    $matched = if ($hasExpected) { Test-ShouldFieldValue $actual $expected } else { $null -ne $actual }
    if ($matched -ne [bool]$Negate) { return New-ShouldResult $true }
    $was = if ($null -eq $actual) { 'auto (unset)' } else { [NetSock.Packets.Layer]::FormatValue($actual) }
    New-ShouldResult $false "Expected $path$not $want,$because but it was $was in: $(Format-ShouldPacket $packet $detail)"
}

function script:Should-SendPacket($ActualValue, [string] $Filter, [string] $Interface = 'any', [double] $Timeout = 1, [switch] $Negate, [string] $Because, $CallerSessionState) {
    <#
    .SYNOPSIS
        Runs the script block while capturing, and passes when a packet that matches the BPF -Filter went out (with
        -Not: when none did), during the block or up to -Timeout seconds after it (1 by default; the positive check
        ends as soon as a packet matched). Needs root or CAP_NET_RAW.
    .DESCRIPTION
        -Interface is 'any' by default: every interface of the network namespace, where a packet went out when the
        kernel sent it (outgoing) or it passed through loopback. On another loopback interface every packet counts; on
        an Ethernet interface, the frames from its own MAC address. An error of the block fails the test with that
        error; a capture that cannot start (no privilege, a filter libpcap refuses) fails with -Not too.
    .EXAMPLE
        { Send-Datagram 127.0.0.1 53 'query' } | Should -SendPacket -Filter 'udp dst port 53'
    .EXAMPLE
        { Invoke-MyService } | Should -Not -SendPacket -Filter 'tcp dst port 23' -Timeout 2
    #>
    $detail = Test-ShouldDetail $CallerSessionState $args
    $because = Format-ShouldBecause $Because
    $what = if ($Filter) { "a packet matching '$Filter'" } else { 'a packet' }
    $where = if ($Interface) { $Interface } else { 'any' }
    $expected = "Expected the script block$(if ($Negate) { ' not' }) to send $what on $where,$because"
    $block = if ($ActualValue -is [scriptblock]) { $ActualValue } elseif ($ActualValue -is [psobject] -and $ActualValue.PSObject.BaseObject -is [scriptblock]) { $ActualValue.PSObject.BaseObject }
    if (-not $block) {
        return New-ShouldResult $false "$expected but got $(Format-ShouldValue $ActualValue): Should -SendPacket takes a script block, as in { Send-Datagram 127.0.0.1 53 'query' } | Should -SendPacket -Filter 'udp port 53'."
    }
    if ($Timeout -lt 0) { return New-ShouldResult $false "Should -SendPacket -Timeout takes seconds, 0 or more, but got $Timeout." }
    $isOutgoing = Get-ShouldDirectionTest $where
    try {
        # Open and filtered before the block runs: what the block sends waits in the kernel's capture buffer.
        $capture = [NetSock.Capture.LiveCapture]::Start($where, $(if ($Filter) { $Filter } else { $null }), 262144, $false, 16MB, $true, $false)
    }
    catch {
        $inner = $_.Exception
        while ($inner.InnerException -and $inner -isnot [NetSock.NetSockException]) { $inner = $inner.InnerException }
        $id = if ($inner -is [NetSock.NetSockException]) { " ($($inner.ErrorId))" } else { '' }
        return New-ShouldResult $false "$expected but the capture could not start: $($inner.Message.TrimEnd('.'))$id."
    }
    $sent = [System.Collections.Generic.List[object]]::new()
    $received = [System.Collections.Generic.List[object]]::new()
    $blockError = $null
    try {
        try { $null = & $block }
        catch { $blockError = $_ }
        if (-not $blockError) {
            $none = [System.Threading.CancellationToken]::None
            $deadline = [Environment]::TickCount64 + [long]($Timeout * 1000)
            while ($true) {
                $left = $deadline - [Environment]::TickCount64
                # What is already queued is read even when the time is up.
                $packet = $capture.Take([int][Math]::Max(0, [Math]::Min(100, $left)), $none)
                if ($packet) {
                    if (& $isOutgoing $packet) { $sent.Add($packet) } else { $received.Add($packet) }
                    if (-not $Negate -and $sent.Count -gt 0) { break }
                }
                elseif ($left -le 0) { break }
            }
        }
    }
    finally {
        $capture.Dispose()
    }
    if ($blockError) { throw $blockError }
    if ($Negate -eq ($sent.Count -eq 0)) { return New-ShouldResult $true }
    if ($Negate) {
        $list = ($sent | Select-Object -First 5 | ForEach-Object { [Environment]::NewLine + '    ' + (Format-ShouldPacket $_ $detail) }) -join ''
        $more = if ($sent.Count -gt 5) { "$([Environment]::NewLine)    ... and $($sent.Count - 5) more" } else { '' }
        return New-ShouldResult $false "$expected but $($sent.Count) went out:$list$more"
    }
    $seen = if ($received.Count) {
        " $($received.Count) matching packet$(if ($received.Count -gt 1) { 's' }) came in instead, the first: $(Format-ShouldPacket $received[0] $detail)"
    }
    else { '' }
    New-ShouldResult $false "$expected but none went out during the block or within $Timeout s after it.$seen"
}

#endregion

#region Helpers

function script:New-ShouldResult([bool] $Succeeded, [string] $Message) {
    [pscustomobject]@{ Succeeded = $Succeeded; FailureMessage = if ($Succeeded) { '' } else { $Message } }
}

function script:Format-ShouldBecause([string] $Because) {
    # As Pester writes it: "Expected ..., because <reason>, but ..."
    if ([string]::IsNullOrWhiteSpace($Because)) { return '' }
    " because $($Because.Trim() -replace '^because\s'),"
}

function script:Format-ShouldValue($Value) {
    if ($null -eq $Value) { return '$null' }
    $base = if ($Value -is [psobject]) { $Value.PSObject.BaseObject } else { $Value }
    $text = if ($base -is [string]) { "'$base'" } elseif ($base -is [scriptblock]) { "{$base}" } else { "$base" }
    if ($text.Length -gt 80) { $text = $text.Substring(0, 77) + '...' }
    "$text ([$($base.GetType().Name)])"
}

function script:Test-ShouldDetail($CallerSessionState, [object[]] $Rest) {
    # The hexdump goes into failure messages with Should -Verbose, with $VerbosePreference = 'Continue' where the test
    # runs, or with the environment variable NETSOCK_SHOULD_HEXDUMP=1 (a CI run, without editing the tests).
    if ($env:NETSOCK_SHOULD_HEXDUMP -and $env:NETSOCK_SHOULD_HEXDUMP -notin '0', 'false', 'no') { return $true }
    for ($i = 0; $i -lt @($Rest).Count; $i++) {
        if ("$($Rest[$i])" -match '^-Verbose(:|$)') {
            $value = if ("$($Rest[$i])" -eq '-Verbose:' -and $i + 1 -lt $Rest.Count) { $Rest[$i + 1] } else { $true }
            return [bool]$value
        }
    }
    if ($CallerSessionState -is [System.Management.Automation.SessionState]) {
        return "$($CallerSessionState.PSVariable.GetValue('VerbosePreference'))" -eq 'Continue'
    }
    $false
}

function script:Format-ShouldPacket($Packet, [bool] $Detail) {
    # One line: the summary and the layers; with $Detail the hexdump follows.
    $text = "$($Packet.Summary) (layers $($Packet.Layers.ToString()))"
    if ($Packet.IsMalformed) { $text += " (malformed: $($Packet.MalformedReason.TrimEnd('.')))" }
    $text += '.'
    if ($Detail) { $text += [Environment]::NewLine + [NetSock.Packets.PacketText]::Hexdump($Packet.GetBytes()).TrimEnd() }
    $text
}

function script:Resolve-ShouldPacket($Value, [string] $Operator) {
    # The packet in what was piped to Should, or a string that says why there is none.
    $takes = "Should -$Operator takes a packet (New-Packet, ConvertTo-Packet, Get-SniffedPacket), a datagram of a raw socket (its Packet) or an answer of Send-RawPacket -Receive (its Received packet)."
    if ($null -eq $Value) { return "`$null: $takes" }
    $base = if ($Value -is [psobject]) { $Value.PSObject.BaseObject } else { $Value }
    if ($base -is [NetSock.Packets.Packet]) { return $base }
    if ($base -is [NetSock.Sockets.Datagram]) {
        if ($base.Packet) { return $base.Packet }
        return "a datagram without an IP header (from $($base.RemoteEndPoint); only a raw socket's datagrams carry their packet): $takes"
    }
    if ($base -is [NetSock.Injection.PacketResponse]) {
        if ($base.Received) { return $base.Received }
        return "an answer of Send-RawPacket that nothing answered (sent: $($base.Sent.Summary))."
    }
    if ($Value -is [psobject] -and $Value.PSObject.TypeNames -contains 'Deserialized.NetSock.Packets.Packet') {
        try { return [NetSock.Packets.Packet]$Value } catch { }
    }
    "$(Format-ShouldValue $Value): $takes"
}

function script:Find-ShouldLayer($Packet, $LayerInfo) {
    foreach ($layer in $Packet.Layers) {
        if ($layer.GetType() -eq $LayerInfo.Type) { return $layer }
    }
}

function script:Get-ShouldLayerList {
    ([NetSock.Packets.LayerRegistry]::All | ForEach-Object Name) -join ', '
}

function script:ConvertTo-ShouldFieldValue($Value, $FieldInfo) {
    # The expected value as the field's type, as New-Packet would take it: 64, 'DF', 'SA', '198.18.0.2', 'aa:bb:...'.
    if ($Value -is [psobject]) { $Value = $Value.PSObject.BaseObject }
    if ($null -eq $Value -or $FieldInfo.Type.IsInstanceOfType($Value)) { return , $Value }
    if ($FieldInfo.Type -eq [NetSock.Packets.TcpFlags] -and $Value -isnot [string]) { $Value = "$Value" }
    if ($FieldInfo.Type -eq [byte[]] -and $Value -is [string]) { return , [System.Text.Encoding]::UTF8.GetBytes($Value) }
    if ($FieldInfo.Type -eq [byte[]] -and $Value -is [array]) { return , [byte[]]$Value }
    , [System.Management.Automation.LanguagePrimitives]::ConvertTo($Value, $FieldInfo.Type, [cultureinfo]::InvariantCulture)
}

function script:Test-ShouldFieldValue($Actual, $Expected) {
    if ($null -eq $Actual -or $null -eq $Expected) { return $null -eq $Actual -and $null -eq $Expected }
    if ($Actual -is [byte[]] -and $Expected -is [byte[]]) { return [System.Linq.Enumerable]::SequenceEqual($Actual, $Expected) }
    if ($Actual -is [System.Collections.IEnumerable] -and $Actual -isnot [string]) {
        return [NetSock.Packets.Layer]::FormatValue($Actual) -eq [NetSock.Packets.Layer]::FormatValue($Expected)
    }
    $Actual.Equals($Expected)
}

function script:ConvertTo-ShouldEndpoint($Value) {
    # Host and port (or a Unix path) to connect to, the text to name it by, or Error: why the value is not an endpoint.
    $base = if ($Value -is [psobject]) { $Value.PSObject.BaseObject } else { $Value }
    $result = @{ Host = $null; Port = 0; Path = $null; Text = $null; Error = $null }
    $fromEndPoint = {
        param($ep)
        if ($ep -is [System.Net.IPEndPoint]) {
            $address = $ep.Address
            if ($address.Equals([ipaddress]::Any)) { $address = [ipaddress]::Loopback }
            elseif ($address.Equals([ipaddress]::IPv6Any)) { $address = [ipaddress]::IPv6Loopback }
            $result.Host = "$address"; $result.Port = $ep.Port
        }
        elseif ($ep -is [System.Net.DnsEndPoint]) { $result.Host = $ep.Host; $result.Port = $ep.Port }
        elseif ($ep -is [System.Net.Sockets.UnixDomainSocketEndPoint]) { $result.Path = "$ep" }
        else { $result.Error = 'it has no IP or Unix endpoint.' }
    }
    if ($null -eq $base) { $result.Error = "give 'host:port', '[IPv6]:port', an IPEndPoint, a NetSocket or an object with ComputerName and Port." }
    elseif ($base -is [NetSock.Sockets.NetSocket]) {
        $ep = if ("$($base.State)" -eq 'Connected') { $base.RemoteEndPoint } else { $base.LocalEndPoint }
        if ($null -eq $ep) { $result.Error = "the socket $($base.Id) is not bound to an endpoint." } else { & $fromEndPoint $ep }
    }
    elseif ($base -is [System.Net.EndPoint]) { & $fromEndPoint $base }
    elseif ($base -is [uri]) {
        if ($base.IsAbsoluteUri -and $base.Port -gt 0) { $result.Host = $base.Host.Trim('[', ']'); $result.Port = $base.Port }
        else { $result.Error = 'a URI needs a host and a port.' }
    }
    elseif ($base -is [string]) {
        $text = $base.Trim()
        if ($text -match '^\[(?<host>[^\]]+)\]:(?<port>\d{1,5})$' -or $text -match '^(?<host>[^:\s\[\]]+):(?<port>\d{1,5})$') {
            $result.Host = $Matches.host; $result.Port = [int]$Matches.port
        }
        else { $result.Error = "write it as 'host:port' or '[IPv6]:port', such as '127.0.0.1:8080' or '[::1]:8080'." }
    }
    else {
        # An object (or a hashtable) with a host and a port, or a Unix path.
        $get = if ($base -is [System.Collections.IDictionary]) { { param($n) if ($base.Contains($n)) { $base[$n] } } }
        else { { param($n) $p = $Value.PSObject.Properties[$n]; if ($p) { $p.Value } } }
        $hostValue = foreach ($name in 'ComputerName', 'Host', 'HostName', 'Address', 'IPAddress') { $v = & $get $name; if ($null -ne $v) { $v; break } }
        $portValue = & $get 'Port'
        $pathValue = & $get 'Path'
        if ($null -ne $hostValue -and "$portValue" -match '^\d{1,5}$') { $result.Host = "$hostValue"; $result.Port = [int]"$portValue" }
        elseif ($pathValue -is [string] -and $pathValue) { $result.Path = $pathValue }
        else { $result.Error = "give 'host:port', '[IPv6]:port', an IPEndPoint, a NetSocket or an object with ComputerName and Port properties." }
    }
    if (-not $result.Error -and -not $result.Path -and ($result.Port -lt 1 -or $result.Port -gt 65535)) {
        $result.Error = "the port $($result.Port) is not between 1 and 65535."
    }
    if (-not $result.Error) {
        $result.Text = if ($result.Path) { $result.Path } elseif ($result.Host.Contains(':')) { "[$($result.Host)]:$($result.Port)" } else { "$($result.Host):$($result.Port)" }
    }
    [pscustomobject]$result
}

function script:Get-ShouldDirectionTest([string] $Interface) {
    # A test of whether a captured packet went out of this host (network namespace), for the interface captured on.
    if ($Interface -eq 'any') {
        # The Linux cooked header says: 4 is outgoing; on loopback libpcap keeps one copy of each packet (ARPHRD 772).
        return {
            param($p)
            $first = $p.Layers[0]
            $first -isnot [NetSock.Packets.Layers.LinuxSll] -or $first.PacketType -eq 4 -or $first.AddressType -eq 772
        }
    }
    $sys = "/sys/class/net/$Interface"
    $type = try { (Get-Content -LiteralPath "$sys/type" -ErrorAction Stop | Select-Object -First 1).Trim() } catch { '' }
    $mac = try { (Get-Content -LiteralPath "$sys/address" -ErrorAction Stop | Select-Object -First 1).Trim() } catch { '' }
    if ($type -eq '1' -and $mac -and $mac -ne '00:00:00:00:00:00') {
        # Ethernet: the frames this interface sent carry its own MAC address as the source.
        return {
            param($p)
            $first = $p.Layers[0]
            $first -isnot [NetSock.Packets.Layers.Ethernet] -or "$($first.Source)" -eq $mac
        }.GetNewClosure()
    }
    { param($p) $true }     # loopback (each packet once) or a link type without a direction in it
}

#endregion

#region Completion of Should's -Layer, -Field and -Interface: registered with the operators, when Pester is there to use them
Register-ArgumentCompleter -CommandName Should -ParameterName Layer -ScriptBlock {
    param($CommandName, $ParameterName, $WordToComplete)
    $prefix = "$WordToComplete".Trim('''', '"')
    [NetSock.Packets.LayerRegistry]::All | ForEach-Object {
        $info = $_
        @($info.Name) + @($info.Aliases) | Where-Object { $_ -like "$prefix*" } |
            ForEach-Object { [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $info.Description) }
    }
}

Register-ArgumentCompleter -CommandName Should -ParameterName Field -ScriptBlock {
    param($CommandName, $ParameterName, $WordToComplete)
    $prefix = "$WordToComplete".Trim('''', '"')
    $dot = $prefix.IndexOf('.')
    if ($dot -lt 0) {
        # Layers first: 'IPv4.', 'Tcp.', ... then their fields once the dot is typed.
        [NetSock.Packets.LayerRegistry]::All | ForEach-Object {
            $info = $_
            @($info.Name) + @($info.Aliases) | Where-Object { $_ -like "$prefix*" } |
                ForEach-Object { [System.Management.Automation.CompletionResult]::new("$_.", "$_.", 'ParameterValue', $info.Description) }
        }
        return
    }
    $layerName = $prefix.Substring(0, $dot)
    $fieldPrefix = $prefix.Substring($dot + 1)
    $info = [NetSock.Packets.LayerRegistry]::Find($layerName)
    if (-not $info) { return }
    foreach ($f in $info.Fields) {
        foreach ($name in @($f.Name; if ($f.Alias) { $f.Alias })) {
            if ($name -like "$fieldPrefix*") {
                $text = "$layerName.$name"
                [System.Management.Automation.CompletionResult]::new($text, $text, 'ParameterValue', "$($f.Type.Name): $($f.Description)")
            }
        }
    }
}

Register-ArgumentCompleter -CommandName Should -ParameterName Interface -ScriptBlock {
    param($CommandName, $ParameterName, $WordToComplete, $CommandAst, $FakeBoundParameters)
    try { [NetSock.Commands.InterfaceCompleter]::new().CompleteArgument($CommandName, $ParameterName, $WordToComplete, $CommandAst, $FakeBoundParameters) }
    catch { }
}

#endregion

# Registered now when Pester 5 is already loaded (a test file that imports NetSock in BeforeAll); otherwise
# Register-NetSockShouldOperator does it after Import-Module Pester. Importing NetSock never fails because of this.

#endregion
