using System.Text.Json;
using System.Text.Json.Serialization;
using Mappa.Core.Errors;

namespace Mappa.RiskAssessment.Features.Instruments.RuleSets;

/// <summary>The rule-set files could not be loaded; the service must not start scoring with them.</summary>
public sealed class RuleSetLoadException(string message) : Exception(message);

/// <summary>
/// Every rule-set version present on disk, loaded and checked once at start-up. New assessments are scored
/// with the newest version of their instrument's rule set; an old assessment is re-scored with the version
/// it recorded, so adding a version never changes an old result.
/// </summary>
public sealed class RuleSetRegistry
{
    public const string DefaultFolderName = "RuleSets";

    private static readonly JsonSerializerOptions FileFormat = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseUpper, allowIntegerValues: false) },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        RespectNullableAnnotations = true,
    };

    private readonly Dictionary<RuleSetKey, RuleSet> _byKey;
    private readonly Dictionary<Instrument, RuleSet> _currentByInstrument;

    private RuleSetRegistry(IEnumerable<RuleSet> ruleSets)
    {
        _byKey = ruleSets.ToDictionary(ruleSet => ruleSet.Key);
        _currentByInstrument = _byKey.Values
            .GroupBy(ruleSet => ruleSet.Instrument)
            .ToDictionary(group => group.Key, group => group.MaxBy(ruleSet => ruleSet.Version)!);
    }

    /// <summary>Every loaded version, ordered by id then version.</summary>
    public IReadOnlyList<RuleSet> All => _byKey.Values.OrderBy(r => r.RuleSetId, StringComparer.Ordinal).ThenBy(r => r.Version).ToArray();

    /// <summary>Loads the rule sets copied next to the application (bin/.../RuleSets).</summary>
    public static RuleSetRegistry LoadDefault() => LoadFrom(Path.Combine(AppContext.BaseDirectory, DefaultFolderName));

    /// <summary>Loads every RuleSets/{id}/v{version}.json under <paramref name="directory"/>, or fails listing every problem.</summary>
    public static RuleSetRegistry LoadFrom(string directory)
    {
        if (!Directory.Exists(directory)) throw new RuleSetLoadException($"Rule-set folder '{directory}' does not exist.");

        var problems = new List<string>();
        var loaded = new List<RuleSet>();
        foreach (var file in Directory.EnumerateFiles(directory, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(directory, file);
            try
            {
                var ruleSet = Parse(File.ReadAllText(file));
                problems.AddRange(ruleSet.Problems().Select(problem => $"{relative}: {problem}"));
                problems.AddRange(PlacementProblems(ruleSet, relative));
                loaded.Add(ruleSet);
            }
            catch (JsonException error)
            {
                problems.Add($"{relative}: not a valid rule-set file: {error.Message}");
            }
        }

        foreach (var duplicate in loaded.GroupBy(r => r.Key).Where(group => group.Count() > 1))
            problems.Add($"{duplicate.Key} is defined more than once");
        foreach (var instrument in loaded.GroupBy(r => r.Instrument).Where(group => group.Select(r => r.RuleSetId).Distinct().Count() > 1))
            problems.Add($"{EnumText.Of(instrument.Key)} has more than one rule-set id ({string.Join(", ", instrument.Select(r => r.RuleSetId).Distinct())}); keep one id per instrument and add versions to it");
        if (loaded.Count == 0) problems.Add($"no rule-set files under '{directory}'");

        if (problems.Count > 0)
            throw new RuleSetLoadException("Rule sets could not be loaded:" + Environment.NewLine + string.Join(Environment.NewLine, problems));
        return new RuleSetRegistry(loaded);
    }

    /// <summary>Reads one rule-set document; its "instrument" decides the shape of the rest.</summary>
    public static RuleSet Parse(string json)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        if (!document.RootElement.TryGetProperty("instrument", out var instrumentElement))
            throw new JsonException("the \"instrument\" property is missing");
        var instrument = instrumentElement.Deserialize<Instrument>(FileFormat);
        RuleSet? ruleSet = instrument switch
        {
            Instrument.LsCmi => document.Deserialize<LsCmiRuleSet>(FileFormat),
            Instrument.LsiRSv => document.Deserialize<LsiRSvRuleSet>(FileFormat),
            Instrument.RiskMatrix2000 => document.Deserialize<RiskMatrix2000RuleSet>(FileFormat),
            Instrument.Stable2007 => document.Deserialize<Stable2007RuleSet>(FileFormat),
            Instrument.Acute2007 => document.Deserialize<Acute2007RuleSet>(FileFormat),
            Instrument.Rosh => document.Deserialize<RoshRuleSet>(FileFormat),
            _ => throw new JsonException($"unknown instrument {instrumentElement}"),
        };
        return ruleSet ?? throw new JsonException("the document is empty");
    }

    // The path is part of the contract: {id}/v{version}.json, so a copied file that still carries the old
    // version number cannot silently shadow the version it was copied from.
    private static IEnumerable<string> PlacementProblems(RuleSet ruleSet, string relativePath)
    {
        var expected = Path.Combine(ruleSet.RuleSetId, $"v{ruleSet.Version}.json");
        if (!string.Equals(relativePath, expected, StringComparison.Ordinal))
            yield return $"a rule set with id '{ruleSet.RuleSetId}' and version {ruleSet.Version} must be stored at '{expected}'";
        if (ruleSet.Version < 1) yield return "version must be 1 or more";
    }

    public bool TryGet(RuleSetKey key, out RuleSet ruleSet) => _byKey.TryGetValue(key, out ruleSet!);

    /// <summary>The named version, or NOT_FOUND.</summary>
    public RuleSet Get(RuleSetKey key) =>
        _byKey.TryGetValue(key, out var ruleSet) ? ruleSet : throw new NotFoundException("RuleSet", key.ToString());

    /// <summary>The newest version for an instrument: what new assessments are scored with.</summary>
    public RuleSet Current(Instrument instrument) =>
        _currentByInstrument.TryGetValue(instrument, out var ruleSet)
            ? ruleSet
            : throw new NotFoundException("RuleSet", $"current rule set for {EnumText.Of(instrument)}");

    public IReadOnlyList<RuleSet> Versions(string ruleSetId) =>
        _byKey.Values.Where(r => r.RuleSetId == ruleSetId).OrderBy(r => r.Version).ToArray();
}
