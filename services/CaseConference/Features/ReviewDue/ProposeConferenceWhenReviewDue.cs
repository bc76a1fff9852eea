using MassTransit;
using Mappa.CaseConference.Features.Agencies;
using Mappa.CaseConference.Features.Conferences;
using Mappa.CaseConference.Features.Decisions;
using Mappa.CaseConference.Features.Invitations;
using Mappa.CaseConference.Persistence;
using Mappa.Events.Scheduling;
using Mappa.Messaging.Inbox;

namespace Mappa.CaseConference.Features.ReviewDue;

/// <summary>
/// A "review due" notice for a subject managed at level 2 or 3 proposes a review conference for the area, once:
/// the inbox skips a redelivered copy, and the unique source-obligation index keeps one conference per obligation
/// even when two different notices for it race (the loser's retry then finds the conference and does nothing).
/// The subject's level is its standing from minuted conferences; chair and invitations follow its last one.
/// </summary>
public sealed partial class ProposeConferenceWhenReviewDue(
    CaseConferenceDbContext db,
    ConferenceRules rules,
    ConferenceClock clock,
    ILogger<ProposeConferenceWhenReviewDue> logger)
    : IdempotentConsumer<Events.Scheduling.ReviewDue, CaseConferenceDbContext>(db, logger)
{
    // Stable across renames of the class: the inbox remembers processed messages under this name.
    protected override string ConsumerName => "caseconference.propose-conference-when-review-due";

    protected override async Task HandleAsync(ConsumeContext<Events.Scheduling.ReviewDue> context)
    {
        var message = context.Message;
        var store = new ConferenceStore(Db);
        var subjectId = message.Subject.SubjectId;
        var notice = new ReviewDueNotice(message.ObligationId, subjectId, message.Area, (ReviewDueKind)(int)message.Kind, message.DueDate);

        var alreadyProposed = await store.FindBySourceObligationAsync(message.ObligationId, context.CancellationToken);
        var history = alreadyProposed is null ? await store.ForSubjectAsync(subjectId, context.CancellationToken) : [];
        var standing = ManagementLevels.Current(subjectId, history);
        var last = history.Where(conference => conference.Status == ConferenceStatus.Minuted).MaxBy(conference => conference.HeldAt);

        var decision = rules.ReviewDue.Decide(notice, standing?.Level, alreadyProposed, last?.ChairId, last is null ? null : FactsOf(last));
        switch (decision)
        {
            case ReviewDueDecision.Propose propose:
                var now = clock.Now;
                var conference = Conference.Propose(ConferenceIds.New(), propose.Proposal, rules.Invitations, now);
                store.Add(conference, requestId: null);
                ConferenceEvents.Proposed(Db, conference, now);
                LogProposed(logger, conference.Id, message.ObligationId);
                break;
            case ReviewDueDecision.AlreadyProposed already:
                LogAlreadyProposed(logger, message.ObligationId, already.ConferenceId);
                break;
            case ReviewDueDecision.Ignore ignore:
                LogIgnored(logger, message.ObligationId, ignore.Reason);
                break;
        }
    }

    // The last conference's case facts carry over: child protection if it was invited, and the agencies asked for.
    private static CaseInvitationFacts FactsOf(Conference last) => new(
        last.Invitations.Any(invitation => invitation.Agency.Kind == AgencyKind.ChildProtection),
        last.Invitations.Where(invitation => !invitation.InvitedByDefault).Select(invitation => new Invitee(invitation.Agency)).ToArray());

    [LoggerMessage(Level = LogLevel.Information, Message = "Review obligation {ObligationId} fell due: proposed conference {ConferenceId}")]
    private static partial void LogProposed(ILogger logger, string conferenceId, string obligationId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Review obligation {ObligationId} already proposed conference {ConferenceId}")]
    private static partial void LogAlreadyProposed(ILogger logger, string obligationId, string conferenceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Review obligation {ObligationId} proposes no conference ({Reason})")]
    private static partial void LogIgnored(ILogger logger, string obligationId, string reason);
}
