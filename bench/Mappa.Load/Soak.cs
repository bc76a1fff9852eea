namespace Mappa.Load;

/// <summary>
/// Are memory and handles flat? For each instance and resource, a least-squares line through the samples taken after
/// the warm-up; flat when the rise it predicts over that window stays within a tolerance (10% of the mean, at least
/// 16 MiB for memory, 8 for handles and threads). A steady leak shows as a rise well past that.
/// </summary>
public static class Soak
{
    public static SoakFigures? Analyse(IReadOnlyList<ResourceSample> samples, double warmUpSeconds)
    {
        if (samples.Count == 0) return null;
        var series = new List<SoakSeries>();
        foreach (var instance in samples.Select(s => s.Instance).Distinct())
        {
            var own = samples.Where(s => s.Instance == instance).OrderBy(s => s.AtSeconds).ToList();
            series.Add(Fit(instance, "rss_bytes", own, s => s.RssBytes, warmUpSeconds, 16 * 1048576));
            series.Add(Fit(instance, "gc_heap_bytes", own, s => s.GcHeapBytes, warmUpSeconds, 16 * 1048576));
            series.Add(Fit(instance, "open_fds", own, s => s.OpenFds, warmUpSeconds, 8));
            series.Add(Fit(instance, "threads", own, s => s.Threads, warmUpSeconds, 8));
        }
        return new SoakFigures(warmUpSeconds, series, series.All(s => s.Flat));
    }

    private static SoakSeries Fit(string instance, string resource, List<ResourceSample> samples, Func<ResourceSample, double> value, double warmUpSeconds, double minimumTolerance)
    {
        var after = samples.Where(s => s.AtSeconds >= warmUpSeconds).ToList();
        if (after.Count < 3) after = samples; // too short a run to leave the warm-up out
        var xs = after.Select(s => s.AtSeconds / 60.0).ToArray();
        var ys = after.Select(value).ToArray();
        var slope = Slope(xs, ys);
        var window = xs.Length > 1 ? xs[^1] - xs[0] : 0;
        var rise = slope * window;
        var tolerance = Math.Max(minimumTolerance, 0.10 * (ys.Length > 0 ? ys.Average() : 0));
        return new SoakSeries(instance, resource, value(samples[0]), value(samples[^1]), samples.Max(value), slope, rise, tolerance, rise <= tolerance, after.Count);
    }

    /// <summary>Least-squares slope of y over x; 0 with fewer than two distinct x.</summary>
    public static double Slope(IReadOnlyList<double> xs, IReadOnlyList<double> ys)
    {
        if (xs.Count < 2) return 0;
        var meanX = xs.Average();
        var meanY = ys.Average();
        double numerator = 0, denominator = 0;
        for (var i = 0; i < xs.Count; i++)
        {
            numerator += (xs[i] - meanX) * (ys[i] - meanY);
            denominator += (xs[i] - meanX) * (xs[i] - meanX);
        }
        return denominator == 0 ? 0 : numerator / denominator;
    }
}
