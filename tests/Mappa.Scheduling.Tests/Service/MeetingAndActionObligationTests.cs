using Mappa.Events;
using Mappa.Events.CaseConference;
using Mappa.Scheduling.Features.Milestones;
using static Mappa.Scheduling.Tests.Service.SchedulingDriver;

namespace Mappa.Scheduling.Tests.Service;

/// <summary>Obligations kept from CaseConference's events: meeting reviews by level, and plan actions.</summary>
public sealed class MeetingAndActionObligationTests(SimulatedSchedulingSuite suite) : IClassFixture<SimulatedSchedulingSuite>
{
    [Fact]
    public async Task A_level_decision_sets_the_next_meeting_review_which_the_next_meeting_completes_and_level_one_cancels()
    {
        var subjectId = Guid.NewGuid().ToString();
        await ScheduleAsync(subjectId, "conf-a");
        await DecideAsync(subjectId, "conf-a", MappaLevel.Level3, new DateTimeOffset(2025, 9, 1, 15, 0, 0, TimeSpan.Zero));
        // Level 3: reviewed every 6 weeks (configurable) from the decision on 1 September.
        var first = await suite.Services.WaitForObligationAsync("meeting-review:conf-a", _ => true);
        Assert.Equal(new DateOnly(2025, 10, 13), DateOnly.FromDayNumber(first.DueDay));
        Assert.Equal((int)ReviewKind.MappaMeeting, first.ReviewKind);

        await suite.Services.PublishAsync(new ConferenceHeld
        {
            OccurredAt = DateTimeOffset.UtcNow, Subject = SubjectReference.Of(subjectId), Detail = Link("conf-b"),
            ConferenceId = "conf-b", HeldOn = new DateOnly(2025, 10, 6),
        });
        var held = await suite.Services.WaitForObligationAsync("meeting-review:conf-a", o => o.ClosedAt is not null);
        Assert.Equal((int)ObligationState.Completed, held.State);

        await DecideAsync(subjectId, "conf-b", MappaLevel.Level2, new DateTimeOffset(2025, 10, 6, 14, 0, 0, TimeSpan.Zero));
        var second = await suite.Services.WaitForObligationAsync("meeting-review:conf-b", _ => true);
        Assert.Equal(new DateOnly(2025, 12, 29), DateOnly.FromDayNumber(second.DueDay));   // 12 weeks at level 2

        await DecideAsync(subjectId, "conf-c", MappaLevel.Level1, new DateTimeOffset(2025, 11, 3, 14, 0, 0, TimeSpan.Zero));
        var cancelled = await suite.Services.WaitForObligationAsync("meeting-review:conf-b", o => o.ClosedAt is not null);
        Assert.Equal((int)ObligationState.Cancelled, cancelled.State);

        // A meeting that sets its own review date (an override of the level's period) is taken at its word.
        await suite.Services.PublishAsync(new MappaLevelDecided
        {
            OccurredAt = new DateTimeOffset(2025, 11, 10, 14, 0, 0, TimeSpan.Zero), Subject = SubjectReference.Of(subjectId), Detail = Link("conf-d"),
            ConferenceId = "conf-d", Level = MappaLevel.Level3, NextReviewDate = new DateOnly(2025, 12, 1),
        });
        var overridden = await suite.Services.WaitForObligationAsync("meeting-review:conf-d", _ => true);
        Assert.Equal(new DateOnly(2025, 12, 1), DateOnly.FromDayNumber(overridden.DueDay));
    }

    [Fact]
    public async Task A_plan_actions_due_date_opens_an_obligation_and_a_new_date_moves_it()
    {
        var subjectId = Guid.NewGuid().ToString();
        await ScheduleAsync(subjectId, "conf-x");
        await SetActionDueAsync(subjectId, new DateOnly(2025, 10, 1));
        await suite.Services.WaitForObligationAsync($"plan-action:conf-x/action-1-{subjectId}/{subjectId}", o => o.DueDay == new DateOnly(2025, 10, 1).DayNumber);

        await SetActionDueAsync(subjectId, new DateOnly(2025, 10, 15));
        var moved = await suite.Services.WaitForObligationAsync($"plan-action:conf-x/action-1-{subjectId}/{subjectId}", o => o.DueDay == new DateOnly(2025, 10, 15).DayNumber);
        Assert.Equal((int)ReviewKind.PlanAction, moved.ReviewKind);
        Assert.Equal(Area, moved.Area);
    }

    private Task SetActionDueAsync(string subjectId, DateOnly due) => suite.Services.PublishAsync(new ActionDueDateSet
    {
        OccurredAt = DateTimeOffset.UtcNow, Subject = SubjectReference.Of(subjectId), Detail = Link("conf-x"),
        ConferenceId = "conf-x", ActionId = "action-1-" + subjectId, DueDate = due,
    });

    private Task ScheduleAsync(string subjectId, string conferenceId) => suite.Services.PublishAsync(new ConferenceScheduled
    {
        OccurredAt = DateTimeOffset.UtcNow, Subject = SubjectReference.Of(subjectId), Detail = Link(conferenceId),
        ConferenceId = conferenceId + "-" + subjectId, ScheduledFor = DateTimeOffset.UtcNow, Area = Area,
    });

    private Task DecideAsync(string subjectId, string conferenceId, MappaLevel level, DateTimeOffset decidedAt) => suite.Services.PublishAsync(new MappaLevelDecided
    {
        OccurredAt = decidedAt, Subject = SubjectReference.Of(subjectId), Detail = Link(conferenceId), ConferenceId = conferenceId, Level = level,
    });

    private static DetailLink Link(string conferenceId) => new("/mappa.caseconference.v1.ConferenceService/GetConference", "conference_id", conferenceId);
}
