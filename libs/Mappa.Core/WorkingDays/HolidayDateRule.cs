using System.Globalization;
using System.Text.RegularExpressions;

namespace Mappa.Core.WorkingDays;

/// <summary>
/// How a holiday's date is found in a given year. Rules are data: they are written in configuration as short
/// English phrases (see <see cref="Parse"/>) so that a coordinator's local holiday list reads like the council's own.
/// </summary>
public abstract partial record HolidayDateRule
{
    /// <summary>The date the rule gives in <paramref name="year"/>, or null when it gives none that year.</summary>
    public abstract DateOnly? In(int year);

    /// <summary>
    /// Parses a rule phrase (case-insensitive):
    /// <list type="bullet">
    /// <item><c>30 November</c> or <c>November 30</c>: a fixed day of the year;</item>
    /// <item><c>first Monday in May</c>, <c>third Monday in July</c>, <c>last Monday in September</c>;</item>
    /// <item><c>Easter</c>, <c>Easter-2</c>, <c>Easter+1</c>, <c>Good Friday</c>, <c>Easter Monday</c>;</item>
    /// <item><c>Monday on or before 24 May</c>, <c>Friday before third Monday in July</c>, <c>Tuesday after Easter Monday</c>;</item>
    /// <item><c>2022-09-19</c>: one date only.</item>
    /// </list>
    /// </summary>
    public static HolidayDateRule Parse(string text)
    {
        if (TryParse(text, out var rule, out var error))
            return rule;
        throw new FormatException(error);
    }

    public static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out HolidayDateRule? rule, out string? error)
    {
        rule = null;
        error = null;
        var normalised = WhitespaceRun().Replace((text ?? "").Trim().ToLowerInvariant(), " ");
        if (normalised.Length == 0)
        {
            error = "A holiday rule is empty.";
            return false;
        }

        rule = ParseNormalised(normalised);
        if (rule is null)
            error = $"'{text}' is not a holiday rule. Use e.g. '30 November', 'first Monday in May', 'last Monday in May', " +
                    "'Easter-2', 'Monday on or before 24 May', 'Friday before third Monday in July' or '2022-09-19'.";
        return rule is not null;
    }

    private static HolidayDateRule? ParseNormalised(string text)
    {
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var single))
            return new SingleDateRule(single);

        switch (text)
        {
            case "easter":
            case "easter sunday":
                return new EasterRule(0);
            case "good friday":
                return new EasterRule(-2);
            case "easter monday":
                return new EasterRule(1);
        }

        var easter = EasterOffset().Match(text);
        if (easter.Success)
        {
            int days = int.Parse(easter.Groups["days"].Value, CultureInfo.InvariantCulture);
            return new EasterRule(easter.Groups["sign"].Value == "-" ? -days : days);
        }

        var relative = Relative().Match(text);
        if (relative.Success
            && TryWeekday(relative.Groups["weekday"].Value, out var relativeDay)
            && ParseNormalised(relative.Groups["anchor"].Value) is { } anchor)
        {
            var relation = relative.Groups["relation"].Value switch
            {
                "on or before" => WeekdayRelation.OnOrBefore,
                "on or after" => WeekdayRelation.OnOrAfter,
                "before" => WeekdayRelation.Before,
                _ => WeekdayRelation.After,
            };
            return new RelativeWeekdayRule(relativeDay, relation, anchor);
        }

        var nth = NthWeekday().Match(text);
        if (nth.Success && TryWeekday(nth.Groups["weekday"].Value, out var nthDay) && TryMonth(nth.Groups["month"].Value, out var nthMonth))
        {
            int ordinal = nth.Groups["ordinal"].Value switch
            {
                "first" or "1st" => 1,
                "second" or "2nd" => 2,
                "third" or "3rd" => 3,
                "fourth" or "4th" => 4,
                "fifth" or "5th" => 5,
                _ => NthWeekdayRule.Last,
            };
            return new NthWeekdayRule(ordinal, nthDay, nthMonth);
        }

        var dayMonth = DayMonth().Match(text);
        if (dayMonth.Success && TryMonth(dayMonth.Groups["month"].Value, out var month))
            return FixedDateRule.TryCreate(month, int.Parse(dayMonth.Groups["day"].Value, CultureInfo.InvariantCulture));

        var monthDay = MonthDay().Match(text);
        if (monthDay.Success && TryMonth(monthDay.Groups["month"].Value, out month))
            return FixedDateRule.TryCreate(month, int.Parse(monthDay.Groups["day"].Value, CultureInfo.InvariantCulture));

        return null;
    }

    private static readonly string[] MonthNames =
        ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

    private static bool TryMonth(string text, out int month)
    {
        month = Array.FindIndex(MonthNames, name => name == text || (text.Length == 3 && name.StartsWith(text, StringComparison.Ordinal))) + 1;
        return month > 0;
    }

    private static bool TryWeekday(string text, out DayOfWeek weekday)
    {
        foreach (var candidate in Enum.GetValues<DayOfWeek>())
        {
            if (candidate.ToString().Equals(text, StringComparison.OrdinalIgnoreCase))
            {
                weekday = candidate;
                return true;
            }
        }
        weekday = default;
        return false;
    }

    internal static string MonthName(int month) => CultureInfo.InvariantCulture.DateTimeFormat.GetMonthName(month);

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhitespaceRun();

    [GeneratedRegex(@"^easter ?(?<sign>[+-]) ?(?<days>\d{1,3})$")]
    private static partial Regex EasterOffset();

    [GeneratedRegex(@"^(?<weekday>[a-z]+) (?<relation>on or before|on or after|before|after) (?<anchor>.+)$")]
    private static partial Regex Relative();

    [GeneratedRegex(@"^(?<ordinal>first|second|third|fourth|fifth|last|1st|2nd|3rd|4th|5th) (?<weekday>[a-z]+) (in|of) (?<month>[a-z]+)$")]
    private static partial Regex NthWeekday();

    [GeneratedRegex(@"^(?<day>\d{1,2})(st|nd|rd|th)? (of )?(?<month>[a-z]+)$")]
    private static partial Regex DayMonth();

    [GeneratedRegex(@"^(?<month>[a-z]+) (?<day>\d{1,2})(st|nd|rd|th)?$")]
    private static partial Regex MonthDay();
}

/// <summary>The same day every year, e.g. 30 November. 29 February gives no date in common years.</summary>
public sealed record FixedDateRule : HolidayDateRule
{
    public FixedDateRule(int month, int day)
    {
        if (!IsDayOfYear(month, day))
            throw new ArgumentOutOfRangeException(nameof(day), $"{day}/{month} is not a day of the year.");
        Month = month;
        Day = day;
    }

    public int Month { get; }
    public int Day { get; }

    internal static FixedDateRule? TryCreate(int month, int day) => IsDayOfYear(month, day) ? new FixedDateRule(month, day) : null;

    private static bool IsDayOfYear(int month, int day) =>
        month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(2000, month);   // 2000 is a leap year

    public override DateOnly? In(int year) =>
        Day <= DateTime.DaysInMonth(year, Month) ? new DateOnly(year, Month, Day) : null;

    public override string ToString() => $"{Day} {MonthName(Month)}";
}

/// <summary>The nth (or last) given weekday of a month, e.g. the first Monday in August.</summary>
public sealed record NthWeekdayRule : HolidayDateRule
{
    public const int Last = -1;

    public NthWeekdayRule(int ordinal, DayOfWeek weekday, int month)
    {
        if (ordinal is not (Last or >= 1 and <= 5))
            throw new ArgumentOutOfRangeException(nameof(ordinal), ordinal, "Use 1 to 5, or Last.");
        ArgumentOutOfRangeException.ThrowIfLessThan(month, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(month, 12);
        Ordinal = ordinal;
        Weekday = weekday;
        Month = month;
    }

    public int Ordinal { get; }
    public DayOfWeek Weekday { get; }
    public int Month { get; }

    public override DateOnly? In(int year)
    {
        if (Ordinal == Last)
        {
            var lastDay = new DateOnly(year, Month, DateTime.DaysInMonth(year, Month));
            return lastDay.AddDays(-(((int)lastDay.DayOfWeek - (int)Weekday + 7) % 7));
        }

        var first = new DateOnly(year, Month, 1);
        var date = first.AddDays(((int)Weekday - (int)first.DayOfWeek + 7) % 7 + 7 * (Ordinal - 1));
        return date.Month == Month ? date : null;   // a fifth Monday does not exist every month
    }

    public override string ToString()
    {
        string ordinal = Ordinal switch { 1 => "first", 2 => "second", 3 => "third", 4 => "fourth", 5 => "fifth", _ => "last" };
        return $"{ordinal} {Weekday} in {MonthName(Month)}";
    }
}

/// <summary>A fixed number of days from Easter Sunday: Good Friday is Easter-2.</summary>
public sealed record EasterRule(int OffsetDays) : HolidayDateRule
{
    public override DateOnly? In(int year) => Easter.Sunday(year).AddDays(OffsetDays);

    public override string ToString() => OffsetDays switch
    {
        0 => "Easter",
        > 0 => $"Easter+{OffsetDays}",
        _ => $"Easter{OffsetDays}",
    };
}

public enum WeekdayRelation
{
    Before,
    OnOrBefore,
    After,
    OnOrAfter,
}

/// <summary>A weekday found from another rule's date, e.g. the Friday before the third Monday in July.</summary>
public sealed record RelativeWeekdayRule(DayOfWeek Weekday, WeekdayRelation Relation, HolidayDateRule Anchor) : HolidayDateRule
{
    public override DateOnly? In(int year)
    {
        if (Anchor.In(year) is not { } anchor)
            return null;

        int back = ((int)anchor.DayOfWeek - (int)Weekday + 7) % 7;
        int forward = ((int)Weekday - (int)anchor.DayOfWeek + 7) % 7;
        return Relation switch
        {
            WeekdayRelation.OnOrBefore => anchor.AddDays(-back),
            WeekdayRelation.Before => anchor.AddDays(back == 0 ? -7 : -back),
            WeekdayRelation.OnOrAfter => anchor.AddDays(forward),
            _ => anchor.AddDays(forward == 0 ? 7 : forward),
        };
    }

    public override string ToString()
    {
        string relation = Relation switch
        {
            WeekdayRelation.OnOrBefore => "on or before",
            WeekdayRelation.Before => "before",
            WeekdayRelation.OnOrAfter => "on or after",
            _ => "after",
        };
        return $"{Weekday} {relation} {Anchor}";
    }
}

/// <summary>One date only, e.g. a one-off proclaimed day; gives no date in any other year.</summary>
public sealed record SingleDateRule(DateOnly Date) : HolidayDateRule
{
    public override DateOnly? In(int year) => Date.Year == year ? Date : null;

    public override string ToString() => Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
