using System.Collections.Concurrent;
using System.Text;
using Mappa.Grpc;

namespace Mappa.Hosting.Observability;

/// <summary>
/// Call counts and latency histograms per method and status, rendered in the Prometheus text format.
/// Kept in-house because no OpenTelemetry exporter restores here; lock-free on the hot path.
/// </summary>
public sealed class RpcMetrics : IMetricsSource
{
    // Upper bounds in seconds; chosen to resolve sub-millisecond loopback calls and multi-second slow ones.
    private static readonly double[] BucketBounds = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly ConcurrentDictionary<(string Method, StatusCode Code), HistogramSeries> _series = new();

    public void Record(string method, StatusCode code, TimeSpan elapsed)
    {
        var series = _series.GetOrAdd((method, code), static _ => new HistogramSeries(BucketBounds));
        series.Observe(elapsed.TotalSeconds);
    }

    public long CallCount(string method, StatusCode code) =>
        _series.TryGetValue((method, code), out var series) ? Interlocked.Read(ref series.Count) : 0;

    public void WriteTo(StringBuilder output) => Write(new PrometheusWriter(output));

    public Task WriteAsync(PrometheusWriter writer, CancellationToken cancellationToken)
    {
        Write(writer);
        return Task.CompletedTask;
    }

    private void Write(PrometheusWriter writer)
    {
        const string handled = "mappa_grpc_server_handled_total";
        writer.Family(handled, "counter", "Completed gRPC calls by method and status.");
        foreach (var ((method, code), series) in _series.OrderBy(e => e.Key.Method, StringComparer.Ordinal).ThenBy(e => e.Key.Code))
        {
            writer.Sample(handled, Interlocked.Read(ref series.Count), ("method", method), ("code", code.ToString()));
        }

        const string latency = "mappa_grpc_server_handling_seconds";
        writer.Family(latency, "histogram", "gRPC call latency by method.");
        foreach (var group in _series.GroupBy(e => e.Key.Method).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var buckets = new long[BucketBounds.Length];
            long count = 0;
            double sum = 0;
            foreach (var (_, series) in group)
            {
                var snapshot = series.SnapshotBuckets();
                for (var i = 0; i < buckets.Length; i++) buckets[i] += snapshot[i];
                count += Interlocked.Read(ref series.Count);
                sum += series.SumSeconds;
            }
            writer.Histogram(latency, BucketBounds, buckets, count, sum, ("method", group.Key));
        }
    }
}
