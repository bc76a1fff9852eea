using Mappa.RiskAssessment.Features.Instruments.RuleSets;
using Mappa.RiskAssessment.Features.Instruments.Validation;

namespace Mappa.RiskAssessment.Features.Instruments.LsCmi;

/// <summary>
/// A professional override of the computed LS/CMI level. It is part of the tool: the assessor states the
/// direction, the new level and why, and a manager approves it. The computed level is kept beside it.
/// </summary>
public sealed record ProfessionalOverride(OverrideDirection Direction, LsCmiLevel NewLevel, IReadOnlyList<string> Reasons, string ApproverId);

public sealed record LsCmiInput(IReadOnlyList<ItemScore> Items, ProfessionalOverride? Override = null) : InstrumentInput
{
    public override Instrument Instrument => Instrument.LsCmi;
}

public sealed record LsCmiSubcomponentScore(LsCmiSubcomponent Subcomponent, int Score, int MaxScore);

public sealed record LsCmiResult(
    RuleSetKey RuleSet,
    IReadOnlyList<LsCmiSubcomponentScore> Subcomponents,
    int TotalScore,
    LsCmiLevel ComputedLevel,
    LsCmiLevel FinalLevel,
    bool Overridden) : InstrumentResult(RuleSet)
{
    public override Instrument Instrument => Instrument.LsCmi;

    public override IEnumerable<DerivedValue> DerivedValues()
    {
        foreach (var subcomponent in Subcomponents)
        {
            var path = $"ls_cmi.subcomponents[{EnumText.Of(subcomponent.Subcomponent)}]";
            yield return new DerivedValue($"{path}.score", subcomponent.Score.ToString());
            yield return new DerivedValue($"{path}.max_score", subcomponent.MaxScore.ToString());
        }
        yield return new DerivedValue("ls_cmi.total_score", TotalScore.ToString());
        yield return new DerivedValue("ls_cmi.computed_level", EnumText.Of(ComputedLevel));
        yield return new DerivedValue("ls_cmi.final_level", EnumText.Of(FinalLevel));
        yield return new DerivedValue("ls_cmi.overridden", Overridden ? "true" : "false");
    }
}

public static class LsCmiScorer
{
    public static LsCmiResult Score(LsCmiInput input, LsCmiRuleSet ruleSet, string fieldRoot = "")
    {
        var root = FieldPath.Join(fieldRoot, "ls_cmi");
        var violations = new ViolationCollector();
        var items = ruleSet.Items;
        var scores = ItemScoreValidation.Check(
            input.Items.Select(item => (item.ItemNumber, item.Score)).ToArray(), items, items, $"{root}.items", violations);

        var overridePath = $"{root}.professional_override";
        if (input.Override is { } proposed) CheckOverrideShape(proposed, overridePath, violations);
        violations.ThrowIfAny();

        var subcomponents = ruleSet.Subcomponents
            .Select(s => new LsCmiSubcomponentScore(s.Subcomponent, s.Items.Sum(item => scores[item.Number]), s.Items.Sum(item => item.Max)))
            .OrderBy(s => s.Subcomponent)
            .ToArray();
        var total = subcomponents.Sum(s => s.Score);
        var computed = ruleSet.Levels.ValueFor(total);

        if (input.Override is { } applied)
        {
            CheckOverrideDirection(applied, computed, overridePath, violations);
            violations.ThrowIfAny();
        }

        return new LsCmiResult(ruleSet.Key, subcomponents, total, computed, input.Override?.NewLevel ?? computed, input.Override is not null);
    }

    private static void CheckOverrideShape(ProfessionalOverride proposed, string path, ViolationCollector violations)
    {
        if (!Enum.IsDefined(proposed.Direction)) violations.Add($"{path}.direction", "say whether the override moves the level up or down");
        if (!Enum.IsDefined(proposed.NewLevel)) violations.Add($"{path}.new_level", "an override must set the new level");
        if (proposed.Reasons.Count == 0) violations.Add($"{path}.reasons", "an override needs at least one reason");
        for (var i = 0; i < proposed.Reasons.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(proposed.Reasons[i])) violations.Add($"{path}.reasons[{i}]", "a reason cannot be blank");
        }
        if (string.IsNullOrWhiteSpace(proposed.ApproverId)) violations.Add($"{path}.approver_id", "an override needs the approving manager");
    }

    private static void CheckOverrideDirection(ProfessionalOverride applied, LsCmiLevel computed, string path, ViolationCollector violations)
    {
        var description = applied.Direction switch
        {
            OverrideDirection.Up when applied.NewLevel <= computed =>
                $"an override up must set a level above the computed level {EnumText.Of(computed)}",
            OverrideDirection.Down when applied.NewLevel >= computed =>
                $"an override down must set a level below the computed level {EnumText.Of(computed)}",
            _ => null,
        };
        if (description is not null) violations.Add($"{path}.new_level", description);
    }
}
