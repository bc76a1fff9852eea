using Mappa.RiskAssessment.Features.Instruments.RuleSets;
using Mappa.RiskAssessment.Features.Instruments.Validation;

namespace Mappa.RiskAssessment.Features.Instruments.Sa07;

/// <param name="VictimsIncludeChildren">Decides whether the emotional-identification-with-children item is scored.</param>
public sealed record Stable2007Input(IReadOnlyList<ItemScore> Items, bool VictimsIncludeChildren) : InstrumentInput
{
    public override Instrument Instrument => Instrument.Stable2007;
}

public sealed record Stable2007Result(
    RuleSetKey RuleSet,
    int TotalScore,
    int MaxScore,
    bool ChildIdentificationItemScored,
    DynamicRiskLevel Level) : InstrumentResult(RuleSet)
{
    public override Instrument Instrument => Instrument.Stable2007;

    public override IEnumerable<DerivedValue> DerivedValues()
    {
        yield return new DerivedValue("stable_2007.total_score", TotalScore.ToString());
        yield return new DerivedValue("stable_2007.max_score", MaxScore.ToString());
        yield return new DerivedValue("stable_2007.child_identification_item_scored", ChildIdentificationItemScored ? "true" : "false");
        yield return new DerivedValue("stable_2007.level", EnumText.Of(Level));
    }
}

public static class Stable2007Scorer
{
    public static Stable2007Result Score(Stable2007Input input, Stable2007RuleSet ruleSet, string fieldRoot = "")
    {
        var root = FieldPath.Join(fieldRoot, "stable_2007");
        var violations = new ViolationCollector();
        var expected = ruleSet.ItemsFor(input.VictimsIncludeChildren);
        var scores = ItemScoreValidation.Check(
            input.Items.Select(item => (item.ItemNumber, item.Score)).ToArray(),
            expected,
            ruleSet.Items,
            $"{root}.items",
            violations,
            item => $"item {item.Number} ({item.Label}) is scored only when the victims include children; leave it out or set victims_include_children");
        violations.ThrowIfAny();

        var total = scores.Values.Sum();
        var childItemScored = ruleSet.Items.Any(item => item.OnlyWhenVictimsIncludeChildren) && input.VictimsIncludeChildren;
        return new Stable2007Result(
            ruleSet.Key, total, expected.Sum(item => item.Max), childItemScored, ruleSet.LevelsFor(input.VictimsIncludeChildren).ValueFor(total));
    }
}
