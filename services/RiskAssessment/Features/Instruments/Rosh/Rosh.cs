using Mappa.RiskAssessment.Features.Instruments.RuleSets;
using Mappa.RiskAssessment.Features.Instruments.Validation;

namespace Mappa.RiskAssessment.Features.Instruments.Rosh;

public sealed record RoshRating(RoshGroup Group, RoshSetting Setting, RoshLevel Level);

/// <summary>
/// A risk of serious harm judgement. The text fields are narrative about a person: they are stored and shown
/// to roles allowed to see them, and never written to logs or events.
/// </summary>
public sealed record RoshInput(
    IReadOnlyList<RoshRating> Ratings,
    string Nature = "",
    string Imminence = "",
    string IncreaseFactors = "",
    string MitigationFactors = "") : InstrumentInput
{
    public override Instrument Instrument => Instrument.Rosh;
}

/// <param name="CommunityLevel">Highest community rating; null when the rule set asks for none.</param>
/// <param name="CustodyLevel">Highest custody rating; null when the rule set asks for none.</param>
public sealed record RoshResult(RuleSetKey RuleSet, RoshLevel OverallLevel, RoshLevel? CommunityLevel, RoshLevel? CustodyLevel)
    : InstrumentResult(RuleSet)
{
    public override Instrument Instrument => Instrument.Rosh;

    public override IEnumerable<DerivedValue> DerivedValues()
    {
        yield return new DerivedValue("rosh.overall_level", EnumText.Of(OverallLevel));
        yield return new DerivedValue("rosh.community_level", CommunityLevel is { } community ? EnumText.Of(community) : "UNSPECIFIED");
        yield return new DerivedValue("rosh.custody_level", CustodyLevel is { } custody ? EnumText.Of(custody) : "UNSPECIFIED");
    }
}

public static class RoshScorer
{
    public static RoshResult Score(RoshInput input, RoshRuleSet ruleSet, string fieldRoot = "")
    {
        var root = FieldPath.Join(fieldRoot, "rosh");
        var violations = new ViolationCollector();
        var required = ruleSet.RequiredPairs.ToHashSet();
        var firstIndex = new Dictionary<(RoshGroup, RoshSetting), int>();

        for (var index = 0; index < input.Ratings.Count; index++)
        {
            var rating = input.Ratings[index];
            var path = $"{root}.ratings[{index}]";
            var valid = true;
            if (!Enum.IsDefined(rating.Group)) { violations.Add($"{path}.group", "say which group is at risk"); valid = false; }
            if (!Enum.IsDefined(rating.Setting)) { violations.Add($"{path}.setting", "say whether the rating is for the community or custody"); valid = false; }
            if (!Enum.IsDefined(rating.Level)) violations.Add($"{path}.level", "a rating needs a level (low, medium, high or very high)");
            if (!valid) continue;

            var pair = (rating.Group, rating.Setting);
            if (!required.Contains(pair))
                violations.Add($"{path}.group", $"{EnumText.Of(rating.Group)} in {EnumText.Of(rating.Setting)} is not rated under rule set {ruleSet.Key}");
            else if (firstIndex.TryGetValue(pair, out var first))
                violations.Add($"{path}.group", $"{EnumText.Of(rating.Group)} in {EnumText.Of(rating.Setting)} is rated more than once (first at {root}.ratings[{first}])");
            else
                firstIndex[pair] = index;
        }

        foreach (var (group, setting) in ruleSet.RequiredPairs.Where(pair => !firstIndex.ContainsKey(pair)))
            violations.Add($"{root}.ratings", $"{EnumText.Of(group)} in {EnumText.Of(setting)} is not rated");

        CheckText(input.Nature, "nature");
        CheckText(input.Imminence, "imminence");
        CheckText(input.IncreaseFactors, "increase_factors");
        CheckText(input.MitigationFactors, "mitigation_factors");
        violations.ThrowIfAny();

        var counted = input.Ratings.Where(rating => required.Contains((rating.Group, rating.Setting))).ToArray();
        return new RoshResult(
            ruleSet.Key,
            counted.Max(rating => rating.Level),
            HighestIn(counted, RoshSetting.Community),
            HighestIn(counted, RoshSetting.Custody));

        void CheckText(string text, string field)
        {
            if (text.Length > ruleSet.MaxTextLength)
                violations.Add($"{root}.{field}", $"at most {ruleSet.MaxTextLength} characters");
        }
    }

    private static RoshLevel? HighestIn(IEnumerable<RoshRating> ratings, RoshSetting setting) =>
        ratings.Where(rating => rating.Setting == setting).Select(rating => (RoshLevel?)rating.Level).Max();
}
