using System.Globalization;
using Mappa.Core.WorkingDays;

namespace Mappa.Core.Tests.WorkingDays;

public sealed class ScottishHolidayTests
{
    private static readonly WorkingDayCalendar Calendar = WorkingDayCalendar.Scotland();

    // 2020–2028: the Scotland list published at https://www.gov.uk/bank-holidays (including the one-off and moved days).
    // 2029–2035: worked out by hand from the statutory rules; a future proclamation may still change them.
    public static TheoryData<int, string[]> ExpectedYears => new()
    {
        { 2020, ["01-01", "01-02", "04-10", "05-08", "05-25", "08-03", "11-30", "12-25", "12-28"] },
        { 2021, ["01-01", "01-04", "04-02", "05-03", "05-31", "08-02", "11-30", "12-27", "12-28"] },
        { 2022, ["01-03", "01-04", "04-15", "05-02", "06-02", "06-03", "08-01", "09-19", "11-30", "12-26", "12-27"] },
        { 2023, ["01-02", "01-03", "04-07", "05-01", "05-08", "05-29", "08-07", "11-30", "12-25", "12-26"] },
        { 2024, ["01-01", "01-02", "03-29", "05-06", "05-27", "08-05", "12-02", "12-25", "12-26"] },
        { 2025, ["01-01", "01-02", "04-18", "05-05", "05-26", "08-04", "12-01", "12-25", "12-26"] },
        { 2026, ["01-01", "01-02", "04-03", "05-04", "05-25", "06-15", "08-03", "11-30", "12-25", "12-28"] },
        { 2027, ["01-01", "01-04", "03-26", "05-03", "05-31", "08-02", "11-30", "12-27", "12-28"] },
        { 2028, ["01-03", "01-04", "04-14", "05-01", "05-29", "08-07", "11-30", "12-25", "12-26"] },
        { 2029, ["01-01", "01-02", "03-30", "05-07", "05-28", "08-06", "11-30", "12-25", "12-26"] },
        { 2030, ["01-01", "01-02", "04-19", "05-06", "05-27", "08-05", "12-02", "12-25", "12-26"] },
        { 2031, ["01-01", "01-02", "04-11", "05-05", "05-26", "08-04", "12-01", "12-25", "12-26"] },
        { 2032, ["01-01", "01-02", "03-26", "05-03", "05-31", "08-02", "11-30", "12-27", "12-28"] },
        { 2033, ["01-03", "01-04", "04-15", "05-02", "05-30", "08-01", "11-30", "12-26", "12-27"] },
        { 2034, ["01-02", "01-03", "04-07", "05-01", "05-29", "08-07", "11-30", "12-25", "12-26"] },
        { 2035, ["01-01", "01-02", "03-23", "05-07", "05-28", "08-06", "11-30", "12-25", "12-26"] },
    };

    [Theory]
    [MemberData(nameof(ExpectedYears))]
    public void National_holidays_match_the_published_and_statutory_dates(int year, string[] monthDays)
    {
        var expected = monthDays.Select(md => DateOnly.ParseExact($"{year}-{md}", "yyyy-MM-dd", CultureInfo.InvariantCulture));

        var actual = Calendar.Holidays(year).Select(h => h.Date);

        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(ExpectedYears))]
    public void Every_national_holiday_is_a_weekday_and_none_is_a_working_day(int year, string[] monthDays)
    {
        Assert.NotEmpty(monthDays);
        foreach (var holiday in Calendar.Holidays(year))
        {
            Assert.False(WorkingDayCalendar.IsWeekend(holiday.Date), $"{holiday.Name} on {holiday.Date}");
            Assert.False(Calendar.IsWorkingDay(holiday.Date));
            Assert.False(string.IsNullOrWhiteSpace(holiday.Source));
        }
    }

    [Fact]
    public void When_1_and_2_January_fall_on_Saturday_and_Sunday_the_substitutes_are_Monday_and_Tuesday()
    {
        // 2022: Saturday 1 January and Sunday 2 January.
        Assert.Equal(
            ["New Year's Day (substitute day)", "2nd January (substitute day)"],
            NamesOn(new DateOnly(2022, 1, 3), new DateOnly(2022, 1, 4)));
    }

    [Fact]
    public void When_1_January_is_a_Sunday_its_substitute_follows_2_January()
    {
        // 2023: Sunday 1 January; Monday 2 January is already a holiday, so New Year's Day moves to Tuesday 3rd.
        var holidays = Calendar.Holidays(2023).Where(h => h.Date.Month == 1).ToList();

        Assert.Equal([new DateOnly(2023, 1, 2), new DateOnly(2023, 1, 3)], holidays.Select(h => h.Date));
        Assert.True(holidays[1].IsSubstitute);
    }

    [Fact]
    public void When_2_January_alone_is_on_a_Saturday_it_moves_to_Monday()
    {
        // 2021: Friday 1 January, Saturday 2 January.
        Assert.Equal(["New Year's Day", "2nd January (substitute day)"], NamesOn(new DateOnly(2021, 1, 1), new DateOnly(2021, 1, 4)));
    }

    [Fact]
    public void When_Christmas_is_a_Sunday_Boxing_Day_keeps_Monday_and_Christmas_takes_Tuesday()
    {
        Assert.Equal(["Boxing Day", "Christmas Day (substitute day)"], NamesOn(new DateOnly(2022, 12, 26), new DateOnly(2022, 12, 27)));
    }

    [Fact]
    public void When_Boxing_Day_is_a_Saturday_it_moves_to_Monday_28th()
    {
        Assert.Equal(["Christmas Day", "Boxing Day (substitute day)"], NamesOn(new DateOnly(2020, 12, 25), new DateOnly(2020, 12, 28)));
        Assert.True(Calendar.IsWorkingDay(new DateOnly(2020, 12, 29)));
    }

    [Theory]
    [InlineData(2024, 12, 2)]   // 30 November 2024 was a Saturday
    [InlineData(2025, 12, 1)]   // 30 November 2025 was a Sunday
    [InlineData(2030, 12, 2)]
    [InlineData(2031, 12, 1)]
    public void St_Andrews_Day_at_a_weekend_moves_to_the_following_Monday(int year, int month, int day)
    {
        var holiday = Assert.Single(Calendar.HolidaysOn(new DateOnly(year, month, day)));
        Assert.Equal("St Andrew's Day (substitute day)", holiday.Name);
        Assert.Equal(DayOfWeek.Monday, holiday.Date.DayOfWeek);
    }

    [Fact]
    public void Easter_Monday_is_not_a_national_holiday_in_Scotland()
    {
        Assert.True(Calendar.IsWorkingDay(new DateOnly(2024, 4, 1)));
        Assert.False(Calendar.IsWorkingDay(new DateOnly(2024, 3, 29)));   // Good Friday after the early Easter of 31 March
    }

    [Theory]
    [InlineData(2038, 4, 23)]   // Good Friday before the latest possible Easter, 25 April
    [InlineData(2027, 3, 26)]   // Good Friday before the early Easter of 28 March
    public void Good_Friday_follows_early_and_late_Easters(int year, int month, int day)
    {
        Assert.Equal("Good Friday", Assert.Single(Calendar.HolidaysOn(new DateOnly(year, month, day))).Name);
    }

    [Fact]
    public void A_moved_holiday_leaves_its_usual_day_a_working_day()
    {
        Assert.True(Calendar.IsWorkingDay(new DateOnly(2020, 5, 4)));    // early May Monday moved to Friday 8 May (VE Day)
        Assert.True(Calendar.IsWorkingDay(new DateOnly(2022, 5, 30)));   // spring Monday moved to Thursday 2 June
        Assert.False(Calendar.IsWorkingDay(new DateOnly(2020, 5, 8)));
    }

    private static string[] NamesOn(params DateOnly[] dates) =>
        [.. dates.Select(d => Assert.Single(Calendar.HolidaysOn(d)).Name)];
}
