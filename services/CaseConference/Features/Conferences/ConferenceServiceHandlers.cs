using Google.Protobuf.WellKnownTypes;
using Mappa.CaseConference.Features.Agenda;
using Mappa.CaseConference.Features.Chronology;
using Mappa.CaseConference.Features.Contracts;
using Mappa.CaseConference.Features.Decisions;
using Mappa.CaseConference.Features.Statistics;
using Mappa.CaseConference.Persistence;
using Mappa.Core.Errors;
using Mappa.Grpc;
using Mappa.Grpc.Client;
using Mappa.Grpc.Server;
using Mappa.Security;
using Microsoft.EntityFrameworkCore;
using Common = Mappa.Contracts.Common.V1;
using Pb = Mappa.Contracts.CaseConference.V1;

namespace Mappa.CaseConference.Features.Conferences;

/// <summary>
/// mappa.caseconference.v1.ConferenceService. Each handler is the same few steps: load the conference through the
/// caller's view (NOT_FOUND outside it), apply one domain operation, save it with its events in one commit, map back.
/// </summary>
public sealed class ConferenceServiceHandlers(ConferenceStore store, ConferenceRules rules, ConferenceClock clock, IRiskPictureSource riskPictures,
    CaseChronologyBuilder chronology)
{
    private const int MaxRequestIdLength = 128;

    public static void Bind(GrpcServiceBinder<ConferenceServiceHandlers> service)
    {
        service.Unary<Pb.CreateConferenceRequest, Pb.CreateConferenceResponse>("CreateConference", (h, r, c) => h.CreateConference(r, c));
        service.Unary<Pb.GetConferenceRequest, Pb.GetConferenceResponse>("GetConference", (h, r, c) => h.GetConference(r, c));
        service.Unary<Pb.ListConferencesRequest, Pb.ListConferencesResponse>("ListConferences", (h, r, c) => h.ListConferences(r, c));
        service.Unary<Pb.ScheduleConferenceRequest, Pb.ScheduleConferenceResponse>("ScheduleConference", (h, r, c) => h.ScheduleConference(r, c));
        service.Unary<Pb.RescheduleConferenceRequest, Pb.RescheduleConferenceResponse>("RescheduleConference", (h, r, c) => h.RescheduleConference(r, c));
        service.Unary<Pb.CancelConferenceRequest, Pb.CancelConferenceResponse>("CancelConference", (h, r, c) => h.CancelConference(r, c));
        service.Unary<Pb.InviteAgencyRequest, Pb.InviteAgencyResponse>("InviteAgency", (h, r, c) => h.InviteAgency(r, c));
        service.Unary<Pb.RecordInvitationResponseRequest, Pb.RecordInvitationResponseResponse>("RecordInvitationResponse", (h, r, c) => h.RecordInvitationResponse(r, c));
        service.Unary<Pb.RecordConferenceHeldRequest, Pb.RecordConferenceHeldResponse>("RecordConferenceHeld", (h, r, c) => h.RecordConferenceHeld(r, c));
        service.Unary<Pb.RecordAttendanceRequest, Pb.RecordAttendanceResponse>("RecordAttendance", (h, r, c) => h.RecordAttendance(r, c));
        service.Unary<Pb.RecordDecisionRequest, Pb.RecordDecisionResponse>("RecordDecision", (h, r, c) => h.RecordDecision(r, c));
        service.Unary<Pb.AddPlanActionRequest, Pb.AddPlanActionResponse>("AddPlanAction", (h, r, c) => h.AddPlanAction(r, c));
        service.Unary<Pb.UpdatePlanActionStatusRequest, Pb.UpdatePlanActionStatusResponse>("UpdatePlanActionStatus", (h, r, c) => h.UpdatePlanActionStatus(r, c));
        service.Unary<Pb.CompletePlanActionRequest, Pb.CompletePlanActionResponse>("CompletePlanAction", (h, r, c) => h.CompletePlanAction(r, c));
        service.Unary<Pb.CancelPlanActionRequest, Pb.CancelPlanActionResponse>("CancelPlanAction", (h, r, c) => h.CancelPlanAction(r, c));
        service.Unary<Pb.MinuteConferenceRequest, Pb.MinuteConferenceResponse>("MinuteConference", (h, r, c) => h.MinuteConference(r, c));
        service.Unary<Pb.GetConferenceAgendaRequest, Pb.GetConferenceAgendaResponse>("GetConferenceAgenda", (h, r, c) => h.GetConferenceAgenda(r, c));
        service.Unary<Pb.GetAttendanceStatisticsRequest, Pb.GetAttendanceStatisticsResponse>("GetAttendanceStatistics", (h, r, c) => h.GetAttendanceStatistics(r, c));
        service.Unary<Pb.GetCaseChronologyRequest, Pb.GetCaseChronologyResponse>("GetCaseChronology", (h, r, c) => h.GetCaseChronology(r, c));
    }

    private async Task<Pb.CreateConferenceResponse> CreateConference(Pb.CreateConferenceRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var requestId = CheckRequestId(request.RequestId);
        var ct = context.CancellationToken;
        if (requestId is not null && await EarlierCreate(requestId, caller, ct) is { } earlier)
            return Respond(earlier, context);

        var proposal = request.ToProposal();
        if (!string.IsNullOrWhiteSpace(proposal.Area) && !caller.CanSeeArea(proposal.Area.Trim()))
            throw new RpcException(StatusCode.PermissionDenied, "The caller may not convene conferences in that area.");
        var now = clock.Now;
        var conference = Conference.Propose(ConferenceIds.New(), proposal, rules.Invitations, now);
        store.Add(conference, requestId);
        ConferenceEvents.Proposed(store.Db, conference, now);
        try
        {
            await store.SaveAsync(ct);
        }
        catch (DbUpdateException) when (requestId is not null)
        {
            // A concurrent retry with the same request id won the insert: answer with what it created.
            store.Db.ChangeTracker.Clear();
            store.Db.DiscardRecordedEvents();
            return Respond(await EarlierCreate(requestId, caller, ct) ?? throw new RpcException(StatusCode.Aborted, "Retry the call."), context);
        }
        return Respond(conference, context);

        Pb.CreateConferenceResponse Respond(Conference created, ServerCallContext call)
        {
            Audit(call, created);
            return new Pb.CreateConferenceResponse { Conference = Map(created) };
        }
    }

    private async Task<Conference?> EarlierCreate(string requestId, CallerIdentity caller, CancellationToken ct)
    {
        var earlier = await store.FindByRequestIdAsync(requestId, ct);
        if (earlier is null)
            return null;
        // Another caller's request id: say so without showing their conference.
        if (!ConferenceVisibility.CanSee(caller, earlier.Conference))
            throw new AlreadyExistsException("Request", requestId);
        return earlier.Conference;
    }

    private async Task<Pb.GetConferenceResponse> GetConference(Pb.GetConferenceRequest request, ServerCallContext context)
    {
        var stored = await store.GetAsync(request.ConferenceId, context.Caller(), context.CancellationToken);
        Audit(context, stored.Conference);
        return new Pb.GetConferenceResponse { Conference = Map(stored.Conference) };
    }

    private async Task<Pb.ListConferencesResponse> ListConferences(Pb.ListConferencesRequest request, ServerCallContext context)
    {
        var filter = new ConferenceListFilter(request.Area.Trim(), request.SubjectId.Trim(),
            request.Status == Pb.ConferenceStatus.Unspecified ? null : (ConferenceStatus)request.Status);
        if (filter.SubjectId.Length > 0)
            context.PendingAudit()?.SetSubject(filter.SubjectId);
        var (conferences, next) = await store.ListAsync(request.PageSize, request.PageToken, filter, context.Caller(), context.CancellationToken);
        var response = new Pb.ListConferencesResponse { NextPageToken = next };
        response.Conferences.AddRange(conferences.Select(Map));
        return response;
    }

    private async Task<Pb.ScheduleConferenceResponse> ScheduleConference(Pb.ScheduleConferenceRequest request, ServerCallContext context)
    {
        var details = request.ToScheduleDetails();
        var changed = await Change(request.ConferenceId, context, (conference, now) => conference.Schedule(details, now),
            (_, after, now) => ConferenceEvents.Scheduled(store.Db, after, now));
        return new Pb.ScheduleConferenceResponse { Conference = Map(changed) };
    }

    private async Task<Pb.RescheduleConferenceResponse> RescheduleConference(Pb.RescheduleConferenceRequest request, ServerCallContext context)
    {
        var details = request.ToScheduleDetails();
        var changed = await Change(request.ConferenceId, context, (conference, now) => conference.Reschedule(details, request.Reason, now),
            (before, after, now) => ConferenceEvents.Rescheduled(store.Db, before, after, now));
        return new Pb.RescheduleConferenceResponse { Conference = Map(changed) };
    }

    private async Task<Pb.CancelConferenceResponse> CancelConference(Pb.CancelConferenceRequest request, ServerCallContext context)
    {
        var changed = await Change(request.ConferenceId, context, (conference, now) => conference.Cancel(request.Reason, now),
            (_, after, now) => ConferenceEvents.Cancelled(store.Db, after, now));
        return new Pb.CancelConferenceResponse { Conference = Map(changed) };
    }

    private async Task<Pb.InviteAgencyResponse> InviteAgency(Pb.InviteAgencyRequest request, ServerCallContext context)
    {
        const string method = "InviteAgency";
        var requestId = CheckRequestId(request.RequestId);
        var caller = context.Caller();
        var ct = context.CancellationToken;
        var stored = await store.GetAsync(request.ConferenceId, caller, ct);
        Audit(context, stored.Conference);
        if (requestId is not null && await store.FindRequestAsync(method, requestId, ct) is { } earlier)
        {
            var invitation = SameConference(earlier, stored).Invitations.First(i => i.Id == earlier.ItemId);
            return new Pb.InviteAgencyResponse { Conference = Map(stored.Conference), Invitation = invitation.ToContract() };
        }

        var (changed, added) = stored.Conference.Invite(request.ToInvitee(), clock.Now);
        store.Update(stored, changed);
        if (requestId is not null)
            store.RememberRequest(method, requestId, changed.Id, added.Id);
        await store.SaveAsync(ct);
        return new Pb.InviteAgencyResponse { Conference = Map(changed), Invitation = added.ToContract() };
    }

    private async Task<Pb.RecordInvitationResponseResponse> RecordInvitationResponse(Pb.RecordInvitationResponseRequest request, ServerCallContext context)
    {
        var response = request.ToResponse();
        var changed = await Change(request.ConferenceId, context, (conference, now) => conference.RecordResponse(request.InvitationId, response, now));
        return new Pb.RecordInvitationResponseResponse { Conference = Map(changed) };
    }

    private async Task<Pb.RecordConferenceHeldResponse> RecordConferenceHeld(Pb.RecordConferenceHeldRequest request, ServerCallContext context)
    {
        var changed = await Change(request.ConferenceId, context, (conference, now) => conference.RecordHeld(now, rules.MeetingTimeZone),
            (_, after, now) => ConferenceEvents.Held(store.Db, after, now));
        return new Pb.RecordConferenceHeldResponse { Conference = Map(changed) };
    }

    private async Task<Pb.RecordAttendanceResponse> RecordAttendance(Pb.RecordAttendanceRequest request, ServerCallContext context)
    {
        var entry = request.ToEntry();
        var changed = await Change(request.ConferenceId, context, (conference, now) => conference.RecordAttendance(entry, now),
            (_, after, now) => ConferenceEvents.AttendanceRecorded(store.Db, after, entry.Agency.Kind, entry.Status, now));
        return new Pb.RecordAttendanceResponse { Conference = Map(changed) };
    }

    private async Task<Pb.RecordDecisionResponse> RecordDecision(Pb.RecordDecisionRequest request, ServerCallContext context)
    {
        var input = request.ToInput();
        var caller = context.Caller();
        var ct = context.CancellationToken;
        var stored = await store.GetAsync(request.ConferenceId, caller, ct);
        Audit(context, stored.Conference, request.SubjectId);

        // The level on record before this meeting: from the subject's other minuted conferences.
        var subjectId = input.SubjectId?.Trim() ?? "";
        MappaLevel? previous = null;
        if (subjectId.Length > 0)
        {
            var history = (await store.ForSubjectAsync(subjectId, ct)).Where(conference => conference.Id != stored.Conference.Id);
            previous = ManagementLevels.Current(subjectId, history)?.Level;
        }
        var changed = stored.Conference.RecordDecision(input, previous, rules.ReviewDates, clock.Now);
        store.Update(stored, changed);
        await store.SaveAsync(ct);
        return new Pb.RecordDecisionResponse { Conference = Map(changed) };
    }

    private async Task<Pb.AddPlanActionResponse> AddPlanAction(Pb.AddPlanActionRequest request, ServerCallContext context)
    {
        const string method = "AddPlanAction";
        var requestId = CheckRequestId(request.RequestId);
        var input = request.ToInput();
        var caller = context.Caller();
        var ct = context.CancellationToken;
        var stored = await store.GetAsync(request.ConferenceId, caller, ct);
        Audit(context, stored.Conference, request.SubjectId);
        if (requestId is not null && await store.FindRequestAsync(method, requestId, ct) is { } earlier)
        {
            var action = SameConference(earlier, stored).Actions.First(a => a.Id == earlier.ItemId);
            return new Pb.AddPlanActionResponse { Conference = Map(stored.Conference), PlanAction = action.ToContract() };
        }

        var now = clock.Now;
        var (changed, added) = stored.Conference.AddAction(input, now);
        store.Update(stored, changed);
        if (requestId is not null)
            store.RememberRequest(method, requestId, changed.Id, added.Id);
        ConferenceEvents.ActionDueDateSet(store.Db, changed, added, now);
        await store.SaveAsync(ct);
        return new Pb.AddPlanActionResponse { Conference = Map(changed), PlanAction = added.ToContract() };
    }

    private async Task<Pb.UpdatePlanActionStatusResponse> UpdatePlanActionStatus(Pb.UpdatePlanActionStatusRequest request, ServerCallContext context)
    {
        var changed = await Change(request.ConferenceId, context, (conference, now) => request.ApplyTo(conference, now),
            (_, after, now) => ConferenceEvents.ActionClosed(store.Db, after, after.Actions.First(a => a.Id == request.ActionId), now));
        return new Pb.UpdatePlanActionStatusResponse { Conference = Map(changed) };
    }

    private async Task<Pb.CompletePlanActionResponse> CompletePlanAction(Pb.CompletePlanActionRequest request, ServerCallContext context)
    {
        var (conference, action) = await ClosePlanAction("CompletePlanAction", request.RequestId, request.ConferenceId, request.ActionId, context,
            (conference, now) => conference.CompleteAction(request.ActionId.Trim(), now));
        return new Pb.CompletePlanActionResponse { Conference = Map(conference), PlanAction = action.ToContract() };
    }

    private async Task<Pb.CancelPlanActionResponse> CancelPlanAction(Pb.CancelPlanActionRequest request, ServerCallContext context)
    {
        var (conference, action) = await ClosePlanAction("CancelPlanAction", request.RequestId, request.ConferenceId, request.ActionId, context,
            (conference, now) => conference.CancelAction(request.ActionId.Trim(), request.Reason, now));
        return new Pb.CancelPlanActionResponse { Conference = Map(conference), PlanAction = action.ToContract() };
    }

    /// <summary>
    /// Closes one plan action (the domain refuses an action that is not open) and records its event for the review
    /// calendar. A retry with the same request id answers with the action as the first call left it, changing nothing.
    /// </summary>
    private async Task<(Conference Conference, PlanActions.PlanAction Action)> ClosePlanAction(string method, string rawRequestId, string conferenceId,
        string rawActionId, ServerCallContext context, Func<Conference, DateTimeOffset, Conference> close)
    {
        var requestId = CheckRequestId(rawRequestId);
        var actionId = rawActionId.Trim();
        if (actionId.Length == 0)
            throw new ValidationFailedException("action_id", "Required.");
        var ct = context.CancellationToken;
        var stored = await store.GetAsync(conferenceId, context.Caller(), ct);
        Audit(context, stored.Conference, stored.Conference.Actions.FirstOrDefault(a => a.Id == actionId)?.SubjectId);
        if (requestId is not null && await store.FindRequestAsync(method, requestId, ct) is { } earlier)
        {
            var conference = SameConference(earlier, stored);
            if (earlier.ItemId != actionId)
                throw new AlreadyExistsException("Request", requestId);
            return (conference, conference.Actions.First(a => a.Id == actionId));
        }

        var now = clock.Now;
        var changed = close(stored.Conference, now);
        var closed = changed.Actions.First(a => a.Id == actionId);
        store.Update(stored, changed);
        if (requestId is not null)
            store.RememberRequest(method, requestId, changed.Id, closed.Id);
        ConferenceEvents.ActionClosed(store.Db, changed, closed, now);
        await store.SaveAsync(ct);
        return (changed, closed);
    }

    private async Task<Pb.MinuteConferenceResponse> MinuteConference(Pb.MinuteConferenceRequest request, ServerCallContext context)
    {
        var changed = await Change(request.ConferenceId, context, (conference, now) => conference.Minute(request.Summary, now),
            (_, after, now) => ConferenceEvents.LevelsDecided(store.Db, after, now));
        return new Pb.MinuteConferenceResponse { Conference = Map(changed) };
    }

    private async Task<Pb.GetConferenceAgendaResponse> GetConferenceAgenda(Pb.GetConferenceAgendaRequest request, ServerCallContext context)
    {
        var stored = await store.GetAsync(request.ConferenceId, context.Caller(), context.CancellationToken);
        var conference = stored.Conference;
        Audit(context, conference);

        // The caller's deadline and cancellation travel with each call; RiskAssessment sees this service's own token.
        var options = CallOptions.PropagateFrom(context);
        var pictures = await Task.WhenAll(conference.SubjectIds.Select(subjectId => riskPictures.FetchAsync(subjectId, options)));
        var response = new Pb.GetConferenceAgendaResponse
        {
            Conference = Map(conference),
            PrepareTime = Timestamp.FromDateTimeOffset(clock.Now),
        };
        response.RiskSummaries.AddRange(pictures.Select(picture => new Pb.SubjectRiskSummary
        {
            SubjectId = picture.SubjectId,
            Availability = (Pb.RiskSummaryAvailability)picture.Availability,
            Category = picture.Category,
            Level = picture.Level,
            LeadAgency = picture.LeadAgency,
            UnavailableStatus = picture.UnavailableStatus ?? "",
            OverallRoshLevel = picture.OverallRoshLevel,
            NextReviewDate = picture.NextReviewDate,
            Flags = { picture.Flags ?? [] },
        }));
        return response;
    }

    private async Task<Pb.GetAttendanceStatisticsResponse> GetAttendanceStatistics(Pb.GetAttendanceStatisticsRequest request, ServerCallContext context)
    {
        var period = request.ToPeriod();
        var area = request.Area.Trim();
        var conferences = await store.HeldBetweenAsync(period.Start, period.End, area, context.Caller(), context.CancellationToken);
        var held = conferences.Select(HeldConferenceAttendance.Of).OfType<HeldConferenceAttendance>();
        return AttendanceStatistics.Compute(held, period, area.Length > 0 ? area : null).ToContract();
    }

    private async Task<Pb.GetCaseChronologyResponse> GetCaseChronology(Pb.GetCaseChronologyRequest request, ServerCallContext context)
    {
        if (!string.IsNullOrWhiteSpace(request.SubjectId))
            context.PendingAudit()?.SetSubject(request.SubjectId.Trim());
        return await chronology.BuildAsync(request.SubjectId, context.Caller(), CallOptions.PropagateFrom(context));
    }

    /// <summary>Load through the caller's view, apply, and save with the events when something changed.</summary>
    private async Task<Conference> Change(string conferenceId, ServerCallContext context, Func<Conference, DateTimeOffset, Conference> apply,
        Action<Conference, Conference, DateTimeOffset>? recordEvents = null)
    {
        var stored = await store.GetAsync(conferenceId, context.Caller(), context.CancellationToken);
        Audit(context, stored.Conference);
        var now = clock.Now;
        var changed = apply(stored.Conference, now);
        if (ReferenceEquals(changed, stored.Conference))
            return changed;
        store.Update(stored, changed);
        recordEvents?.Invoke(stored.Conference, changed, now);
        await store.SaveAsync(context.CancellationToken);
        return changed;
    }

    private static Conference SameConference(ConferenceRequestRecord earlier, StoredConference stored) =>
        earlier.ConferenceId == stored.Conference.Id
            ? stored.Conference
            : throw new AlreadyExistsException("Request", earlier.RequestId);

    private static string? CheckRequestId(string requestId)
    {
        if (string.IsNullOrWhiteSpace(requestId))
            return null;
        if (requestId.Length > MaxRequestIdLength)
            throw new ValidationFailedException("request_id", $"At most {MaxRequestIdLength} characters.");
        return requestId.Trim();
    }

    // The audit record names the subject the call concerns: the one asked about, else the conference's first.
    private static void Audit(ServerCallContext context, Conference conference, string? subjectId = null)
    {
        var subject = !string.IsNullOrWhiteSpace(subjectId) && conference.SubjectIds.Contains(subjectId.Trim())
            ? subjectId.Trim()
            : conference.SubjectIds.FirstOrDefault();
        if (subject is not null)
            context.PendingAudit()?.SetSubject(subject);
    }

    private Pb.Conference Map(Conference conference) => conference.ToContract(rules.Quorum);
}
