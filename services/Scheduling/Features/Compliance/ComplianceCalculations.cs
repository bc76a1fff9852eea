using Mappa.Events;

namespace Mappa.Scheduling.Features.Compliance;

/// <summary>The instruments the coverage figures report on; Stable and Acute 2007 count together as SA07.</summary>
public enum InstrumentGroup
{
    LsCmi,
    RiskMatrix2000,
    Sa07,
    Rosh,
}

public static class InstrumentGroups
{
    public static IReadOnlyList<InstrumentGroup> All { get; } = [InstrumentGroup.LsCmi, InstrumentGroup.RiskMatrix2000, InstrumentGroup.Sa07, InstrumentGroup.Rosh];

    /// <summary>The group an instrument counts under; null for instruments not reported (the LSI-R:SV screener).</summary>
    public static InstrumentGroup? Of(RiskInstrument instrument) => instrument switch
    {
        RiskInstrument.LsCmi => InstrumentGroup.LsCmi,
        RiskInstrument.RiskMatrix2000 => InstrumentGroup.RiskMatrix2000,
        RiskInstrument.Stable2007 or RiskInstrument.Acute2007 => InstrumentGroup.Sa07,
        RiskInstrument.Rosh => InstrumentGroup.Rosh,
        _ => null,
    };

    /// <summary>The code the report uses.</summary>
    public static string Code(this InstrumentGroup group) => group switch
    {
        InstrumentGroup.LsCmi => "LS_CMI",
        InstrumentGroup.RiskMatrix2000 => "RISK_MATRIX_2000",
        InstrumentGroup.Sa07 => "SA07",
        InstrumentGroup.Rosh => "ROSH",
        _ => throw new ArgumentOutOfRangeException(nameof(group), group, null),
    };
}

/// <summary>A subject's assessment on one instrument that is current at the report's as_of (recorded by then, not superseded by then).</summary>
public sealed record CurrentAssessment(string SubjectId, RiskInstrument Instrument);

/// <summary>An assessment review of a subject open and past its due date at as_of.</summary>
public sealed record OverdueReview(string SubjectId, RiskInstrument Instrument);

public sealed record InstrumentCoverageFigure(InstrumentGroup Instrument, int Subjects, int Current, int Overdue, int NotAssessed)
{
    public double ShareCurrent => Subjects == 0 ? 0 : (double)Current / Subjects;
}

public sealed record CompletionDeadlineFigure(int Due, int Met, int Missed, int StillOpen)
{
    public double ShareMet => Met + Missed == 0 ? 0 : (double)Met / (Met + Missed);
}

public sealed record Sa07WithoutRm2000Figure(int WithSa07, int WithoutRm2000)
{
    public double ShareWithoutRm2000 => WithSa07 == 0 ? 0 : (double)WithoutRm2000 / WithSa07;
}

/// <summary>Agency is the contract's AgencyKind name (AGENCY_KIND_*).</summary>
public sealed record AgencyAttendanceFigure(string Agency, int Invited, int Attended, int Apologies, int AbsentWithoutApology)
{
    public double ShareAttended => Invited == 0 ? 0 : (double)Attended / Invited;
}

/// <summary>How a deadline stood at as_of.</summary>
public enum DeadlineOutcome
{
    Met,
    Missed,
    StillOpen,
    Cancelled,
}

/// <summary>The compliance figures that need more than the review calendar, as pure functions of the facts the reporter gathers.</summary>
public static class ComplianceCalculations
{
    /// <summary>
    /// Per instrument group: of the area's subjects, those with a current assessment in the group whose review is not
    /// overdue (current), those assessed but overdue, and those with no current assessment in the group.
    /// </summary>
    public static IReadOnlyList<InstrumentCoverageFigure> Coverage(IReadOnlyCollection<string> subjects, IEnumerable<CurrentAssessment> current,
        IEnumerable<OverdueReview> overdue)
    {
        var population = subjects.ToHashSet(StringComparer.Ordinal);
        var assessed = Pairs(current.Select(a => (a.SubjectId, a.Instrument)), population);
        var late = Pairs(overdue.Select(o => (o.SubjectId, o.Instrument)), population);
        return
        [
            .. InstrumentGroups.All.Select(group =>
            {
                int withAssessment = assessed.Count(p => p.Group == group);
                int overdueOfThem = assessed.Count(p => p.Group == group && late.Contains(p));
                return new InstrumentCoverageFigure(group, population.Count, withAssessment - overdueOfThem, overdueOfThem, population.Count - withAssessment);
            }),
        ];
    }

    /// <summary>Subjects of the area with a current SA07 (Stable or Acute 2007), and of those the ones without a current RM2000.</summary>
    public static Sa07WithoutRm2000Figure Sa07WithoutRm2000(IReadOnlyCollection<string> subjects, IEnumerable<CurrentAssessment> current)
    {
        var assessed = Pairs(current.Select(a => (a.SubjectId, a.Instrument)), subjects.ToHashSet(StringComparer.Ordinal));
        var withSa07 = assessed.Where(p => p.Group == InstrumentGroup.Sa07).Select(p => p.SubjectId).ToHashSet(StringComparer.Ordinal);
        var withRm2000 = assessed.Where(p => p.Group == InstrumentGroup.RiskMatrix2000).Select(p => p.SubjectId).ToHashSet(StringComparer.Ordinal);
        return new Sa07WithoutRm2000Figure(withSa07.Count, withSa07.Count(s => !withRm2000.Contains(s)));
    }

    /// <summary>Where a deadline stood at as_of: completed by the due date (met), completed late or open past it (missed), open, or cancelled.</summary>
    public static DeadlineOutcome Outcome(DateOnly dueDate, DateOnly? completedOn, bool cancelled, DateOnly asOfDate)
    {
        if (cancelled)
            return DeadlineOutcome.Cancelled;
        if (completedOn is { } done)
            return done <= dueDate ? DeadlineOutcome.Met : DeadlineOutcome.Missed;
        return asOfDate > dueDate ? DeadlineOutcome.Missed : DeadlineOutcome.StillOpen;
    }

    public static CompletionDeadlineFigure Deadlines(IEnumerable<DeadlineOutcome> outcomes)
    {
        var list = outcomes.Where(o => o != DeadlineOutcome.Cancelled).ToList();
        return new CompletionDeadlineFigure(list.Count, list.Count(o => o == DeadlineOutcome.Met), list.Count(o => o == DeadlineOutcome.Missed),
            list.Count(o => o == DeadlineOutcome.StillOpen));
    }

    public const string Attended = "ATTENDANCE_STATUS_ATTENDED";
    public const string DelegateAttended = "ATTENDANCE_STATUS_DELEGATE_ATTENDED";
    public const string Apologies = "ATTENDANCE_STATUS_APOLOGIES";
    public const string AbsentWithoutApology = "ATTENDANCE_STATUS_ABSENT_WITHOUT_APOLOGY";

    /// <summary>Per agency kind over the held conferences' attendance records (agency, status names), in agency order.</summary>
    public static IReadOnlyList<AgencyAttendanceFigure> AttendanceByAgency(IEnumerable<(string Agency, string Status)> records) =>
    [
        .. records.GroupBy(r => r.Agency, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new AgencyAttendanceFigure(
            g.Key,
            g.Count(),
            g.Count(r => r.Status is Attended or DelegateAttended),
            g.Count(r => r.Status == Apologies),
            g.Count(r => r.Status == AbsentWithoutApology))),
    ];

    private static HashSet<(string SubjectId, InstrumentGroup Group)> Pairs(IEnumerable<(string SubjectId, RiskInstrument Instrument)> items, HashSet<string> population) =>
        items.Where(i => population.Contains(i.SubjectId) && InstrumentGroups.Of(i.Instrument) is not null)
            .Select(i => (i.SubjectId, InstrumentGroups.Of(i.Instrument)!.Value))
            .ToHashSet();
}
