<#
.SYNOPSIS
    The long run of the dissector fuzz test (tests/NetSock.Core.Tests/DissectorFuzzTests.cs): 20 million random and
    mutated frames through Packet.Dissect, the builder and Packet.Dissect again, where the Test task runs 1 million.
    Prints the test's figures (frames/s, seeds, layers reached); on a failure, each exception type with its first input
    in hex and its stack trace. Deterministic: the same count gives the same frames.
.EXAMPLE
    dotnet pwsh ./bench/fuzz.ps1
.EXAMPLE
    dotnet pwsh ./bench/fuzz.ps1 -Iterations 100000000
#>
param(
    # Not used: build.ps1 Bench passes the built module to every script under bench/, and this one tests the core.
    [string] $ModulePath,
    # Frames to feed (NETSOCK_FUZZ_ITERATIONS).
    [ValidateRange(1, [long]::MaxValue)] [long] $Iterations = 20000000,
    [ValidateSet('Debug', 'Release')] [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
$project = Join-Path (Split-Path $PSScriptRoot -Parent) 'tests/NetSock.Core.Tests/NetSock.Core.Tests.csproj'

$saved = $env:NETSOCK_FUZZ_ITERATIONS
$env:NETSOCK_FUZZ_ITERATIONS = "$Iterations"
try {
    $clock = [Diagnostics.Stopwatch]::StartNew()
    & dotnet test $project -c $Configuration --nologo --filter 'FullyQualifiedName~NetSock.Tests.DissectorFuzzTests' --logger 'console;verbosity=detailed'
    $exit = $LASTEXITCODE
    $clock.Stop()
}
finally {
    $env:NETSOCK_FUZZ_ITERATIONS = $saved
}

if ($exit -ne 0) {
    throw ("The fuzz run of {0:N0} frames failed (dotnet test exit code {1}): the exceptions and their inputs are above." -f $Iterations, $exit)
}
"Fuzz run: {0:N0} frames, no unhandled exception; {1:N1} min including the build." -f $Iterations, $clock.Elapsed.TotalMinutes
