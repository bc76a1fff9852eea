using System.Collections.Concurrent;
using System.Collections.Frozen;

namespace Mappa.Core.WorkingDays;

/// <summary>
/// Working days: Monday to Friday, less national holidays and the area's local holidays.
/// Holidays are computed per year from the rules on first use and cached; the calendar is immutable and thread-safe.
/// <para>
/// Counting convention, used by every method: the start date itself is never counted. "Within 20 working days of
/// 3 March" means <c>AddWorkingDays(3 March, 20)</c>, and <c>WorkingDaysBetween(a, AddWorkingDays(a, n)) == n</c>.
/// </para>
/// </summary>
public sealed class WorkingDayCalendar
{
    private const string NationalKey = "";

    private readonly HolidaySet _national;
    private readonly FrozenDictionary<string, AreaDefinition> _areas;
    private readonly ConcurrentDictionary<(string Area, int RuleYear), IReadOnlyList<Holiday>> _byRuleYear = new();
    private readonly ConcurrentDictionary<(string Area, int Year), YearHolidays> _byYear = new();

    public WorkingDayCalendar(CalendarDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        _national = definition.National;
        var duplicate = definition.Areas.GroupBy(a => a.Code, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new ArgumentException($"Area '{duplicate.Key}' is defined more than once.", nameof(definition));
        if (definition.Areas.Any(a => string.IsNullOrWhiteSpace(a.Code)))
            throw new ArgumentException("Every area needs a code.", nameof(definition));
        _areas = definition.Areas.ToFrozenDictionary(a => a.Code, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Scottish national holidays, plus the given areas' local holidays.</summary>
    public static WorkingDayCalendar Scotland(params IEnumerable<AreaDefinition> areas) =>
        new(new CalendarDefinition(ScottishBankHolidays.National, [.. areas]));

    /// <summary>The configured area codes.</summary>
    public IReadOnlyCollection<string> Areas => _areas.Keys;

    public bool HasArea(string area) => _areas.ContainsKey(area);

    /// <summary>Holidays falling in a calendar year, in date order. A null area gives national holidays only.</summary>
    public IReadOnlyList<Holiday> Holidays(int year, string? area = null) => ForYear(year, area).InDateOrder;

    /// <summary>The holidays on a date (usually none; a local holiday may share a date with a national one).</summary>
    public IReadOnlyList<Holiday> HolidaysOn(DateOnly date, string? area = null) =>
        ForYear(date.Year, area).ByDate.TryGetValue(date, out var holidays) ? holidays : [];

    public bool IsHoliday(DateOnly date, string? area = null) => ForYear(date.Year, area).ByDate.ContainsKey(date);

    public static bool IsWeekend(DateOnly date) => date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;

    /// <summary>True on Monday to Friday unless a national holiday or (when an area is given) one of its local holidays.</summary>
    /// <exception cref="UnknownAreaException">The area is not configured (so that a typo cannot silently drop local holidays).</exception>
    public bool IsWorkingDay(DateOnly date, string? area = null) => !IsWeekend(date) && !IsHoliday(date, area);

    /// <summary>The first working day strictly after <paramref name="date"/>.</summary>
    public DateOnly NextWorkingDay(DateOnly date, string? area = null) => WorkingDayOnOrAfter(date.AddDays(1), area);

    /// <summary>The last working day strictly before <paramref name="date"/>.</summary>
    public DateOnly PreviousWorkingDay(DateOnly date, string? area = null) => WorkingDayOnOrBefore(date.AddDays(-1), area);

    /// <summary><paramref name="date"/> if it is a working day, else the next one.</summary>
    public DateOnly WorkingDayOnOrAfter(DateOnly date, string? area = null)
    {
        while (!IsWorkingDay(date, area))
            date = date.AddDays(1);
        return date;
    }

    /// <summary><paramref name="date"/> if it is a working day, else the previous one.</summary>
    public DateOnly WorkingDayOnOrBefore(DateOnly date, string? area = null)
    {
        while (!IsWorkingDay(date, area))
            date = date.AddDays(-1);
        return date;
    }

    /// <summary>
    /// The date <paramref name="workingDays"/> working days after <paramref name="date"/> (before it when negative).
    /// The start date is not counted, so a Saturday plus one working day is the following Monday (if it is one).
    /// Zero returns the date unchanged.
    /// </summary>
    public DateOnly AddWorkingDays(DateOnly date, int workingDays, string? area = null)
    {
        int step = Math.Sign(workingDays);
        for (int remaining = Math.Abs(workingDays); remaining > 0; remaining--)
            date = step > 0 ? NextWorkingDay(date, area) : PreviousWorkingDay(date, area);
        return date;
    }

    /// <summary>
    /// Working days in (<paramref name="start"/>, <paramref name="end"/>]: the start is not counted, the end is.
    /// Negative when <paramref name="end"/> is before <paramref name="start"/>. Cost grows with the years spanned,
    /// not the days.
    /// </summary>
    public int WorkingDaysBetween(DateOnly start, DateOnly end, string? area = null)
    {
        if (end < start)
            return -WorkingDaysBetween(end, start, area);

        var first = start.AddDays(1);
        int weekdays = WeekdaysFromEpoch(end) - WeekdaysFromEpoch(start);
        int holidaysOnWeekdays = 0;
        for (int year = first.Year; year <= end.Year; year++)
        {
            foreach (var date in ForYear(year, area).DistinctWeekdayDates)
            {
                if (date >= first && date <= end)
                    holidaysOnWeekdays++;
            }
        }
        return weekdays - holidaysOnWeekdays;
    }

    // Weekdays in [0001-01-01, date]. 0001-01-01 was a Monday, so whole weeks give five each.
    private static int WeekdaysFromEpoch(DateOnly date)
    {
        int days = date.DayNumber + 1;
        return days / 7 * 5 + Math.Min(days % 7, 5);
    }

    private YearHolidays ForYear(int year, string? area)
    {
        string key = NationalKey;
        if (area is not null)
        {
            if (!_areas.TryGetValue(area, out var definition))
                throw new UnknownAreaException(area);
            key = definition.Code;
        }
        return _byYear.GetOrAdd((key, year), k => BuildYear(k.Area, k.Year));
    }

    private YearHolidays BuildYear(string areaKey, int year)
    {
        // A substitute day can move a holiday into the next year (never for the Scottish list, but a local rule could),
        // so the rule-years either side are read too.
        var holidays = new List<Holiday>();
        for (int ruleYear = year - 1; ruleYear <= year + 1; ruleYear++)
        {
            if (ruleYear is < 1583 or > 9998)
                continue;
            holidays.AddRange(ForRuleYear(NationalKey, ruleYear).Where(h => h.Date.Year == year));
            if (areaKey != NationalKey)
                holidays.AddRange(ForRuleYear(areaKey, ruleYear).Where(h => h.Date.Year == year));
        }
        return new YearHolidays(holidays);
    }

    private IReadOnlyList<Holiday> ForRuleYear(string areaKey, int ruleYear) =>
        _byRuleYear.GetOrAdd((areaKey, ruleYear), k => k.Area == NationalKey
            ? Compute(_national, k.RuleYear, HolidayScope.National, null, taken: [])
            : Compute(_areas[k.Area].Holidays, k.RuleYear, HolidayScope.Local, _areas[k.Area].Code,
                taken: [.. ForRuleYear(NationalKey, k.RuleYear).Select(h => h.Date)]));

    /// <summary>
    /// A set's holidays for one rule-year. Holidays on weekdays keep their date; those at a weekend with
    /// <see cref="WeekendSubstitution.NextFreeWeekday"/> then take, in date order, the next weekday nobody holds.
    /// </summary>
    private static List<Holiday> Compute(HolidaySet set, int year, HolidayScope scope, string? area, HashSet<DateOnly> taken)
    {
        var result = new List<Holiday>();
        var atWeekend = new List<(DateOnly Date, HolidayRuleDefinition Rule)>();

        foreach (var rule in set.Rules)
        {
            var move = set.Moves.FirstOrDefault(m => m.Year == year && string.Equals(m.RuleId, rule.Id, StringComparison.OrdinalIgnoreCase));
            if (move is not null)
            {
                if (move.MovedTo is { } movedTo)
                    result.Add(new Holiday(movedTo, rule.Name, scope, area, IsSubstitute: false, $"{move.Reason}: {move.Source}"));
                continue;
            }

            if (rule.Rule.In(year) is not { } date)
                continue;
            if (rule.Substitution == WeekendSubstitution.NextFreeWeekday && IsWeekend(date))
                atWeekend.Add((date, rule));
            else
                result.Add(new Holiday(date, rule.Name, scope, area, IsSubstitute: false, rule.Source));
        }

        foreach (var oneOff in set.OneOffs)
        {
            if (oneOff.Date.Year == year)
                result.Add(new Holiday(oneOff.Date, oneOff.Name, scope, area, IsSubstitute: false, oneOff.Source));
        }

        taken.UnionWith(result.Select(h => h.Date));
        foreach (var (date, rule) in atWeekend.OrderBy(w => w.Date))
        {
            var substitute = date;
            while (IsWeekend(substitute) || taken.Contains(substitute))
                substitute = substitute.AddDays(1);
            taken.Add(substitute);
            result.Add(new Holiday(substitute, $"{rule.Name} (substitute day)", scope, area, IsSubstitute: true, rule.Source));
        }
        return result;
    }

    private sealed class YearHolidays
    {
        public YearHolidays(List<Holiday> holidays)
        {
            InDateOrder = [.. holidays.OrderBy(h => h.Date).ThenBy(h => h.Scope)];
            ByDate = InDateOrder.GroupBy(h => h.Date).ToFrozenDictionary(g => g.Key, g => (IReadOnlyList<Holiday>)[.. g]);
            DistinctWeekdayDates = [.. ByDate.Keys.Where(d => !IsWeekend(d))];
        }

        public IReadOnlyList<Holiday> InDateOrder { get; }
        public FrozenDictionary<DateOnly, IReadOnlyList<Holiday>> ByDate { get; }
        public IReadOnlyList<DateOnly> DistinctWeekdayDates { get; }
    }
}

/// <summary>An area code that the calendar has no configuration for.</summary>
public sealed class UnknownAreaException(string area)
    : ArgumentException($"Area '{area}' has no working-day calendar configured; add it to the calendar configuration.", nameof(area))
{
    public string Area { get; } = area;
}
