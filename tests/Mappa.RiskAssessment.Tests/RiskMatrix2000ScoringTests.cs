using Mappa.Core.Errors;
using Mappa.RiskAssessment.Features.Instruments;
using Mappa.RiskAssessment.Features.Instruments.RiskMatrix;
using Mappa.RiskAssessment.Features.Instruments.RuleSets;

namespace Mappa.RiskAssessment.Tests;

public sealed class RiskMatrix2000ScoringTests
{
    private static RiskMatrix2000RuleSet Current => (RiskMatrix2000RuleSet)TestRuleSets.Registry.Current(Instrument.RiskMatrix2000);

    /// <summary>A case at the bottom of every table: no aggravating factors, oldest age band, fewest appearances.</summary>
    private static RiskMatrix2000Input Baseline(RiskMatrix2000RuleSet rules) => new(
        AgeAtCommencementOfRisk: 60, SexualAppearances: 1, CriminalAppearances: 1, ViolentAppearances: 0,
        BurglaryConviction: false, MaleVictim: false, StrangerVictim: false, NeverMarried: false, NonContactSexualOffence: false);

    private static int Points(RiskMatrixScaleResult scale, RiskMatrixItem item) => scale.Step1ItemPoints.Single(p => p.Item == item).Points;

    public static TheoryData<string, int, string, int, int> PointTableEdges()
    {
        var data = new TheoryData<string, int, string, int, int>();
        var seen = new HashSet<(string, int, string, int)>();
        foreach (var rules in TestRuleSets.AllVersions<RiskMatrix2000RuleSet>())
        {
            void Add(string table, PointsTable points, int lowest)
            {
                foreach (var band in points.Bands)
                {
                    // Both ends of each band; an open-ended band is also checked well beyond its start.
                    foreach (var value in new[] { Math.Max(band.Min, lowest), band.Max ?? band.Min + 20 })
                    {
                        if (seen.Add((rules.RuleSetId, rules.Version, table, value)))
                            data.Add(rules.RuleSetId, rules.Version, table, value, band.Points);
                    }
                }
            }
            Add("sexual.age_points", rules.Sexual.AgePoints, rules.MinimumAge);
            Add("sexual.sexual_appearances_points", rules.Sexual.SexualAppearancesPoints, 1);
            Add("sexual.criminal_appearances_points", rules.Sexual.CriminalAppearancesPoints, 1);
            Add("violence.age_points", rules.Violence.AgePoints, rules.MinimumAge);
            Add("violence.violent_appearances_points", rules.Violence.ViolentAppearancesPoints, 0);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(PointTableEdges))]
    public void Step_one_points_follow_each_table_at_both_ends_of_every_band(string id, int version, string table, int value, int expectedPoints)
    {
        var rules = TestRuleSets.Version<RiskMatrix2000RuleSet>(id, version);
        var baseline = Baseline(rules);
        // Criminal appearances include the sexual and violent ones, so raise them with the count under test.
        var input = table switch
        {
            "sexual.age_points" or "violence.age_points" => baseline with { AgeAtCommencementOfRisk = value },
            "sexual.sexual_appearances_points" => baseline with { SexualAppearances = value, CriminalAppearances = value },
            "sexual.criminal_appearances_points" => baseline with { CriminalAppearances = value },
            "violence.violent_appearances_points" => baseline with { ViolentAppearances = value, CriminalAppearances = Math.Max(1, value) },
            _ => throw new ArgumentOutOfRangeException(nameof(table), table, null),
        };

        var result = RiskMatrix2000Scorer.Score(input, rules);

        var actual = table switch
        {
            "sexual.age_points" => Points(result.Sexual, RiskMatrixItem.AgeAtCommencementOfRisk),
            "violence.age_points" => Points(result.Violence, RiskMatrixItem.AgeAtCommencementOfRisk),
            "sexual.sexual_appearances_points" => Points(result.Sexual, RiskMatrixItem.SexualAppearances),
            "sexual.criminal_appearances_points" => Points(result.Sexual, RiskMatrixItem.CriminalAppearances),
            _ => Points(result.Violence, RiskMatrixItem.ViolentAppearances),
        };
        Assert.Equal(expectedPoints, actual);
        Assert.Equal(result.Sexual.Step1ItemPoints.Sum(p => p.Points), result.Sexual.Step1Points);
        Assert.Equal(result.Violence.Step1ItemPoints.Sum(p => p.Points), result.Violence.Step1Points);
    }

    [Fact]
    public void Burglary_adds_the_rule_sets_points_to_the_violence_scale_only()
    {
        var rules = Current;
        var without = RiskMatrix2000Scorer.Score(Baseline(rules), rules);
        var with = RiskMatrix2000Scorer.Score(Baseline(rules) with { BurglaryConviction = true }, rules);

        Assert.Equal(rules.Violence.BurglaryPoints.WithConviction - rules.Violence.BurglaryPoints.WithoutConviction, with.Violence.Step1Points - without.Violence.Step1Points);
        Assert.Equal(without.Sexual.Step1Points, with.Sexual.Step1Points);
    }

    /// <summary>Every combination of the step 1 inputs over the range the tables distinguish, for the category checks.</summary>
    private static IEnumerable<RiskMatrix2000Input> Step1Grid(RiskMatrix2000RuleSet rules)
    {
        static IEnumerable<int> Starts(PointsTable table) => table.Bands.Select(b => b.Min);
        foreach (var age in Starts(rules.Sexual.AgePoints).Union(Starts(rules.Violence.AgePoints)))
        foreach (var sexual in Starts(rules.Sexual.SexualAppearancesPoints))
        foreach (var criminal in Starts(rules.Sexual.CriminalAppearancesPoints).Where(c => c >= sexual).DefaultIfEmpty(sexual))
        foreach (var violent in Starts(rules.Violence.ViolentAppearancesPoints).Where(v => v <= criminal))
        foreach (var burglary in new[] { false, true })
            yield return Baseline(rules) with
            {
                AgeAtCommencementOfRisk = age, SexualAppearances = sexual, CriminalAppearances = criminal,
                ViolentAppearances = violent, BurglaryConviction = burglary,
            };
    }

    public static TheoryData<string, int> Versions()
    {
        var data = new TheoryData<string, int>();
        foreach (var rules in TestRuleSets.AllVersions<RiskMatrix2000RuleSet>()) data.Add(rules.RuleSetId, rules.Version);
        return data;
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void Step_one_categories_come_from_the_cut_offs_and_every_category_is_reached(string id, int version)
    {
        var rules = TestRuleSets.Version<RiskMatrix2000RuleSet>(id, version);
        var sexualSeen = new HashSet<RiskMatrixCategory>();
        var violenceSeen = new HashSet<RiskMatrixCategory>();

        foreach (var input in Step1Grid(rules))
        {
            var result = RiskMatrix2000Scorer.Score(input, rules);
            Assert.Equal(CategoryFor(rules.Sexual.Categories, result.Sexual.Step1Points), result.Sexual.Step1Category);
            Assert.Equal(CategoryFor(rules.Violence.Categories, result.Violence.Step1Points), result.Violence.Step1Category);
            Assert.Equal(result.Violence.Step1Category, result.Violence.FinalCategory);
            sexualSeen.Add(result.Sexual.Step1Category);
            violenceSeen.Add(result.Violence.Step1Category);
        }

        Assert.Equal(Enum.GetValues<RiskMatrixCategory>().ToHashSet(), sexualSeen);
        Assert.Equal(Enum.GetValues<RiskMatrixCategory>().ToHashSet(), violenceSeen);
    }

    /// <summary>Independent reading of a category table: the band whose range holds the points.</summary>
    private static RiskMatrixCategory CategoryFor(CategoryTable table, int points) =>
        table.Bands.Single(band => points >= band.Min && (band.Max is null || points <= band.Max)).Category;

    private static RiskMatrix2000Input WithFactors(RiskMatrix2000Input input, int count) => input with
    {
        MaleVictim = count >= 1, StrangerVictim = count >= 2, NeverMarried = count >= 3, NonContactSexualOffence = count >= 4,
    };

    /// <summary>A baseline case moved to the lowest step 1 points that give the category.</summary>
    private static RiskMatrix2000Input WithSexualStep1Category(RiskMatrix2000RuleSet rules, RiskMatrixCategory category)
    {
        var wanted = rules.Sexual.Categories.Bands.Single(b => b.Category == category).Min;
        return Step1Grid(rules).Where(input => !input.BurglaryConviction)
            .First(input => RiskMatrix2000Scorer.Score(input, rules).Sexual.Step1Points == wanted);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 0)]
    [InlineData(2, 1)]
    [InlineData(3, 1)]
    [InlineData(4, 2)]
    public void Step_two_raises_one_category_for_two_or_three_aggravating_factors_and_two_for_four(int factors, int raised)
    {
        var rules = Current;
        var input = WithFactors(WithSexualStep1Category(rules, RiskMatrixCategory.Low), factors);

        var result = RiskMatrix2000Scorer.Score(input, rules);

        Assert.Equal(RiskMatrixCategory.Low, result.Sexual.Step1Category);
        Assert.Equal(factors, result.Sexual.AggravatingFactors);
        Assert.Equal(raised, result.Sexual.CategoriesRaised);
        Assert.Equal((RiskMatrixCategory)((int)RiskMatrixCategory.Low + raised), result.Sexual.FinalCategory);
    }

    [Theory]
    [InlineData(RiskMatrixCategory.High, 4, RiskMatrixCategory.VeryHigh, 1)]
    [InlineData(RiskMatrixCategory.VeryHigh, 2, RiskMatrixCategory.VeryHigh, 0)]
    [InlineData(RiskMatrixCategory.VeryHigh, 4, RiskMatrixCategory.VeryHigh, 0)]
    [InlineData(RiskMatrixCategory.Medium, 4, RiskMatrixCategory.VeryHigh, 2)]
    public void Step_two_never_goes_above_very_high(RiskMatrixCategory step1, int factors, RiskMatrixCategory final, int raised)
    {
        var rules = Current;
        var input = WithFactors(WithSexualStep1Category(rules, step1), factors);

        var result = RiskMatrix2000Scorer.Score(input, rules);

        Assert.Equal(step1, result.Sexual.Step1Category);
        Assert.Equal(final, result.Sexual.FinalCategory);
        Assert.Equal(raised, result.Sexual.CategoriesRaised);
    }

    [Fact]
    public void Step_two_follows_the_rule_set_for_any_category_and_factor_count()
    {
        var rules = Current;
        foreach (var category in Enum.GetValues<RiskMatrixCategory>())
        foreach (var factors in Enumerable.Range(0, 5))
        {
            var result = RiskMatrix2000Scorer.Score(WithFactors(WithSexualStep1Category(rules, category), factors), rules);
            var expected = (RiskMatrixCategory)Math.Min((int)category + rules.Sexual.Step2.CategoriesFor(factors), (int)RiskMatrixCategory.VeryHigh);
            Assert.Equal(expected, result.Sexual.FinalCategory);
        }
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void The_combined_scale_sums_the_category_points_of_the_final_sexual_and_violence_categories(string id, int version)
    {
        var rules = TestRuleSets.Version<RiskMatrix2000RuleSet>(id, version);
        var seen = new HashSet<RiskMatrixCategory>();
        foreach (var step1 in Step1Grid(rules))
        foreach (var factors in new[] { 0, 2, 4 })
        {
            var result = RiskMatrix2000Scorer.Score(WithFactors(step1, factors), rules);

            var expectedPoints = rules.Combined.CategoryPoints.PointsFor(result.Sexual.FinalCategory)
                + rules.Combined.CategoryPoints.PointsFor(result.Violence.FinalCategory);
            Assert.Equal(expectedPoints, result.Combined.Points);
            Assert.Equal(CategoryFor(rules.Combined.Categories, expectedPoints), result.Combined.Category);
            seen.Add(result.Combined.Category);
        }
        Assert.Equal(Enum.GetValues<RiskMatrixCategory>().ToHashSet(), seen);
    }

    [Fact]
    public void A_person_under_the_minimum_age_is_refused()
    {
        var rules = Current;
        var error = Assert.Throws<ValidationFailedException>(() =>
            RiskMatrix2000Scorer.Score(Baseline(rules) with { AgeAtCommencementOfRisk = rules.MinimumAge - 1 }, rules));

        Assert.Equal("risk_matrix_2000.age_at_commencement_of_risk", Assert.Single(error.Violations).Field);
    }

    [Fact]
    public void Inconsistent_appearance_counts_are_named_field_by_field()
    {
        var rules = Current;
        var error = Assert.Throws<ValidationFailedException>(() => RiskMatrix2000Scorer.Score(
            Baseline(rules) with { SexualAppearances = 0, CriminalAppearances = 2, ViolentAppearances = 3 }, rules));

        Assert.Equal(
            ["risk_matrix_2000.sexual_appearances", "risk_matrix_2000.violent_appearances"],
            error.Violations.Select(v => v.Field));
    }

    [Fact]
    public void Criminal_appearances_cannot_be_fewer_than_sexual_appearances()
    {
        var rules = Current;
        var error = Assert.Throws<ValidationFailedException>(() => RiskMatrix2000Scorer.Score(
            Baseline(rules) with { SexualAppearances = 3, CriminalAppearances = 2 }, rules));

        Assert.Equal("risk_matrix_2000.criminal_appearances", Assert.Single(error.Violations).Field);
    }

    [Fact]
    public void Random_cases_never_lower_a_category_in_step_two_and_never_exceed_very_high()
    {
        var rules = Current;
        var random = new Random(2000);
        for (var run = 0; run < 2000; run++)
        {
            var sexual = random.Next(1, 12);
            var criminal = sexual + random.Next(0, 30);
            var input = new RiskMatrix2000Input(
                random.Next(rules.MinimumAge, 90), sexual, criminal, random.Next(0, criminal + 1), random.Next(2) == 1,
                random.Next(2) == 1, random.Next(2) == 1, random.Next(2) == 1, random.Next(2) == 1);

            var result = RiskMatrix2000Scorer.Score(input, rules);

            Assert.InRange(result.Sexual.FinalCategory, result.Sexual.Step1Category, RiskMatrixCategory.VeryHigh);
            Assert.Equal((int)result.Sexual.FinalCategory - (int)result.Sexual.Step1Category, result.Sexual.CategoriesRaised);
            Assert.Equal(input.AggravatingFactors, result.Sexual.AggravatingFactors);
            // One more aggravating factor never lowers the final category.
            if (!input.NonContactSexualOffence)
            {
                var more = RiskMatrix2000Scorer.Score(input with { NonContactSexualOffence = true }, rules);
                Assert.True(more.Sexual.FinalCategory >= result.Sexual.FinalCategory);
            }
        }
    }
}
