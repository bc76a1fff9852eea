namespace Mappa.Core.WorkingDays;

/// <summary>What happens when a holiday falls on a Saturday or Sunday.</summary>
public enum WeekendSubstitution
{
    /// <summary>The holiday is lost (most local holidays are set on weekdays anyway).</summary>
    None,

    /// <summary>
    /// The next weekday that is not already a holiday is taken instead, as the Royal Proclamations do every year
    /// (so 25 and 26 December on Saturday and Sunday give Monday 27 and Tuesday 28).
    /// </summary>
    NextFreeWeekday,
}

/// <summary>A recurring holiday. <paramref name="Source"/> names where the rule comes from, so it can be re-checked.</summary>
public sealed record HolidayRuleDefinition(string Id, string Name, HolidayDateRule Rule, WeekendSubstitution Substitution, string Source);

/// <summary>A day proclaimed once, e.g. 2022-09-19 for the State Funeral of Queen Elizabeth II.</summary>
public sealed record OneOffHoliday(DateOnly Date, string Name, string Source);

/// <summary>
/// A recurring holiday moved (or not held) in one year, e.g. the early-May Monday of 2020 held on Friday 8 May.
/// A null <paramref name="MovedTo"/> means the rule gives no holiday that year.
/// </summary>
public sealed record HolidayMove(string RuleId, int Year, DateOnly? MovedTo, string Reason, string Source);

/// <summary>One jurisdiction's holidays: the national list, or one area's local list.</summary>
public sealed record HolidaySet(
    IReadOnlyList<HolidayRuleDefinition> Rules,
    IReadOnlyList<OneOffHoliday> OneOffs,
    IReadOnlyList<HolidayMove> Moves)
{
    public static readonly HolidaySet Empty = new([], [], []);
}

/// <summary>
/// A local-authority area with its own local holidays on top of the national ones. <paramref name="Code"/> is the
/// key obligations and conferences use (compared case-insensitively).
/// </summary>
public sealed record AreaDefinition(string Code, string Name, HolidaySet Holidays);

/// <summary>Everything a <see cref="WorkingDayCalendar"/> needs: national holidays and each area's local ones.</summary>
public sealed record CalendarDefinition(HolidaySet National, IReadOnlyList<AreaDefinition> Areas);

public enum HolidayScope
{
    National,
    Local,
}

/// <summary>One non-working day. <see cref="IsSubstitute"/> marks a day taken in place of one that fell at a weekend.</summary>
public sealed record Holiday(DateOnly Date, string Name, HolidayScope Scope, string? Area, bool IsSubstitute, string Source);
