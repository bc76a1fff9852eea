using Mappa.RiskAssessment.Features.Instruments.RuleSets;
using Mappa.RiskAssessment.Features.Instruments.Validation;

namespace Mappa.RiskAssessment.Features.Instruments.RiskMatrix;

/// <summary>Facts from the person's record, as the Risk Matrix 2000 scoring guide defines them.</summary>
public sealed record RiskMatrix2000Input(
    int AgeAtCommencementOfRisk,
    int SexualAppearances,
    int CriminalAppearances,
    int ViolentAppearances,
    bool BurglaryConviction,
    bool MaleVictim,
    bool StrangerVictim,
    bool NeverMarried,
    bool NonContactSexualOffence) : InstrumentInput
{
    public override Instrument Instrument => Instrument.RiskMatrix2000;

    public int AggravatingFactors => new[] { MaleVictim, StrangerVictim, NeverMarried, NonContactSexualOffence }.Count(present => present);
}

public sealed record RiskMatrixItemPoints(RiskMatrixItem Item, int Points);

/// <param name="AggravatingFactors">Factors present (/S only; 0 for /V, which has no step 2).</param>
/// <param name="CategoriesRaised">Categories actually raised by step 2, after the cap at very high.</param>
public sealed record RiskMatrixScaleResult(
    IReadOnlyList<RiskMatrixItemPoints> Step1ItemPoints,
    int Step1Points,
    RiskMatrixCategory Step1Category,
    int AggravatingFactors,
    int CategoriesRaised,
    RiskMatrixCategory FinalCategory);

public sealed record RiskMatrixCombinedResult(int Points, RiskMatrixCategory Category);

public sealed record RiskMatrix2000Result(
    RuleSetKey RuleSet,
    RiskMatrixScaleResult Sexual,
    RiskMatrixScaleResult Violence,
    RiskMatrixCombinedResult Combined) : InstrumentResult(RuleSet)
{
    public override Instrument Instrument => Instrument.RiskMatrix2000;

    public override IEnumerable<DerivedValue> DerivedValues() =>
        Scale("risk_matrix_2000.sexual", Sexual)
            .Concat(Scale("risk_matrix_2000.violence", Violence))
            .Append(new DerivedValue("risk_matrix_2000.combined.points", Combined.Points.ToString()))
            .Append(new DerivedValue("risk_matrix_2000.combined.category", EnumText.Of(Combined.Category)));

    private static IEnumerable<DerivedValue> Scale(string path, RiskMatrixScaleResult scale)
    {
        foreach (var item in scale.Step1ItemPoints)
            yield return new DerivedValue($"{path}.step1_item_points[{EnumText.Of(item.Item)}].points", item.Points.ToString());
        yield return new DerivedValue($"{path}.step1_points", scale.Step1Points.ToString());
        yield return new DerivedValue($"{path}.step1_category", EnumText.Of(scale.Step1Category));
        yield return new DerivedValue($"{path}.aggravating_factors", scale.AggravatingFactors.ToString());
        yield return new DerivedValue($"{path}.categories_raised", scale.CategoriesRaised.ToString());
        yield return new DerivedValue($"{path}.final_category", EnumText.Of(scale.FinalCategory));
    }
}

public static class RiskMatrix2000Scorer
{
    /// <summary>Ages above this are taken as a data-entry error rather than a fact.</summary>
    public const int MaximumPlausibleAge = 120;

    public static RiskMatrix2000Result Score(RiskMatrix2000Input input, RiskMatrix2000RuleSet ruleSet, string fieldRoot = "")
    {
        var root = FieldPath.Join(fieldRoot, "risk_matrix_2000");
        var violations = new ViolationCollector();
        Check(input, ruleSet, root, violations);
        violations.ThrowIfAny();

        var sexual = ScoreSexual(input, ruleSet.Sexual);
        var violence = ScoreViolence(input, ruleSet.Violence);
        var combinedPoints = ruleSet.Combined.CategoryPoints.PointsFor(sexual.FinalCategory)
            + ruleSet.Combined.CategoryPoints.PointsFor(violence.FinalCategory);
        var combined = new RiskMatrixCombinedResult(combinedPoints, ruleSet.Combined.Categories.ValueFor(combinedPoints));
        return new RiskMatrix2000Result(ruleSet.Key, sexual, violence, combined);
    }

    private static RiskMatrixScaleResult ScoreSexual(RiskMatrix2000Input input, RiskMatrixSexualScale scale)
    {
        RiskMatrixItemPoints[] items =
        [
            new(RiskMatrixItem.AgeAtCommencementOfRisk, scale.AgePoints.ValueFor(input.AgeAtCommencementOfRisk)),
            new(RiskMatrixItem.SexualAppearances, scale.SexualAppearancesPoints.ValueFor(input.SexualAppearances)),
            new(RiskMatrixItem.CriminalAppearances, scale.CriminalAppearancesPoints.ValueFor(input.CriminalAppearances)),
        ];
        var points = items.Sum(item => item.Points);
        var step1 = scale.Categories.ValueFor(points);
        var factors = input.AggravatingFactors;
        var final = Raise(step1, scale.Step2.CategoriesFor(factors));
        return new RiskMatrixScaleResult(items, points, step1, factors, final - step1, final);
    }

    private static RiskMatrixScaleResult ScoreViolence(RiskMatrix2000Input input, RiskMatrixViolenceScale scale)
    {
        RiskMatrixItemPoints[] items =
        [
            new(RiskMatrixItem.AgeAtCommencementOfRisk, scale.AgePoints.ValueFor(input.AgeAtCommencementOfRisk)),
            new(RiskMatrixItem.ViolentAppearances, scale.ViolentAppearancesPoints.ValueFor(input.ViolentAppearances)),
            new(RiskMatrixItem.Burglary, input.BurglaryConviction ? scale.BurglaryPoints.WithConviction : scale.BurglaryPoints.WithoutConviction),
        ];
        var points = items.Sum(item => item.Points);
        var category = scale.Categories.ValueFor(points);
        return new RiskMatrixScaleResult(items, points, category, 0, 0, category);
    }

    /// <summary>Step 2: raise by whole categories, never above very high.</summary>
    public static RiskMatrixCategory Raise(RiskMatrixCategory category, int categories) =>
        (RiskMatrixCategory)Math.Min((int)category + categories, (int)RiskMatrixCategory.VeryHigh);

    private static void Check(RiskMatrix2000Input input, RiskMatrix2000RuleSet ruleSet, string root, ViolationCollector violations)
    {
        if (input.AgeAtCommencementOfRisk < ruleSet.MinimumAge)
            violations.Add($"{root}.age_at_commencement_of_risk", $"Risk Matrix 2000 is for people aged {ruleSet.MinimumAge} or over at commencement of risk, not {input.AgeAtCommencementOfRisk}");
        else if (input.AgeAtCommencementOfRisk > MaximumPlausibleAge)
            violations.Add($"{root}.age_at_commencement_of_risk", $"an age of {input.AgeAtCommencementOfRisk} is not plausible");

        if (input.SexualAppearances < 1)
            violations.Add($"{root}.sexual_appearances", "Risk Matrix 2000 needs at least one sexual appearance (the current conviction counts)");
        if (input.CriminalAppearances < input.SexualAppearances)
            violations.Add($"{root}.criminal_appearances", $"criminal appearances include the sexual ones, so cannot be fewer than {input.SexualAppearances}");
        if (input.ViolentAppearances < 0)
            violations.Add($"{root}.violent_appearances", "cannot be negative");
        else if (input.ViolentAppearances > input.CriminalAppearances)
            violations.Add($"{root}.violent_appearances", $"violent appearances are criminal appearances too, so cannot exceed {input.CriminalAppearances}");
    }
}
