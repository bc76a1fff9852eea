using Mappa.RiskAssessment.Features.Instruments.RuleSets;

namespace Mappa.RiskAssessment.Features.Instruments.Validation;

/// <summary>
/// Checks a list of item scores against the items a rule set expects: each item exactly once, each score
/// within its item's range. Reports every problem with the path of the offending list entry.
/// </summary>
public static class ItemScoreValidation
{
    /// <param name="expected">The items that must be scored for this case.</param>
    /// <param name="all">Every item of the instrument (a superset of expected), to tell "not relevant here" from "no such item".</param>
    /// <param name="whyNotExpected">Explains why an item that exists is not to be scored in this case.</param>
    /// <returns>Scores by item number, for the entries that were valid.</returns>
    public static IReadOnlyDictionary<int, int> Check<TItem>(
        IReadOnlyList<(int ItemNumber, int Score)> items,
        IReadOnlyList<TItem> expected,
        IReadOnlyList<TItem> all,
        string listPath,
        ViolationCollector violations,
        Func<TItem, string>? whyNotExpected = null)
        where TItem : ItemDefinition
    {
        var expectedByNumber = expected.ToDictionary(item => item.Number);
        var allByNumber = all.ToDictionary(item => item.Number);
        var firstIndexByNumber = new Dictionary<int, int>();
        var scores = new Dictionary<int, int>();
        var lowest = all.Min(item => item.Number);
        var highest = all.Max(item => item.Number);

        for (var index = 0; index < items.Count; index++)
        {
            var (number, score) = items[index];
            var entryPath = $"{listPath}[{index}]";
            if (!allByNumber.TryGetValue(number, out var definition))
            {
                violations.Add($"{entryPath}.item_number", $"there is no item {number}; items are numbered {lowest} to {highest}");
                continue;
            }
            if (!expectedByNumber.ContainsKey(number))
            {
                violations.Add($"{entryPath}.item_number", whyNotExpected?.Invoke(definition) ?? $"item {number} is not scored in this case");
                continue;
            }
            if (firstIndexByNumber.TryGetValue(number, out var firstIndex))
            {
                violations.Add($"{entryPath}.item_number", $"item {number} is scored more than once (first at {listPath}[{firstIndex}])");
                continue;
            }
            firstIndexByNumber[number] = index;
            if (score < definition.Min || score > definition.Max)
            {
                violations.Add($"{entryPath}.score", $"item {number} ({definition.Label}) is scored {definition.Min} to {definition.Max}, not {score}");
                continue;
            }
            scores[number] = score;
        }

        foreach (var item in expected.Where(item => !firstIndexByNumber.ContainsKey(item.Number)).OrderBy(item => item.Number))
            violations.Add(listPath, $"item {item.Number} ({item.Label}) is missing");

        return scores;
    }
}
