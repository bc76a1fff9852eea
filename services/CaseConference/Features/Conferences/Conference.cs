using System.Collections.Immutable;
using Mappa.CaseConference.Features.Attendance;
using Mappa.CaseConference.Features.Decisions;
using Mappa.CaseConference.Features.Invitations;
using Mappa.CaseConference.Features.PlanActions;
using Mappa.CaseConference.Features.Validation;
using Mappa.Core.Errors;

namespace Mappa.CaseConference.Features.Conferences;

/// <summary>
/// A MAPPA conference: its arrangements and status (this file), invitations, and the record of the meeting
/// (attendance, decisions, plan actions, minutes). Immutable: every change returns a new value for the store to save,
/// and checks the status first, refusing with a stable reason from <see cref="ConferenceRefusals"/>.
/// Times come in as explicit instants (the caller's clock), so the rules are the same live and in tests.
/// </summary>
public sealed partial record Conference
{
    public const int MaxSubjects = 20;
    public static readonly TimeSpan MinDuration = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan MaxDuration = TimeSpan.FromHours(12);

    private Conference()
    {
    }

    public string Id { get; private init; } = "";
    public ConferenceKind Kind { get; private init; }
    public ImmutableArray<string> SubjectIds { get; private init; } = [];
    public string Area { get; private init; } = "";
    public ConferenceStatus Status { get; private init; }

    /// <summary>The chair: proposed, or in force once scheduled (usually the area's MAPPA coordinator).</summary>
    public string? ChairId { get; private init; }

    /// <summary>Proposed start until scheduled; then the start in force.</summary>
    public DateTimeOffset? StartTime { get; private init; }

    public TimeSpan? Duration { get; private init; }
    public Venue? Venue { get; private init; }
    public DateOnly? TargetDate { get; private init; }
    public string? SourceObligationId { get; private init; }

    /// <summary>Every arrangement since scheduling, oldest first; the last is in force. Empty while proposed.</summary>
    public ImmutableArray<ScheduleEntry> ScheduleHistory { get; private init; } = [];

    public Cancellation? Cancellation { get; private init; }
    public ImmutableArray<Invitation> Invitations { get; private init; } = [];
    public ImmutableArray<AttendanceRecord> Attendance { get; private init; } = [];

    /// <summary>When the meeting took place (its start time), and that day in the meeting's time zone.</summary>
    public DateTimeOffset? HeldAt { get; private init; }

    public DateOnly? HeldOn { get; private init; }
    public ImmutableArray<SubjectDecision> Decisions { get; private init; } = [];
    public ImmutableArray<PlanAction> Actions { get; private init; } = [];
    public Minutes? Minutes { get; private init; }
    public DateTimeOffset CreatedAt { get; private init; }
    public DateTimeOffset UpdatedAt { get; private init; }

    public DateTimeOffset? EndTime => StartTime + Duration;

    /// <summary>Times it was rescheduled after first being scheduled.</summary>
    public int RescheduleCount => Math.Max(0, ScheduleHistory.Length - 1);

    // Reasons and minutes are free text: keep them out of anything that might be logged.
    public override string ToString() => $"Conference {Id} ({Kind}, {Status})";

    /// <summary>
    /// A new conference, proposed, with the initial invitations the policy gives for the case.
    /// Field paths in a refusal are those of CreateConferenceRequest.
    /// </summary>
    /// <param name="conferenceId">The id the store assigned (not part of the request).</param>
    public static Conference Propose(string conferenceId, ConferenceProposal proposal, InvitationPolicy invitationPolicy, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(conferenceId);
        ArgumentNullException.ThrowIfNull(proposal);
        ArgumentNullException.ThrowIfNull(invitationPolicy);

        var violations = new Violations();
        if (!Enum.IsDefined(proposal.Kind))
            violations.Add("kind", "A conference kind is required.");
        var subjectIds = ValidateSubjects(proposal.SubjectIds, violations);
        violations.RequiredText("area", proposal.Area, TextLimits.Id);
        violations.MaxLength("chair_id", proposal.ChairId, TextLimits.Id);
        ValidateArrangements(proposal.StartTime, proposal.Duration, proposal.Venue, now, violations);
        violations.MaxLength("source_obligation_id", proposal.SourceObligationId, TextLimits.Id);

        IReadOnlyList<(Invitee Invitee, bool ByDefault)> invitees = [];
        try
        {
            invitees = invitationPolicy.InitialInvitees(proposal.InvitationFacts ?? CaseInvitationFacts.None);
        }
        catch (ValidationFailedException invalid)
        {
            foreach (var violation in invalid.Violations)
                violations.Add(violation.Field, violation.Description);
        }
        violations.ThrowIfAny();

        return new Conference
        {
            Id = conferenceId,
            Kind = proposal.Kind,
            SubjectIds = subjectIds,
            Area = proposal.Area.Trim(),
            Status = ConferenceStatus.Proposed,
            ChairId = Trimmed(proposal.ChairId),
            StartTime = proposal.StartTime,
            Duration = proposal.Duration,
            Venue = proposal.Venue,
            TargetDate = proposal.TargetDate,
            SourceObligationId = Trimmed(proposal.SourceObligationId),
            Invitations = invitees
                .Select((entry, index) => new Invitation(
                    Invitation.IdFor(index + 1), entry.Invitee.Agency, Trimmed(entry.Invitee.RepresentativeName), entry.ByDefault,
                    InvitationResponseKind.Awaiting, null, now, null))
                .ToImmutableArray(),
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    /// <summary>Proposed → scheduled. Unset details take the proposed values; start, duration, venue and chair are then required.</summary>
    public Conference Schedule(ScheduleDetails details, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(details);
        if (Status != ConferenceStatus.Proposed)
            throw Refused(ConferenceRefusals.NotProposed, "scheduled", "it is not proposed");

        var entry = ArrangementsFrom(details, StartTime, Duration, Venue, ChairId, reason: null, now);
        return WithArrangements(entry, now) with { Status = ConferenceStatus.Scheduled, ScheduleHistory = [entry] };
    }

    /// <summary>
    /// Scheduled → scheduled with new arrangements; the earlier ones stay in <see cref="ScheduleHistory"/>.
    /// Arrangements identical to those in force change nothing.
    /// </summary>
    public Conference Reschedule(ScheduleDetails details, string? reason, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(details);
        if (Status != ConferenceStatus.Scheduled)
            throw Refused(ConferenceRefusals.NotScheduled, "rescheduled", "it is not scheduled");

        var current = ScheduleHistory[^1];
        var entry = ArrangementsFrom(details, current.StartTime, current.Duration, current.Venue, current.ChairId, reason, now);
        if (entry.StartTime == current.StartTime && entry.Duration == current.Duration && entry.Venue == current.Venue && entry.ChairId == current.ChairId)
            return this;
        return WithArrangements(entry, now) with { ScheduleHistory = ScheduleHistory.Add(entry) };
    }

    /// <summary>Proposed or scheduled → cancelled; the reason is mandatory.</summary>
    public Conference Cancel(string reason, DateTimeOffset now)
    {
        if (Status is not (ConferenceStatus.Proposed or ConferenceStatus.Scheduled))
            throw Refused(ConferenceRefusals.NotCancellable, "cancelled", "only a proposed or scheduled conference can be");

        var violations = new Violations();
        violations.RequiredText("reason", reason, TextLimits.Reason);
        violations.ThrowIfAny();

        return this with { Status = ConferenceStatus.Cancelled, Cancellation = new Cancellation(reason.Trim(), now), UpdatedAt = now };
    }

    private Conference WithArrangements(ScheduleEntry entry, DateTimeOffset now) => this with
    {
        StartTime = entry.StartTime,
        Duration = entry.Duration,
        Venue = entry.Venue,
        ChairId = entry.ChairId,
        UpdatedAt = now,
    };

    private static ScheduleEntry ArrangementsFrom(ScheduleDetails details, DateTimeOffset? startTime, TimeSpan? duration, Venue? venue,
        string? chairId, string? reason, DateTimeOffset now)
    {
        var start = details.StartTime ?? startTime;
        var length = details.Duration ?? duration;
        var place = details.Venue ?? venue;
        var chair = Trimmed(details.ChairId) ?? chairId;

        var violations = new Violations();
        if (start is null)
            violations.Add("start_time", "Required (none was proposed).");
        if (length is null)
            violations.Add("duration", "Required (none was proposed).");
        if (place is null)
            violations.Add("venue", "Required (none was proposed).");
        if (chair is null)
            violations.Add("chair_id", "Required (none was proposed).");
        violations.MaxLength("chair_id", chair, TextLimits.Id);
        violations.MaxLength("reason", reason, TextLimits.Reason);
        ValidateArrangements(start, length, place, now, violations);
        violations.ThrowIfAny();

        return new ScheduleEntry(start!.Value, length!.Value, place!, chair!, now, Trimmed(reason));
    }

    private static void ValidateArrangements(DateTimeOffset? start, TimeSpan? duration, Venue? venue, DateTimeOffset now, Violations violations)
    {
        if (start is { } startTime && startTime <= now)
            violations.Add("start_time", "Must be in the future.");
        if (duration is { } length && (length < MinDuration || length > MaxDuration))
            violations.Add("duration", $"Must be between {MinDuration.TotalMinutes:0} minutes and {MaxDuration.TotalHours:0} hours.");
        venue?.Validate(violations, "venue");
    }

    private static ImmutableArray<string> ValidateSubjects(IReadOnlyList<string>? subjectIds, Violations violations)
    {
        if (subjectIds is null || subjectIds.Count == 0)
        {
            violations.Add("subject_ids", "At least one subject is required.");
            return [];
        }
        if (subjectIds.Count > MaxSubjects)
            violations.Add("subject_ids", $"At most {MaxSubjects} subjects.");

        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < subjectIds.Count; i++)
        {
            var path = FieldPath.Index("subject_ids", i);
            if (!violations.Required(path, subjectIds[i]))
                continue;
            violations.MaxLength(path, subjectIds[i], TextLimits.Id);
            if (!seen.TryAdd(subjectIds[i].Trim(), i))
                violations.Add(path, $"Repeats subject_ids[{seen[subjectIds[i].Trim()]}].");
        }
        return subjectIds.Where(id => !string.IsNullOrWhiteSpace(id)).Select(id => id.Trim()).Distinct(StringComparer.Ordinal).ToImmutableArray();
    }

    private PreconditionFailedException Refused(string reason, string what, string why) =>
        new(reason, $"Conference '{Id}' cannot be {what}: {why} (it is {Status.ToString().ToLowerInvariant()}).");

    private static int IndexOf<T>(ImmutableArray<T> items, Func<T, bool> match)
    {
        for (int i = 0; i < items.Length; i++)
        {
            if (match(items[i]))
                return i;
        }
        return -1;
    }

    private static string? Trimmed(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
