using Mappa.Core.Errors;
using Mappa.RiskAssessment.Features.Instruments;
using Mappa.RiskAssessment.Features.Instruments.RuleSets;
using Mappa.RiskAssessment.Features.Instruments.Sa07;

namespace Mappa.RiskAssessment.Tests;

public sealed class Stable2007ScoringTests
{
    private static Stable2007RuleSet Current => (Stable2007RuleSet)TestRuleSets.Registry.Current(Instrument.Stable2007);

    private static int ChildItem => Current.Items.Single(item => item.OnlyWhenVictimsIncludeChildren).Number;

    private static ItemScore[] AllAtMinimum(Stable2007RuleSet rules, bool children) =>
        rules.ItemsFor(children).Select(item => new ItemScore(item.Number, item.Min)).ToArray();

    [Fact]
    public void Thirteen_items_are_scored_0_to_2_and_one_depends_on_child_victims()
    {
        Assert.Equal(13, Current.Items.Count);
        Assert.All(Current.Items, item => Assert.Equal((0, 2), (item.Min, item.Max)));
        Assert.Single(Current.Items, item => item.OnlyWhenVictimsIncludeChildren);
    }

    public static TheoryData<string, int, bool, int, int> ItemBounds()
    {
        var data = new TheoryData<string, int, bool, int, int>();
        foreach (var rules in TestRuleSets.AllVersions<Stable2007RuleSet>())
        foreach (var children in new[] { true, false })
        foreach (var item in rules.ItemsFor(children))
        {
            data.Add(rules.RuleSetId, rules.Version, children, item.Number, item.Min);
            data.Add(rules.RuleSetId, rules.Version, children, item.Number, item.Max);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ItemBounds))]
    public void Every_relevant_item_is_accepted_at_each_end_of_its_range_and_refused_beyond_it(string id, int version, bool children, int itemNumber, int score)
    {
        var rules = TestRuleSets.Version<Stable2007RuleSet>(id, version);
        var items = AllAtMinimum(rules, children);
        var index = Array.FindIndex(items, item => item.ItemNumber == itemNumber);
        items[index] = items[index] with { Score = score };

        var result = Stable2007Scorer.Score(new Stable2007Input(items, children), rules);
        Assert.Equal(items.Sum(item => item.Score), result.TotalScore);

        var definition = rules.Items.Single(item => item.Number == itemNumber);
        items[index] = items[index] with { Score = score == definition.Min ? definition.Min - 1 : definition.Max + 1 };
        var error = Assert.Throws<ValidationFailedException>(() => Stable2007Scorer.Score(new Stable2007Input(items, children), rules));
        Assert.Equal($"stable_2007.items[{index}].score", Assert.Single(error.Violations).Field);
    }

    public static TheoryData<string, int, bool, int, string> LevelCutOffs()
    {
        var data = new TheoryData<string, int, bool, int, string>();
        foreach (var rules in TestRuleSets.AllVersions<Stable2007RuleSet>())
        foreach (var children in new[] { true, false })
        {
            var items = rules.ItemsFor(children);
            foreach (var (total, level) in TestRuleSets.BandEdges(rules.LevelsFor(children), items.Sum(i => i.Min), items.Sum(i => i.Max)))
                data.Add(rules.RuleSetId, rules.Version, children, total, EnumText.Of(level));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(LevelCutOffs))]
    public void Each_level_starts_and_ends_at_the_cut_offs_for_cases_with_and_without_child_victims(string id, int version, bool children, int total, string expectedLevel)
    {
        var rules = TestRuleSets.Version<Stable2007RuleSet>(id, version);

        var result = Stable2007Scorer.Score(new Stable2007Input(TestRuleSets.ItemsSummingTo(rules.ItemsFor(children), total), children), rules);

        Assert.Equal(total, result.TotalScore);
        Assert.Equal(expectedLevel, EnumText.Of(result.Level));
    }

    [Fact]
    public void Without_child_victims_the_child_item_is_excluded_and_the_maximum_drops()
    {
        var with = Stable2007Scorer.Score(new Stable2007Input(AllAtMinimum(Current, true), true), Current);
        var without = Stable2007Scorer.Score(new Stable2007Input(AllAtMinimum(Current, false), false), Current);

        Assert.True(with.ChildIdentificationItemScored);
        Assert.False(without.ChildIdentificationItemScored);
        Assert.Equal(26, with.MaxScore);
        Assert.Equal(24, without.MaxScore);
    }

    [Fact]
    public void Scoring_the_child_item_when_the_victims_are_not_children_is_refused()
    {
        var items = AllAtMinimum(Current, false).Append(new ItemScore(ChildItem, 1)).ToArray();

        var error = Assert.Throws<ValidationFailedException>(() => Stable2007Scorer.Score(new Stable2007Input(items, false), Current));

        var violation = Assert.Single(error.Violations);
        Assert.Equal($"stable_2007.items[{items.Length - 1}].item_number", violation.Field);
        Assert.Contains("victims include children", violation.Description);
    }

    [Fact]
    public void Leaving_out_the_child_item_when_the_victims_include_children_is_a_missing_item()
    {
        var items = AllAtMinimum(Current, false);

        var error = Assert.Throws<ValidationFailedException>(() => Stable2007Scorer.Score(new Stable2007Input(items, true), Current));

        var violation = Assert.Single(error.Violations);
        Assert.Equal("stable_2007.items", violation.Field);
        Assert.Contains($"item {ChildItem}", violation.Description);
    }
}

public sealed class Acute2007ScoringTests
{
    private static Acute2007RuleSet Current => (Acute2007RuleSet)TestRuleSets.Registry.Current(Instrument.Acute2007);

    private static AcuteItemScore[] Scores(Acute2007RuleSet rules, Func<AcuteItemDefinition, int> score) =>
        rules.Items.Select(item => new AcuteItemScore(item.Number, score(item))).ToArray();

    [Fact]
    public void Seven_items_four_sexual_violent_and_three_general()
    {
        Assert.Equal(7, Current.Items.Count);
        Assert.Equal(4, Current.SexualViolentItems.Count);
    }

    public static TheoryData<string, int, int, int> ItemBounds()
    {
        var data = new TheoryData<string, int, int, int>();
        foreach (var rules in TestRuleSets.AllVersions<Acute2007RuleSet>())
        foreach (var item in rules.Items)
        {
            data.Add(rules.RuleSetId, rules.Version, item.Number, item.Min);
            data.Add(rules.RuleSetId, rules.Version, item.Number, item.Max);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ItemBounds))]
    public void Every_item_is_accepted_at_each_end_of_its_range_and_counts_on_its_scales(string id, int version, int itemNumber, int score)
    {
        var rules = TestRuleSets.Version<Acute2007RuleSet>(id, version);
        var items = Scores(rules, item => item.Number == itemNumber ? score : item.Min);

        var result = Acute2007Scorer.Score(new Acute2007Input(items), rules);

        Assert.Equal(items.Sum(i => i.Score), result.GeneralScore);
        Assert.Equal(rules.SexualViolentItems.Sum(item => item.Number == itemNumber ? score : item.Min), result.SexualViolentScore);
    }

    public static TheoryData<string, int, string, int, string> LevelCutOffs()
    {
        var data = new TheoryData<string, int, string, int, string>();
        foreach (var rules in TestRuleSets.AllVersions<Acute2007RuleSet>())
        {
            var sv = rules.SexualViolentItems;
            foreach (var (total, level) in TestRuleSets.BandEdges(rules.SexualViolentLevels, sv.Sum(i => i.Min), sv.Sum(i => i.Max)))
                data.Add(rules.RuleSetId, rules.Version, "sexual_violent", total, EnumText.Of(level));
            foreach (var (total, level) in TestRuleSets.BandEdges(rules.GeneralLevels, rules.Items.Sum(i => i.Min), rules.Items.Sum(i => i.Max)))
                data.Add(rules.RuleSetId, rules.Version, "general", total, EnumText.Of(level));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(LevelCutOffs))]
    public void Each_scale_level_starts_and_ends_at_the_cut_offs(string id, int version, string scale, int total, string expectedLevel)
    {
        var rules = TestRuleSets.Version<Acute2007RuleSet>(id, version);
        // Put the whole total on the scale under test: for the sexual/violent scale the general items stay at
        // their minimum; for the general scale, fill general items first so the sexual/violent scale moves least.
        var ordered = scale == "sexual_violent"
            ? rules.SexualViolentItems
            : rules.Items.OrderBy(item => item.Group == AcuteFactorGroup.SexualViolent).ThenBy(item => item.Number).ToArray();
        var filled = new Dictionary<int, int>();
        var remaining = total - (scale == "sexual_violent" ? rules.SexualViolentItems.Sum(i => i.Min) : rules.Items.Sum(i => i.Min));
        foreach (var item in ordered)
        {
            var extra = Math.Min(remaining, item.Max - item.Min);
            filled[item.Number] = item.Min + extra;
            remaining -= extra;
        }
        var items = Scores(rules, item => filled.GetValueOrDefault(item.Number, item.Min));

        var result = Acute2007Scorer.Score(new Acute2007Input(items), rules);

        var (score, level) = scale == "sexual_violent"
            ? (result.SexualViolentScore, result.SexualViolentLevel)
            : (result.GeneralScore, result.GeneralLevel);
        Assert.Equal(total, score);
        Assert.Equal(expectedLevel, EnumText.Of(level));
    }

    [Fact]
    public void Any_item_marked_intervene_now_flags_the_result()
    {
        var items = Scores(Current, item => item.Min);
        items[5] = items[5] with { InterveneNow = true };

        Assert.True(Acute2007Scorer.Score(new Acute2007Input(items), Current).InterveneNow);
        Assert.False(Acute2007Scorer.Score(new Acute2007Input(Scores(Current, item => item.Max)), Current).InterveneNow);
    }

    [Fact]
    public void Out_of_range_missing_and_duplicate_items_are_all_named()
    {
        var items = Scores(Current, item => item.Min).Skip(1).Append(new AcuteItemScore(2, 0)).ToArray();
        items[0] = items[0] with { Score = 3 };

        var error = Assert.Throws<ValidationFailedException>(() => Acute2007Scorer.Score(new Acute2007Input(items), Current));

        Assert.Equal(
            ["acute_2007.items[0].score", $"acute_2007.items[{items.Length - 1}].item_number", "acute_2007.items"],
            error.Violations.Select(v => v.Field));
    }
}
