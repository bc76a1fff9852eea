using Mappa.RiskAssessment.Features.Instruments;
using Mappa.RiskAssessment.Features.Instruments.RuleSets;

namespace Mappa.RiskAssessment.Tests;

/// <summary>
/// The rule-set files as shipped (copied to the test output from services/RiskAssessment/RuleSets), so the
/// data-driven tests follow whatever the files say: a changed cut-off is still tested at its new place.
/// </summary>
public static class TestRuleSets
{
    private static readonly Lazy<RuleSetRegistry> Shipped = new(RuleSetRegistry.LoadDefault);

    public static RuleSetRegistry Registry => Shipped.Value;

    public static InstrumentScoring Scoring => new(Registry);

    public static IEnumerable<T> AllVersions<T>() where T : RuleSet => Registry.All.OfType<T>();

    public static T Version<T>(string id, int version) where T : RuleSet => (T)Registry.Get(new RuleSetKey(id, version));

    /// <summary>The folder holding the shipped files, for tests that copy them and add versions.</summary>
    public static string ShippedDirectory => Path.Combine(AppContext.BaseDirectory, RuleSetRegistry.DefaultFolderName);

    /// <summary>
    /// Item scores, each within its item's range, that add up to <paramref name="total"/>: every item starts at
    /// its minimum and the rest is spread over the items in order.
    /// </summary>
    public static ItemScore[] ItemsSummingTo(IEnumerable<ItemDefinition> items, int total)
    {
        var ordered = items.OrderBy(item => item.Number).ToArray();
        var remaining = total - ordered.Sum(item => item.Min);
        var capacity = ordered.Sum(item => item.Max - item.Min);
        if (remaining < 0 || remaining > capacity)
            throw new ArgumentOutOfRangeException(nameof(total), total, "cannot be reached with these items");
        var scores = new ItemScore[ordered.Length];
        for (var i = 0; i < ordered.Length; i++)
        {
            var extra = Math.Min(remaining, ordered[i].Max - ordered[i].Min);
            scores[i] = new ItemScore(ordered[i].Number, ordered[i].Min + extra);
            remaining -= extra;
        }
        return scores;
    }

    /// <summary>The two ends of each band, clipped to the reachable range [lowest, highest].</summary>
    public static IEnumerable<(int Score, TValue Expected)> BandEdges<TBand, TValue>(BandTable<TBand, TValue> table, int lowest, int highest)
        where TBand : IScoreBand<TValue>
    {
        foreach (var band in table.Bands)
        {
            var from = Math.Max(band.Min, lowest);
            var to = Math.Min(band.Max ?? highest, highest);
            if (from > to) continue;
            yield return (from, band.Value);
            if (to != from) yield return (to, band.Value);
        }
    }
}
