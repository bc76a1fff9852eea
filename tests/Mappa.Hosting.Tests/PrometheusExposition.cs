using System.Globalization;
using System.Text.RegularExpressions;

namespace Mappa.Hosting.Tests;

/// <summary>
/// A strict reader of the Prometheus text exposition format (0.0.4), written for the tests from the format's
/// description: it throws on any line that is not a HELP, TYPE or sample line, on a second HELP/TYPE for one family,
/// on a family whose samples are not together, and on histograms without ascending cumulative le buckets ending in
/// +Inf that equals _count, and without _sum.
/// </summary>
public sealed partial class PrometheusExposition
{
    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    public Dictionary<string, string> Types { get; } = new(StringComparer.Ordinal);
    public List<Sample> Samples { get; } = [];

    [GeneratedRegex(@"^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$")]
    private static partial Regex Comment();

    [GeneratedRegex(@"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? ([^ ]+)$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"^([a-zA-Z_][a-zA-Z0-9_]*)=""((?:[^""\\]|\\[\\""n])*)""(,|$)")]
    private static partial Regex Label();

    public static PrometheusExposition Parse(string text)
    {
        var parsed = new PrometheusExposition();
        var helps = new HashSet<string>(StringComparer.Ordinal);
        var finished = new HashSet<string>(StringComparer.Ordinal);
        string? current = null;
        Assert.EndsWith("\n", text);
        foreach (var line in text[..^1].Split('\n'))
        {
            if (Comment().Match(line) is { Success: true } comment)
            {
                var family = comment.Groups[2].Value;
                if (comment.Groups[1].Value == "HELP")
                {
                    Assert.True(helps.Add(family), $"HELP twice for {family}");
                }
                else
                {
                    Assert.True(parsed.Types.TryAdd(family, comment.Groups[3].Value), $"TYPE twice for {family}");
                    Assert.Contains(comment.Groups[3].Value, new[] { "counter", "gauge", "histogram", "summary", "untyped" });
                }
                SwitchTo(family);
                continue;
            }
            var match = SampleLine().Match(line);
            Assert.True(match.Success, $"not a valid sample line: '{line}'");
            var name = match.Groups[1].Value;
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            var body = match.Groups[3].Value;
            while (body.Length > 0)
            {
                var label = Label().Match(body);
                Assert.True(label.Success, $"bad labels in '{line}'");
                Assert.True(labels.TryAdd(label.Groups[1].Value, label.Groups[2].Value), $"label twice in '{line}'");
                body = body[label.Length..];
            }
            var valueText = match.Groups[4].Value;
            var value = valueText switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                "NaN" => double.NaN,
                _ => double.Parse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture),
            };
            var familyName = FamilyOf(parsed, name);
            Assert.True(parsed.Types.ContainsKey(familyName), $"sample {name} before its TYPE");
            SwitchTo(familyName);
            parsed.Samples.Add(new Sample(name, labels, value));
        }
        parsed.CheckHistograms();
        return parsed;

        void SwitchTo(string family)
        {
            if (current == family) return;
            if (current is not null) finished.Add(current);
            Assert.False(finished.Contains(family), $"the samples of {family} are not together");
            current = family;
        }
    }

    private static string FamilyOf(PrometheusExposition parsed, string sample)
    {
        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (sample.EndsWith(suffix, StringComparison.Ordinal) && parsed.Types.GetValueOrDefault(sample[..^suffix.Length]) == "histogram")
                return sample[..^suffix.Length];
        }
        return sample;
    }

    private void CheckHistograms()
    {
        foreach (var (family, _) in Types.Where(t => t.Value == "histogram"))
        {
            var series = Samples.Where(s => s.Name == family + "_bucket")
                .GroupBy(s => string.Join(",", s.Labels.Where(l => l.Key != "le").OrderBy(l => l.Key).Select(l => $"{l.Key}={l.Value}")));
            foreach (var one in series)
            {
                var buckets = one.Select(s => (Le: s.Labels["le"] == "+Inf" ? double.PositiveInfinity : double.Parse(s.Labels["le"], CultureInfo.InvariantCulture), s.Value)).ToList();
                Assert.True(buckets.Count >= 2, $"{family}{{{one.Key}}} has too few buckets");
                Assert.Equal(double.PositiveInfinity, buckets[^1].Le);
                for (var i = 1; i < buckets.Count; i++)
                {
                    Assert.True(buckets[i].Le > buckets[i - 1].Le, $"{family}{{{one.Key}}}: le not ascending");
                    Assert.True(buckets[i].Value >= buckets[i - 1].Value, $"{family}{{{one.Key}}}: buckets not cumulative");
                }
                var count = Assert.Single(Samples, s => s.Name == family + "_count" && SameSeries(s, one.Key));
                Assert.Single(Samples, s => s.Name == family + "_sum" && SameSeries(s, one.Key));
                Assert.Equal(buckets[^1].Value, count.Value);
            }
        }
    }

    private static bool SameSeries(Sample sample, string key) =>
        string.Join(",", sample.Labels.OrderBy(l => l.Key).Select(l => $"{l.Key}={l.Value}")) == key;

    /// <summary>The value of the one sample of <paramref name="name"/> with these labels (others may be present); null when absent.</summary>
    public double? Value(string name, params (string Name, string Value)[] labels) =>
        Samples.Where(s => s.Name == name && labels.All(l => s.Labels.GetValueOrDefault(l.Name) == l.Value)).Select(s => (double?)s.Value).SingleOrDefault();

    public double Sum(string name, params (string Name, string Value)[] labels) =>
        Samples.Where(s => s.Name == name && labels.All(l => s.Labels.GetValueOrDefault(l.Name) == l.Value)).Sum(s => s.Value);
}
