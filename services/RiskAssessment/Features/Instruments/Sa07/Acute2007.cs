using Mappa.RiskAssessment.Features.Instruments.RuleSets;
using Mappa.RiskAssessment.Features.Instruments.Validation;

namespace Mappa.RiskAssessment.Features.Instruments.Sa07;

/// <param name="InterveneNow">The assessor judged this factor needs action now, whatever the totals say.</param>
public sealed record AcuteItemScore(int ItemNumber, int Score, bool InterveneNow = false);

public sealed record Acute2007Input(IReadOnlyList<AcuteItemScore> Items) : InstrumentInput
{
    public override Instrument Instrument => Instrument.Acute2007;
}

public sealed record Acute2007Result(
    RuleSetKey RuleSet,
    int SexualViolentScore,
    DynamicRiskLevel SexualViolentLevel,
    int GeneralScore,
    DynamicRiskLevel GeneralLevel,
    bool InterveneNow) : InstrumentResult(RuleSet)
{
    public override Instrument Instrument => Instrument.Acute2007;

    public override IEnumerable<DerivedValue> DerivedValues()
    {
        yield return new DerivedValue("acute_2007.sexual_violent_score", SexualViolentScore.ToString());
        yield return new DerivedValue("acute_2007.sexual_violent_level", EnumText.Of(SexualViolentLevel));
        yield return new DerivedValue("acute_2007.general_score", GeneralScore.ToString());
        yield return new DerivedValue("acute_2007.general_level", EnumText.Of(GeneralLevel));
        yield return new DerivedValue("acute_2007.intervene_now", InterveneNow ? "true" : "false");
    }
}

public static class Acute2007Scorer
{
    public static Acute2007Result Score(Acute2007Input input, Acute2007RuleSet ruleSet, string fieldRoot = "")
    {
        var root = FieldPath.Join(fieldRoot, "acute_2007");
        var violations = new ViolationCollector();
        var scores = ItemScoreValidation.Check(
            input.Items.Select(item => (item.ItemNumber, item.Score)).ToArray(), ruleSet.Items, ruleSet.Items, $"{root}.items", violations);
        violations.ThrowIfAny();

        // The sexual/violent scale sums its own factors; the general scale sums every factor.
        var sexualViolent = ruleSet.SexualViolentItems.Sum(item => scores[item.Number]);
        var general = scores.Values.Sum();
        return new Acute2007Result(
            ruleSet.Key,
            sexualViolent,
            ruleSet.SexualViolentLevels.ValueFor(sexualViolent),
            general,
            ruleSet.GeneralLevels.ValueFor(general),
            input.Items.Any(item => item.InterveneNow));
    }
}
