using Mappa.Events;
using Mappa.Events.RiskAssessment;
using static Mappa.Scheduling.Tests.Service.SchedulingDriver;

namespace Mappa.Scheduling.Tests.Service;

/// <summary>
/// One obligation's milestones through the running suite: events in, simulated clock advanced, milestones recorded
/// with their events in the outbox. The clock starts on Monday 1 September 2025 (no national holiday until 30 November).
/// </summary>
public sealed class MilestoneLifecycleTests(SimulatedSchedulingSuite suite) : IClassFixture<SimulatedSchedulingSuite>
{
    [Fact]
    public async Task An_open_review_goes_due_overdue_then_reminds_weekly_each_once()
    {
        // Due Wednesday 10 September; recorded 1 September, after the due-soon date (27 August) had passed.
        var (_, assessmentId) = await suite.Services.AssessmentWithReviewDateAsync(new DateOnly(2025, 9, 10));
        var obligationId = "assessment-review:" + assessmentId;

        await suite.AdvanceToAsync(Morning(2025, 10, 2));
        await suite.AdvanceToAsync(Morning(2025, 10, 2).AddHours(5));   // a second sweep at a later time adds nothing

        var milestones = await suite.Services.MilestonesOfAsync(obligationId);
        Assert.Equal(
            ["due-soon", "due", "overdue", "reminder", "reminder", "reminder"],
            milestones.Select(m => m.Slug()).ToArray());
        Assert.Equal(
            [new DateOnly(2025, 8, 27), new DateOnly(2025, 9, 10), new DateOnly(2025, 9, 11), new DateOnly(2025, 9, 18), new DateOnly(2025, 9, 25), new DateOnly(2025, 10, 2)],
            milestones.Select(m => DateOnly.FromDayNumber(m.PlannedDay!.Value)).ToArray());
        // The late due-soon notice went out at recording time, not back-dated to 27 August.
        Assert.True(DateTimeOffset.FromUnixTimeMilliseconds(milestones[0].FallsDueAt) >= SimulatedSchedulingSuite.Start);

        var events = await suite.Services.OutboxEventsOfAsync(obligationId);
        Assert.Equal(
            ["mappa.scheduling.review.due-soon", "mappa.scheduling.review.due", "mappa.scheduling.review.overdue",
             "mappa.scheduling.review.overdue", "mappa.scheduling.review.overdue", "mappa.scheduling.review.overdue"],
            events.Select(e => e.EventType).ToArray());
        Assert.Equal(events.Count, events.Select(e => e.EventId).Distinct().Count());
    }
}

/// <summary>Closing and re-planning obligations through the owning services' events.</summary>
public sealed class ObligationChangeTests(SimulatedSchedulingSuite suite) : IClassFixture<SimulatedSchedulingSuite>
{
    [Fact]
    public async Task Superseding_completing_and_moving_reviews_stop_or_replan_their_milestones()
    {
        var services = suite.Services;
        var superseded = await services.AssessmentWithReviewDateAsync(new DateOnly(2025, 9, 10));
        var completed = await services.AssessmentWithReviewDateAsync(new DateOnly(2025, 9, 10));
        var moved = await services.AssessmentWithReviewDateAsync(new DateOnly(2025, 9, 10));

        // Friday 5 September: the third review is moved to Wednesday 24 September.
        await suite.AdvanceToAsync(Morning(2025, 9, 5).AddHours(3));
        await services.SetReviewDateAsync(moved.SubjectId, moved.AssessmentId, new DateOnly(2025, 9, 24));

        // Friday 12 September, after the first two went overdue: one is superseded, the other's subject is reassessed.
        await suite.AdvanceToAsync(Morning(2025, 9, 12).AddHours(3));
        await services.PublishAsync(new AssessmentSuperseded
        {
            OccurredAt = DateTimeOffset.UtcNow, Subject = SubjectReference.Of(superseded.SubjectId),
            Detail = new DetailLink("/mappa.riskassessment.v1.AssessmentService/GetAssessment", "assessment_id", superseded.AssessmentId),
            AssessmentId = superseded.AssessmentId, SupersededByAssessmentId = Guid.NewGuid().ToString(), Instrument = RiskInstrument.LsCmi,
        });
        var newAssessment = Guid.NewGuid().ToString();
        await services.PublishAsync(new AssessmentRecorded
        {
            OccurredAt = DateTimeOffset.UtcNow, Subject = SubjectReference.Of(completed.SubjectId),
            Detail = new DetailLink("/mappa.riskassessment.v1.AssessmentService/GetAssessment", "assessment_id", newAssessment),
            AssessmentId = newAssessment, Instrument = RiskInstrument.LsCmi, RuleSetVersion = "v1", Area = Area,
        });
        await services.WaitForObligationAsync("assessment-review:" + superseded.AssessmentId, o => o.ClosedAt is not null);
        await services.WaitForObligationAsync("assessment-review:" + completed.AssessmentId, o => o.ClosedAt is not null);

        await suite.AdvanceToAsync(Morning(2025, 10, 10));

        var supersededMilestones = await services.MilestonesOfAsync("assessment-review:" + superseded.AssessmentId);
        Assert.Equal(["due-soon", "due", "overdue", "cancelled"], supersededMilestones.Select(m => m.Slug()).ToArray());
        var completedMilestones = await services.MilestonesOfAsync("assessment-review:" + completed.AssessmentId);
        Assert.Equal(["due-soon", "due", "overdue", "completed"], completedMilestones.Select(m => m.Slug()).ToArray());
        Assert.Contains("mappa.scheduling.review.completed",
            (await services.OutboxEventsOfAsync("assessment-review:" + completed.AssessmentId)).Select(e => e.EventType));

        // Re-planned: nothing of the old date after the move; due soon on 10 September (14 days before), due on the 24th,
        // overdue the next working day, then weekly reminders.
        var movedMilestones = await services.MilestonesOfAsync("assessment-review:" + moved.AssessmentId);
        Assert.Equal(
            [("due-soon", 1, new DateOnly(2025, 8, 27)), ("due-soon", 2, new DateOnly(2025, 9, 10)), ("due", 2, new DateOnly(2025, 9, 24)),
             ("overdue", 2, new DateOnly(2025, 9, 25)), ("reminder", 2, new DateOnly(2025, 10, 2)), ("reminder", 2, new DateOnly(2025, 10, 9))],
            movedMilestones.Select(m => (m.Slug(), Revision(m.MilestoneId), DateOnly.FromDayNumber(m.PlannedDay!.Value))).ToArray());
    }

    private static int Revision(string milestoneId) => int.Parse(milestoneId.Split(':')[^3].TrimStart('r'), System.Globalization.CultureInfo.InvariantCulture);
}
