using Google.Protobuf.WellKnownTypes;
using Mappa.CaseConference.Persistence;
using Mappa.Contracts.CaseConference.V1;
using Mappa.Contracts.Common.V1;
using Mappa.Events.CaseConference;
using Mappa.Grpc;
using Mappa.Security;
using Microsoft.EntityFrameworkCore;

namespace Mappa.CaseConference.Tests.Service;

/// <summary>The ConferenceService end to end in the embedded suite: lifecycle, refusals, scope, idempotency, events.</summary>
public sealed class ConferenceServiceTests(ConferenceSuite suite) : IClassFixture<ConferenceSuite>
{
    [Fact]
    public async Task A_conference_goes_from_proposed_to_minuted_and_reads_back_as_recorded()
    {
        using var coordinator = new ConferenceCalls(suite, ConferenceCalls.NewArea("life"));
        var subjectId = Guid.NewGuid().ToString();

        var proposed = await coordinator.Create(subjectId);
        Assert.Equal(ConferenceStatus.Proposed, proposed.Status);
        Assert.Equal(
            [AgencyKind.Police, AgencyKind.SocialWork, AgencyKind.PrisonService, AgencyKind.Health],
            proposed.Invitations.Select(i => i.Agency.Kind));

        var scheduled = await coordinator.Schedule(proposed.ConferenceId);
        Assert.Equal(ConferenceStatus.Scheduled, scheduled.Status);
        Assert.Single(scheduled.ScheduleHistory);

        var held = await coordinator.ScheduleAndHoldAlreadyScheduled(proposed.ConferenceId, suite);
        Assert.Equal(ConferenceStatus.Held, held.Status);

        foreach (var invitation in held.Invitations)
            await coordinator.Attend(held.ConferenceId, invitation.Agency.Kind);
        var decided = await coordinator.Decide(held.ConferenceId, subjectId, MappaLevel._3);
        Assert.Equal(LevelOutcome.Set, decided.Decisions.Single().LevelOutcome);
        Assert.NotNull(decided.Decisions.Single().NextReviewDate);

        var action = await coordinator.Call<AddPlanActionRequest, AddPlanActionResponse>("AddPlanAction", new()
        {
            RequestId = Guid.NewGuid().ToString(),
            ConferenceId = held.ConferenceId,
            SubjectId = subjectId,
            Description = "Home visit with housing officer.",
            OwnerAgency = AgencyKind.Police,
            DueDate = new Google.Type.Date { Year = 2030, Month = 2, Day = 1 },
        });
        Assert.Equal(PlanActionStatus.Open, action.PlanAction.Status);

        var minuted = await coordinator.Minute(held.ConferenceId);
        Assert.Equal(ConferenceStatus.Minuted, minuted.Status);
        Assert.True(minuted.Quorum.Quorate);

        var done = await coordinator.Call<UpdatePlanActionStatusRequest, UpdatePlanActionStatusResponse>("UpdatePlanActionStatus", new()
        {
            ConferenceId = held.ConferenceId,
            ActionId = action.PlanAction.ActionId,
            Status = PlanActionStatus.Done,
        });
        Assert.Equal(PlanActionStatus.Done, done.Conference.PlanActions.Single().Status);
        Assert.Equal(done.Conference, await coordinator.Get(held.ConferenceId));
    }

    [Fact]
    public async Task Recording_a_proposed_conference_as_held_is_refused_with_failed_precondition_and_its_reason()
    {
        using var coordinator = new ConferenceCalls(suite, ConferenceCalls.NewArea("refuse"));
        var proposed = await coordinator.Create();

        var error = await Assert.ThrowsAsync<RpcException>(() => coordinator.Call<RecordConferenceHeldRequest, RecordConferenceHeldResponse>(
            "RecordConferenceHeld", new() { ConferenceId = proposed.ConferenceId }));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Equal("CONFERENCE_NOT_SCHEDULED", ConferenceCalls.ReasonOf(error));
        Assert.Equal(ConferenceStatus.Proposed, (await coordinator.Get(proposed.ConferenceId)).Status);
    }

    [Fact]
    public async Task A_cancelled_conference_cannot_be_scheduled()
    {
        using var coordinator = new ConferenceCalls(suite, ConferenceCalls.NewArea("cancel"));
        var proposed = await coordinator.Create();
        var cancelled = await coordinator.Call<CancelConferenceRequest, CancelConferenceResponse>("CancelConference",
            new() { ConferenceId = proposed.ConferenceId, Reason = "Subject recalled to custody." });
        Assert.Equal(ConferenceStatus.Cancelled, cancelled.Conference.Status);

        var error = await Assert.ThrowsAsync<RpcException>(() => coordinator.Schedule(proposed.ConferenceId));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Equal("CONFERENCE_NOT_PROPOSED", ConferenceCalls.ReasonOf(error));
    }

    [Fact]
    public async Task A_meeting_missing_a_responsible_authority_is_minuted_and_the_quorum_report_shows_who_was_missing()
    {
        using var coordinator = new ConferenceCalls(suite, ConferenceCalls.NewArea("quorum"));
        var subjectId = Guid.NewGuid().ToString();
        var conference = await coordinator.Create(subjectId);
        await coordinator.ScheduleAndHold(conference.ConferenceId);
        await coordinator.Attend(conference.ConferenceId, AgencyKind.Police);
        await coordinator.Attend(conference.ConferenceId, AgencyKind.SocialWork);
        await coordinator.Attend(conference.ConferenceId, AgencyKind.PrisonService, AttendanceStatus.Apologies);
        await coordinator.Attend(conference.ConferenceId, AgencyKind.Health, AttendanceStatus.AbsentWithoutApology);
        await coordinator.Decide(conference.ConferenceId, subjectId, MappaLevel._2);

        var minuted = await coordinator.Minute(conference.ConferenceId);

        Assert.Equal(ConferenceStatus.Minuted, minuted.Status);
        Assert.False(minuted.Quorum.Quorate);
        var presence = minuted.Quorum.RequiredAgencies.ToDictionary(r => r.Agency, r => r.Presence);
        Assert.Equal(AgencyPresence.Present, presence[AgencyKind.Police]);
        Assert.Equal(AgencyPresence.Apologies, presence[AgencyKind.PrisonService]);
        Assert.Equal(AgencyPresence.AbsentWithoutApology, presence[AgencyKind.Health]);
    }

    [Fact]
    public async Task A_retried_create_with_the_same_request_id_returns_the_first_conference()
    {
        using var coordinator = new ConferenceCalls(suite, ConferenceCalls.NewArea("retry"));
        var requestId = Guid.NewGuid().ToString();

        var first = await coordinator.Create(new CreateConferenceRequest { RequestId = requestId });
        var retried = await coordinator.Create(new CreateConferenceRequest { RequestId = requestId });

        Assert.Equal(first.ConferenceId, retried.ConferenceId);
        Assert.Equal(first.Subjects, retried.Subjects);
    }

    [Fact]
    public async Task A_retried_invitation_with_the_same_request_id_invites_the_agency_once()
    {
        using var coordinator = new ConferenceCalls(suite, ConferenceCalls.NewArea("invite"));
        var conference = await coordinator.Create();
        var request = new InviteAgencyRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            ConferenceId = conference.ConferenceId,
            Invitee = new Invitee { Agency = new Agency { Kind = AgencyKind.Housing } },
        };

        var first = await coordinator.Call<InviteAgencyRequest, InviteAgencyResponse>("InviteAgency", request);
        var retried = await coordinator.Call<InviteAgencyRequest, InviteAgencyResponse>("InviteAgency", request);

        Assert.Equal(first.Invitation, retried.Invitation);
        Assert.Single(retried.Conference.Invitations, i => i.Agency.Kind == AgencyKind.Housing);
    }

    [Fact]
    public async Task A_conference_in_another_area_is_not_found()
    {
        using var coordinator = new ConferenceCalls(suite, ConferenceCalls.NewArea("mine"));
        using var elsewhere = new ConferenceCalls(suite, ConferenceCalls.NewArea("theirs"));
        var conference = await coordinator.Create();

        var error = await Assert.ThrowsAsync<RpcException>(() => elsewhere.Get(conference.ConferenceId));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task An_invited_agency_sees_the_conference_and_an_agency_not_invited_does_not()
    {
        var area = ConferenceCalls.NewArea("partner");
        using var coordinator = new ConferenceCalls(suite, area);
        using var housing = new ConferenceCalls(suite, area, Role.PartnerReader, "HOUSING");
        using var education = new ConferenceCalls(suite, area, Role.PartnerReader, "EDUCATION");
        var conference = await coordinator.Create(new CreateConferenceRequest
        {
            AdditionalInvitees = { new Invitee { Agency = new Agency { Kind = AgencyKind.Housing } } },
        });

        Assert.Equal(conference.ConferenceId, (await housing.Get(conference.ConferenceId)).ConferenceId);
        var error = await Assert.ThrowsAsync<RpcException>(() => education.Get(conference.ConferenceId));
        Assert.Equal(StatusCode.NotFound, error.StatusCode);

        var listed = await education.Call<ListConferencesRequest, ListConferencesResponse>("ListConferences", new() { Area = area });
        Assert.Empty(listed.Conferences);
        listed = await housing.Call<ListConferencesRequest, ListConferencesResponse>("ListConferences", new() { Area = area });
        Assert.Equal([conference.ConferenceId], listed.Conferences.Select(c => c.ConferenceId));
    }

    [Fact]
    public async Task Listing_pages_newest_first_and_filters_by_subject_and_status()
    {
        using var coordinator = new ConferenceCalls(suite, ConferenceCalls.NewArea("list"));
        var subjectId = Guid.NewGuid().ToString();
        var first = await coordinator.Create(subjectId);
        var second = await coordinator.Create(subjectId);
        var other = await coordinator.Create();
        await coordinator.Schedule(second.ConferenceId);

        var page1 = await coordinator.Call<ListConferencesRequest, ListConferencesResponse>("ListConferences",
            new() { Area = coordinator.Area, SubjectId = subjectId, PageSize = 1 });
        var page2 = await coordinator.Call<ListConferencesRequest, ListConferencesResponse>("ListConferences",
            new() { Area = coordinator.Area, SubjectId = subjectId, PageSize = 1, PageToken = page1.NextPageToken });
        var scheduled = await coordinator.Call<ListConferencesRequest, ListConferencesResponse>("ListConferences",
            new() { Area = coordinator.Area, Status = ConferenceStatus.Scheduled });

        Assert.Equal([second.ConferenceId], page1.Conferences.Select(c => c.ConferenceId));
        Assert.Equal([first.ConferenceId], page2.Conferences.Select(c => c.ConferenceId));
        Assert.Equal("", page2.NextPageToken);
        Assert.Equal([second.ConferenceId], scheduled.Conferences.Select(c => c.ConferenceId));
        Assert.DoesNotContain(other.ConferenceId, page1.Conferences.Concat(page2.Conferences).Select(c => c.ConferenceId));
    }

    [Fact]
    public async Task Each_step_of_the_meeting_is_announced_on_the_outbox_without_narrative()
    {
        using var coordinator = new ConferenceCalls(suite, ConferenceCalls.NewArea("events"));
        var subjectId = Guid.NewGuid().ToString();
        var conference = await coordinator.MinutedWithLevel(subjectId, MappaLevel._2);

        await using var scope = suite.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CaseConferenceDbContext>();
        var rows = await db.OutboxMessages.AsNoTracking().Where(m => m.SubjectKey == subjectId).ToListAsync();
        var types = rows.Select(r => r.EventType).ToHashSet();
        Assert.Contains("mappa.caseconference.conference.proposed", types);
        Assert.Contains("mappa.caseconference.conference.scheduled", types);
        Assert.Contains("mappa.caseconference.conference.held", types);
        Assert.Contains("mappa.caseconference.attendance.recorded", types);
        var decided = rows.Single(r => r.EventType == "mappa.caseconference.mappa-level.decided");
        var level = System.Text.Json.JsonSerializer.Deserialize<MappaLevelDecided>(decided.Payload, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))!;
        Assert.Equal(conference.ConferenceId, level.ConferenceId);
        Assert.Equal(Events.MappaLevel.Level2, level.Level);
        var reviewDate = conference.Decisions.Single().NextReviewDate;
        Assert.Equal(new DateOnly(reviewDate.Year, reviewDate.Month, reviewDate.Day), level.NextReviewDate);
        Assert.All(rows, row => Assert.DoesNotContain("Plan agreed", row.Payload));
    }

    [Fact]
    public async Task Two_edits_of_the_same_conference_read_before_either_saved_abort_the_second()
    {
        using var coordinator = new ConferenceCalls(suite, ConferenceCalls.NewArea("race"));
        var conference = await coordinator.Create();
        await using var first = suite.Services.CreateAsyncScope();
        await using var second = suite.Services.CreateAsyncScope();
        var store1 = first.ServiceProvider.GetRequiredService<ConferenceStore>();
        var store2 = second.ServiceProvider.GetRequiredService<ConferenceStore>();
        var read1 = (await store1.FindAsync(conference.ConferenceId, default))!;
        var read2 = (await store2.FindAsync(conference.ConferenceId, default))!;
        var now = suite.Clock().GetUtcNow();

        store1.Update(read1, read1.Conference.Cancel("First coordinator's reason.", now));
        await store1.SaveAsync(default);
        store2.Update(read2, read2.Conference.Schedule(new Features.Conferences.ScheduleDetails(), now));
        var error = await Assert.ThrowsAsync<RpcException>(() => store2.SaveAsync(default));

        Assert.Equal(StatusCode.Aborted, error.StatusCode);
        Assert.Equal(ConferenceStatus.Cancelled, (await coordinator.Get(conference.ConferenceId)).Status);
    }

    [Fact]
    public async Task A_review_due_for_a_level_2_subject_proposes_one_review_conference_even_when_redelivered()
    {
        using var coordinator = new ConferenceCalls(suite, ConferenceCalls.NewArea("due"));
        var subjectId = Guid.NewGuid().ToString();
        await coordinator.MinutedWithLevel(subjectId, MappaLevel._2);
        var notice = ReviewDueNotices.For(subjectId, coordinator.Area, "obligation-" + Guid.NewGuid());

        await ReviewDueNotices.Publish(suite, notice);
        var proposals = await Eventually.GetAsync(() => ReviewConferences(coordinator, subjectId), list => list.Count > 0, "the proposed review");
        // The same message again (a redelivery), then another notice for the same obligation (a republish).
        await ReviewDueNotices.Publish(suite, notice);
        var again = ReviewDueNotices.For(subjectId, coordinator.Area, notice.ObligationId);
        await ReviewDueNotices.Publish(suite, again);
        await WaitUntilProcessed(again.EventId);

        var review = Assert.Single(await ReviewConferences(coordinator, subjectId));
        Assert.Equal(proposals.Single().ConferenceId, review.ConferenceId);
        Assert.Equal(ConferenceStatus.Proposed, review.Status);
        Assert.Equal(notice.ObligationId, review.SourceObligationId);
        Assert.Equal("coordinator-1", review.ChairId);
    }

    [Fact]
    public async Task A_review_due_for_a_level_1_subject_proposes_nothing()
    {
        using var coordinator = new ConferenceCalls(suite, ConferenceCalls.NewArea("level1"));
        var subjectId = Guid.NewGuid().ToString();
        await coordinator.MinutedWithLevel(subjectId, MappaLevel._1);
        var notice = ReviewDueNotices.For(subjectId, coordinator.Area, "obligation-" + Guid.NewGuid());

        await ReviewDueNotices.Publish(suite, notice);
        await WaitUntilProcessed(notice.EventId);

        Assert.Empty(await ReviewConferences(coordinator, subjectId));
    }

    private static async Task<List<Conference>> ReviewConferences(ConferenceCalls coordinator, string subjectId)
    {
        var listed = await coordinator.Call<ListConferencesRequest, ListConferencesResponse>("ListConferences",
            new() { Area = coordinator.Area, SubjectId = subjectId });
        return listed.Conferences.Where(c => c.Kind == ConferenceKind.Review).ToList();
    }

    private Task WaitUntilProcessed(Guid messageId) => Eventually.GetAsync(async () =>
    {
        await using var scope = suite.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CaseConferenceDbContext>();
        return await db.InboxMessages.AsNoTracking().AnyAsync(m => m.MessageId == messageId);
    }, processed => processed, $"message {messageId} in the inbox");
}

internal static class ConferenceCallsExtensions
{
    /// <summary>For a conference already scheduled: lets its start pass and records it held.</summary>
    public static async Task<Conference> ScheduleAndHoldAlreadyScheduled(this ConferenceCalls calls, string conferenceId, Testing.RunningSuite suite)
    {
        suite.Clock().Advance(TimeSpan.FromHours(2));
        return (await calls.Call<RecordConferenceHeldRequest, RecordConferenceHeldResponse>("RecordConferenceHeld", new() { ConferenceId = conferenceId })).Conference;
    }
}
