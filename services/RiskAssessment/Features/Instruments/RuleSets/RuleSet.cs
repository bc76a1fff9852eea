namespace Mappa.RiskAssessment.Features.Instruments.RuleSets;

/// <summary>
/// One version of the data an instrument is scored with: item structure, point tables and cut-offs.
/// Loaded from a file under RuleSets/{id}/v{version}.json; a version never changes once results use it.
/// </summary>
public abstract record RuleSet
{
    public required string RuleSetId { get; init; }
    public required int Version { get; init; }
    public required Instrument Instrument { get; init; }
    public string Title { get; init; } = "";
    public IReadOnlyList<string> Notes { get; init; } = [];
    public IReadOnlyList<RuleSetSource> Sources { get; init; } = [];

    public RuleSetKey Key => new(RuleSetId, Version);

    /// <summary>Every way the file's numbers are inconsistent; the registry refuses to load a rule set with any.</summary>
    public abstract IEnumerable<string> Problems();

    protected static IEnumerable<string> ItemProblems(IReadOnlyList<ItemDefinition> items, string name)
    {
        if (items.Count == 0) yield return $"{name}: no items";
        var expected = 1;
        foreach (var item in items.OrderBy(item => item.Number))
        {
            if (item.Number != expected) yield return $"{name}: items must be numbered 1..{items.Count} without gaps or repeats (found {item.Number} where {expected} was expected)";
            if (item.Max < item.Min) yield return $"{name}: item {item.Number} has max {item.Max} below min {item.Min}";
            if (item.Min < 0) yield return $"{name}: item {item.Number} has a negative min";
            expected = item.Number + 1;
        }
    }
}

/// <summary>An item on an instrument's form, with the range of scores an assessor may give it.</summary>
public record ItemDefinition(int Number, string Label, int Min, int Max);

public sealed record LsCmiSubcomponentDefinition(LsCmiSubcomponent Subcomponent, IReadOnlyList<ItemDefinition> Items);

public sealed record LsCmiRuleSet : RuleSet
{
    public required IReadOnlyList<LsCmiSubcomponentDefinition> Subcomponents { get; init; }
    public required LevelTable<LsCmiLevel> Levels { get; init; }

    public IReadOnlyList<ItemDefinition> Items => Subcomponents.SelectMany(s => s.Items).OrderBy(i => i.Number).ToArray();

    public int MaxTotal => Items.Sum(item => item.Max);

    public override IEnumerable<string> Problems()
    {
        foreach (var problem in ItemProblems(Items, "subcomponents")) yield return problem;
        var missing = Enum.GetValues<LsCmiSubcomponent>().Except(Subcomponents.Select(s => s.Subcomponent)).ToArray();
        if (missing.Length > 0) yield return "subcomponents: missing " + string.Join(", ", missing.Select(EnumText.Of));
        if (Subcomponents.Select(s => s.Subcomponent).Distinct().Count() != Subcomponents.Count) yield return "subcomponents: a subcomponent is listed twice";
        foreach (var problem in Levels.Problems("levels", Items.Sum(i => i.Min), MaxTotal, valuesMustRise: true)) yield return problem;
    }
}

public sealed record LsiRSvRuleSet : RuleSet
{
    public required IReadOnlyList<ItemDefinition> Items { get; init; }
    public required LevelTable<ScreeningBand> Bands { get; init; }

    public int MaxTotal => Items.Sum(item => item.Max);

    public override IEnumerable<string> Problems()
    {
        foreach (var problem in ItemProblems(Items, "items")) yield return problem;
        foreach (var problem in Bands.Problems("bands", Items.Sum(i => i.Min), MaxTotal, valuesMustRise: true)) yield return problem;
    }
}

/// <summary>Step 2 of RM2000/S: how many categories a number of aggravating factors raises the category.</summary>
public sealed record AggravatingFactorRaise(int MinFactors, int MaxFactors, int Categories);

public sealed record RiskMatrixStep2(bool Verified, IReadOnlyList<AggravatingFactorRaise> Raises)
{
    /// <summary>Categories to raise for a count of aggravating factors (0 when no row matches).</summary>
    public int CategoriesFor(int factors) =>
        Raises.FirstOrDefault(raise => factors >= raise.MinFactors && factors <= raise.MaxFactors)?.Categories ?? 0;
}

public sealed record RiskMatrixSexualScale(
    PointsTable AgePoints,
    PointsTable SexualAppearancesPoints,
    PointsTable CriminalAppearancesPoints,
    CategoryTable Categories,
    RiskMatrixStep2 Step2);

public sealed record BurglaryPoints(bool Verified, int WithConviction, int WithoutConviction);

public sealed record RiskMatrixViolenceScale(
    PointsTable AgePoints,
    PointsTable ViolentAppearancesPoints,
    BurglaryPoints BurglaryPoints,
    CategoryTable Categories);

public sealed record CategoryPoints(RiskMatrixCategory Category, int Points);

public sealed record CategoryPointsTable(bool Verified, IReadOnlyList<CategoryPoints> Points)
{
    public int PointsFor(RiskMatrixCategory category) => Points.Single(p => p.Category == category).Points;
}

public sealed record RiskMatrixCombinedScale(CategoryPointsTable CategoryPoints, CategoryTable Categories);

public sealed record RiskMatrix2000RuleSet : RuleSet
{
    public required int MinimumAge { get; init; }
    public required RiskMatrixSexualScale Sexual { get; init; }
    public required RiskMatrixViolenceScale Violence { get; init; }
    public required RiskMatrixCombinedScale Combined { get; init; }

    /// <summary>The most step 1 points the /S or /V scale can give (open-ended count tables top out at their last band).</summary>
    public int MaxSexualPoints => MaxPoints(Sexual.AgePoints) + MaxPoints(Sexual.SexualAppearancesPoints) + MaxPoints(Sexual.CriminalAppearancesPoints);

    public int MaxViolencePoints => MaxPoints(Violence.AgePoints) + MaxPoints(Violence.ViolentAppearancesPoints)
        + Math.Max(Violence.BurglaryPoints.WithConviction, Violence.BurglaryPoints.WithoutConviction);

    public int MaxCombinedPoints => 2 * Combined.CategoryPoints.Points.Max(p => p.Points);

    private static int MaxPoints(PointsTable table) => table.Bands.Max(band => band.Points);

    public override IEnumerable<string> Problems()
    {
        if (MinimumAge < 0) yield return "minimum_age: must not be negative";
        var checks = new[]
        {
            Sexual.AgePoints.Problems("sexual.age_points", MinimumAge, null, valuesMustRise: false),
            Sexual.SexualAppearancesPoints.Problems("sexual.sexual_appearances_points", 1, null, valuesMustRise: false),
            Sexual.CriminalAppearancesPoints.Problems("sexual.criminal_appearances_points", 1, null, valuesMustRise: false),
            Sexual.Categories.Problems("sexual.categories", 0, MaxSexualPoints, valuesMustRise: true),
            Violence.AgePoints.Problems("violence.age_points", MinimumAge, null, valuesMustRise: false),
            Violence.ViolentAppearancesPoints.Problems("violence.violent_appearances_points", 0, null, valuesMustRise: false),
            Violence.Categories.Problems("violence.categories", 0, MaxViolencePoints, valuesMustRise: true),
            Combined.Categories.Problems("combined.categories", 0, MaxCombinedPoints, valuesMustRise: true),
        };
        foreach (var problem in checks.SelectMany(problems => problems)) yield return problem;

        var missing = Enum.GetValues<RiskMatrixCategory>().Except(Combined.CategoryPoints.Points.Select(p => p.Category)).ToArray();
        if (missing.Length > 0) yield return "combined.category_points: missing " + string.Join(", ", missing.Select(EnumText.Of));
        if (Combined.CategoryPoints.Points.Select(p => p.Category).Distinct().Count() != Combined.CategoryPoints.Points.Count)
            yield return "combined.category_points: a category is listed twice";

        var factorsSeen = new HashSet<int>();
        foreach (var raise in Sexual.Step2.Raises)
        {
            if (raise.MinFactors < 0 || raise.MaxFactors > 4 || raise.MaxFactors < raise.MinFactors)
                yield return $"sexual.step2: {raise.MinFactors}-{raise.MaxFactors} is not a range within the four aggravating factors";
            if (raise.Categories < 0) yield return "sexual.step2: a raise cannot be negative";
            for (var factors = raise.MinFactors; factors <= raise.MaxFactors; factors++)
            {
                if (!factorsSeen.Add(factors)) yield return $"sexual.step2: {factors} aggravating factors appear in two rows";
            }
        }
    }
}

public sealed record StableItemDefinition(int Number, string Label, int Min, int Max, bool OnlyWhenVictimsIncludeChildren = false)
    : ItemDefinition(Number, Label, Min, Max);

public sealed record Stable2007RuleSet : RuleSet
{
    public required IReadOnlyList<StableItemDefinition> Items { get; init; }
    public required LevelTable<DynamicRiskLevel> LevelsWithChildItem { get; init; }
    public required LevelTable<DynamicRiskLevel> LevelsWithoutChildItem { get; init; }

    /// <summary>The items scored for this case: the child-identification item only when the victims include children.</summary>
    public IReadOnlyList<StableItemDefinition> ItemsFor(bool victimsIncludeChildren) =>
        Items.Where(item => victimsIncludeChildren || !item.OnlyWhenVictimsIncludeChildren).OrderBy(item => item.Number).ToArray();

    public LevelTable<DynamicRiskLevel> LevelsFor(bool victimsIncludeChildren) =>
        victimsIncludeChildren ? LevelsWithChildItem : LevelsWithoutChildItem;

    public override IEnumerable<string> Problems()
    {
        foreach (var problem in ItemProblems(Items, "items")) yield return problem;
        foreach (var withChildren in new[] { true, false })
        {
            var items = ItemsFor(withChildren);
            var name = withChildren ? "levels_with_child_item" : "levels_without_child_item";
            foreach (var problem in LevelsFor(withChildren).Problems(name, items.Sum(i => i.Min), items.Sum(i => i.Max), valuesMustRise: true))
                yield return problem;
        }
    }
}

public sealed record AcuteItemDefinition(int Number, string Label, AcuteFactorGroup Group, int Min, int Max)
    : ItemDefinition(Number, Label, Min, Max);

public sealed record Acute2007RuleSet : RuleSet
{
    public required IReadOnlyList<AcuteItemDefinition> Items { get; init; }
    public required LevelTable<DynamicRiskLevel> SexualViolentLevels { get; init; }
    public required LevelTable<DynamicRiskLevel> GeneralLevels { get; init; }

    public IReadOnlyList<AcuteItemDefinition> SexualViolentItems => Items.Where(i => i.Group == AcuteFactorGroup.SexualViolent).ToArray();

    public override IEnumerable<string> Problems()
    {
        foreach (var problem in ItemProblems(Items, "items")) yield return problem;
        if (Items.Any(item => !Enum.IsDefined(item.Group))) yield return "items: every item needs a group (SEXUAL_VIOLENT or GENERAL)";
        var sexualViolent = SexualViolentItems;
        foreach (var problem in SexualViolentLevels.Problems("sexual_violent_levels", sexualViolent.Sum(i => i.Min), sexualViolent.Sum(i => i.Max), valuesMustRise: true))
            yield return problem;
        foreach (var problem in GeneralLevels.Problems("general_levels", Items.Sum(i => i.Min), Items.Sum(i => i.Max), valuesMustRise: true))
            yield return problem;
    }
}

public sealed record RoshRequiredRatings(RoshSetting Setting, IReadOnlyList<RoshGroup> Groups);

public sealed record RoshRuleSet : RuleSet
{
    public required IReadOnlyList<RoshRequiredRatings> RequiredRatings { get; init; }
    public required int MaxTextLength { get; init; }

    public IEnumerable<(RoshGroup Group, RoshSetting Setting)> RequiredPairs =>
        RequiredRatings.SelectMany(required => required.Groups.Select(group => (group, required.Setting)));

    public override IEnumerable<string> Problems()
    {
        if (RequiredRatings.Count == 0) yield return "required_ratings: at least one setting is required";
        if (RequiredRatings.Select(r => r.Setting).Distinct().Count() != RequiredRatings.Count) yield return "required_ratings: a setting is listed twice";
        foreach (var required in RequiredRatings)
        {
            if (required.Groups.Count == 0) yield return $"required_ratings: {EnumText.Of(required.Setting)} lists no groups";
            if (required.Groups.Distinct().Count() != required.Groups.Count) yield return $"required_ratings: {EnumText.Of(required.Setting)} lists a group twice";
        }
        if (MaxTextLength <= 0) yield return "max_text_length: must be positive";
    }
}
