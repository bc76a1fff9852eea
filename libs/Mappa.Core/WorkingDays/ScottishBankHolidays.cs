namespace Mappa.Core.WorkingDays;

/// <summary>
/// Scotland's national (bank) holidays as data, each with the source it was checked against. Areas add their local
/// holidays through configuration (<see cref="WorkingDayCalendarOptions"/>). New one-off proclamations can be added
/// by configuration too, without a release: that is how the 2026 World Cup holiday would have reached a running system.
/// </summary>
public static class ScottishBankHolidays
{
    private const string Act1971 =
        "Banking and Financial Dealings Act 1971, Schedule 1 para 2 (bank holidays in Scotland), " +
        "https://www.legislation.gov.uk/ukpga/1971/80/schedule/1";

    private const string StAndrewsAct =
        "St Andrew's Day Bank Holiday (Scotland) Act 2007 s.1: '30th November, if it is not a Saturday or Sunday or, if it is " +
        "a Saturday or Sunday, the first Monday following that day', https://www.legislation.gov.uk/asp/2007/2/section/1";

    private const string Proclamation =
        "Appointed each year by Royal Proclamation under s.1(3) of the Banking and Financial Dealings Act 1971; published " +
        "dates: https://www.gov.uk/bank-holidays (Scotland) and https://www.mygov.scot/scotland-bank-holidays";

    private const string Substitutes =
        "Substitute days for holidays at a weekend are appointed by Royal Proclamation; checked against the Scotland " +
        "list at https://www.gov.uk/bank-holidays for 2020 to 2028";

    public const string NewYearsDay = "new-years-day";
    public const string SecondJanuary = "second-january";
    public const string GoodFriday = "good-friday";
    public const string EarlyMay = "early-may";
    public const string Spring = "spring";
    public const string Summer = "summer";
    public const string StAndrewsDay = "st-andrews-day";
    public const string ChristmasDay = "christmas-day";
    public const string BoxingDay = "boxing-day";

    public static IReadOnlyList<HolidayRuleDefinition> Rules { get; } =
    [
        new(NewYearsDay, "New Year's Day", HolidayDateRule.Parse("1 January"), WeekendSubstitution.NextFreeWeekday, $"{Act1971}; {Substitutes}"),
        new(SecondJanuary, "2nd January", HolidayDateRule.Parse("2 January"), WeekendSubstitution.NextFreeWeekday, $"{Act1971}; {Substitutes}"),
        new(GoodFriday, "Good Friday", HolidayDateRule.Parse("Good Friday"), WeekendSubstitution.None, Act1971),
        new(EarlyMay, "Early May bank holiday", HolidayDateRule.Parse("first Monday in May"), WeekendSubstitution.None, Act1971),
        new(Spring, "Spring bank holiday", HolidayDateRule.Parse("last Monday in May"), WeekendSubstitution.None, Proclamation),
        new(Summer, "Summer bank holiday", HolidayDateRule.Parse("first Monday in August"), WeekendSubstitution.None, Act1971),
        new(StAndrewsDay, "St Andrew's Day", HolidayDateRule.Parse("30 November"), WeekendSubstitution.NextFreeWeekday, StAndrewsAct),
        new(ChristmasDay, "Christmas Day", HolidayDateRule.Parse("25 December"), WeekendSubstitution.NextFreeWeekday, $"{Act1971}; {Substitutes}"),
        new(BoxingDay, "Boxing Day", HolidayDateRule.Parse("26 December"), WeekendSubstitution.NextFreeWeekday, $"{Proclamation}; {Substitutes}"),
    ];

    /// <summary>Recurring holidays moved by proclamation. Years before 2011 are not listed.</summary>
    public static IReadOnlyList<HolidayMove> Moves { get; } =
    [
        new(Spring, 2012, new DateOnly(2012, 6, 4), "Moved for the Diamond Jubilee", "https://www.gov.uk/bank-holidays (2012)"),
        new(EarlyMay, 2020, new DateOnly(2020, 5, 8), "Moved to Friday for the 75th anniversary of VE Day",
            "https://www.gov.uk/bank-holidays (Scotland, 2020: 'Early May bank holiday (VE day)' on 8 May); " +
            "Scottish Borders Council public holidays 2020/21"),
        new(Spring, 2022, new DateOnly(2022, 6, 2), "Moved to Thursday for the Platinum Jubilee",
            "https://www.gov.uk/bank-holidays (Scotland, 2022: Spring bank holiday on 2 June)"),
    ];

    /// <summary>One-off days proclaimed for Scotland. Years before 2011 are not listed.</summary>
    public static IReadOnlyList<OneOffHoliday> OneOffs { get; } =
    [
        new(new DateOnly(2011, 4, 29), "Royal wedding bank holiday", "https://www.gov.uk/bank-holidays (2011)"),
        new(new DateOnly(2012, 6, 5), "Diamond Jubilee bank holiday", "https://www.gov.uk/bank-holidays (2012)"),
        new(new DateOnly(2022, 6, 3), "Platinum Jubilee bank holiday", "https://www.gov.uk/bank-holidays (Scotland, 2022)"),
        new(new DateOnly(2022, 9, 19), "Bank holiday for the State Funeral of Queen Elizabeth II",
            "https://www.gov.uk/bank-holidays (Scotland, 2022)"),
        new(new DateOnly(2023, 5, 8), "Bank holiday for the coronation of King Charles III",
            "https://www.gov.uk/bank-holidays (Scotland, 2023)"),
        new(new DateOnly(2026, 6, 15), "World Cup bank holiday",
            "Royal Proclamation approved 5 February 2026 (Scottish Government news 'World Cup bank holiday confirmed'); " +
            "https://www.gov.uk/bank-holidays (Scotland, 2026)"),
    ];

    public static HolidaySet National { get; } = new(Rules, OneOffs, Moves);
}
