using Mappa.Events;
using Mappa.Events.CaseConference;
using Mappa.Scheduling.Features.Milestones;
using static Mappa.Scheduling.Tests.Service.SchedulingDriver;

namespace Mappa.Scheduling.Tests.Service;

/// <summary>CaseConference's completed and cancelled plan actions close their obligations, which stops their reminders.</summary>
public sealed class PlanActionCompletionTests(SimulatedSchedulingSuite suite) : IClassFixture<SimulatedSchedulingSuite>
{
    [Fact]
    public async Task A_completed_action_stops_its_reminders_and_records_its_completed_milestone()
    {
        var services = suite.Services;
        var subjectId = await ScheduleAsync();
        var conferenceId = "conf-done-" + subjectId;
        var obligationId = $"plan-action:{conferenceId}/act-1/{subjectId}";
        await services.PublishAsync(DueDateSet(subjectId, conferenceId, "act-1", new DateOnly(2025, 9, 10)));
        await services.WaitForObligationAsync(obligationId, _ => true);

        await suite.AdvanceToAsync(Morning(2025, 9, 18).AddHours(1));
        Assert.Equal(["due-soon", "due", "overdue", "reminder"], (await services.MilestonesOfAsync(obligationId)).Select(m => m.Slug()).ToArray());

        await services.PublishAsync(Completed(subjectId, conferenceId, "act-1", new DateOnly(2025, 9, 10)));
        var completed = await services.WaitForObligationAsync(obligationId, o => o.ClosedAt is not null);
        Assert.Equal((int)ObligationState.Completed, completed.State);

        await suite.AdvanceToAsync(Morning(2025, 10, 20));
        Assert.Equal(["due-soon", "due", "overdue", "reminder", "completed"], (await services.MilestonesOfAsync(obligationId)).Select(m => m.Slug()).ToArray());
        Assert.Contains("mappa.scheduling.review.completed", (await services.OutboxEventsOfAsync(obligationId)).Select(e => e.EventType));
    }

    [Fact]
    public async Task A_cancelled_action_cancels_its_obligation()
    {
        var subjectId = await ScheduleAsync();
        var conferenceId = "conf-cancel-" + subjectId;
        var obligationId = $"plan-action:{conferenceId}/act-2/{subjectId}";
        await suite.Services.PublishAsync(DueDateSet(subjectId, conferenceId, "act-2", new DateOnly(2026, 3, 2)));
        await suite.Services.WaitForObligationAsync(obligationId, _ => true);

        await suite.Services.PublishAsync(new PlanActionCancelled
        {
            OccurredAt = DateTimeOffset.UtcNow, Subject = SubjectReference.Of(subjectId), Detail = Link(conferenceId),
            ConferenceId = conferenceId, ActionId = "act-2", DueDate = new DateOnly(2026, 3, 2),
        });

        var cancelled = await suite.Services.WaitForObligationAsync(obligationId, o => o.ClosedAt is not null);
        Assert.Equal((int)ObligationState.Cancelled, cancelled.State);
    }

    [Fact]
    public async Task A_completion_that_arrives_before_the_due_date_event_is_kept_and_the_late_due_date_does_not_reopen_it()
    {
        var subjectId = await ScheduleAsync();
        var conferenceId = "conf-early-" + subjectId;
        var obligationId = $"plan-action:{conferenceId}/act-3/{subjectId}";

        var completion = Completed(subjectId, conferenceId, "act-3", new DateOnly(2026, 4, 1));
        await suite.Services.PublishAsync(completion);
        await suite.Services.PublishAsync(completion);   // a redelivered copy is skipped by the inbox
        var closed = await suite.Services.WaitForObligationAsync(obligationId, o => o.ClosedAt is not null);
        Assert.Equal(((int)ObligationState.Completed, new DateOnly(2026, 4, 1).DayNumber), (closed.State, closed.DueDay));

        await suite.Services.PublishAsync(DueDateSet(subjectId, conferenceId, "act-3", new DateOnly(2026, 4, 15)));
        // The due-date event is handled after the completion (one queue, in order) once a later marker is seen.
        await suite.Services.PublishAsync(DueDateSet(subjectId, conferenceId, "act-4", new DateOnly(2026, 4, 15)));
        await suite.Services.WaitForObligationAsync($"plan-action:{conferenceId}/act-4/{subjectId}", _ => true);
        var after = await suite.Services.WaitForObligationAsync(obligationId, _ => true);
        Assert.Equal(((int)ObligationState.Completed, new DateOnly(2026, 4, 1).DayNumber), (after.State, after.DueDay));
    }

    private async Task<string> ScheduleAsync()
    {
        var subjectId = Guid.NewGuid().ToString();
        await suite.Services.PublishAsync(new ConferenceScheduled
        {
            OccurredAt = DateTimeOffset.UtcNow, Subject = SubjectReference.Of(subjectId), Detail = Link("conf-booking-" + subjectId),
            ConferenceId = "conf-booking-" + subjectId, ScheduledFor = DateTimeOffset.UtcNow, Area = Area,
        });
        return subjectId;
    }

    private static ActionDueDateSet DueDateSet(string subjectId, string conferenceId, string actionId, DateOnly due) => new()
    {
        OccurredAt = DateTimeOffset.UtcNow, Subject = SubjectReference.Of(subjectId), Detail = Link(conferenceId),
        ConferenceId = conferenceId, ActionId = actionId, DueDate = due,
    };

    private static PlanActionCompleted Completed(string subjectId, string conferenceId, string actionId, DateOnly due) => new()
    {
        OccurredAt = DateTimeOffset.UtcNow, Subject = SubjectReference.Of(subjectId), Detail = Link(conferenceId),
        ConferenceId = conferenceId, ActionId = actionId, DueDate = due,
    };

    private static DetailLink Link(string conferenceId) => new("/mappa.caseconference.v1.ConferenceService/GetConference", "conference_id", conferenceId);
}
