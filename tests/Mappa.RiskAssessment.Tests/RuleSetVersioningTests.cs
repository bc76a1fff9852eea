using System.Text.Json.Nodes;
using Mappa.Core.Errors;
using Mappa.RiskAssessment.Features.Instruments;
using Mappa.RiskAssessment.Features.Instruments.LsCmi;
using Mappa.RiskAssessment.Features.Instruments.Rescoring;
using Mappa.RiskAssessment.Features.Instruments.RuleSets;

namespace Mappa.RiskAssessment.Tests;

public sealed class RuleSetVersioningTests : IDisposable
{
    private const string LsCmiId = "ls-cmi-section1";
    private readonly RuleSetFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>Version 2 moves the start of the HIGH band down by two points (and LOW/MEDIUM's end with it).</summary>
    private InstrumentScoring WithSecondLsCmiVersion(out int oldHighStart)
    {
        var v1 = _folder.Read(LsCmiId, 1);
        var bands = v1["levels"]!["bands"]!.AsArray();
        var highIndex = bands.Select((band, index) => (band, index)).Single(b => (string)b.band!["level"]! == "HIGH").index;
        oldHighStart = (int)bands[highIndex]!["min"]!;
        var newHighStart = oldHighStart - 2;
        _folder.AddVersion(LsCmiId, 2, document =>
        {
            var newBands = document["levels"]!["bands"]!.AsArray();
            newBands[highIndex]!["min"] = newHighStart;
            newBands[highIndex - 1]!["max"] = newHighStart - 1;
        });
        return new InstrumentScoring(RuleSetRegistry.LoadFrom(_folder.Path));
    }

    [Fact]
    public void The_registry_loads_every_version_present_and_new_assessments_use_the_newest()
    {
        var scoring = WithSecondLsCmiVersion(out _);

        Assert.Equal([1, 2], scoring.RuleSets.Versions(LsCmiId).Select(r => r.Version));
        var result = scoring.Score(new LsCmiInput(TestRuleSets.ItemsSummingTo(((LsCmiRuleSet)scoring.RuleSets.Current(Instrument.LsCmi)).Items, 10)));
        Assert.Equal(new RuleSetKey(LsCmiId, 2), result.RuleSet);
    }

    [Fact]
    public void A_new_version_never_changes_an_old_result()
    {
        var before = new InstrumentScoring(RuleSetRegistry.LoadFrom(_folder.Path));
        var v1Rules = (LsCmiRuleSet)before.RuleSets.Get(new RuleSetKey(LsCmiId, 1));
        int oldHighStart = v1Rules.Levels.Bands.Single(b => b.Level == LsCmiLevel.High).Min;
        var input = new LsCmiInput(TestRuleSets.ItemsSummingTo(v1Rules.Items, oldHighStart - 1));
        var stored = (LsCmiResult)before.Score(input);
        Assert.Equal(LsCmiLevel.Medium, stored.ComputedLevel);

        var after = WithSecondLsCmiVersion(out _);

        // The old assessment re-derived under the version it recorded is unchanged...
        var rederived = (LsCmiResult)after.Score(input, stored.RuleSet);
        Assert.Empty(RescoringCheck.Compare(stored, rederived));
        Assert.Equal(RescoringStatus.Consistent, new RescoringCheck(after).Check(input, stored).Status);
        // ...while the same items scored today fall under version 2's lower HIGH cut-off.
        var today = (LsCmiResult)after.Score(input);
        Assert.Equal(new RuleSetKey(LsCmiId, 2), today.RuleSet);
        Assert.Equal(LsCmiLevel.High, today.ComputedLevel);
    }

    [Fact]
    public void Scoring_with_another_instruments_rule_set_is_refused()
    {
        var input = new LsCmiInput(TestRuleSets.ItemsSummingTo(((LsCmiRuleSet)TestRuleSets.Registry.Current(Instrument.LsCmi)).Items, 5));

        var error = Assert.Throws<ValidationFailedException>(() =>
            TestRuleSets.Scoring.Score(input, TestRuleSets.Registry.Current(Instrument.Stable2007).Key));

        var violation = Assert.Single(error.Violations);
        Assert.Equal("rule_set.rule_set_id", violation.Field);
        Assert.Contains("STABLE_2007", violation.Description);
    }

    [Fact]
    public void An_assessment_declared_as_one_instrument_with_another_instruments_scores_is_refused()
    {
        var input = new LsCmiInput(TestRuleSets.ItemsSummingTo(((LsCmiRuleSet)TestRuleSets.Registry.Current(Instrument.LsCmi)).Items, 5));

        var error = Assert.Throws<ValidationFailedException>(() => TestRuleSets.Scoring.Score(Instrument.RiskMatrix2000, input, "scores"));

        Assert.Equal("scores.ls_cmi", Assert.Single(error.Violations).Field);
    }
}
