using System.Globalization;
using System.Text;

namespace Mappa.Bench.Suite;

/// <summary>Summarises the measurements: medians across rounds, and same-round ratios against bare Kestrel.</summary>
public sealed class UnaryBenchmarkReport(
    BenchmarkSettings settings, MachineInfo machine, IReadOnlyList<BenchTarget> targets, IReadOnlyList<Measurement> measurements)
{
    public const string SectionName = "grpc-unary";
    public const double TargetRatio = 0.8;

    public sealed record Summary(
        BenchTarget Target, double MedianRps, double? MedianRatio, double? MinRatio, double? MaxRatio,
        double MedianP50Ms, double MedianP99Ms, double MedianCpuPerCall, double? MedianCpuRatio, long Failures);

    public IReadOnlyList<Summary> Summaries { get; } = Summarise(targets, measurements);

    public Summary? For(string key) => Summaries.FirstOrDefault(s => s.Target.Key == key);

    /// <summary>Our layer at ≥0.8× bare Kestrel and ahead of every other gRPC implementation measured.</summary>
    public bool MeetsTarget() => Shortfalls().Count == 0;

    public IReadOnlyList<string> Shortfalls()
    {
        List<string> shortfalls = [];
        var ours = For("ours");
        if (ours is null)
        {
            return ["our layer was not measured"];
        }
        if (ours.Failures > 0)
        {
            shortfalls.Add($"{ours.Failures} failed calls against our layer");
        }
        if (ours.MedianRatio is { } ratio && ratio < TargetRatio)
        {
            shortfalls.Add($"{ratio:0.00}× bare Kestrel is below {TargetRatio:0.0}×");
        }
        foreach (var other in Summaries.Where(s => s.Target.Key is "python" or "node"))
        {
            if (ours.MedianRps <= other.MedianRps)
            {
                shortfalls.Add($"not ahead of {other.Target.Name} ({ours.MedianRps:N0} vs {other.MedianRps:N0} req/s)");
            }
        }
        return shortfalls;
    }

    public string ConsoleTable()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"{"server",-24} {"req/s",10} {"x bare",16} {"p50 ms",8} {"p99 ms",8} {"cpu µs/call",12} {"cpu x bare",11} {"failed",7}");
        foreach (var s in Summaries)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{s.Target.Name,-24} {s.MedianRps,10:N0} {RatioText(s),16} {s.MedianP50Ms,8:N2} {s.MedianP99Ms,8:N2} {s.MedianCpuPerCall,12:N1} {CpuRatioText(s),11} {s.Failures,7}");
        }
        text.AppendLine(MeetsTarget()
            ? $"target met: ≥{TargetRatio:0.0}× bare Kestrel and ahead of Python and Node"
            : "target NOT met: " + string.Join("; ", Shortfalls()));
        return text.ToString();
    }

    public string Markdown()
    {
        var concurrent = settings.Clients * settings.StreamsPerClient;
        var text = new StringBuilder();
        text.AppendLine("## gRPC unary echo: our layer against bare Kestrel, Python grpcio and Node grpc-js");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Measured {machine.MeasuredAt:yyyy-MM-dd HH:mm} UTC by `bench/run.sh`: {settings.Rounds} rounds, {concurrent} concurrent calls, " +
            $"{settings.DurationSeconds} s per run. Medians across rounds; the ratio compares each server with bare Kestrel *in the same round*.");
        text.AppendLine();
        text.AppendLine("| server | req/s (median) | × bare Kestrel (median, range) | p50 latency | p99 latency | server CPU per call | CPU × bare Kestrel | failed calls |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var s in Summaries)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {s.Target.Name} | {s.MedianRps:N0} | {RatioText(s)} | {s.MedianP50Ms:N2} ms | {s.MedianP99Ms:N2} ms | {s.MedianCpuPerCall:N1} µs | {CpuRatioText(s)} | {s.Failures} |");
        }
        text.AppendLine();
        text.AppendLine(MeetsTarget()
            ? $"**Target met**: our layer is at least {TargetRatio:0.0}× bare Kestrel and ahead of Python grpcio and Node grpc-js."
            : "**Target not met**: " + string.Join("; ", Shortfalls()) + ".");
        text.AppendLine();

        text.AppendLine("Per round (req/s; odd rounds run left to right, even rounds right to left):");
        text.AppendLine();
        text.AppendLine("| round | " + string.Join(" | ", targets.Select(t => t.Name)) + " |");
        text.AppendLine("|---|" + string.Concat(targets.Select(_ => "---:|")));
        foreach (var round in measurements.GroupBy(m => m.Round))
        {
            var cells = targets.Select(t =>
                round.FirstOrDefault(m => m.Target.Key == t.Key)?.Result.RequestsPerSecond.ToString("N0", CultureInfo.InvariantCulture) ?? "–");
            text.AppendLine(CultureInfo.InvariantCulture, $"| {round.Key} | {string.Join(" | ", cells)} |");
        }
        text.AppendLine();

        text.AppendLine("How it was measured:");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"- Machine: {machine.Cpus} CPUs (`nproc`), {machine.CpuModel} (`lscpu`), {machine.Os}; shared with other work, so figures move between runs: read the ratios.");
        text.AppendLine(CultureInfo.InvariantCulture, $"- Software: {machine.DotnetRuntime} (SDK {machine.DotnetSdk}, Release build), {machine.H2Load}, {machine.Python} with grpcio {machine.Grpcio}, Node {machine.Node} with @grpc/grpc-js {machine.GrpcJs}.");
        text.AppendLine(CultureInfo.InvariantCulture, $"- Load: one h2load, 1 thread, {settings.Clients} connections × {settings.StreamsPerClient} streams, {settings.DurationSeconds} s per run ({settings.WarmUpSeconds} s h2load warm-up); before the rounds, unrecorded load on each server: {settings.DotnetWarmUpSeconds} s for the .NET servers (tiered compilation needed 30–45 s of load to bring the hot paths to Tier1 here), {settings.PeerWarmUpSeconds} s for Python and Node. Loopback only. Rounds run the servers in mirrored order (our layer, bare Kestrel, Python, Node; then the reverse), so our layer and its baseline always run back to back.");
        text.AppendLine(settings.Pin
            ? "- Pinning: every server on CPU 0 and h2load on CPU 1 (`taskset`), so the load generator does not take the server's core."
            : "- Pinning: none (`--no-pin`).");
        text.AppendLine(CultureInfo.InvariantCulture, $"- Request: the same gRPC-framed `EchoRequest` ({EchoRequestBody.Framed().Length} bytes with the length prefix) POSTed to `{GrpcStatusCheck.EchoPath}` with `content-type: application/grpc` and `te: trailers` (h2load `-d`).");
        text.AppendLine("- Correctness: h2load counts HTTP 200 only, so before every run one call with the same body over raw HTTP/2 must answer `grpc-status: 0` and echo the message, or the run stops. Failed calls above are h2load's failed, errored, timed-out and non-2xx requests.");
        text.AppendLine("- Server CPU per call: the server process's user + system CPU time (`/proc/PID/stat`) across the run, divided by the calls that succeeded; median across rounds. Outside load moves req/s a lot on a shared machine but moves this much less, so it is the steadier measure of what a layer costs. Its ratio is also taken within each round.");
        text.AppendLine("- Latency: p50/p99 of h2load's per-request log (start of request to end of response) for the measured phase, median across rounds.");
        text.AppendLine("- Servers: *Mappa gRPC layer*: `bench/Mappa.Bench serve ours` (AddMappaGrpc defaults, no interceptors). *bare Kestrel*: `bench/Mappa.Bench serve bare`, the same Kestrel set-up whose only middleware copies the request body to the response and appends `grpc-status: 0` (a framed EchoRequest is also a valid EchoResponse): no gRPC parsing, no protobuf, no routing. *Python grpcio*: `tests/Mappa.Interop.Tests/python/server.py` (16-thread pool). *Node grpc-js*: `tests/Mappa.Interop.Tests/node/server.js`.");
        text.AppendLine();
        text.AppendLine("Rerun: `bench/run.sh` (options: `--rounds N --duration S --warm-up S --dotnet-warm-up S --peer-warm-up S --clients N --streams N --no-pin --only ours,bare,python,node` (diagnostic servers: `routed`, `protobuf`); `--no-doc` prints without writing this file).");
        return text.ToString();
    }

    private static string RatioText(Summary s) => s.MedianRatio is { } median
        ? string.Create(CultureInfo.InvariantCulture, $"{median:0.00} ({s.MinRatio:0.00}–{s.MaxRatio:0.00})")
        : "–";

    private static string CpuRatioText(Summary s) => s.MedianCpuRatio is { } ratio
        ? string.Create(CultureInfo.InvariantCulture, $"{ratio:0.00}")
        : "–";

    private static IReadOnlyList<Summary> Summarise(IReadOnlyList<BenchTarget> targets, IReadOnlyList<Measurement> measurements)
    {
        var baseline = measurements.Where(m => m.Target.Key == UnaryBenchmark.Baseline).ToDictionary(m => m.Round, m => m.Result.RequestsPerSecond);
        var baselineCpu = measurements.Where(m => m.Target.Key == UnaryBenchmark.Baseline).ToDictionary(m => m.Round, m => m.Result.ServerCpuMicrosecondsPerCall);
        return [.. targets.Select(target =>
        {
            var own = measurements.Where(m => m.Target.Key == target.Key).ToList();
            var ratios = own.Where(m => baseline.ContainsKey(m.Round)).Select(m => m.Result.RequestsPerSecond / baseline[m.Round]).ToList();
            var cpuRatios = own.Where(m => baselineCpu.ContainsKey(m.Round)).Select(m => m.Result.ServerCpuMicrosecondsPerCall / baselineCpu[m.Round]).ToList();
            return new Summary(
                target,
                Median(own.Select(m => m.Result.RequestsPerSecond)),
                ratios.Count > 0 ? Median(ratios) : null,
                ratios.Count > 0 ? ratios.Min() : null,
                ratios.Count > 0 ? ratios.Max() : null,
                Median(own.Select(m => m.Result.P50Ms)),
                Median(own.Select(m => m.Result.P99Ms)),
                Median(own.Select(m => m.Result.ServerCpuMicrosecondsPerCall)),
                cpuRatios.Count > 0 ? Median(cpuRatios) : null,
                own.Sum(m => m.Result.Failed + m.Result.Non2xx));
        })];
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
