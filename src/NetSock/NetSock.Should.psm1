# Pester 5 Should operators for network checks, shipped inside NetSock (a nested module of NetSock.psd1):
#
#   '127.0.0.1:8080' | Should -BeListening [-Timeout 5]           a TCP connect succeeds
#   $packet | Should -HaveLayer Tcp                                the packet has that layer
#   $packet | Should -HaveField 'IPv4.TimeToLive' 64               a field of a layer has that value (or, alone, is set)
#   { ... } | Should -SendPacket -Filter 'udp port 53' [-Interface any] [-Timeout 1]
#                                                                  the block sends a packet that matches (capture)
#
# NetSock does not need Pester: the operators are registered when NetSock is imported into a session where Pester 5 or
# later is already loaded, and Register-NetSockShouldOperator registers them after Pester is imported. The operators, and the completion of
# Should's -Layer, -Field and -Interface, are in NetSock.Should.Operators.ps1, read on the first registration, so an
# import without Pester does not parse them (a fresh import is the first command a user waits for).

Set-StrictMode -Version 3.0

# Each operator: Should's switch and the function that tests it (Pester allows 32 operators in all, 26 of its own),
# as Name=InternalName. A string, not objects: what runs at import is compiled then, and an import should be quick.
$script:Operators = 'BeListening=Should-BeListening HaveLayer=Should-HaveLayer HaveField=Should-HaveField SendPacket=Should-SendPacket'
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
    foreach ($pair in $script:Operators.Split(' ')) {
        $operator = @{ Name = $pair.Split('=')[0]; InternalName = $pair.Split('=')[1] }
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


if (Get-Module Pester | Where-Object Version -GE ([version]'5.0')) {
    try { Register-NetSockShouldOperator }
    catch { Write-Warning "NetSock's Should operators were not registered: $($_.Exception.Message)" }
}

Export-ModuleMember -Function Register-NetSockShouldOperator
