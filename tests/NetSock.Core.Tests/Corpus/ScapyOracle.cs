using System.Diagnostics;
using System.Text.Json;

namespace NetSock.Tests.Corpus;

/// <summary>
/// Runs Scapy (Debian's python3-scapy) once for a whole corpus: for each expression, the bytes Scapy builds and the
/// fields Scapy reads back when it dissects those bytes. Tests that use it skip, with the reason, when Scapy is missing.
/// </summary>
public static class ScapyOracle
{
    public const string Python = "/usr/bin/python3";

    private const string Script = """
import sys, json, logging
logging.getLogger("scapy").setLevel(logging.ERROR)
from scapy.all import *
load_contrib('igmp')
load_contrib('mpls'); load_contrib('lldp')
def plain(v):
    if isinstance(v, (bytes, bytearray)): return {"hex": bytes(v).hex()}
    if hasattr(v, "value") and not isinstance(v, (list, tuple)): return int(v)
    if isinstance(v, (int, str)) or v is None: return v
    return repr(v)
out = []
for expr in json.load(sys.stdin):
    try:
        p = eval(expr)
        raw = bytes(p)
        back = type(p)(raw)
        layers = [{"name": type(l).__name__, "fields": {k: plain(v) for k, v in l.fields.items()}} for l in back.iterpayloads()]
        out.append({"hex": raw.hex(), "layers": layers})
    except Exception as e:
        out.append({"error": repr(e)})
json.dump(out, sys.stdout)
""";

    private static readonly Lazy<string?> Missing = new(() =>
    {
        if (!File.Exists(Python)) return "Scapy's bytes are the oracle: install python3-scapy (apt-get install python3-scapy)";
        var (code, _, _) = Run(new[] { "-c", "import scapy.all" }, "");
        return code == 0 ? null : "Scapy's bytes are the oracle: install python3-scapy (apt-get install python3-scapy)";
    });

    /// <summary>Why Scapy cannot be asked, or null when it can.</summary>
    public static string? WhyMissing => Missing.Value;

    public sealed record Layer(string Name, Dictionary<string, JsonElement> Fields);
    public sealed record Answer(string? Hex, List<Layer>? Layers, string? Error);

    public static IReadOnlyList<Answer> Ask(IReadOnlyList<string> expressions)
    {
        var (code, stdout, stderr) = Run(new[] { "-c", Script }, JsonSerializer.Serialize(expressions));
        if (code != 0) throw new InvalidOperationException($"Scapy failed ({code}): {stderr}");
        var answers = JsonSerializer.Deserialize<List<JsonElement>>(stdout)!;
        return answers.Select(a => new Answer(
            a.TryGetProperty("hex", out var h) ? h.GetString() : null,
            a.TryGetProperty("layers", out var l) ? l.EnumerateArray().Select(x => new Layer(x.GetProperty("name").GetString()!,
                x.GetProperty("fields").EnumerateObject().ToDictionary(f => f.Name, f => f.Value.Clone()))).ToList() : null,
            a.TryGetProperty("error", out var e) ? e.GetString() : null)).ToList();
    }

    private static (int Code, string Stdout, string Stderr) Run(string[] args, string stdin)
    {
        var psi = new ProcessStartInfo(Python) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        process.StandardInput.Write(stdin);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000)) { process.Kill(); throw new TimeoutException("Scapy did not answer within 120 s."); }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
