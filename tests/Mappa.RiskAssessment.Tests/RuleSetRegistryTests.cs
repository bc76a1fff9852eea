using System.Text.Json.Nodes;
using Mappa.Core.Errors;
using Mappa.RiskAssessment.Features.Instruments;
using Mappa.RiskAssessment.Features.Instruments.RuleSets;

namespace Mappa.RiskAssessment.Tests;

/// <summary>A copy of the shipped rule-set folder that a test may add versions to or break.</summary>
public sealed class RuleSetFolder : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mappa-rulesets-" + Guid.NewGuid().ToString("N"));

    public RuleSetFolder()
    {
        foreach (var file in Directory.EnumerateFiles(TestRuleSets.ShippedDirectory, "*.json", SearchOption.AllDirectories))
        {
            var target = System.IO.Path.Combine(Path, System.IO.Path.GetRelativePath(TestRuleSets.ShippedDirectory, file));
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    public JsonObject Read(string id, int version) =>
        JsonNode.Parse(File.ReadAllText(System.IO.Path.Combine(Path, id, $"v{version}.json")))!.AsObject();

    public void Write(string relativePath, JsonObject document)
    {
        var target = System.IO.Path.Combine(Path, relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
        File.WriteAllText(target, document.ToJsonString());
    }

    /// <summary>Adds version <paramref name="version"/> of a rule set, starting from version 1 and changed by <paramref name="change"/>.</summary>
    public void AddVersion(string id, int version, Action<JsonObject> change)
    {
        var document = Read(id, 1);
        document["version"] = version;
        change(document);
        Write(System.IO.Path.Combine(id, $"v{version}.json"), document);
    }

    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}

public sealed class RuleSetRegistryTests
{
    [Fact]
    public void The_shipped_files_give_one_rule_set_for_every_instrument()
    {
        var instruments = TestRuleSets.Registry.All.Select(r => r.Instrument).Distinct().Order();

        Assert.Equal(Enum.GetValues<Instrument>(), instruments);
    }

    [Fact]
    public void Every_shipped_rule_set_cites_its_sources_and_says_what_is_unverified()
    {
        Assert.All(TestRuleSets.Registry.All, ruleSet =>
        {
            Assert.NotEmpty(ruleSet.Title);
            Assert.NotEmpty(ruleSet.Sources);
            Assert.All(ruleSet.Sources, source => Assert.False(string.IsNullOrWhiteSpace(source.Source)));
        });
    }

    [Fact]
    public void A_gap_between_cut_offs_stops_the_registry_from_loading()
    {
        using var folder = new RuleSetFolder();
        folder.AddVersion("ls-cmi-section1", 2, document => document["levels"]!["bands"]![1]!["min"] = 6);

        var error = Assert.Throws<RuleSetLoadException>(() => RuleSetRegistry.LoadFrom(folder.Path));

        Assert.Contains(Path.Combine("ls-cmi-section1", "v2.json"), error.Message);
        Assert.Contains("gap or overlap", error.Message);
    }

    [Fact]
    public void Cut_offs_that_stop_short_of_the_highest_score_are_refused()
    {
        using var folder = new RuleSetFolder();
        folder.AddVersion("stable-2007", 2, document => document["levels_with_child_item"]!["bands"]![2]!["max"] = 20);

        var error = Assert.Throws<RuleSetLoadException>(() => RuleSetRegistry.LoadFrom(folder.Path));

        Assert.Contains("scores reach 26", error.Message);
    }

    [Fact]
    public void A_file_whose_version_does_not_match_its_name_is_refused()
    {
        using var folder = new RuleSetFolder();
        var copy = folder.Read("rosh", 1);
        folder.Write(Path.Combine("rosh", "v2.json"), copy);

        var error = Assert.Throws<RuleSetLoadException>(() => RuleSetRegistry.LoadFrom(folder.Path));

        Assert.Contains("must be stored at", error.Message);
    }

    [Fact]
    public void Two_rule_set_ids_for_one_instrument_are_refused()
    {
        using var folder = new RuleSetFolder();
        var copy = folder.Read("rosh", 1);
        copy["rule_set_id"] = "rosh-local";
        folder.Write(Path.Combine("rosh-local", "v1.json"), copy);

        var error = Assert.Throws<RuleSetLoadException>(() => RuleSetRegistry.LoadFrom(folder.Path));

        Assert.Contains("more than one rule-set id", error.Message);
    }

    [Fact]
    public void A_misspelt_field_is_refused_rather_than_ignored()
    {
        using var folder = new RuleSetFolder();
        folder.AddVersion("acute-2007", 2, document => document["general_level"] = document["general_levels"]!.DeepClone());

        var error = Assert.Throws<RuleSetLoadException>(() => RuleSetRegistry.LoadFrom(folder.Path));

        Assert.Contains("general_level", error.Message);
    }

    [Fact]
    public void An_unknown_version_is_not_found()
    {
        Assert.Throws<NotFoundException>(() => TestRuleSets.Registry.Get(new RuleSetKey("ls-cmi-section1", 999)));
    }
}
