using static Mappa.Scheduling.Tests.Service.SchedulingDriver;

namespace Mappa.Scheduling.Tests.Service;

/// <summary>The suite with one configured area whose council keeps Monday 29 December 2025 as a local holiday.</summary>
public sealed class LocalHolidaySuite : SimulatedSchedulingSuite
{
    public const string Burgh = "test-burgh";

    protected override IEnumerable<KeyValuePair<string, string?>> Configuration() =>
    [
        .. base.Configuration(),
        new("Mappa:WorkingDays:Areas:0:Code", Burgh),
        new("Mappa:WorkingDays:Areas:0:Name", "Test Burgh"),
        new("Mappa:WorkingDays:Areas:0:OneOffs:0:Date", "2025-12-29"),
        new("Mappa:WorkingDays:Areas:0:OneOffs:0:Name", "Local winter holiday"),
        new("Mappa:WorkingDays:Areas:0:OneOffs:0:Source", "test configuration"),
    ];
}

/// <summary>Milestones over Christmas and a weekend, planned on the area's working days, through the running suite.</summary>
public sealed class HolidayMilestoneTests(LocalHolidaySuite suite) : IClassFixture<LocalHolidaySuite>
{
    [Fact]
    public async Task Overdue_and_reminders_skip_national_and_local_holidays_and_due_soon_moves_back_off_a_weekend()
    {
        var national = await suite.Services.AssessmentWithReviewDateAsync(new DateOnly(2025, 12, 24), "glasgow");
        var local = await suite.Services.AssessmentWithReviewDateAsync(new DateOnly(2025, 12, 24), LocalHolidaySuite.Burgh);
        var sunday = await suite.Services.AssessmentWithReviewDateAsync(new DateOnly(2025, 12, 21), "glasgow");

        await suite.AdvanceToAsync(Morning(2026, 1, 6).AddHours(3));

        // Christmas Day and Boxing Day are national holidays, then a weekend: overdue on Monday the 29th.
        Assert.Equal(
            [("due-soon", D(2025, 12, 10)), ("due", D(2025, 12, 24)), ("overdue", D(2025, 12, 29)), ("reminder", D(2026, 1, 5))],
            await PlanOf(national.AssessmentId));
        // The burgh also keeps the 29th: overdue on the 30th, a week later the next reminder.
        Assert.Equal(
            [("due-soon", D(2025, 12, 10)), ("due", D(2025, 12, 24)), ("overdue", D(2025, 12, 30)), ("reminder", D(2026, 1, 6))],
            await PlanOf(local.AssessmentId));
        // Due on a Sunday: due soon fourteen days before is also a Sunday, so it comes on the Friday before; overdue on Monday.
        Assert.Equal(
            [("due-soon", D(2025, 12, 5)), ("due", D(2025, 12, 21)), ("overdue", D(2025, 12, 22)), ("reminder", D(2025, 12, 29)), ("reminder", D(2026, 1, 5))],
            await PlanOf(sunday.AssessmentId));
    }

    private async Task<(string, DateOnly)[]> PlanOf(string assessmentId) =>
        (await suite.Services.MilestonesOfAsync("assessment-review:" + assessmentId))
            .Select(m => (m.Slug(), DateOnly.FromDayNumber(m.PlannedDay!.Value))).ToArray();

    private static DateOnly D(int year, int month, int day) => new(year, month, day);
}
