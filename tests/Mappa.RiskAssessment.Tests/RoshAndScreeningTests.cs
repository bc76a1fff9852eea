using Mappa.Core.Errors;
using Mappa.RiskAssessment.Features.Instruments;
using Mappa.RiskAssessment.Features.Instruments.Rosh;
using Mappa.RiskAssessment.Features.Instruments.RuleSets;
using Mappa.RiskAssessment.Features.Instruments.Screening;

namespace Mappa.RiskAssessment.Tests;

public sealed class RoshScoringTests
{
    private static RoshRuleSet Current => (RoshRuleSet)TestRuleSets.Registry.Current(Instrument.Rosh);

    private static RoshRating[] AllRated(RoshLevel level) =>
        Current.RequiredPairs.Select(pair => new RoshRating(pair.Group, pair.Setting, level)).ToArray();

    [Fact]
    public void Every_group_is_rated_in_the_community_and_in_custody()
    {
        Assert.Equal(
            Enum.GetValues<RoshGroup>().SelectMany(g => Enum.GetValues<RoshSetting>().Select(s => (g, s))).ToHashSet(),
            Current.RequiredPairs.ToHashSet());
    }

    [Fact]
    public void The_overall_level_is_the_highest_of_any_group_in_any_setting()
    {
        var random = new Random(4);
        for (var run = 0; run < 500; run++)
        {
            var ratings = AllRated(RoshLevel.Low).Select(r => r with { Level = (RoshLevel)random.Next(1, 5) }).ToArray();

            var result = RoshScorer.Score(new RoshInput(ratings), Current);

            Assert.Equal(ratings.Max(r => r.Level), result.OverallLevel);
            Assert.Equal(ratings.Where(r => r.Setting == RoshSetting.Community).Max(r => r.Level), result.CommunityLevel);
            Assert.Equal(ratings.Where(r => r.Setting == RoshSetting.Custody).Max(r => r.Level), result.CustodyLevel);
        }
    }

    [Fact]
    public void One_very_high_group_makes_the_overall_level_very_high()
    {
        var ratings = AllRated(RoshLevel.Low);
        var index = Array.FindIndex(ratings, r => r is { Group: RoshGroup.KnownAdult, Setting: RoshSetting.Community });
        ratings[index] = ratings[index] with { Level = RoshLevel.VeryHigh };

        var result = RoshScorer.Score(new RoshInput(ratings, Nature: "Violence towards a former partner"), Current);

        Assert.Equal(RoshLevel.VeryHigh, result.OverallLevel);
        Assert.Equal(RoshLevel.Low, result.CustodyLevel);
    }

    [Fact]
    public void Missing_duplicate_and_unspecified_ratings_are_named()
    {
        var ratings = AllRated(RoshLevel.Medium).Where(r => r is not { Group: RoshGroup.Staff, Setting: RoshSetting.Custody }).ToList();
        ratings.Add(new RoshRating(RoshGroup.Children, RoshSetting.Community, RoshLevel.High));
        ratings.Add(new RoshRating(RoshGroup.Public, 0, 0));

        var error = Assert.Throws<ValidationFailedException>(() => RoshScorer.Score(new RoshInput(ratings), Current));

        Assert.Equal(
            [$"rosh.ratings[{ratings.Count - 2}].group", $"rosh.ratings[{ratings.Count - 1}].setting", $"rosh.ratings[{ratings.Count - 1}].level", "rosh.ratings"],
            error.Violations.Select(v => v.Field));
        Assert.Contains("STAFF in CUSTODY", error.Violations[^1].Description);
    }

    [Fact]
    public void Text_longer_than_the_rule_set_allows_is_refused()
    {
        var error = Assert.Throws<ValidationFailedException>(() =>
            RoshScorer.Score(new RoshInput(AllRated(RoshLevel.Low), Imminence: new string('x', Current.MaxTextLength + 1)), Current));

        Assert.Equal("rosh.imminence", Assert.Single(error.Violations).Field);
    }
}

public sealed class LsiRSvScoringTests
{
    private static LsiRSvRuleSet Current => (LsiRSvRuleSet)TestRuleSets.Registry.Current(Instrument.LsiRSv);

    [Fact]
    public void The_screener_has_eight_items()
    {
        Assert.Equal(8, Current.Items.Count);
    }

    public static TheoryData<string, int, int, string> BandCutOffs()
    {
        var data = new TheoryData<string, int, int, string>();
        foreach (var rules in TestRuleSets.AllVersions<LsiRSvRuleSet>())
        foreach (var (total, band) in TestRuleSets.BandEdges(rules.Bands, rules.Items.Sum(i => i.Min), rules.MaxTotal))
            data.Add(rules.RuleSetId, rules.Version, total, EnumText.Of(band));
        return data;
    }

    [Theory]
    [MemberData(nameof(BandCutOffs))]
    public void Each_screening_band_starts_and_ends_at_the_cut_offs(string id, int version, int total, string expectedBand)
    {
        var rules = TestRuleSets.Version<LsiRSvRuleSet>(id, version);

        var result = LsiRSvScorer.Score(new LsiRSvInput(TestRuleSets.ItemsSummingTo(rules.Items, total)), rules);

        Assert.Equal(total, result.TotalScore);
        Assert.Equal(expectedBand, EnumText.Of(result.Band));
    }

    public static TheoryData<int, int> ItemBounds()
    {
        var data = new TheoryData<int, int>();
        foreach (var item in Current.Items)
        {
            data.Add(item.Number, item.Min);
            data.Add(item.Number, item.Max);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ItemBounds))]
    public void Every_item_is_accepted_at_each_end_of_its_range_and_refused_beyond_it(int itemNumber, int score)
    {
        var items = Current.Items.Select(item => new ItemScore(item.Number, item.Number == itemNumber ? score : item.Min)).ToArray();
        Assert.Equal(items.Sum(i => i.Score), LsiRSvScorer.Score(new LsiRSvInput(items), Current).TotalScore);

        var definition = Current.Items.Single(item => item.Number == itemNumber);
        var index = itemNumber - 1;
        items[index] = items[index] with { Score = score == definition.Min ? definition.Min - 1 : definition.Max + 1 };
        var error = Assert.Throws<ValidationFailedException>(() => LsiRSvScorer.Score(new LsiRSvInput(items), Current));
        Assert.Equal($"lsi_r_sv.items[{index}].score", Assert.Single(error.Violations).Field);
    }

    [Fact]
    public void The_link_to_the_full_assessment_is_kept_with_the_result()
    {
        var items = TestRuleSets.ItemsSummingTo(Current.Items, 3);

        var result = LsiRSvScorer.Score(new LsiRSvInput(items, " assessment-42 "), Current);

        Assert.Equal("assessment-42", result.FullAssessmentId);
    }

    [Fact]
    public void A_screening_may_only_link_to_an_ls_cmi()
    {
        LsiRSvScorer.EnsureLinkIsFullAssessment("assessment-42", Instrument.LsCmi);

        var error = Assert.Throws<ValidationFailedException>(() => LsiRSvScorer.EnsureLinkIsFullAssessment("assessment-43", Instrument.Stable2007));

        var violation = Assert.Single(error.Violations);
        Assert.Equal("lsi_r_sv.full_assessment_id", violation.Field);
        Assert.Contains("STABLE_2007", violation.Description);
    }
}
