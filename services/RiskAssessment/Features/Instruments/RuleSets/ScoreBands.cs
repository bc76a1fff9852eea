namespace Mappa.RiskAssessment.Features.Instruments.RuleSets;

// Cut-off tables: contiguous integer ranges mapping a score (or a count, or an age) to a value.
// A band without Max is open-ended and may only be the last one.

public interface IScoreBand<out TValue>
{
    int Min { get; }
    int? Max { get; }
    TValue Value { get; }
}

public sealed record LevelBand<TLevel>(TLevel Level, int Min, int? Max) : IScoreBand<TLevel>
    where TLevel : struct, Enum
{
    TLevel IScoreBand<TLevel>.Value => Level;
}

public sealed record CategoryBand(RiskMatrixCategory Category, int Min, int? Max) : IScoreBand<RiskMatrixCategory>
{
    RiskMatrixCategory IScoreBand<RiskMatrixCategory>.Value => Category;
}

public sealed record PointsBand(int Min, int? Max, int Points) : IScoreBand<int>
{
    int IScoreBand<int>.Value => Points;
}

/// <summary>A cut-off table as written in a rule-set file, with its own verification mark.</summary>
public abstract record BandTable<TBand, TValue>(bool Verified, IReadOnlyList<TBand> Bands)
    where TBand : IScoreBand<TValue>
{
    public bool Covers(int score) => Bands.Any(band => Contains(band, score));

    /// <summary>The value for a score; the registry has already checked the table covers the score's domain.</summary>
    public TValue ValueFor(int score)
    {
        foreach (var band in Bands)
        {
            if (Contains(band, score)) return band.Value;
        }
        throw new InvalidOperationException($"No band covers {score}; the rule set should have been rejected when loaded.");
    }

    private static bool Contains(TBand band, int score) => score >= band.Min && (band.Max is null || score <= band.Max);

    /// <summary>Problems with the table's shape: it must cover [lowest, highest] (or be open-ended) without gaps or overlaps.</summary>
    public IEnumerable<string> Problems(string name, int lowest, int? highest, bool valuesMustRise)
    {
        if (Bands.Count == 0)
        {
            yield return $"{name}: has no bands";
            yield break;
        }
        if (Bands[0].Min != lowest) yield return $"{name}: the first band must start at {lowest}, not {Bands[0].Min}";
        for (var i = 0; i < Bands.Count; i++)
        {
            var band = Bands[i];
            if (band.Max is { } max && max < band.Min) yield return $"{name}: band {i} ends ({max}) before it starts ({band.Min})";
            if (band.Max is null && i != Bands.Count - 1) yield return $"{name}: only the last band may be open-ended (band {i} is not last)";
            if (i == 0) continue;
            var previous = Bands[i - 1];
            if (previous.Max is { } previousMax && band.Min != previousMax + 1)
                yield return $"{name}: band {i} starts at {band.Min} but band {i - 1} ends at {previousMax} (gap or overlap)";
            if (valuesMustRise && Comparer<TValue>.Default.Compare(band.Value, previous.Value) <= 0)
                yield return $"{name}: band {i} does not rise above band {i - 1}";
        }
        var last = Bands[^1];
        if (highest is { } top && last.Max is { } lastMax && lastMax < top)
            yield return $"{name}: the last band ends at {lastMax} but scores reach {top}";
        if (highest is null && last.Max is not null)
            yield return $"{name}: the last band must be open-ended because the value has no upper limit";
    }
}

public sealed record LevelTable<TLevel>(bool Verified, IReadOnlyList<LevelBand<TLevel>> Bands)
    : BandTable<LevelBand<TLevel>, TLevel>(Verified, Bands)
    where TLevel : struct, Enum;

public sealed record CategoryTable(bool Verified, IReadOnlyList<CategoryBand> Bands)
    : BandTable<CategoryBand, RiskMatrixCategory>(Verified, Bands);

public sealed record PointsTable(bool Verified, IReadOnlyList<PointsBand> Bands)
    : BandTable<PointsBand, int>(Verified, Bands);
