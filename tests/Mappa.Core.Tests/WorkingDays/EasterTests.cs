using Mappa.Core.WorkingDays;

namespace Mappa.Core.Tests.WorkingDays;

public sealed class EasterTests
{
    [Theory]
    // Early and late extremes: 22 March and 25 April are the earliest and latest possible Easter Sundays.
    [InlineData(2024, 3, 31)]
    [InlineData(2027, 3, 28)]
    [InlineData(2038, 4, 25)]
    [InlineData(1943, 4, 25)]
    [InlineData(1818, 3, 22)]
    [InlineData(2285, 3, 22)]
    // Years where Gauss's formula needs its exception rules (paschal full moon on 18/19 April).
    [InlineData(1954, 4, 18)]
    [InlineData(1981, 4, 19)]
    [InlineData(2049, 4, 18)]
    [InlineData(2076, 4, 19)]
    // The years the scheduling tests rely on.
    [InlineData(2020, 4, 12)]
    [InlineData(2021, 4, 4)]
    [InlineData(2022, 4, 17)]
    [InlineData(2023, 4, 9)]
    [InlineData(2025, 4, 20)]
    [InlineData(2026, 4, 5)]
    [InlineData(2028, 4, 16)]
    [InlineData(2029, 4, 1)]
    [InlineData(2030, 4, 21)]
    [InlineData(2031, 4, 13)]
    [InlineData(2032, 3, 28)]
    [InlineData(2033, 4, 17)]
    [InlineData(2034, 4, 9)]
    [InlineData(2035, 3, 25)]
    public void Easter_Sunday_falls_on_the_published_date(int year, int month, int day)
    {
        Assert.Equal(new DateOnly(year, month, day), Easter.Sunday(year));
    }

    [Fact]
    public void Easter_is_always_a_Sunday_between_22_March_and_25_April_and_agrees_with_Knuths_computus()
    {
        for (int year = 1583; year <= 4099; year++)
        {
            var easter = Easter.Sunday(year);
            Assert.Equal(DayOfWeek.Sunday, easter.DayOfWeek);
            Assert.InRange(easter, new DateOnly(year, 3, 22), new DateOnly(year, 4, 25));
            Assert.Equal(KnuthEaster(year), easter);
        }
    }

    [Fact]
    public void Years_before_the_Gregorian_calendar_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Easter.Sunday(1582));
    }

    // An independent formulation (Knuth, TAOCP vol. 1, §1.3.2 exercise 14, after Lilius and Clavius) as the oracle.
    private static DateOnly KnuthEaster(int year)
    {
        int golden = year % 19 + 1;
        int century = year / 100 + 1;
        int skippedLeapYears = 3 * century / 4 - 12;
        int moonOrbitCorrection = (8 * century + 5) / 25 - 5;
        int sundayFinder = 5 * year / 4 - skippedLeapYears - 10;
        int epact = (11 * golden + 20 + moonOrbitCorrection - skippedLeapYears) % 30;
        if ((epact == 25 && golden > 11) || epact == 24)
            epact++;
        int fullMoon = 44 - epact;
        if (fullMoon < 21)
            fullMoon += 30;
        int sunday = fullMoon + 7 - (sundayFinder + fullMoon) % 7;
        return sunday > 31 ? new DateOnly(year, 4, sunday - 31) : new DateOnly(year, 3, sunday);
    }
}
