using Mappa.Core.WorkingDays;
using Mappa.Events;
using Mappa.Scheduling.Features.Calendar;
using Mappa.Scheduling.Features.Compliance;

namespace Mappa.Scheduling.Tests.Compliance;

/// <summary>The compliance figures on small worked examples.</summary>
public class ComplianceCalculationsTests
{
    private static readonly string[] Subjects = ["a", "b", "c", "d"];

    [Fact]
    public void Coverage_counts_per_instrument_the_subjects_with_a_current_assessment_not_overdue_for_review()
    {
        CurrentAssessment[] current =
        [
            new("a", RiskInstrument.LsCmi), new("a", RiskInstrument.LsCmi),   // two LS/CMIs count once
            new("b", RiskInstrument.LsCmi),
            new("a", RiskInstrument.Stable2007), new("a", RiskInstrument.Acute2007), new("c", RiskInstrument.Acute2007),
            new("d", RiskInstrument.LsiRSv),                                      // the screener is not reported
            new("z", RiskInstrument.Rosh),                                        // not a subject of the area
        ];
        OverdueReview[] overdue = [new("b", RiskInstrument.LsCmi), new("c", RiskInstrument.Acute2007), new("d", RiskInstrument.Rosh)];

        var figures = ComplianceCalculations.Coverage(Subjects, current, overdue);

        Assert.Equal(
        [
            (InstrumentGroup.LsCmi, 4, 1, 1, 2),
            (InstrumentGroup.RiskMatrix2000, 4, 0, 0, 4),
            (InstrumentGroup.Sa07, 4, 1, 1, 2),
            (InstrumentGroup.Rosh, 4, 0, 0, 4),
        ], figures.Select(f => (f.Instrument, f.Subjects, f.Current, f.Overdue, f.NotAssessed)).ToArray());
        Assert.Equal(0.25, figures[0].ShareCurrent);
        Assert.Equal(["LS_CMI", "RISK_MATRIX_2000", "SA07", "ROSH"], figures.Select(f => f.Instrument.Code()).ToArray());
    }

    [Fact]
    public void No_subjects_gives_zero_shares_rather_than_dividing_by_zero()
    {
        var figures = ComplianceCalculations.Coverage([], [], []);
        Assert.All(figures, f => Assert.Equal((0, 0.0), (f.Subjects, f.ShareCurrent)));
        Assert.Equal(0.0, new CompletionDeadlineFigure(0, 0, 0, 0).ShareMet);
        Assert.Equal(0.0, new Sa07WithoutRm2000Figure(0, 0).ShareWithoutRm2000);
    }

    [Fact]
    public void SA07_without_RM2000_counts_subjects_with_Stable_or_Acute_2007_and_no_Risk_Matrix_2000()
    {
        CurrentAssessment[] current =
        [
            new("a", RiskInstrument.Stable2007), new("a", RiskInstrument.RiskMatrix2000),
            new("b", RiskInstrument.Acute2007),
            new("c", RiskInstrument.Stable2007), new("c", RiskInstrument.Acute2007),
            new("d", RiskInstrument.RiskMatrix2000),
        ];

        var figure = ComplianceCalculations.Sa07WithoutRm2000(Subjects, current);

        Assert.Equal((3, 2), (figure.WithSa07, figure.WithoutRm2000));
        Assert.Equal(2.0 / 3, figure.ShareWithoutRm2000, 6);
    }

    [Theory]
    [InlineData("2025-09-29", "2025-09-29", false, "2025-10-10", DeadlineOutcome.Met)]        // done on the day
    [InlineData("2025-09-29", "2025-09-30", false, "2025-10-10", DeadlineOutcome.Missed)]     // done a day late
    [InlineData("2025-09-29", null, false, "2025-09-29", DeadlineOutcome.StillOpen)]          // due today, not done yet
    [InlineData("2025-09-29", null, false, "2025-09-30", DeadlineOutcome.Missed)]             // open and past it
    [InlineData("2025-09-29", null, true, "2025-10-10", DeadlineOutcome.Cancelled)]
    public void A_deadline_is_met_missed_or_still_open_as_of_the_report(string due, string? completedOn, bool cancelled, string asOf, DeadlineOutcome expected) =>
        Assert.Equal(expected, ComplianceCalculations.Outcome(DateOnly.Parse(due), completedOn is null ? null : DateOnly.Parse(completedOn), cancelled, DateOnly.Parse(asOf)));

    [Fact]
    public void Deadline_figures_leave_cancelled_ones_out_and_share_met_over_those_decided()
    {
        var figure = ComplianceCalculations.Deadlines([DeadlineOutcome.Met, DeadlineOutcome.Met, DeadlineOutcome.Missed, DeadlineOutcome.StillOpen, DeadlineOutcome.Cancelled]);

        Assert.Equal((4, 2, 1, 1), (figure.Due, figure.Met, figure.Missed, figure.StillOpen));
        Assert.Equal(2.0 / 3, figure.ShareMet, 6);
    }

    [Fact]
    public void Attendance_by_agency_counts_invited_attended_in_person_or_by_delegate_apologies_and_absences()
    {
        var figures = ComplianceCalculations.AttendanceByAgency(
        [
            ("AGENCY_KIND_POLICE", "ATTENDANCE_STATUS_ATTENDED"),
            ("AGENCY_KIND_POLICE", "ATTENDANCE_STATUS_DELEGATE_ATTENDED"),
            ("AGENCY_KIND_POLICE", "ATTENDANCE_STATUS_ABSENT_WITHOUT_APOLOGY"),
            ("AGENCY_KIND_HOUSING", "ATTENDANCE_STATUS_APOLOGIES"),
        ]);

        Assert.Equal(
        [
            new AgencyAttendanceFigure("AGENCY_KIND_HOUSING", 1, 0, 1, 0),
            new AgencyAttendanceFigure("AGENCY_KIND_POLICE", 3, 2, 0, 1),
        ], figures);
        Assert.Equal(2.0 / 3, figures[1].ShareAttended, 6);
    }

    [Fact]
    public void The_LS_CMI_deadline_is_twenty_working_days_after_the_start_skipping_holidays_of_the_area()
    {
        var calendar = WorkingDayCalendar.Scotland(new AreaDefinition("burgh", "Burgh", new HolidaySet([], [new OneOffHoliday(new DateOnly(2025, 12, 29), "Local", "test")], [])));

        Assert.Equal(new DateOnly(2025, 9, 29), LsCmiDeadline.DueDate(calendar, new DateOnly(2025, 9, 1), "unlisted", nationalHolidaysForUnconfiguredAreas: true));
        Assert.Equal(new DateOnly(2026, 1, 16), LsCmiDeadline.DueDate(calendar, new DateOnly(2025, 12, 15), "unlisted", true));
        Assert.Equal(new DateOnly(2026, 1, 19), LsCmiDeadline.DueDate(calendar, new DateOnly(2025, 12, 15), "burgh", true));
        Assert.Throws<UnknownAreaException>(() => LsCmiDeadline.DueDate(calendar, new DateOnly(2025, 9, 1), "unlisted", false));
    }
}
