using System.Globalization;
using System.Text;

namespace Mappa.Hosting.Observability;

/// <summary>
/// Writes the Prometheus text exposition format (version 0.0.4): one HELP and TYPE per metric family, however many
/// sources add samples to it, label values escaped, numbers in invariant culture.
/// </summary>
public sealed class PrometheusWriter
{
    private readonly StringBuilder _output;
    private readonly HashSet<string> _declared = new(StringComparer.Ordinal);

    public PrometheusWriter(StringBuilder output) => _output = output;

    /// <summary>Declares a family (once; later declarations of the same name are ignored).</summary>
    public PrometheusWriter Family(string name, string type, string help)
    {
        if (_declared.Add(name))
        {
            _output.Append("# HELP ").Append(name).Append(' ').Append(EscapeHelp(help)).Append('\n');
            _output.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        }
        return this;
    }

    /// <summary>One sample; <paramref name="labels"/> are name/value pairs.</summary>
    public PrometheusWriter Sample(string name, double value, params (string Name, string Value)[] labels)
    {
        _output.Append(name);
        if (labels.Length > 0)
        {
            _output.Append('{');
            for (var i = 0; i < labels.Length; i++)
            {
                if (i > 0) _output.Append(',');
                _output.Append(labels[i].Name).Append("=\"").Append(EscapeLabel(labels[i].Value)).Append('"');
            }
            _output.Append('}');
        }
        _output.Append(' ').Append(FormatValue(value)).Append('\n');
        return this;
    }

    /// <summary>A histogram's buckets (cumulative), sum and count under one label set.</summary>
    public PrometheusWriter Histogram(string name, IReadOnlyList<double> bounds, IReadOnlyList<long> perBucket, long count, double sum,
        params (string Name, string Value)[] labels)
    {
        long cumulative = 0;
        for (var i = 0; i < bounds.Count; i++)
        {
            cumulative += perBucket[i];
            Sample(name + "_bucket", cumulative, [.. labels, ("le", FormatValue(bounds[i]))]);
        }
        Sample(name + "_bucket", count, [.. labels, ("le", "+Inf")]);
        Sample(name + "_sum", sum, labels);
        Sample(name + "_count", count, labels);
        return this;
    }

    public static string FormatValue(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static string EscapeLabel(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string EscapeHelp(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}

/// <summary>Lock-free histogram counts for one series: per-bucket (not cumulative) counts, total and sum.</summary>
public sealed class HistogramSeries(double[] bounds)
{
    public double[] Bounds { get; } = bounds;
    public readonly long[] Buckets = new long[bounds.Length];
    public long Count;
    private long _sumMicroseconds;

    public double SumSeconds => Interlocked.Read(ref _sumMicroseconds) / 1_000_000.0;

    public void Observe(double seconds)
    {
        var index = Array.BinarySearch(Bounds, seconds);
        if (index < 0)
        {
            index = ~index;
        }
        if (index < Buckets.Length)
        {
            Interlocked.Increment(ref Buckets[index]);
        }
        Interlocked.Increment(ref Count);
        Interlocked.Add(ref _sumMicroseconds, (long)(Math.Max(0, seconds) * 1_000_000));
    }

    public long[] SnapshotBuckets()
    {
        var copy = new long[Buckets.Length];
        for (var i = 0; i < copy.Length; i++) copy[i] = Interlocked.Read(ref Buckets[i]);
        return copy;
    }
}
