using Mappa.Core.WorkingDays;

namespace Mappa.Core.Tests.WorkingDays;

public sealed class WorkingDayArithmeticTests
{
    private static readonly WorkingDayCalendar Calendar = WorkingDayCalendar.Scotland(
        new AreaDefinition("test-area", "Test area", new HolidaySet(
            [new HolidayRuleDefinition("easter-monday", "Easter Monday", HolidayDateRule.Parse("Easter Monday"), WeekendSubstitution.None, "test")],
            [new OneOffHoliday(new DateOnly(2024, 6, 14), "Local gala day", "test")],
            [])));

    private static DateOnly D(int year, int month, int day) => new(year, month, day);

    [Fact]
    public void Adding_one_working_day_to_a_Friday_gives_Monday()
    {
        Assert.Equal(D(2024, 6, 10), Calendar.AddWorkingDays(D(2024, 6, 7), 1));
    }

    [Fact]
    public void Adding_working_days_from_a_Saturday_starts_counting_on_Monday()
    {
        Assert.Equal(D(2024, 6, 10), Calendar.AddWorkingDays(D(2024, 6, 8), 1));
        Assert.Equal(D(2024, 6, 14), Calendar.AddWorkingDays(D(2024, 6, 8), 5));
    }

    [Fact]
    public void Adding_zero_working_days_changes_nothing_even_at_a_weekend()
    {
        Assert.Equal(D(2024, 6, 8), Calendar.AddWorkingDays(D(2024, 6, 8), 0));
    }

    [Fact]
    public void Christmas_and_New_Year_holidays_are_skipped()
    {
        // Monday 23 December 2024: working days 24, 27, 30, 31 December, then 3 January (25, 26 Dec and 1, 2 Jan are holidays).
        Assert.Equal(D(2025, 1, 3), Calendar.AddWorkingDays(D(2024, 12, 23), 5));
    }

    [Fact]
    public void Twenty_working_days_for_an_LS_CMI_skip_Good_Friday()
    {
        // Supervision starting Monday 18 March 2024; Good Friday 29 March is skipped, Easter Monday is worked nationally.
        Assert.Equal(D(2024, 4, 16), Calendar.AddWorkingDays(D(2024, 3, 18), 20));
    }

    [Fact]
    public void A_local_holiday_only_counts_in_its_area()
    {
        // Easter Monday 1 April 2024 is a local holiday in the test area only.
        Assert.Equal(D(2024, 4, 1), Calendar.AddWorkingDays(D(2024, 3, 28), 1));
        Assert.Equal(D(2024, 4, 2), Calendar.AddWorkingDays(D(2024, 3, 28), 1, "test-area"));
        Assert.Equal(D(2024, 4, 17), Calendar.AddWorkingDays(D(2024, 3, 18), 20, "test-area"));
        Assert.False(Calendar.IsWorkingDay(D(2024, 6, 14), "test-area"));
        Assert.True(Calendar.IsWorkingDay(D(2024, 6, 14)));
    }

    [Fact]
    public void Area_codes_are_matched_without_regard_to_case()
    {
        Assert.False(Calendar.IsWorkingDay(D(2024, 4, 1), "TEST-AREA"));
    }

    [Fact]
    public void An_unconfigured_area_is_refused_rather_than_treated_as_national()
    {
        var error = Assert.Throws<UnknownAreaException>(() => Calendar.IsWorkingDay(D(2024, 4, 1), "atlantis"));
        Assert.Equal("atlantis", error.Area);
    }

    [Fact]
    public void Subtracting_working_days_walks_back_over_weekends_and_holidays()
    {
        Assert.Equal(D(2024, 3, 28), Calendar.AddWorkingDays(D(2024, 4, 1), -1));   // back over Easter weekend and Good Friday
        Assert.Equal(D(2024, 12, 24), Calendar.AddWorkingDays(D(2024, 12, 27), -1));
    }

    [Fact]
    public void Next_and_previous_working_day_are_strictly_after_and_before()
    {
        Assert.Equal(D(2024, 12, 27), Calendar.NextWorkingDay(D(2024, 12, 24)));
        Assert.Equal(D(2024, 12, 24), Calendar.PreviousWorkingDay(D(2024, 12, 27)));
        Assert.Equal(D(2024, 6, 11), Calendar.NextWorkingDay(D(2024, 6, 10)));
        Assert.Equal(D(2024, 6, 10), Calendar.WorkingDayOnOrAfter(D(2024, 6, 8)));
        Assert.Equal(D(2024, 6, 7), Calendar.WorkingDayOnOrBefore(D(2024, 6, 9)));
    }

    [Fact]
    public void Working_days_between_counts_the_end_but_not_the_start()
    {
        Assert.Equal(1, Calendar.WorkingDaysBetween(D(2024, 6, 7), D(2024, 6, 10)));
        Assert.Equal(0, Calendar.WorkingDaysBetween(D(2024, 6, 8), D(2024, 6, 9)));
        Assert.Equal(-1, Calendar.WorkingDaysBetween(D(2024, 6, 10), D(2024, 6, 7)));
        Assert.Equal(0, Calendar.WorkingDaysBetween(D(2024, 6, 10), D(2024, 6, 10)));
    }

    [Fact]
    public void A_year_has_the_weekdays_less_its_weekday_holidays()
    {
        // 2024 has 262 weekdays and nine national holidays, all on weekdays.
        Assert.Equal(262 - 9, Calendar.WorkingDaysBetween(D(2023, 12, 31), D(2024, 12, 31)));
        Assert.Equal(262 - 9 - 2, Calendar.WorkingDaysBetween(D(2023, 12, 31), D(2024, 12, 31), "test-area"));
    }

    [Fact]
    public void Adding_and_counting_agree_across_many_starts_and_lengths()
    {
        // Brute-force cross-check of the two methods (they are implemented differently: one walks, one counts).
        for (var start = D(2021, 12, 20); start < D(2023, 1, 10); start = start.AddDays(3))
        {
            foreach (int n in new[] { 1, 2, 5, 10, 20, 65 })
            {
                foreach (string? area in new[] { null, "test-area" })
                {
                    var end = Calendar.AddWorkingDays(start, n, area);
                    Assert.Equal(n, Calendar.WorkingDaysBetween(start, end, area));
                    Assert.True(Calendar.IsWorkingDay(end, area));
                    if (Calendar.IsWorkingDay(start, area))
                        Assert.Equal(start, Calendar.AddWorkingDays(end, -n, area));
                }
            }
        }
    }

    [Fact]
    public void Counting_working_days_agrees_with_walking_day_by_day_over_several_years()
    {
        var start = D(2019, 11, 28);
        var end = D(2027, 1, 6);
        int walked = 0;
        for (var day = start.AddDays(1); day <= end; day = day.AddDays(1))
        {
            if (Calendar.IsWorkingDay(day, "test-area"))
                walked++;
        }

        Assert.Equal(walked, Calendar.WorkingDaysBetween(start, end, "test-area"));
    }
}
