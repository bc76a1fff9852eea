using Mappa.Core.WorkingDays;
using Mappa.Scheduling.Features.Milestones;

namespace Mappa.Scheduling.Tests.Milestones;

/// <summary>A Scottish calendar with one area that keeps Easter Monday as a local holiday and one that has none.</summary>
internal static class PlanningFixture
{
    public const string Glasgow = "glasgow-city";
    public const string NoLocalHolidays = "north-lanarkshire";

    public static readonly WorkingDayCalendar Calendar = WorkingDayCalendar.Scotland(
        new AreaDefinition(Glasgow, "Glasgow City", new HolidaySet(
            [new HolidayRuleDefinition("easter-monday", "Easter Monday", HolidayDateRule.Parse("Easter Monday"), WeekendSubstitution.None, "test")],
            [], [])),
        new AreaDefinition(NoLocalHolidays, "North Lanarkshire", HolidaySet.Empty));

    public static readonly MilestonePlanner Planner = new(Calendar, MilestoneTiming.UkMorning);

    public static DateOnly D(int year, int month, int day) => new(year, month, day);

    /// <summary>07:00 UK time on a date, as UTC (06:00Z in summer time).</summary>
    public static DateTimeOffset Morning(int year, int month, int day) => MilestoneTiming.UkMorning.InstantOf(D(year, month, day));

    public static DateTimeOffset Utc(int year, int month, int day, int hour = 0, int minute = 0) => new(year, month, day, hour, minute, 0, TimeSpan.Zero);
}
