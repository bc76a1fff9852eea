using Mappa.CaseConference.Features.Invitations;

namespace Mappa.CaseConference.Features.Conferences;

/// <summary>
/// What is known when a conference is proposed: by a coordinator (CreateConference) or by the review-due rule.
/// Time, place and chair may be proposed now or settled when it is scheduled.
/// </summary>
/// <param name="TargetDate">The date by which it should be held, e.g. the due date of the review that prompted it.</param>
/// <param name="SourceObligationId">The review obligation whose "review due" notice proposed it, if any.</param>
public sealed record ConferenceProposal(
    ConferenceKind Kind,
    IReadOnlyList<string> SubjectIds,
    string Area,
    string? ChairId = null,
    DateTimeOffset? StartTime = null,
    TimeSpan? Duration = null,
    Venue? Venue = null,
    DateOnly? TargetDate = null,
    CaseInvitationFacts? InvitationFacts = null,
    string? SourceObligationId = null);

/// <summary>
/// The arrangements for scheduling or rescheduling. Unset values keep what was proposed (when scheduling) or what is in
/// force (when rescheduling).
/// </summary>
public sealed record ScheduleDetails(
    DateTimeOffset? StartTime = null,
    TimeSpan? Duration = null,
    Venue? Venue = null,
    string? ChairId = null);
