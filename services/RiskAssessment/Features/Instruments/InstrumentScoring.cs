using Mappa.Core.Errors;
using Mappa.RiskAssessment.Features.Instruments.LsCmi;
using Mappa.RiskAssessment.Features.Instruments.RiskMatrix;
using Mappa.RiskAssessment.Features.Instruments.Rosh;
using Mappa.RiskAssessment.Features.Instruments.RuleSets;
using Mappa.RiskAssessment.Features.Instruments.Sa07;
using Mappa.RiskAssessment.Features.Instruments.Screening;
using Mappa.RiskAssessment.Features.Instruments.Validation;

namespace Mappa.RiskAssessment.Features.Instruments;

/// <summary>
/// The one entry point for scoring: derives every score, category and level from an input under a rule set
/// and stamps the result with that rule set. Nothing derived is ever taken from the caller.
/// </summary>
public sealed class InstrumentScoring(RuleSetRegistry ruleSets)
{
    public RuleSetRegistry RuleSets { get; } = ruleSets;

    /// <summary>Scores a new assessment with the newest rule set for its instrument.</summary>
    /// <param name="fieldRoot">Path of the InstrumentScores field in the request, prefixed to violation paths ("" for none).</param>
    public InstrumentResult Score(InstrumentInput input, string fieldRoot = "") =>
        ScoreWith(input, RuleSets.Current(input.Instrument), fieldRoot);

    /// <summary>
    /// Scores with a named rule-set version: how a stored assessment is re-derived under the version it recorded.
    /// A version of another instrument's rule set is refused (INVALID_ARGUMENT); an unknown one is NOT_FOUND.
    /// </summary>
    public InstrumentResult Score(InstrumentInput input, RuleSetKey ruleSet, string fieldRoot = "") =>
        ScoreWith(input, RuleSets.Get(ruleSet), fieldRoot);

    /// <summary>Scores an input that a request declared to be for <paramref name="declared"/>; refuses any other instrument's input.</summary>
    public InstrumentResult Score(Instrument declared, InstrumentInput input, string fieldRoot = "")
    {
        EnsureInstrument(declared, input, fieldRoot);
        return Score(input, fieldRoot);
    }

    public static void EnsureInstrument(Instrument declared, InstrumentInput input, string fieldRoot = "")
    {
        if (declared != input.Instrument)
        {
            throw new ValidationFailedException(
                FieldPath.Join(fieldRoot, input.FieldName),
                $"the assessment is declared as {EnumText.Of(declared)} but carries {EnumText.Of(input.Instrument)} scores");
        }
    }

    private static InstrumentResult ScoreWith(InstrumentInput input, RuleSet ruleSet, string fieldRoot)
    {
        if (ruleSet.Instrument != input.Instrument)
        {
            throw new ValidationFailedException(
                "rule_set.rule_set_id",
                $"rule set {ruleSet.Key} is for {EnumText.Of(ruleSet.Instrument)}, not {EnumText.Of(input.Instrument)}");
        }

        return (input, ruleSet) switch
        {
            (LsCmiInput lsCmi, LsCmiRuleSet rules) => LsCmiScorer.Score(lsCmi, rules, fieldRoot),
            (LsiRSvInput screening, LsiRSvRuleSet rules) => LsiRSvScorer.Score(screening, rules, fieldRoot),
            (RiskMatrix2000Input riskMatrix, RiskMatrix2000RuleSet rules) => RiskMatrix2000Scorer.Score(riskMatrix, rules, fieldRoot),
            (Stable2007Input stable, Stable2007RuleSet rules) => Stable2007Scorer.Score(stable, rules, fieldRoot),
            (Acute2007Input acute, Acute2007RuleSet rules) => Acute2007Scorer.Score(acute, rules, fieldRoot),
            (RoshInput rosh, RoshRuleSet rules) => RoshScorer.Score(rosh, rules, fieldRoot),
            _ => throw new InvalidOperationException($"No scorer for {input.GetType().Name} with {ruleSet.GetType().Name}."),
        };
    }
}
