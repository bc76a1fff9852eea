using Mappa.Core.Errors;
using Mappa.RiskAssessment.Features.Instruments.RuleSets;

namespace Mappa.RiskAssessment.Features.Instruments.Rescoring;

/// <summary>A derived value that differs from what the recorded rule set gives for the stored item scores.</summary>
public sealed record ScoreMismatch(string Field, string StoredValue, string RecomputedValue);

public enum RescoringStatus
{
    /// <summary>Every stored derived value is what the recorded rule set gives.</summary>
    Consistent,
    /// <summary>At least one stored derived value differs: the assessment needs review.</summary>
    Mismatched,
    /// <summary>The recorded rule-set version is not loaded, so the assessment cannot be checked.</summary>
    RuleSetMissing,
    /// <summary>The stored input is not valid under its recorded rule set (or belongs to another instrument).</summary>
    InputInvalid,
}

public sealed record RescoringOutcome(
    RescoringStatus Status,
    RuleSetKey RuleSet,
    IReadOnlyList<ScoreMismatch> Mismatches,
    IReadOnlyList<FieldViolation> Violations,
    InstrumentResult? Recomputed)
{
    public bool NeedsReview => Status != RescoringStatus.Consistent;
}

/// <summary>
/// Re-derives a stored assessment under the rule set it recorded and compares every derived value with
/// what was stored: the check that finds a scoring/level mismatch like the 2022 LS/CMI one (S6W-09525).
/// </summary>
public sealed class RescoringCheck(InstrumentScoring scoring)
{
    public RescoringOutcome Check(InstrumentInput storedInput, InstrumentResult storedResult)
    {
        var recorded = storedResult.RuleSet;
        if (storedInput.Instrument != storedResult.Instrument)
        {
            return new RescoringOutcome(RescoringStatus.InputInvalid, recorded, [],
                [new FieldViolation(storedInput.FieldName, $"stored {EnumText.Of(storedInput.Instrument)} input has a {EnumText.Of(storedResult.Instrument)} result")],
                null);
        }
        if (!scoring.RuleSets.TryGet(recorded, out _))
            return new RescoringOutcome(RescoringStatus.RuleSetMissing, recorded, [], [], null);

        InstrumentResult recomputed;
        try
        {
            recomputed = scoring.Score(storedInput, recorded);
        }
        catch (ValidationFailedException invalid)
        {
            return new RescoringOutcome(RescoringStatus.InputInvalid, recorded, [], invalid.Violations, null);
        }

        var mismatches = Compare(storedResult, recomputed);
        return new RescoringOutcome(
            mismatches.Count == 0 ? RescoringStatus.Consistent : RescoringStatus.Mismatched, recorded, mismatches, [], recomputed);
    }

    /// <summary>Every derived field whose value differs, including fields present on only one side.</summary>
    public static IReadOnlyList<ScoreMismatch> Compare(InstrumentResult stored, InstrumentResult recomputed)
    {
        const string absent = "(absent)";
        var storedValues = ToMap(stored);
        var recomputedValues = ToMap(recomputed);
        return recomputedValues.Keys.Concat(storedValues.Keys.Except(recomputedValues.Keys))
            .Select(field => new ScoreMismatch(
                field,
                storedValues.GetValueOrDefault(field, absent),
                recomputedValues.GetValueOrDefault(field, absent)))
            .Where(mismatch => mismatch.StoredValue != mismatch.RecomputedValue)
            .ToArray();
    }

    private static Dictionary<string, string> ToMap(InstrumentResult result)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var value in result.DerivedValues()) map[value.Field] = value.Value;
        return map;
    }
}
