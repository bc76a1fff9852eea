using Mappa.RiskAssessment.Features.Instruments;
using Mappa.RiskAssessment.Features.Instruments.LsCmi;
using Mappa.RiskAssessment.Features.Instruments.RiskMatrix;
using Mappa.RiskAssessment.Features.Instruments.Rescoring;
using Mappa.RiskAssessment.Features.Instruments.RuleSets;
using Mappa.RiskAssessment.Features.Instruments.Sa07;

namespace Mappa.RiskAssessment.Tests;

public sealed class RescoringCheckTests
{
    private static readonly RescoringCheck Check = new(TestRuleSets.Scoring);

    private static LsCmiRuleSet LsCmiRules => (LsCmiRuleSet)TestRuleSets.Registry.Current(Instrument.LsCmi);

    [Fact]
    public void A_correctly_scored_assessment_is_consistent()
    {
        var input = new LsCmiInput(TestRuleSets.ItemsSummingTo(LsCmiRules.Items, 22));
        var stored = TestRuleSets.Scoring.Score(input);

        var outcome = Check.Check(input, stored);

        Assert.Equal(RescoringStatus.Consistent, outcome.Status);
        Assert.False(outcome.NeedsReview);
        Assert.Empty(outcome.Mismatches);
    }

    [Fact]
    public void A_stored_level_that_does_not_match_the_stored_total_is_reported_field_by_field()
    {
        // The 2022 pattern: item scores and total right, level shown from the wrong band.
        var input = new LsCmiInput(TestRuleSets.ItemsSummingTo(LsCmiRules.Items, LsCmiRules.Levels.Bands.Single(b => b.Level == LsCmiLevel.High).Min));
        var correct = (LsCmiResult)TestRuleSets.Scoring.Score(input);
        var stored = correct with { ComputedLevel = LsCmiLevel.Medium, FinalLevel = LsCmiLevel.Medium };

        var outcome = Check.Check(input, stored);

        Assert.Equal(RescoringStatus.Mismatched, outcome.Status);
        Assert.Equal(
            [
                new ScoreMismatch("ls_cmi.computed_level", "MEDIUM", "HIGH"),
                new ScoreMismatch("ls_cmi.final_level", "MEDIUM", "HIGH"),
            ],
            outcome.Mismatches);
    }

    [Fact]
    public void A_stored_total_that_does_not_match_the_item_scores_is_reported()
    {
        var input = new LsCmiInput(TestRuleSets.ItemsSummingTo(LsCmiRules.Items, 12));
        var stored = (LsCmiResult)TestRuleSets.Scoring.Score(input) with { TotalScore = 13 };

        var outcome = Check.Check(input, stored);

        Assert.Equal(new ScoreMismatch("ls_cmi.total_score", "13", "12"), Assert.Single(outcome.Mismatches));
    }

    [Fact]
    public void A_stored_subcomponent_score_that_does_not_match_is_reported_by_subcomponent()
    {
        var input = new LsCmiInput(TestRuleSets.ItemsSummingTo(LsCmiRules.Items, 12));
        var correct = (LsCmiResult)TestRuleSets.Scoring.Score(input);
        var subcomponents = correct.Subcomponents.Select(s => s.Subcomponent == LsCmiSubcomponent.Companions ? s with { Score = s.Score + 1 } : s).ToArray();

        var outcome = Check.Check(input, correct with { Subcomponents = subcomponents });

        Assert.Equal("ls_cmi.subcomponents[COMPANIONS].score", Assert.Single(outcome.Mismatches).Field);
    }

    [Fact]
    public void An_override_is_kept_when_re_derived_so_an_overridden_level_is_not_a_mismatch()
    {
        var input = new LsCmiInput(
            TestRuleSets.ItemsSummingTo(LsCmiRules.Items, 6),
            new ProfessionalOverride(OverrideDirection.Up, LsCmiLevel.High, ["Recent threats"], "manager-3"));
        var stored = TestRuleSets.Scoring.Score(input);

        Assert.Equal(RescoringStatus.Consistent, Check.Check(input, stored).Status);
    }

    [Fact]
    public void A_wrong_risk_matrix_step_two_is_found()
    {
        var rules = (RiskMatrix2000RuleSet)TestRuleSets.Registry.Current(Instrument.RiskMatrix2000);
        var input = new RiskMatrix2000Input(40, 1, 2, 0, false, true, true, false, false);
        var correct = (RiskMatrix2000Result)RiskMatrix2000Scorer.Score(input, rules);
        var stored = correct with { Sexual = correct.Sexual with { CategoriesRaised = 0, FinalCategory = correct.Sexual.Step1Category } };

        var outcome = Check.Check(input, stored);

        Assert.Equal(RescoringStatus.Mismatched, outcome.Status);
        Assert.Contains(outcome.Mismatches, m => m.Field == "risk_matrix_2000.sexual.final_category");
        Assert.Contains(outcome.Mismatches, m => m.Field == "risk_matrix_2000.sexual.categories_raised");
    }

    [Fact]
    public void A_result_recorded_under_a_version_that_is_not_loaded_cannot_be_checked()
    {
        var input = new LsCmiInput(TestRuleSets.ItemsSummingTo(LsCmiRules.Items, 12));
        var stored = (LsCmiResult)TestRuleSets.Scoring.Score(input) with { RuleSet = new RuleSetKey("ls-cmi-section1", 99) };

        var outcome = Check.Check(input, stored);

        Assert.Equal(RescoringStatus.RuleSetMissing, outcome.Status);
        Assert.True(outcome.NeedsReview);
    }

    [Fact]
    public void Stored_item_scores_that_are_invalid_under_the_recorded_rule_set_are_reported_with_their_fields()
    {
        var items = TestRuleSets.ItemsSummingTo(LsCmiRules.Items, 12);
        var stored = TestRuleSets.Scoring.Score(new LsCmiInput(items));
        items[3] = items[3] with { Score = 7 };

        var outcome = Check.Check(new LsCmiInput(items), stored);

        Assert.Equal(RescoringStatus.InputInvalid, outcome.Status);
        Assert.Equal("ls_cmi.items[3].score", Assert.Single(outcome.Violations).Field);
    }

    [Fact]
    public void A_result_stored_against_another_instruments_input_is_reported()
    {
        var stable = (Stable2007RuleSet)TestRuleSets.Registry.Current(Instrument.Stable2007);
        var stableInput = new Stable2007Input(TestRuleSets.ItemsSummingTo(stable.ItemsFor(false), 4), false);
        var lsCmiResult = TestRuleSets.Scoring.Score(new LsCmiInput(TestRuleSets.ItemsSummingTo(LsCmiRules.Items, 12)));

        var outcome = Check.Check(stableInput, lsCmiResult);

        Assert.Equal(RescoringStatus.InputInvalid, outcome.Status);
        Assert.Equal("stable_2007", Assert.Single(outcome.Violations).Field);
    }

    [Fact]
    public void Random_correct_assessments_are_always_consistent_and_any_changed_total_is_caught()
    {
        var random = new Random(2022);
        for (var run = 0; run < 300; run++)
        {
            var items = LsCmiRules.Items.Select(item => new ItemScore(item.Number, random.Next(item.Min, item.Max + 1))).ToArray();
            var input = new LsCmiInput(items);
            var stored = (LsCmiResult)TestRuleSets.Scoring.Score(input);

            Assert.Equal(items.Sum(i => i.Score), stored.TotalScore);
            Assert.Equal(RescoringStatus.Consistent, Check.Check(input, stored).Status);
            var tampered = stored with { TotalScore = stored.TotalScore + random.Next(1, 5) };
            Assert.Contains(Check.Check(input, tampered).Mismatches, m => m.Field == "ls_cmi.total_score");
        }
    }
}
