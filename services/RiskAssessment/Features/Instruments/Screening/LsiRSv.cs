using Mappa.Core.Errors;
using Mappa.RiskAssessment.Features.Instruments.RuleSets;
using Mappa.RiskAssessment.Features.Instruments.Validation;

namespace Mappa.RiskAssessment.Features.Instruments.Screening;

/// <param name="FullAssessmentId">The full LS/CMI this screening led to, once there is one.</param>
public sealed record LsiRSvInput(IReadOnlyList<ItemScore> Items, string? FullAssessmentId = null) : InstrumentInput
{
    public override Instrument Instrument => Instrument.LsiRSv;
}

public sealed record LsiRSvResult(RuleSetKey RuleSet, int TotalScore, ScreeningBand Band, string? FullAssessmentId) : InstrumentResult(RuleSet)
{
    public override Instrument Instrument => Instrument.LsiRSv;

    // The link is recorded input, not derived, so it is not compared by the re-scoring check.
    public override IEnumerable<DerivedValue> DerivedValues()
    {
        yield return new DerivedValue("lsi_r_sv.total_score", TotalScore.ToString());
        yield return new DerivedValue("lsi_r_sv.band", EnumText.Of(Band));
    }
}

public static class LsiRSvScorer
{
    public const int MaxAssessmentIdLength = 100;

    public static LsiRSvResult Score(LsiRSvInput input, LsiRSvRuleSet ruleSet, string fieldRoot = "")
    {
        var root = FieldPath.Join(fieldRoot, "lsi_r_sv");
        var violations = new ViolationCollector();
        var scores = ItemScoreValidation.Check(
            input.Items.Select(item => (item.ItemNumber, item.Score)).ToArray(), ruleSet.Items, ruleSet.Items, $"{root}.items", violations);
        var link = string.IsNullOrWhiteSpace(input.FullAssessmentId) ? null : input.FullAssessmentId.Trim();
        if (link is { Length: > MaxAssessmentIdLength })
            violations.Add($"{root}.full_assessment_id", $"an assessment id is at most {MaxAssessmentIdLength} characters");
        violations.ThrowIfAny();

        var total = scores.Values.Sum();
        return new LsiRSvResult(ruleSet.Key, total, ruleSet.Bands.ValueFor(total), link);
    }

    /// <summary>
    /// A screening leads to a full LS/CMI: once the persistence layer has resolved the linked assessment,
    /// this refuses a link to any other instrument (a report citing the wrong kind of assessment).
    /// </summary>
    public static void EnsureLinkIsFullAssessment(string linkedAssessmentId, Instrument linkedInstrument, string fieldRoot = "")
    {
        if (linkedInstrument != Instrument.LsCmi)
        {
            throw new ValidationFailedException(
                FieldPath.Join(fieldRoot, "lsi_r_sv", "full_assessment_id"),
                $"a screening links to its full LS/CMI assessment; '{linkedAssessmentId}' is a {EnumText.Of(linkedInstrument)} assessment");
        }
    }
}
