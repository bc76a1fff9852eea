using Mappa.Core.WorkingDays;

namespace Mappa.Core.Tests.WorkingDays;

public sealed class HolidayRuleTests
{
    [Theory]
    [InlineData("30 November", 2024, "2024-11-30")]
    [InlineData("November 30", 2024, "2024-11-30")]
    [InlineData("30th of November", 2024, "2024-11-30")]
    [InlineData("first Monday in May", 2024, "2024-05-06")]
    [InlineData("First monday of AUGUST", 2025, "2025-08-04")]
    [InlineData("last Monday in May", 2024, "2024-05-27")]
    [InlineData("last Monday in September", 2024, "2024-09-30")]
    [InlineData("third Monday in July", 2024, "2024-07-15")]
    [InlineData("fifth Monday in September", 2024, "2024-09-30")]
    [InlineData("Easter", 2024, "2024-03-31")]
    [InlineData("Good Friday", 2038, "2038-04-23")]
    [InlineData("Easter Monday", 2027, "2027-03-29")]
    [InlineData("Easter-2", 2024, "2024-03-29")]
    [InlineData("easter + 1", 2024, "2024-04-01")]
    [InlineData("Monday on or before 24 May", 2023, "2023-05-22")]
    [InlineData("Monday on or before 24 May", 2021, "2021-05-24")]
    [InlineData("Monday before 24 May", 2021, "2021-05-17")]
    [InlineData("Friday before third Monday in July", 2024, "2024-07-12")]
    [InlineData("Tuesday after Easter Monday", 2024, "2024-04-02")]
    [InlineData("Monday after 30 November", 2024, "2024-12-02")]
    [InlineData("Monday on or after 1 August", 2022, "2022-08-01")]
    [InlineData("2022-09-19", 2022, "2022-09-19")]
    public void Rule_phrases_give_the_expected_date(string phrase, int year, string expected)
    {
        Assert.Equal(DateOnly.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), HolidayDateRule.Parse(phrase).In(year));
    }

    [Theory]
    [InlineData("fifth Monday in May", 2024)]   // May 2024 has four Mondays
    [InlineData("29 February", 2023)]
    [InlineData("2022-09-19", 2023)]
    public void A_rule_with_no_date_in_a_year_gives_none(string phrase, int year)
    {
        Assert.Null(HolidayDateRule.Parse(phrase).In(year));
    }

    [Theory]
    [InlineData("")]
    [InlineData("the day after tomorrow")]
    [InlineData("31 February")]
    [InlineData("first Funday in May")]
    [InlineData("Monday before Smarch 3")]
    public void Unreadable_phrases_are_refused_with_a_hint(string phrase)
    {
        Assert.False(HolidayDateRule.TryParse(phrase, out _, out var error));
        Assert.False(string.IsNullOrWhiteSpace(error));
        Assert.Throws<FormatException>(() => HolidayDateRule.Parse(phrase));
    }

    [Theory]
    [InlineData("30 November")]
    [InlineData("last Monday in May")]
    [InlineData("Easter-2")]
    [InlineData("Easter+1")]
    [InlineData("Friday before third Monday in July")]
    [InlineData("2022-09-19")]
    public void A_rule_written_out_reads_back_as_the_same_rule(string phrase)
    {
        var rule = HolidayDateRule.Parse(phrase);
        Assert.Equal(rule, HolidayDateRule.Parse(rule.ToString()));
    }
}
