using Mappa.CaseConference.Features.Agencies;
using Mappa.CaseConference.Features.Conferences;
using Mappa.CaseConference.Features.Decisions;
using Mappa.CaseConference.Features.Invitations;
using Mappa.CaseConference.Features.ReviewDue;
using static Mappa.CaseConference.Tests.Given;

namespace Mappa.CaseConference.Tests.ReviewDue;

public class ReviewDueProposalTests
{
    private static readonly ReviewDueNotice MeetingReviewDue = new("obl-42", "subj-1", "dundee", ReviewDueKind.MappaMeeting, new DateOnly(2025, 6, 2));

    [Theory]
    [InlineData(MappaLevel.Level2)]
    [InlineData(MappaLevel.Level3)]
    public void A_review_due_for_a_subject_at_level_2_or_3_proposes_a_review_conference(MappaLevel level)
    {
        var decision = ReviewDueProposalRule.Default.Decide(MeetingReviewDue, level, conferenceAlreadyProposedFor: null, areaCoordinatorId: "coord-7");

        var proposal = Assert.IsType<ReviewDueDecision.Propose>(decision).Proposal;
        Assert.Equal((ConferenceKind.Review, "dundee", "coord-7", new DateOnly(2025, 6, 2), "obl-42"),
            (proposal.Kind, proposal.Area, proposal.ChairId, proposal.TargetDate, proposal.SourceObligationId));
        Assert.Equal(["subj-1"], proposal.SubjectIds);
    }

    [Theory]
    [InlineData(MappaLevel.Level1, ReviewDueProposalRule.NotMultiAgencyLevel)]
    [InlineData(null, ReviewDueProposalRule.NoLevelOnRecord)]
    public void A_subject_not_managed_at_level_2_or_3_gets_no_proposal(MappaLevel? level, string reason)
    {
        Assert.Equal(new ReviewDueDecision.Ignore(reason), ReviewDueProposalRule.Default.Decide(MeetingReviewDue, level, null));
    }

    [Fact]
    public void A_notice_for_an_obligation_that_already_proposed_a_conference_proposes_nothing_more()
    {
        Assert.Equal(new ReviewDueDecision.AlreadyProposed("conf-9"), ReviewDueProposalRule.Default.Decide(MeetingReviewDue, MappaLevel.Level3, "conf-9"));
        // Even if the level has dropped since: the earlier proposal stands and is the coordinator's to cancel.
        Assert.Equal(new ReviewDueDecision.AlreadyProposed("conf-9"), ReviewDueProposalRule.Default.Decide(MeetingReviewDue, MappaLevel.Level1, "conf-9"));
    }

    [Fact]
    public void Only_meeting_reviews_propose_conferences_unless_configured_otherwise()
    {
        var assessmentDue = MeetingReviewDue with { Kind = ReviewDueKind.Assessment };
        var alsoAssessments = new ReviewDueProposalRule(new ReviewDueProposalOptions { ProposingKinds = [ReviewDueKind.MappaMeeting, ReviewDueKind.Assessment] });

        Assert.Equal(new ReviewDueDecision.Ignore(ReviewDueProposalRule.NotAProposingKind), ReviewDueProposalRule.Default.Decide(assessmentDue, MappaLevel.Level2, null));
        Assert.IsType<ReviewDueDecision.Propose>(alsoAssessments.Decide(assessmentDue, MappaLevel.Level2, null));
    }

    [Fact]
    public void Repeated_notices_for_one_obligation_create_one_proposed_conference()
    {
        // The handler's loop in miniature: look up by obligation id, decide, store. The store's unique obligation id
        // covers two notices racing; this shows the decision itself never proposes twice.
        var proposedByObligation = new Dictionary<string, Conference>();
        ReviewDueNotice[] notices = [MeetingReviewDue, MeetingReviewDue, MeetingReviewDue with { DueDate = new DateOnly(2025, 6, 9) }];

        foreach (var notice in notices)
        {
            var existing = proposedByObligation.GetValueOrDefault(notice.ObligationId)?.Id;
            if (ReviewDueProposalRule.Default.Decide(notice, MappaLevel.Level2, existing, invitationFacts: new CaseInvitationFacts(InvolvesChildren: true))
                is ReviewDueDecision.Propose propose)
            {
                proposedByObligation[notice.ObligationId] = Conference.Propose($"conf-{proposedByObligation.Count + 1}", propose.Proposal,
                    InvitationPolicy.Default, ProposedAt);
            }
        }

        var conference = Assert.Single(proposedByObligation.Values);
        Assert.Equal((ConferenceStatus.Proposed, "obl-42", new DateOnly(2025, 6, 2)), (conference.Status, conference.SourceObligationId, conference.TargetDate));
        Assert.Contains(conference.Invitations, invitation => invitation.Agency.Kind == AgencyKind.ChildProtection);
        Assert.Null(conference.StartTime);
    }
}
