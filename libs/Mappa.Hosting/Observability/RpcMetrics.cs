using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Mappa.Grpc;

namespace Mappa.Hosting.Observability;

/// <summary>
/// Call counts and latency histograms per method and status, rendered in the Prometheus text format.
/// Kept in-house because no OpenTelemetry exporter restores here; lock-free on the hot path.
/// </summary>
public sealed class RpcMetrics
{
    // Upper bounds in seconds; chosen to resolve sub-millisecond loopback calls and multi-second slow ones.
    private static readonly double[] BucketBounds = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly ConcurrentDictionary<(string Method, StatusCode Code), Series> _series = new();

    public void Record(string method, StatusCode code, TimeSpan elapsed)
    {
        var series = _series.GetOrAdd((method, code), static _ => new Series());
        series.Observe(elapsed.TotalSeconds);
    }

    public long CallCount(string method, StatusCode code) =>
        _series.TryGetValue((method, code), out var series) ? Interlocked.Read(ref series.Count) : 0;

    public void WriteTo(StringBuilder output)
    {
        output.Append("# HELP mappa_grpc_server_handled_total Completed gRPC calls by method and status.\n");
        output.Append("# TYPE mappa_grpc_server_handled_total counter\n");
        foreach (var ((method, code), series) in _series.OrderBy(e => e.Key.Method, StringComparer.Ordinal).ThenBy(e => e.Key.Code))
        {
            output.Append(CultureInfo.InvariantCulture, $"mappa_grpc_server_handled_total{{method=\"{method}\",code=\"{code}\"}} {Interlocked.Read(ref series.Count)}\n");
        }

        output.Append("# HELP mappa_grpc_server_handling_seconds gRPC call latency by method.\n");
        output.Append("# TYPE mappa_grpc_server_handling_seconds histogram\n");
        foreach (var group in _series.GroupBy(e => e.Key.Method).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var buckets = new long[BucketBounds.Length];
            long count = 0;
            double sum = 0;
            foreach (var (_, series) in group)
            {
                for (var i = 0; i < buckets.Length; i++)
                {
                    buckets[i] += Interlocked.Read(ref series.Buckets[i]);
                }
                count += Interlocked.Read(ref series.Count);
                sum += series.SumSeconds;
            }
            long cumulative = 0;
            for (var i = 0; i < buckets.Length; i++)
            {
                cumulative += buckets[i];
                output.Append(CultureInfo.InvariantCulture, $"mappa_grpc_server_handling_seconds_bucket{{method=\"{group.Key}\",le=\"{BucketBounds[i]}\"}} {cumulative}\n");
            }
            output.Append(CultureInfo.InvariantCulture, $"mappa_grpc_server_handling_seconds_bucket{{method=\"{group.Key}\",le=\"+Inf\"}} {count}\n");
            output.Append(CultureInfo.InvariantCulture, $"mappa_grpc_server_handling_seconds_sum{{method=\"{group.Key}\"}} {sum}\n");
            output.Append(CultureInfo.InvariantCulture, $"mappa_grpc_server_handling_seconds_count{{method=\"{group.Key}\"}} {count}\n");
        }
    }

    private sealed class Series
    {
        // Per-bucket (not cumulative) counts; cumulated when rendered.
        public readonly long[] Buckets = new long[BucketBounds.Length];
        public long Count;
        private long _sumMicroseconds;

        public double SumSeconds => Interlocked.Read(ref _sumMicroseconds) / 1_000_000.0;

        public void Observe(double seconds)
        {
            var index = Array.BinarySearch(BucketBounds, seconds);
            if (index < 0)
            {
                index = ~index;
            }
            if (index < Buckets.Length)
            {
                Interlocked.Increment(ref Buckets[index]);
            }
            Interlocked.Increment(ref Count);
            Interlocked.Add(ref _sumMicroseconds, (long)(seconds * 1_000_000));
        }
    }
}
