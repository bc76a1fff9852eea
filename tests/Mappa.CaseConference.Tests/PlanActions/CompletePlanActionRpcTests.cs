using Mappa.CaseConference.Persistence;
using Mappa.CaseConference.Tests.Service;
using Mappa.Contracts.CaseConference.V1;
using Mappa.Contracts.Common.V1;
using Mappa.Events.CaseConference;
using Mappa.Grpc;
using Mappa.Security;
using Microsoft.EntityFrameworkCore;

namespace Mappa.CaseConference.Tests.PlanActions;

/// <summary>CompletePlanAction and CancelPlanAction end to end in the embedded suite: who may, refusals, safe retries, events.</summary>
public sealed class CompletePlanActionRpcTests(ConferenceSuite suite) : IClassFixture<ConferenceSuite>
{
    private static readonly Google.Type.Date DueDate = new() { Year = 2030, Month = 2, Day = 1 };

    [Fact]
    public async Task Completing_an_open_action_marks_it_done_and_announces_it_for_its_subject()
    {
        using var coordinator = new ConferenceCalls(suite, ConferenceCalls.NewArea("done"));
        var (conferenceId, subjectId, actionId) = await HeldWithActionAsync(coordinator);

        var response = await Complete(coordinator, conferenceId, actionId, Guid.NewGuid().ToString());

        Assert.Equal((actionId, PlanActionStatus.Done), (response.PlanAction.ActionId, response.PlanAction.Status));
        Assert.NotNull(response.PlanAction.CloseTime);
        Assert.Equal(PlanActionStatus.Done, (await coordinator.Get(conferenceId)).PlanActions.Single().Status);
        var completed = Assert.Single(await EventsAsync<PlanActionCompleted>(subjectId, "mappa.caseconference.action.completed"));
        Assert.Equal((conferenceId, actionId, new DateOnly(2030, 2, 1)), (completed.ConferenceId, completed.ActionId, completed.DueDate));
    }

    [Fact]
    public async Task A_retry_with_the_same_request_id_answers_as_the_first_call_and_announces_nothing_more()
    {
        using var coordinator = new ConferenceCalls(suite, ConferenceCalls.NewArea("retry"));
        var (conferenceId, subjectId, actionId) = await HeldWithActionAsync(coordinator);
        var requestId = Guid.NewGuid().ToString();

        var first = await Complete(coordinator, conferenceId, actionId, requestId);
        var retry = await Complete(coordinator, conferenceId, actionId, requestId);

        Assert.Equal(first.PlanAction, retry.PlanAction);
        Assert.Single(await EventsAsync<PlanActionCompleted>(subjectId, "mappa.caseconference.action.completed"));
    }

    [Fact]
    public async Task Completing_an_action_that_is_no_longer_open_with_a_new_request_is_a_failed_precondition()
    {
        using var coordinator = new ConferenceCalls(suite, ConferenceCalls.NewArea("twice"));
        var (conferenceId, _, actionId) = await HeldWithActionAsync(coordinator);
        await Complete(coordinator, conferenceId, actionId, Guid.NewGuid().ToString());

        var again = await Assert.ThrowsAsync<RpcException>(() => Complete(coordinator, conferenceId, actionId, Guid.NewGuid().ToString()));
        var cancel = await Assert.ThrowsAsync<RpcException>(() => Cancel(coordinator, conferenceId, actionId, Guid.NewGuid().ToString(), "No longer needed"));

        Assert.Equal((StatusCode.FailedPrecondition, "ACTION_NOT_OPEN"), (again.StatusCode, ConferenceCalls.ReasonOf(again)));
        Assert.Equal((StatusCode.FailedPrecondition, "ACTION_NOT_OPEN"), (cancel.StatusCode, ConferenceCalls.ReasonOf(cancel)));
    }

    [Fact]
    public async Task Cancelling_needs_a_reason_which_stays_out_of_the_event()
    {
        using var coordinator = new ConferenceCalls(suite, ConferenceCalls.NewArea("cancel"));
        var (conferenceId, subjectId, actionId) = await HeldWithActionAsync(coordinator);

        var noReason = await Assert.ThrowsAsync<RpcException>(() => Cancel(coordinator, conferenceId, actionId, Guid.NewGuid().ToString(), " "));
        Assert.Equal(StatusCode.InvalidArgument, noReason.StatusCode);
        Assert.Equal(PlanActionStatus.Open, (await coordinator.Get(conferenceId)).PlanActions.Single().Status);

        var cancelled = await Cancel(coordinator, conferenceId, actionId, Guid.NewGuid().ToString(), "Subject moved to another area");

        Assert.Equal((PlanActionStatus.Cancelled, "Subject moved to another area"), (cancelled.PlanAction.Status, cancelled.PlanAction.CancellationReason));
        var payloads = await PayloadsAsync(subjectId, "mappa.caseconference.action.cancelled");
        Assert.DoesNotContain("moved", Assert.Single(payloads));
    }

    [Fact]
    public async Task An_unknown_action_or_conference_is_not_found_and_a_missing_action_id_is_invalid()
    {
        using var coordinator = new ConferenceCalls(suite, ConferenceCalls.NewArea("missing"));
        var (conferenceId, _, _) = await HeldWithActionAsync(coordinator);

        var unknownAction = await Assert.ThrowsAsync<RpcException>(() => Complete(coordinator, conferenceId, "act-9", ""));
        var unknownConference = await Assert.ThrowsAsync<RpcException>(() => Complete(coordinator, Guid.NewGuid().ToString(), "act-1", ""));
        var noAction = await Assert.ThrowsAsync<RpcException>(() => Complete(coordinator, conferenceId, "", ""));

        Assert.Equal(StatusCode.NotFound, unknownAction.StatusCode);
        Assert.Equal(StatusCode.NotFound, unknownConference.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, noAction.StatusCode);
    }

    [Theory]
    [InlineData(Role.Assessor)]
    [InlineData(Role.PartnerReader)]
    [InlineData(Role.Manager)]
    public async Task Roles_that_do_not_manage_conferences_are_refused(string role)
    {
        var area = ConferenceCalls.NewArea("perm");
        using var coordinator = new ConferenceCalls(suite, area);
        var (conferenceId, _, actionId) = await HeldWithActionAsync(coordinator);
        using var other = new ConferenceCalls(suite, area, role, "SOCIAL_WORK");

        var error = await Assert.ThrowsAsync<RpcException>(() => Complete(other, conferenceId, actionId, ""));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Equal(PlanActionStatus.Open, (await coordinator.Get(conferenceId)).PlanActions.Single().Status);
    }

    [Fact]
    public async Task A_coordinator_of_another_area_does_not_find_the_conference()
    {
        using var coordinator = new ConferenceCalls(suite, ConferenceCalls.NewArea("mine"));
        using var outsider = new ConferenceCalls(suite, ConferenceCalls.NewArea("theirs"));
        var (conferenceId, _, actionId) = await HeldWithActionAsync(coordinator);

        var error = await Assert.ThrowsAsync<RpcException>(() => Complete(outsider, conferenceId, actionId, ""));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task The_older_status_update_also_announces_the_completion()
    {
        using var coordinator = new ConferenceCalls(suite, ConferenceCalls.NewArea("legacy"));
        var (conferenceId, subjectId, actionId) = await HeldWithActionAsync(coordinator);

        await coordinator.Call<UpdatePlanActionStatusRequest, UpdatePlanActionStatusResponse>("UpdatePlanActionStatus", new()
        {
            ConferenceId = conferenceId, ActionId = actionId, Status = PlanActionStatus.Done,
        });

        Assert.Single(await EventsAsync<PlanActionCompleted>(subjectId, "mappa.caseconference.action.completed"));
    }

    private static async Task<(string ConferenceId, string SubjectId, string ActionId)> HeldWithActionAsync(ConferenceCalls coordinator)
    {
        var subjectId = Guid.NewGuid().ToString();
        var conference = await coordinator.Create(subjectId);
        await coordinator.ScheduleAndHold(conference.ConferenceId);
        var added = await coordinator.Call<AddPlanActionRequest, AddPlanActionResponse>("AddPlanAction", new()
        {
            RequestId = Guid.NewGuid().ToString(),
            ConferenceId = conference.ConferenceId,
            SubjectId = subjectId,
            Description = "Home visit with housing officer.",
            OwnerAgency = AgencyKind.Police,
            DueDate = DueDate,
        });
        return (conference.ConferenceId, subjectId, added.PlanAction.ActionId);
    }

    private static Task<CompletePlanActionResponse> Complete(ConferenceCalls calls, string conferenceId, string actionId, string requestId) =>
        calls.Call<CompletePlanActionRequest, CompletePlanActionResponse>("CompletePlanAction", new()
        {
            RequestId = requestId, ConferenceId = conferenceId, ActionId = actionId,
        });

    private static Task<CancelPlanActionResponse> Cancel(ConferenceCalls calls, string conferenceId, string actionId, string requestId, string reason) =>
        calls.Call<CancelPlanActionRequest, CancelPlanActionResponse>("CancelPlanAction", new()
        {
            RequestId = requestId, ConferenceId = conferenceId, ActionId = actionId, Reason = reason,
        });

    private async Task<List<string>> PayloadsAsync(string subjectId, string eventType)
    {
        await using var scope = suite.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CaseConferenceDbContext>();
        return await db.OutboxMessages.AsNoTracking().Where(m => m.SubjectKey == subjectId && m.EventType == eventType).Select(m => m.Payload).ToListAsync();
    }

    private async Task<List<T>> EventsAsync<T>(string subjectId, string eventType) =>
        (await PayloadsAsync(subjectId, eventType))
            .Select(payload => System.Text.Json.JsonSerializer.Deserialize<T>(payload, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))!)
            .ToList();
}
