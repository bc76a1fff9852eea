using Mappa.CaseConference.Features.Agencies;
using Mappa.CaseConference.Features.Attendance;
using Mappa.CaseConference.Features.Decisions;
using Mappa.CaseConference.Features.Invitations;
using Mappa.CaseConference.Features.PlanActions;
using Mappa.CaseConference.Features.Validation;
using Mappa.Core.Errors;

namespace Mappa.CaseConference.Features.Conferences;

// The record of the meeting: held, attendance, decisions, plan actions, minutes.
public sealed partial record Conference
{
    /// <summary>
    /// Scheduled → held, once its start time has passed. The meeting goes ahead whoever is absent; agencies that
    /// declined with apologies are recorded as apologies, the rest are recorded by the coordinator.
    /// </summary>
    /// <param name="meetingTimeZone">The zone whose calendar day is the meeting's date (review dates count from it).</param>
    public Conference RecordHeld(DateTimeOffset now, TimeZoneInfo meetingTimeZone)
    {
        ArgumentNullException.ThrowIfNull(meetingTimeZone);
        if (Status != ConferenceStatus.Scheduled)
            throw Refused(ConferenceRefusals.NotScheduled, "recorded as held", "it is not scheduled");
        var startTime = StartTime!.Value;
        if (now < startTime)
            throw Refused(ConferenceRefusals.NotStarted, "recorded as held", $"it starts at {startTime:O}");

        var apologies = Invitations
            .Where(invitation => invitation.Response == InvitationResponseKind.DeclinedWithApologies)
            .Select(invitation => new AttendanceRecord(invitation.Agency, AttendanceStatus.Apologies, null, false, Invited: true, now));
        return this with
        {
            Status = ConferenceStatus.Held,
            HeldAt = startTime,
            HeldOn = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(startTime, meetingTimeZone).DateTime),
            Attendance = [.. apologies],
            UpdatedAt = now,
        };
    }

    public AttendanceRecord? AttendanceOf(AgencyRef agency) => Attendance.FirstOrDefault(record => record.Agency == agency);

    /// <summary>
    /// Records (or corrects) one agency's attendance. An agency that came without an invitation is recorded as
    /// uninvited. Field paths are those of RecordAttendanceRequest.
    /// </summary>
    public Conference RecordAttendance(AttendanceEntry entry, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(entry);
        EnsureHeldNotMinuted("have attendance recorded");

        var violations = new Violations();
        entry.Validate(violations);
        violations.ThrowIfAny();

        var record = new AttendanceRecord(entry.Agency, entry.Status, Trimmed(entry.AttendeeName), entry.WrittenReportSubmitted,
            Invited: FindInvitation(entry.Agency) is not null, now);
        int index = IndexOf(Attendance, existing => existing.Agency == entry.Agency);
        var attendance = index < 0 ? Attendance.Add(record) : Attendance.SetItem(index, record);
        return this with { Attendance = attendance, UpdatedAt = now };
    }

    /// <summary>Whether the agencies the rule requires were present, and why each missing one was not. Reported, never enforced.</summary>
    public QuorumReport Quorum(QuorumRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return rule.Evaluate(this);
    }

    /// <summary>Invited agencies with no attendance recorded yet.</summary>
    public IReadOnlyList<Invitation> InvitationsWithoutAttendance =>
        Invitations.Where(invitation => AttendanceOf(invitation.Agency) is null).ToArray();

    public SubjectDecision? DecisionFor(string subjectId) => Decisions.FirstOrDefault(decision => decision.SubjectId == subjectId);

    /// <summary>
    /// Records (or corrects, until minuted) the decision for one subject: level, category and next review date.
    /// Field paths are those of RecordDecisionRequest.
    /// </summary>
    /// <param name="previousLevel">The subject's level on record before this conference, if any (see <see cref="ManagementLevels"/>).</param>
    public Conference RecordDecision(SubjectDecisionInput input, MappaLevel? previousLevel, ReviewDatePolicy reviewDates, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(reviewDates);
        EnsureHeldNotMinuted("have decisions recorded");

        var violations = new Violations();
        SubjectDecision.Validate(input, violations);
        var subjectId = input.SubjectId?.Trim() ?? "";
        if (subjectId.Length > 0 && !SubjectIds.Contains(subjectId))
            violations.Add("subject_id", "Not a subject of this conference.");
        var meetingDate = HeldOn!.Value;
        if (input.NextReviewOverride?.Date is { } chosen && chosen <= meetingDate)
            violations.Add("next_review_override.date", $"Must be after the meeting ({meetingDate:yyyy-MM-dd}).");
        violations.ThrowIfAny();

        var decision = new SubjectDecision(subjectId, input.Level, previousLevel, input.Category,
            reviewDates.Decide(input.Level, meetingDate, input.NextReviewOverride), now);
        int index = IndexOf(Decisions, existing => existing.SubjectId == subjectId);
        var decisions = index < 0 ? Decisions.Add(decision) : Decisions.SetItem(index, decision);
        return this with { Decisions = decisions, UpdatedAt = now };
    }

    /// <summary>Adds a risk management plan action agreed at the meeting. Field paths are those of AddPlanActionRequest.</summary>
    public (Conference Conference, PlanAction Action) AddAction(PlanActionInput input, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(input);
        EnsureHeldNotMinuted("given new plan actions");

        var violations = new Violations();
        input.Validate(violations);
        var subjectId = Trimmed(input.SubjectId);
        if (subjectId is not null && !SubjectIds.Contains(subjectId))
            violations.Add("subject_id", "Not a subject of this conference.");
        if (input.DueDate is { } due && due < HeldOn!.Value)
            violations.Add("due_date", $"Must not be before the meeting ({HeldOn:yyyy-MM-dd}).");
        violations.ThrowIfAny();

        var action = new PlanAction(PlanAction.IdFor(Actions.Length + 1), subjectId, input.Description.Trim(), input.OwnerAgency,
            Trimmed(input.OwnerName), input.DueDate!.Value, PlanActionStatus.Open, null, now, null);
        return (this with { Actions = Actions.Add(action), UpdatedAt = now }, action);
    }

    /// <summary>Open → done. Actions outlive the minutes, so this works on a held or minuted conference.</summary>
    public Conference CompleteAction(string actionId, DateTimeOffset now) =>
        CloseAction(actionId, action => action with { Status = PlanActionStatus.Done, ClosedAt = now }, now);

    /// <summary>Open → cancelled, with a mandatory reason.</summary>
    public Conference CancelAction(string actionId, string reason, DateTimeOffset now)
    {
        var violations = new Violations();
        violations.RequiredText("reason", reason, TextLimits.Reason);
        violations.ThrowIfAny();
        return CloseAction(actionId, action => action with { Status = PlanActionStatus.Cancelled, CancellationReason = reason.Trim(), ClosedAt = now }, now);
    }

    private Conference CloseAction(string actionId, Func<PlanAction, PlanAction> close, DateTimeOffset now)
    {
        if (Status is not (ConferenceStatus.Held or ConferenceStatus.Minuted))
            throw Refused(ConferenceRefusals.NotHeld, "given plan action changes", "it has not been held");
        int index = IndexOf(Actions, action => action.Id == actionId);
        if (index < 0)
            throw new NotFoundException("PlanAction", actionId);
        var action = Actions[index];
        if (action.Status != PlanActionStatus.Open)
            throw new PreconditionFailedException(ConferenceRefusals.ActionNotOpen,
                $"Plan action '{actionId}' of conference '{Id}' is already {action.Status.ToString().ToLowerInvariant()}.");
        return this with { Actions = Actions.SetItem(index, close(action)), UpdatedAt = now };
    }

    /// <summary>
    /// Held → minuted: closes the record of the meeting. Needs the attendance of every invited agency and a decision
    /// for every subject; plan actions can still be completed or cancelled afterwards.
    /// </summary>
    public Conference Minute(string? summary, DateTimeOffset now)
    {
        EnsureHeldNotMinuted("minuted");

        var violations = new Violations();
        violations.MaxLength("summary", summary, TextLimits.Summary);
        violations.ThrowIfAny();

        if (InvitationsWithoutAttendance is { Count: > 0 } unrecorded)
            throw new PreconditionFailedException(ConferenceRefusals.AttendanceIncomplete,
                $"Conference '{Id}' cannot be minuted: attendance is not recorded for invitations {string.Join(", ", unrecorded.Select(i => i.Id))}.");
        var undecided = SubjectIds.Where(subjectId => DecisionFor(subjectId) is null).ToArray();
        if (undecided.Length > 0)
            throw new PreconditionFailedException(ConferenceRefusals.DecisionsIncomplete,
                $"Conference '{Id}' cannot be minuted: no decision is recorded for subjects {string.Join(", ", undecided)}.");

        return this with { Status = ConferenceStatus.Minuted, Minutes = new Minutes(Trimmed(summary), now), UpdatedAt = now };
    }

    private void EnsureHeldNotMinuted(string what)
    {
        if (Status == ConferenceStatus.Minuted)
            throw Refused(ConferenceRefusals.AlreadyMinuted, what, "its minutes are recorded");
        if (Status != ConferenceStatus.Held)
            throw Refused(ConferenceRefusals.NotHeld, what, "it has not been held");
    }
}
