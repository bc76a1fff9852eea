using System.Globalization;

namespace Mappa.Load;

/// <summary>The samples of a Prometheus text exposition, enough to read sums, maxima and histogram quantiles.</summary>
public sealed class PrometheusText
{
    public List<(string Name, Dictionary<string, string> Labels, double Value)> Samples { get; } = [];

    public static PrometheusText Parse(string text)
    {
        var parsed = new PrometheusText();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var brace = line.IndexOf('{');
            var space = line.LastIndexOf(' ');
            string name;
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            if (brace >= 0 && brace < space)
            {
                name = line[..brace];
                var close = line.LastIndexOf('}');
                foreach (var pair in SplitLabels(line[(brace + 1)..close]))
                {
                    var eq = pair.IndexOf('=');
                    labels[pair[..eq]] = pair[(eq + 2)..^1].Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
                }
            }
            else
            {
                name = line[..space];
            }
            var valueText = line[(space + 1)..];
            var value = valueText switch { "+Inf" => double.PositiveInfinity, "-Inf" => double.NegativeInfinity, "NaN" => double.NaN, _ => double.Parse(valueText, CultureInfo.InvariantCulture) };
            parsed.Samples.Add((name, labels, value));
        }
        return parsed;
    }

    public double Sum(string name) => Samples.Where(s => s.Name == name).Sum(s => s.Value);

    public double Max(string name) => Samples.Where(s => s.Name == name).Select(s => s.Value).DefaultIfEmpty(0).Max();

    /// <summary>The quantile of a histogram summed over all its series, by linear interpolation within the bucket; NaN without observations.</summary>
    public double HistogramQuantile(string name, double q)
    {
        var buckets = Samples.Where(s => s.Name == name + "_bucket")
            .GroupBy(s => s.Labels["le"] == "+Inf" ? double.PositiveInfinity : double.Parse(s.Labels["le"], CultureInfo.InvariantCulture))
            .Select(g => (Le: g.Key, Count: g.Sum(s => s.Value))).OrderBy(b => b.Le).ToList();
        if (buckets.Count == 0 || buckets[^1].Count == 0) return double.NaN;
        var rank = q * buckets[^1].Count;
        double previousLe = 0, previousCount = 0;
        foreach (var (le, count) in buckets)
        {
            if (count >= rank)
            {
                if (double.IsPositiveInfinity(le)) return previousLe;
                return previousLe + (le - previousLe) * ((rank - previousCount) / Math.Max(1e-9, count - previousCount));
            }
            previousLe = le;
            previousCount = count;
        }
        return previousLe;
    }

    private static IEnumerable<string> SplitLabels(string body)
    {
        var start = 0;
        var quoted = false;
        for (var i = 0; i < body.Length; i++)
        {
            if (body[i] == '\\') { i++; continue; }
            if (body[i] == '"') quoted = !quoted;
            else if (body[i] == ',' && !quoted)
            {
                yield return body[start..i];
                start = i + 1;
            }
        }
        if (start < body.Length) yield return body[start..];
    }
}
