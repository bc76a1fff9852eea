using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Mappa.Load;

public static class Report
{
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private static string Ms(double seconds) => double.IsNaN(seconds) ? "-" : (seconds * 1000).ToString("0", CultureInfo.InvariantCulture) + " ms";

    // No call of that RPC completed inside the window: no percentile.
    private static string Latency(double ms) => double.IsNaN(ms) ? "-" : ms.ToString("0.0", CultureInfo.InvariantCulture) + " ms";

    // The lag histogram's top bucket is 300 s: a p99 there means "at least".
    private static string P99(double seconds) => seconds >= 300 ? ">= 300 s" : Ms(seconds);

    public static string Markdown(LoadResult r)
    {
        var s = new StringBuilder();
        void Line(FormattableString text) => s.Append(text.ToString(CultureInfo.InvariantCulture)).Append('\n');
        Line($"## Load: {r.Clients} clients, {r.Instances} instance(s) per service, {r.MeasuredSeconds:0} s measured after {r.WarmUpSeconds} s warm-up ({r.FinishedAt:yyyy-MM-dd HH:mm} UTC)");
        Line($"");
        Line($"Machine: {r.Machine.Cpus} CPUs ({r.Machine.CpuModel}), {r.Machine.MemoryGiB:0.0} GiB, load average {r.Machine.LoadAverage} at the end; {r.Machine.Runtime}, {r.Machine.Os}.");
        Line($"");
        Line($"| RPC | calls | calls/s | p50 | p95 | p99 | errors | calls after the window |");
        Line($"|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var rpc in r.Rpcs.Append(r.Total))
        {
            Line($"| {(rpc.Rpc == "all" ? "**all**" : rpc.Rpc)} | {rpc.Calls:N0} | {rpc.PerSecond:N1} | {Latency(rpc.P50Ms)} | {Latency(rpc.P95Ms)} | {Latency(rpc.P99Ms)} | {rpc.Errors} | {rpc.CallsAfterWindow} |");
        }
        Line($"| baseline: {r.Baseline.Rpc} | | {r.Baseline.PerSecond:N0} | {r.Baseline.P50Ms:0.00} ms | | {r.Baseline.P99Ms:0.00} ms | {r.Baseline.Failed} | |");
        Line($"");
        Line($"Ratios to the baseline (same run): mix calls/s {r.Total.PerSecond / r.Baseline.PerSecond:0.000}x the health-check rate; mix p50 {r.Total.P50Ms / r.Baseline.P50Ms:0.0}x, p99 {r.Total.P99Ms / r.Baseline.P99Ms:0.0}x its latency.");
        Line($"");
        Line($"| instance | RSS end (max) | CPU (cores) | GC heap | threads | fds | outbox unsent / oldest at end | consumed | consumer lag mean / p99 |");
        Line($"|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var v in r.Services)
        {
            Line($"| {v.Instance}{(v.Alive ? "" : " (EXITED)")} | {v.RssBytes / 1048576.0:0} ({v.MaxRssBytes / 1048576.0:0}) MiB | {v.CpuCoresUsed:0.00} | {v.GcHeapBytes / 1048576.0:0} MiB | {v.Threads} | {v.OpenFds} | {v.OutboxUnsentAtEnd:0} / {v.OutboxOldestAgeSecondsAtEnd:0.0} s | {v.ConsumedMessages:N0} | {Ms(v.ConsumerLagMeanSeconds)} / {P99(v.ConsumerLagP99Seconds)} |");
        }
        Line($"");
        Line($"Outbox backlog drained {(r.OutboxDrainedAfterSeconds is { } d ? $"{d:0.0} s" : "NOT within 120 s")} after the load stopped.");
        if (r.QueuesAtEnd is { } queues)
        {
            var biggest = string.Join(", ", queues.Take(4).Select(q => q.Queue + " " + q.Messages.ToString("N0", CultureInfo.InvariantCulture)));
            var detail = queues.Count == 0 ? "" : " (" + biggest + ")";
            Line($"RabbitMQ when the load stopped: {queues.Sum(q => q.Messages):N0} messages waiting in consumer queues{detail}.");
        }
        if (r.Errors.Count == 0)
        {
            Line($"Errors: none.");
        }
        else
        {
            Line($"**Errors: {r.ErrorCount}** ({string.Join(", ", r.Errors.Select(e => $"{e.Rpc} {e.Status} x{e.Count}"))}); first: {string.Join(" | ", r.ErrorSamples)}");
        }
        if (r.Soak is { } soak)
        {
            Line($"");
            Line($"### Soak: resources sampled every few seconds; slope by least squares after {soak.WarmUpSeconds:0} s warm-up: {(soak.Flat ? "**flat**" : "**NOT flat**")}");
            Line($"");
            Line($"| instance | resource | first | last | max | slope per minute | rise over window (tolerance) | flat |");
            Line($"|---|---|---:|---:|---:|---:|---:|---|");
            foreach (var x in soak.Series)
            {
                var memory = x.Resource.EndsWith("bytes", StringComparison.Ordinal);
                string F(double v) => memory ? (v / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture) + " MiB" : v.ToString("0.#", CultureInfo.InvariantCulture);
                Line($"| {x.Instance} | {x.Resource} | {F(x.First)} | {F(x.Last)} | {F(x.Max)} | {F(x.SlopePerMinute)} | {F(x.PredictedRiseOverWindow)} ({F(x.Tolerance)}) | {(x.Flat ? "yes" : "NO")} |");
            }
        }
        return s.ToString();
    }
}
