using Mappa.CaseConference.Features.Conferences;
using Mappa.CaseConference.Features.Decisions;
using Mappa.CaseConference.Features.Invitations;

namespace Mappa.CaseConference.Features.ReviewDue;

/// <summary>The kind of review a notice is about; numbers match <c>mappa.scheduling.v1.ReviewKind</c>.</summary>
public enum ReviewDueKind
{
    Assessment = 1,
    MappaMeeting = 2,
    CompletionDeadline = 3,
    PlanAction = 4,
}

/// <summary>
/// A "review due" (or due-soon, or overdue) notice from the review calendar, reduced to what the rule needs.
/// The consumer maps the Scheduling event to it; <see cref="ObligationId"/> is the idempotency key.
/// </summary>
public sealed record ReviewDueNotice(string ObligationId, string SubjectId, string Area, ReviewDueKind Kind, DateOnly DueDate);

/// <summary>Configuration of <see cref="ReviewDueProposalRule"/> (section <c>CaseConference:Rules:ReviewDue</c>).</summary>
public sealed class ReviewDueProposalOptions
{
    /// <summary>Review kinds whose notices propose a conference. Null means MAPPA meeting reviews only.</summary>
    public ReviewDueKind[]? ProposingKinds { get; set; }
}

/// <summary>What to do with a notice.</summary>
public abstract record ReviewDueDecision
{
    private ReviewDueDecision()
    {
    }

    /// <summary>Propose a review conference with these details (the store keeps one per obligation id).</summary>
    public sealed record Propose(ConferenceProposal Proposal) : ReviewDueDecision;

    /// <summary>An earlier notice for the same obligation already proposed this conference: nothing more to do.</summary>
    public sealed record AlreadyProposed(string ConferenceId) : ReviewDueDecision;

    /// <summary>The notice does not call for a conference; <see cref="Reason"/> is a stable code for logs and metrics.</summary>
    public sealed record Ignore(string Reason) : ReviewDueDecision;
}

/// <summary>
/// The pure decision behind "a review-due notice for a subject managed at level 2 or 3 proposes a conference, once".
/// The caller supplies what the store knows; persisting the proposal with a unique obligation id keeps it once even
/// when two notices race.
/// </summary>
public sealed class ReviewDueProposalRule
{
    public const string NotAProposingKind = "REVIEW_KIND_NOT_PROPOSING";
    public const string NoLevelOnRecord = "SUBJECT_LEVEL_UNKNOWN";
    public const string NotMultiAgencyLevel = "SUBJECT_NOT_AT_LEVEL_2_OR_3";

    private readonly IReadOnlyList<ReviewDueKind> _proposingKinds;

    public ReviewDueProposalRule(ReviewDueProposalOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _proposingKinds = options.ProposingKinds is { } configured ? configured.Distinct().ToArray() : [ReviewDueKind.MappaMeeting];
        foreach (var kind in _proposingKinds)
        {
            if (!Enum.IsDefined(kind))
                throw new ArgumentException($"Review kind '{kind}' is not known.", nameof(options));
        }
    }

    public static ReviewDueProposalRule Default { get; } = new(new ReviewDueProposalOptions());

    /// <param name="currentLevel">The subject's MAPPA level on record (see <see cref="ManagementLevels.Current"/>), or null.</param>
    /// <param name="conferenceAlreadyProposedFor">The conference an earlier notice with this obligation id proposed, if any.</param>
    /// <param name="areaCoordinatorId">The area's MAPPA coordinator, proposed as chair, if known.</param>
    /// <param name="invitationFacts">What is known of the case for invitations (e.g. from the subject's last conference).</param>
    public ReviewDueDecision Decide(ReviewDueNotice notice, MappaLevel? currentLevel, string? conferenceAlreadyProposedFor,
        string? areaCoordinatorId = null, CaseInvitationFacts? invitationFacts = null)
    {
        ArgumentNullException.ThrowIfNull(notice);
        ArgumentException.ThrowIfNullOrWhiteSpace(notice.ObligationId);

        // Idempotency first: a repeated notice never proposes again, whatever has changed since.
        if (!string.IsNullOrWhiteSpace(conferenceAlreadyProposedFor))
            return new ReviewDueDecision.AlreadyProposed(conferenceAlreadyProposedFor);
        if (!_proposingKinds.Contains(notice.Kind))
            return new ReviewDueDecision.Ignore(NotAProposingKind);
        if (currentLevel is null)
            return new ReviewDueDecision.Ignore(NoLevelOnRecord);
        if (currentLevel is not (MappaLevel.Level2 or MappaLevel.Level3))
            return new ReviewDueDecision.Ignore(NotMultiAgencyLevel);

        return new ReviewDueDecision.Propose(new ConferenceProposal(
            ConferenceKind.Review,
            [notice.SubjectId],
            notice.Area,
            ChairId: string.IsNullOrWhiteSpace(areaCoordinatorId) ? null : areaCoordinatorId,
            TargetDate: notice.DueDate,
            InvitationFacts: invitationFacts,
            SourceObligationId: notice.ObligationId));
    }
}
