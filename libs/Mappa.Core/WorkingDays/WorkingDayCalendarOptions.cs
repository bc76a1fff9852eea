using System.Text.Json;
using System.Text.Json.Serialization;
using Mappa.Core.Errors;

namespace Mappa.Core.WorkingDays;

/// <summary>
/// Calendar configuration as it appears in appsettings or a JSON file (section <c>Mappa:WorkingDays</c> by convention).
/// National Scottish holidays are built in; configuration adds proclamations not yet in the code, moves, and each
/// area's local holidays. Every entry must cite its source.
/// <code>
/// {
///   "nationalOneOffs": [ { "date": "2026-06-15", "name": "World Cup bank holiday", "source": "Royal Proclamation ..." } ],
///   "areas": [ { "code": "glasgow-city", "name": "Glasgow City",
///                "rules": [ { "id": "fair-monday", "name": "Glasgow Fair Monday", "rule": "third Monday in July", "source": "..." } ] } ]
/// }
/// </code>
/// </summary>
public sealed class WorkingDayCalendarOptions
{
    public const string SectionName = "Mappa:WorkingDays";

    /// <summary>Start from <see cref="ScottishBankHolidays"/>. Turn off only to supply the whole national list yourself.</summary>
    public bool IncludeScottishBankHolidays { get; set; } = true;

    public List<HolidayRuleOptions> NationalRules { get; set; } = [];
    public List<OneOffHolidayOptions> NationalOneOffs { get; set; } = [];
    public List<HolidayMoveOptions> NationalMoves { get; set; } = [];
    public List<AreaOptions> Areas { get; set; } = [];

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,   // a misspelt key must not be ignored silently
    };

    public static WorkingDayCalendarOptions FromJson(string json) =>
        JsonSerializer.Deserialize<WorkingDayCalendarOptions>(json, Json)
        ?? throw new ValidationFailedException("", "The working-day calendar configuration is empty.");

    /// <summary>Checks every entry and builds the calendar definition.</summary>
    /// <exception cref="ValidationFailedException">Lists every broken entry by its path, e.g. <c>areas[0].rules[1].rule</c>.</exception>
    public CalendarDefinition ToDefinition()
    {
        var violations = new List<FieldViolation>();

        var nationalRules = Rules(NationalRules, "nationalRules", violations);
        var nationalOneOffs = OneOffs(NationalOneOffs, "nationalOneOffs", violations);
        var nationalMoves = Moves(NationalMoves, "nationalMoves", violations);
        if (IncludeScottishBankHolidays)
        {
            nationalRules = [.. ScottishBankHolidays.Rules, .. nationalRules];
            nationalOneOffs = [.. ScottishBankHolidays.OneOffs, .. nationalOneOffs];
            nationalMoves = [.. nationalMoves, .. ScottishBankHolidays.Moves];   // configured moves win
        }
        CheckIds(nationalRules, nationalMoves, "national", violations);
        var national = new HolidaySet(nationalRules, nationalOneOffs, nationalMoves);

        var areas = new List<AreaDefinition>();
        var codes = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < Areas.Count; i++)
        {
            var area = Areas[i];
            string path = $"areas[{i}]";
            if (string.IsNullOrWhiteSpace(area.Code))
                violations.Add(new($"{path}.code", "An area needs a code."));
            else if (!codes.Add(area.Code))
                violations.Add(new($"{path}.code", $"Area '{area.Code}' is configured more than once."));

            var rules = Rules(area.Rules, $"{path}.rules", violations);
            var moves = Moves(area.Moves, $"{path}.moves", violations);
            CheckIds(rules, moves, path, violations);
            areas.Add(new AreaDefinition(area.Code ?? "", string.IsNullOrWhiteSpace(area.Name) ? area.Code ?? "" : area.Name,
                new HolidaySet(rules, OneOffs(area.OneOffs, $"{path}.oneOffs", violations), moves)));
        }

        if (violations.Count > 0)
            throw new ValidationFailedException(violations);
        return new CalendarDefinition(national, areas);
    }

    public WorkingDayCalendar ToCalendar() => new(ToDefinition());

    private static List<HolidayRuleDefinition> Rules(List<HolidayRuleOptions>? rules, string path, List<FieldViolation> violations)
    {
        var result = new List<HolidayRuleDefinition>();
        for (int i = 0; i < (rules?.Count ?? 0); i++)
        {
            var rule = rules![i];
            string at = $"{path}[{i}]";
            Require(rule.Id, $"{at}.id", violations);
            Require(rule.Name, $"{at}.name", violations);
            Require(rule.Source, $"{at}.source", violations);
            if (!HolidayDateRule.TryParse(rule.Rule, out var parsed, out var error))
                violations.Add(new($"{at}.rule", error!));
            else
                result.Add(new(rule.Id ?? "", rule.Name ?? "", parsed,
                    rule.Substitute ? WeekendSubstitution.NextFreeWeekday : WeekendSubstitution.None, rule.Source ?? ""));
        }
        return result;
    }

    private static List<OneOffHoliday> OneOffs(List<OneOffHolidayOptions>? oneOffs, string path, List<FieldViolation> violations)
    {
        var result = new List<OneOffHoliday>();
        for (int i = 0; i < (oneOffs?.Count ?? 0); i++)
        {
            var oneOff = oneOffs![i];
            string at = $"{path}[{i}]";
            Require(oneOff.Name, $"{at}.name", violations);
            Require(oneOff.Source, $"{at}.source", violations);
            if (oneOff.Date is not { } date)
                violations.Add(new($"{at}.date", "A one-off holiday needs a date (yyyy-MM-dd)."));
            else
                result.Add(new(date, oneOff.Name ?? "", oneOff.Source ?? ""));
        }
        return result;
    }

    private static List<HolidayMove> Moves(List<HolidayMoveOptions>? moves, string path, List<FieldViolation> violations)
    {
        var result = new List<HolidayMove>();
        for (int i = 0; i < (moves?.Count ?? 0); i++)
        {
            var move = moves![i];
            string at = $"{path}[{i}]";
            Require(move.RuleId, $"{at}.ruleId", violations);
            Require(move.Reason, $"{at}.reason", violations);
            Require(move.Source, $"{at}.source", violations);
            if (move.Year is < 1583 or > 9999)
                violations.Add(new($"{at}.year", "The year must be between 1583 and 9999."));
            else if (move.MovedTo is { } to && Math.Abs(to.Year - move.Year) > 1)
                violations.Add(new($"{at}.movedTo", "A holiday can only move within its year (or into the next)."));
            else
                result.Add(new(move.RuleId ?? "", move.Year, move.MovedTo, move.Reason ?? "", move.Source ?? ""));
        }
        return result;
    }

    private static void CheckIds(List<HolidayRuleDefinition> rules, List<HolidayMove> moves, string path, List<FieldViolation> violations)
    {
        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var rule in rules.Where(r => !ids.Add(r.Id)))
            violations.Add(new(path, $"Holiday rule id '{rule.Id}' is used more than once."));
        foreach (var move in moves.Where(m => !ids.Contains(m.RuleId)))
            violations.Add(new(path, $"A move names rule '{move.RuleId}', which is not defined here."));
    }

    private static void Require(string? value, string path, List<FieldViolation> violations)
    {
        if (string.IsNullOrWhiteSpace(value))
            violations.Add(new(path, "Required."));
    }
}

public sealed class HolidayRuleOptions
{
    public string? Id { get; set; }
    public string? Name { get; set; }

    /// <summary>A rule phrase, see <see cref="HolidayDateRule.Parse"/>.</summary>
    public string? Rule { get; set; }

    /// <summary>Take the next free weekday when the holiday falls at a weekend.</summary>
    public bool Substitute { get; set; }

    public string? Source { get; set; }
}

public sealed class OneOffHolidayOptions
{
    public DateOnly? Date { get; set; }
    public string? Name { get; set; }
    public string? Source { get; set; }
}

public sealed class HolidayMoveOptions
{
    public string? RuleId { get; set; }
    public int Year { get; set; }

    /// <summary>The day the holiday is held instead; leave out for "not held that year".</summary>
    public DateOnly? MovedTo { get; set; }

    public string? Reason { get; set; }
    public string? Source { get; set; }
}

public sealed class AreaOptions
{
    public string? Code { get; set; }
    public string? Name { get; set; }
    public List<HolidayRuleOptions> Rules { get; set; } = [];
    public List<OneOffHolidayOptions> OneOffs { get; set; } = [];
    public List<HolidayMoveOptions> Moves { get; set; } = [];
}
