using Mappa.Core.Errors;
using Mappa.RiskAssessment.Features.Instruments;
using Mappa.RiskAssessment.Features.Instruments.LsCmi;
using Mappa.RiskAssessment.Features.Instruments.RuleSets;

namespace Mappa.RiskAssessment.Tests;

public sealed class LsCmiScoringTests
{
    private static LsCmiRuleSet Current => (LsCmiRuleSet)TestRuleSets.Registry.Current(Instrument.LsCmi);

    private static ItemScore[] AllAtMinimum(LsCmiRuleSet rules) => rules.Items.Select(item => new ItemScore(item.Number, item.Min)).ToArray();

    public static TheoryData<string, int, int, int> ItemBounds()
    {
        var data = new TheoryData<string, int, int, int>();
        foreach (var rules in TestRuleSets.AllVersions<LsCmiRuleSet>())
        foreach (var item in rules.Items)
        {
            data.Add(rules.RuleSetId, rules.Version, item.Number, item.Min);
            data.Add(rules.RuleSetId, rules.Version, item.Number, item.Max);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ItemBounds))]
    public void Every_item_is_accepted_at_each_end_of_its_range_and_counts_in_its_subcomponent(string id, int version, int itemNumber, int score)
    {
        var rules = TestRuleSets.Version<LsCmiRuleSet>(id, version);
        var items = AllAtMinimum(rules).Select(item => item.ItemNumber == itemNumber ? item with { Score = score } : item).ToArray();

        var result = LsCmiScorer.Score(new LsCmiInput(items), rules);

        var owner = rules.Subcomponents.Single(s => s.Items.Any(item => item.Number == itemNumber));
        var expectedSubcomponent = owner.Items.Sum(item => item.Number == itemNumber ? score : item.Min);
        Assert.Equal(expectedSubcomponent, result.Subcomponents.Single(s => s.Subcomponent == owner.Subcomponent).Score);
        Assert.Equal(rules.Items.Sum(item => item.Min) - rules.Items.Single(i => i.Number == itemNumber).Min + score, result.TotalScore);
    }

    [Theory]
    [MemberData(nameof(ItemBounds))]
    public void Every_item_is_refused_just_outside_its_range(string id, int version, int itemNumber, int boundary)
    {
        var rules = TestRuleSets.Version<LsCmiRuleSet>(id, version);
        var definition = rules.Items.Single(item => item.Number == itemNumber);
        var outside = boundary == definition.Min ? definition.Min - 1 : definition.Max + 1;
        var items = AllAtMinimum(rules);
        var index = Array.FindIndex(items, item => item.ItemNumber == itemNumber);
        items[index] = items[index] with { Score = outside };

        var error = Assert.Throws<ValidationFailedException>(() => LsCmiScorer.Score(new LsCmiInput(items), rules));

        var violation = Assert.Single(error.Violations);
        Assert.Equal($"ls_cmi.items[{index}].score", violation.Field);
    }

    public static TheoryData<string, int, int, string> LevelCutOffs()
    {
        var data = new TheoryData<string, int, int, string>();
        foreach (var rules in TestRuleSets.AllVersions<LsCmiRuleSet>())
        foreach (var (total, level) in TestRuleSets.BandEdges(rules.Levels, rules.Items.Sum(i => i.Min), rules.MaxTotal))
            data.Add(rules.RuleSetId, rules.Version, total, EnumText.Of(level));
        return data;
    }

    [Theory]
    [MemberData(nameof(LevelCutOffs))]
    public void Each_level_starts_and_ends_at_the_cut_offs_in_the_rule_set(string id, int version, int total, string expectedLevel)
    {
        var rules = TestRuleSets.Version<LsCmiRuleSet>(id, version);

        var result = LsCmiScorer.Score(new LsCmiInput(TestRuleSets.ItemsSummingTo(rules.Items, total)), rules);

        Assert.Equal(total, result.TotalScore);
        Assert.Equal(expectedLevel, EnumText.Of(result.ComputedLevel));
        Assert.Equal(result.ComputedLevel, result.FinalLevel);
        Assert.False(result.Overridden);
        Assert.Equal(rules.Key, result.RuleSet);
    }

    [Fact]
    public void Subcomponent_scores_add_up_to_the_total_and_report_their_maximum()
    {
        var rules = Current;
        var items = rules.Items.Select(item => new ItemScore(item.Number, item.Number % 2 == 0 ? item.Max : item.Min)).ToArray();

        var result = LsCmiScorer.Score(new LsCmiInput(items), rules);

        Assert.Equal(Enum.GetValues<LsCmiSubcomponent>(), result.Subcomponents.Select(s => s.Subcomponent));
        Assert.Equal(result.TotalScore, result.Subcomponents.Sum(s => s.Score));
        foreach (var subcomponent in rules.Subcomponents)
        {
            var scored = result.Subcomponents.Single(s => s.Subcomponent == subcomponent.Subcomponent);
            Assert.Equal(subcomponent.Items.Sum(i => i.Number % 2 == 0 ? i.Max : i.Min), scored.Score);
            Assert.Equal(subcomponent.Items.Sum(i => i.Max), scored.MaxScore);
        }
    }

    [Fact]
    public void Section_one_has_43_items_in_eight_subcomponents_scored_0_or_1()
    {
        var rules = Current;

        Assert.Equal(43, rules.Items.Count);
        Assert.Equal(8, rules.Subcomponents.Count);
        Assert.All(rules.Items, item => Assert.Equal((0, 1), (item.Min, item.Max)));
        Assert.Equal(
            [8, 9, 4, 2, 4, 8, 4, 4],
            rules.Subcomponents.OrderBy(s => s.Subcomponent).Select(s => s.Items.Count).ToArray());
    }

    [Fact]
    public void A_missing_item_is_named_on_the_items_list()
    {
        var items = AllAtMinimum(Current).Where(item => item.ItemNumber != 7).ToArray();

        var error = Assert.Throws<ValidationFailedException>(() => LsCmiScorer.Score(new LsCmiInput(items), Current));

        var violation = Assert.Single(error.Violations);
        Assert.Equal("ls_cmi.items", violation.Field);
        Assert.Contains("item 7", violation.Description);
    }

    [Fact]
    public void A_duplicate_item_is_named_at_its_second_entry()
    {
        var items = AllAtMinimum(Current).Append(new ItemScore(5, 1)).ToArray();

        var error = Assert.Throws<ValidationFailedException>(() => LsCmiScorer.Score(new LsCmiInput(items), Current));

        var violation = Assert.Single(error.Violations);
        Assert.Equal($"ls_cmi.items[{items.Length - 1}].item_number", violation.Field);
        Assert.Contains("ls_cmi.items[4]", violation.Description);
    }

    [Fact]
    public void An_item_that_does_not_exist_is_refused_and_still_counted_as_missing_where_it_replaced_one()
    {
        var items = AllAtMinimum(Current);
        items[42] = new ItemScore(44, 0);

        var error = Assert.Throws<ValidationFailedException>(() => LsCmiScorer.Score(new LsCmiInput(items), Current));

        Assert.Equal(["ls_cmi.items[42].item_number", "ls_cmi.items"], error.Violations.Select(v => v.Field));
        Assert.Contains("item 43", error.Violations[1].Description);
    }

    [Fact]
    public void Every_problem_is_reported_at_once_under_the_given_request_field()
    {
        var items = AllAtMinimum(Current);
        items[0] = items[0] with { Score = 2 };
        items[1] = items[1] with { Score = -1 };

        var error = Assert.Throws<ValidationFailedException>(() => LsCmiScorer.Score(new LsCmiInput(items), Current, "scores"));

        Assert.Equal(["scores.ls_cmi.items[0].score", "scores.ls_cmi.items[1].score"], error.Violations.Select(v => v.Field));
    }

    private static LsCmiInput WithTotal(int total, ProfessionalOverride? professionalOverride) =>
        new(TestRuleSets.ItemsSummingTo(Current.Items, total), professionalOverride);

    private static int TotalFor(LsCmiLevel level) => Current.Levels.Bands.First(band => band.Level == level).Min;

    [Fact]
    public void An_override_up_keeps_the_computed_level_and_sets_the_final_level()
    {
        var result = LsCmiScorer.Score(
            WithTotal(TotalFor(LsCmiLevel.Medium), new ProfessionalOverride(OverrideDirection.Up, LsCmiLevel.High, ["Recent escalation in violence"], "manager-17")),
            Current);

        Assert.Equal(LsCmiLevel.Medium, result.ComputedLevel);
        Assert.Equal(LsCmiLevel.High, result.FinalLevel);
        Assert.True(result.Overridden);
    }

    [Fact]
    public void An_override_down_must_set_a_lower_level()
    {
        var error = Assert.Throws<ValidationFailedException>(() => LsCmiScorer.Score(
            WithTotal(TotalFor(LsCmiLevel.Medium), new ProfessionalOverride(OverrideDirection.Down, LsCmiLevel.High, ["reason"], "manager-17")),
            Current));

        var violation = Assert.Single(error.Violations);
        Assert.Equal("ls_cmi.professional_override.new_level", violation.Field);
        Assert.Contains("MEDIUM", violation.Description);
    }

    [Fact]
    public void An_override_up_to_the_same_level_is_refused()
    {
        var error = Assert.Throws<ValidationFailedException>(() => LsCmiScorer.Score(
            WithTotal(TotalFor(LsCmiLevel.Low), new ProfessionalOverride(OverrideDirection.Up, LsCmiLevel.Low, ["reason"], "manager-17")),
            Current));

        Assert.Equal("ls_cmi.professional_override.new_level", Assert.Single(error.Violations).Field);
    }

    [Fact]
    public void An_override_needs_a_direction_a_level_reasons_and_an_approver()
    {
        var error = Assert.Throws<ValidationFailedException>(() => LsCmiScorer.Score(
            WithTotal(TotalFor(LsCmiLevel.Low), new ProfessionalOverride(0, 0, [], " ")),
            Current));

        Assert.Equal(
            [
                "ls_cmi.professional_override.direction",
                "ls_cmi.professional_override.new_level",
                "ls_cmi.professional_override.reasons",
                "ls_cmi.professional_override.approver_id",
            ],
            error.Violations.Select(v => v.Field));
    }

    [Fact]
    public void A_blank_reason_is_named_by_its_position()
    {
        var error = Assert.Throws<ValidationFailedException>(() => LsCmiScorer.Score(
            WithTotal(TotalFor(LsCmiLevel.Low), new ProfessionalOverride(OverrideDirection.Up, LsCmiLevel.High, ["Escalation", ""], "manager-17")),
            Current));

        Assert.Equal("ls_cmi.professional_override.reasons[1]", Assert.Single(error.Violations).Field);
    }
}
