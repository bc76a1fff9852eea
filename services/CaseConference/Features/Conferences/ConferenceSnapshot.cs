using System.Collections.Immutable;
using Mappa.CaseConference.Features.Attendance;
using Mappa.CaseConference.Features.Decisions;
using Mappa.CaseConference.Features.Invitations;
using Mappa.CaseConference.Features.PlanActions;

namespace Mappa.CaseConference.Features.Conferences;

/// <summary>
/// Every stored fact of a conference, for the persistence layer to save and load however it likes.
/// <see cref="Conference.Restore"/> checks that a loaded snapshot is one the lifecycle could have produced.
/// </summary>
public sealed record ConferenceSnapshot
{
    public required string Id { get; init; }
    public required ConferenceKind Kind { get; init; }
    public required IReadOnlyList<string> SubjectIds { get; init; }
    public required string Area { get; init; }
    public required ConferenceStatus Status { get; init; }
    public string? ChairId { get; init; }
    public DateTimeOffset? StartTime { get; init; }
    public TimeSpan? Duration { get; init; }
    public Venue? Venue { get; init; }
    public DateOnly? TargetDate { get; init; }
    public string? SourceObligationId { get; init; }
    public IReadOnlyList<ScheduleEntry> ScheduleHistory { get; init; } = [];
    public Cancellation? Cancellation { get; init; }
    public IReadOnlyList<Invitation> Invitations { get; init; } = [];
    public IReadOnlyList<AttendanceRecord> Attendance { get; init; } = [];
    public DateTimeOffset? HeldAt { get; init; }
    public DateOnly? HeldOn { get; init; }
    public IReadOnlyList<SubjectDecision> Decisions { get; init; } = [];
    public IReadOnlyList<PlanAction> Actions { get; init; } = [];
    public Minutes? Minutes { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }

    public override string ToString() => $"ConferenceSnapshot {Id} ({Status})";
}

public sealed partial record Conference
{
    public ConferenceSnapshot ToSnapshot() => new()
    {
        Id = Id,
        Kind = Kind,
        SubjectIds = SubjectIds,
        Area = Area,
        Status = Status,
        ChairId = ChairId,
        StartTime = StartTime,
        Duration = Duration,
        Venue = Venue,
        TargetDate = TargetDate,
        SourceObligationId = SourceObligationId,
        ScheduleHistory = ScheduleHistory,
        Cancellation = Cancellation,
        Invitations = Invitations,
        Attendance = Attendance,
        HeldAt = HeldAt,
        HeldOn = HeldOn,
        Decisions = Decisions,
        Actions = Actions,
        Minutes = Minutes,
        CreatedAt = CreatedAt,
        UpdatedAt = UpdatedAt,
    };

    /// <summary>Rebuilds a conference from storage, refusing (ArgumentException) a snapshot the lifecycle could not have produced.</summary>
    public static Conference Restore(ConferenceSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var problems = new List<string>();
        void Check(bool holds, string problem)
        {
            if (!holds)
                problems.Add(problem);
        }

        var status = snapshot.Status;
        bool scheduledOnce = status is ConferenceStatus.Scheduled or ConferenceStatus.Held or ConferenceStatus.Minuted;
        bool held = status is ConferenceStatus.Held or ConferenceStatus.Minuted;
        Check(!string.IsNullOrWhiteSpace(snapshot.Id), "an id");
        Check(Enum.IsDefined(snapshot.Kind), "a known kind");
        Check(Enum.IsDefined(status), "a known status");
        Check(snapshot.SubjectIds.Count > 0, "at least one subject");
        Check(!string.IsNullOrWhiteSpace(snapshot.Area), "an area");
        Check(scheduledOnce == (snapshot.ScheduleHistory.Count > 0), "a schedule history exactly when it has been scheduled");
        Check((status == ConferenceStatus.Cancelled) == (snapshot.Cancellation is not null), "a cancellation exactly when cancelled");
        Check(held == (snapshot.HeldAt is not null && snapshot.HeldOn is not null), "a held time and date exactly when held");
        Check((status == ConferenceStatus.Minuted) == (snapshot.Minutes is not null), "minutes exactly when minuted");
        Check(held || (snapshot.Attendance.Count == 0 && snapshot.Decisions.Count == 0 && snapshot.Actions.Count == 0),
            "no attendance, decisions or actions before it is held");
        if (snapshot.ScheduleHistory.Count > 0 && scheduledOnce)
        {
            var current = snapshot.ScheduleHistory[^1];
            Check(snapshot.StartTime == current.StartTime && snapshot.Duration == current.Duration && snapshot.Venue == current.Venue
                && snapshot.ChairId == current.ChairId, "arrangements equal to the last schedule entry");
        }
        Check(snapshot.Decisions.All(decision => snapshot.SubjectIds.Contains(decision.SubjectId)), "decisions only for its subjects");
        Check(snapshot.Invitations.Select(invitation => invitation.Agency).Distinct().Count() == snapshot.Invitations.Count,
            "one invitation per agency");
        if (problems.Count > 0)
            throw new ArgumentException($"Stored conference '{snapshot.Id}' is inconsistent: it needs {string.Join("; ", problems)}.", nameof(snapshot));

        return new Conference
        {
            Id = snapshot.Id,
            Kind = snapshot.Kind,
            SubjectIds = [.. snapshot.SubjectIds],
            Area = snapshot.Area,
            Status = status,
            ChairId = snapshot.ChairId,
            StartTime = snapshot.StartTime,
            Duration = snapshot.Duration,
            Venue = snapshot.Venue,
            TargetDate = snapshot.TargetDate,
            SourceObligationId = snapshot.SourceObligationId,
            ScheduleHistory = [.. snapshot.ScheduleHistory],
            Cancellation = snapshot.Cancellation,
            Invitations = [.. snapshot.Invitations],
            Attendance = [.. snapshot.Attendance],
            HeldAt = snapshot.HeldAt,
            HeldOn = snapshot.HeldOn,
            Decisions = [.. snapshot.Decisions],
            Actions = [.. snapshot.Actions],
            Minutes = snapshot.Minutes,
            CreatedAt = snapshot.CreatedAt,
            UpdatedAt = snapshot.UpdatedAt,
        };
    }
}
