using Mappa.Core.WorkingDays;
using Mappa.RiskAssessment.Features.Instruments;

namespace Mappa.RiskAssessment.Features.Assessments;

/// <summary>A review interval; all zero means "no review date".</summary>
public sealed class ReviewPeriod
{
    public int Months { get; set; }
    public int Weeks { get; set; }
    public int Days { get; set; }

    /// <summary>Where the interval comes from (report and paragraph), or "unverified: ..." for a configured default.</summary>
    public string Source { get; set; } = "";

    public bool IsNone => Months == 0 && Weeks == 0 && Days == 0;

    public DateOnly After(DateOnly date) => date.AddMonths(Months).AddDays(7 * Weeks + Days);

    public static ReviewPeriod OfMonths(int months, string source) => new() { Months = months, Source = source };

    public static ReviewPeriod OfWeeks(int weeks, string source) => new() { Weeks = weeks, Source = source };
}

/// <summary>The review interval of one instrument: per headline level, else the default.</summary>
public sealed class InstrumentReviewRule
{
    public ReviewPeriod? Default { get; set; }

    /// <summary>Keyed by the level's name as the contract spells it without prefix, e.g. "HIGH", "VERY_HIGH".</summary>
    public Dictionary<string, ReviewPeriod> Levels { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public ReviewPeriod? For(string level) => Levels.TryGetValue(level, out var period) ? period : Default;
}

/// <summary>
/// The review-date policy (configuration section <c>Mappa:RiskAssessment:ReviewPolicy</c>). The defaults below carry
/// their source; those the domain brief marks unverified are configuration, never logic. Configuration adds or
/// replaces entries (an all-zero period removes a review date).
/// </summary>
public sealed class ReviewPolicyOptions
{
    public const string SectionName = "Mappa:RiskAssessment:ReviewPolicy";

    private const string HighRiskThreeMonths = "000 E4; 003 §4.4.3: reviews and risk-assessment updates for high-risk offenders at least every 3 months";
    private const string Unverified = "unverified: local practice default, set per deployment";

    /// <summary>Keyed by instrument as the rule-set files spell it: LS_CMI, LSI_R_SV, RISK_MATRIX_2000, STABLE_2007, ACUTE_2007, ROSH.</summary>
    public Dictionary<string, InstrumentReviewRule> Instruments { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["LS_CMI"] = new()
        {
            Default = ReviewPeriod.OfMonths(6, Unverified),
            Levels =
            {
                ["HIGH"] = ReviewPeriod.OfMonths(3, HighRiskThreeMonths),
                ["VERY_HIGH"] = ReviewPeriod.OfMonths(3, HighRiskThreeMonths),
            },
        },
        // A screening leads to a full LS/CMI; it is not itself reviewed.
        ["LSI_R_SV"] = new(),
        // Static actuarial: re-scored on a new conviction; an annual check is a local default.
        ["RISK_MATRIX_2000"] = new() { Default = ReviewPeriod.OfMonths(12, Unverified) },
        ["STABLE_2007"] = new() { Default = ReviewPeriod.OfMonths(6, "domain brief: Stable-2007 reassessment every 6 months (unverified)") },
        // Acute-2007 is rated at each supervision contact; four weeks is the longest gap assumed here.
        ["ACUTE_2007"] = new() { Default = ReviewPeriod.OfWeeks(4, "domain brief: Acute-2007 at each supervision contact (unverified interval)") },
        ["ROSH"] = new()
        {
            Default = ReviewPeriod.OfMonths(6, Unverified),
            Levels =
            {
                ["HIGH"] = ReviewPeriod.OfMonths(3, HighRiskThreeMonths),
                ["VERY_HIGH"] = ReviewPeriod.OfMonths(3, HighRiskThreeMonths),
            },
        },
    };

    /// <summary>Keyed "2", "3": a subject managed at that MAPPA level is reviewed at least this often, whatever the instrument says.</summary>
    public Dictionary<string, ReviewPeriod> MappaLevels { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["2"] = ReviewPeriod.OfWeeks(12, "domain brief: MAPPA level 2 meeting reviews every 12 weeks (unverified)"),
        ["3"] = ReviewPeriod.OfWeeks(6, "domain brief: MAPPA level 3 meeting reviews every 6 weeks (unverified)"),
    };

    /// <summary>LS/CMI completed for everyone on supervision within this many working days (002, footnote 12).</summary>
    public int LsCmiCompletionWorkingDays { get; set; } = 20;

    /// <summary>The zone whose calendar date counts as "today" for overdue checks.</summary>
    public string TimeZone { get; set; } = "Europe/London";
}

/// <summary>Turns the policy into dates: the policy review date of an assessment, and the LS/CMI deadline.</summary>
public sealed class ReviewPolicy(ReviewPolicyOptions options, WorkingDayCalendar calendar, TimeProvider clock)
{
    private readonly TimeZoneInfo _zone = TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone);

    public ReviewPolicyOptions Options { get; } = options;

    public WorkingDayCalendar Calendar { get; } = calendar;

    /// <summary>
    /// The earlier of the instrument's interval for its level and the subject's MAPPA-level interval, moved back to
    /// a working day of the area so the review is not due on a day nobody works. Null when neither sets one.
    /// </summary>
    public DateOnly? PolicyReviewDate(Instrument instrument, string level, int mappaLevel, DateOnly assessedOn, string area)
    {
        DateOnly? date = null;
        if (Options.Instruments.TryGetValue(EnumText.Of(instrument), out var rule) && rule.For(level) is { IsNone: false } period)
        {
            date = period.After(assessedOn);
        }
        if (Options.MappaLevels.TryGetValue(mappaLevel.ToString(System.Globalization.CultureInfo.InvariantCulture), out var levelPeriod) && !levelPeriod.IsNone)
        {
            var byLevel = levelPeriod.After(assessedOn);
            date = date is { } byInstrument && byInstrument < byLevel ? byInstrument : byLevel;
        }
        return date is { } due ? Calendar.WorkingDayOnOrBefore(due, CalendarArea(area)) : null;
    }

    /// <summary>The last day an LS/CMI may be completed for a supervision that started on <paramref name="supervisionStart"/>.</summary>
    public DateOnly LsCmiDeadline(DateOnly supervisionStart, string area) =>
        Calendar.AddWorkingDays(supervisionStart, Options.LsCmiCompletionWorkingDays, CalendarArea(area));

    public DateOnly Today() => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), _zone).DateTime);

    // Areas without local holidays configured use the national calendar.
    private string? CalendarArea(string area) => Calendar.HasArea(area) ? area : null;
}
