# Pester 5 Should operators for network checks, shipped inside NetSock (a nested module of NetSock.psd1):
#
#   '127.0.0.1:8080' | Should -BeListening [-Timeout 5]           a TCP connect succeeds
#   $packet | Should -HaveLayer Tcp                                the packet has that layer
#   $packet | Should -HaveField 'IPv4.TimeToLive' 64               a field of a layer has that value (or, alone, is set)
#   { ... } | Should -SendPacket -Filter 'udp port 53' [-Interface any] [-Timeout 1]
#                                                                  the block sends a packet that matches (capture)
#
# NetSock does not need Pester: the operators are registered when NetSock is imported into a session where Pester 5 or
# later is already loaded, and Register-NetSockShouldOperator registers them after Pester is imported. Completion of
# Should's -Layer, -Field and -Interface is registered either way. The operators themselves are in
# NetSock.Should.Operators.ps1, read on the first registration, so an import without Pester does not parse them.

Set-StrictMode -Version 3.0

# Each operator: Should's switch, the function that tests it. Pester allows 32 operators in all (26 of its own).
$script:Operators = @(
    [pscustomobject]@{ Name = 'BeListening'; InternalName = 'Should-BeListening' }
    [pscustomobject]@{ Name = 'HaveLayer'; InternalName = 'Should-HaveLayer' }
    [pscustomobject]@{ Name = 'HaveField'; InternalName = 'Should-HaveField' }
    [pscustomobject]@{ Name = 'SendPacket'; InternalName = 'Should-SendPacket' }
)
$script:OperatorsLoaded = $false

function Register-NetSockShouldOperator {
    # .EXTERNALHELP NetSock.dll-Help.xml
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        [switch] $PassThru
    )
    $pester = Get-Module Pester | Where-Object Version -GE ([version]'5.0') | Sort-Object Version -Descending | Select-Object -First 1
    if (-not $pester) {
        $loaded = @(Get-Module Pester | ForEach-Object { "$($_.Version)" })
        $why = if ($loaded) { "only Pester $($loaded -join ', ') is loaded" } else { 'Pester is not loaded' }
        $record = [System.Management.Automation.ErrorRecord]::new(
            [System.InvalidOperationException]::new("NetSock's Should operators need Pester 5 or later, and $why. Import it first: Import-Module Pester -MinimumVersion 5.0; then Register-NetSockShouldOperator."),
            'NetSockPesterNotLoaded', [System.Management.Automation.ErrorCategory]::ObjectNotFound, 'Pester')
        $PSCmdlet.ThrowTerminatingError($record)
    }
    if (-not $script:OperatorsLoaded) {
        # The operators and their helpers are read on first need, not at Import-Module NetSock (see the file).
        . (Join-Path $PSScriptRoot 'NetSock.Should.Operators.ps1')
        $script:OperatorsLoaded = $true
    }
    $add = $pester.ExportedCommands['Add-ShouldOperator']
    $get = $pester.ExportedCommands['Get-ShouldOperator']
    $existing = @{}
    foreach ($o in & $get) { $existing[$o.Name] = $o }
    foreach ($operator in $script:Operators) {
        $test = (Get-Item "function:$($operator.InternalName)").ScriptBlock
        $status = if (-not $existing.ContainsKey($operator.Name)) {
            try {
                & $add -Name $operator.Name -InternalName $operator.InternalName -Test $test
                'Registered'
            }
            catch {
                Write-Warning "Should -$($operator.Name) could not be registered with Pester $($pester.Version): $($_.Exception.Message)"
                'Failed'
            }
        }
        else {
            # Already there: from an earlier import of NetSock (Import-Module -Force, a second Register call), whose
            # functions are then those of the module that was removed. Point Pester's entry at this import's function;
            # an operator of the same name from another module is left alone.
            & $pester {
                param($Name, $InternalName, $Test)
                $entry = if (Get-Variable -Name AssertionOperators -Scope Script -ErrorAction Ignore) { $script:AssertionOperators[$Name] }
                if ($entry -and $entry.InternalName -eq $InternalName) {
                    $entry.Test = $Test
                    'Updated'
                }
                elseif ($entry) { 'Conflict' }
                else { 'AlreadyRegistered' }
            } $operator.Name $operator.InternalName $test
        }
        if ($status -eq 'Conflict') {
            Write-Warning "Should -$($operator.Name) is already registered by something other than NetSock; NetSock's operator of that name is not registered."
        }
        if ($PassThru) {
            [pscustomobject]@{ PSTypeName = 'NetSock.ShouldOperator'; Name = $operator.Name; Status = $status; Pester = $pester.Version }
        }
    }
}


#region Completion (works without Pester: it only answers when Should's parameters are completed)

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
if (Get-Module Pester | Where-Object Version -GE ([version]'5.0')) {
    try { Register-NetSockShouldOperator }
    catch { Write-Warning "NetSock's Should operators were not registered: $($_.Exception.Message)" }
}

Export-ModuleMember -Function Register-NetSockShouldOperator
