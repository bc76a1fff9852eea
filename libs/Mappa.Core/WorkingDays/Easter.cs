namespace Mappa.Core.WorkingDays;

/// <summary>Easter Sunday in the Gregorian calendar.</summary>
public static class Easter
{
    /// <summary>
    /// Easter Sunday for a Gregorian year (1583 onwards), by the anonymous Gregorian computus
    /// (Meeus/Jones/Butcher), which needs no exception cases, unlike Gauss's formula.
    /// </summary>
    public static DateOnly Sunday(int year)
    {
        if (year is < 1583 or > 9999)
            throw new ArgumentOutOfRangeException(nameof(year), year, "The Gregorian computus applies from 1583 to 9999.");

        int golden = year % 19;                      // position in the 19-year Metonic cycle
        int century = year / 100;
        int yearOfCentury = year % 100;
        int leapCenturies = century / 4;
        int centuryRemainder = century % 4;
        int moonCorrection = (century + 8) / 25;
        int solarCorrection = (century - moonCorrection + 1) / 3;
        int epact = (19 * golden + century - leapCenturies - solarCorrection + 15) % 30;
        int leapYears = yearOfCentury / 4;
        int yearRemainder = yearOfCentury % 4;
        int weekdayOffset = (32 + 2 * centuryRemainder + 2 * leapYears - epact - yearRemainder) % 7;
        int lateMoonFix = (golden + 11 * epact + 22 * weekdayOffset) / 451;
        int monthAndDay = epact + weekdayOffset - 7 * lateMoonFix + 114;
        return new DateOnly(year, monthAndDay / 31, monthAndDay % 31 + 1);
    }
}
