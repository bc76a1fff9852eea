using Mappa.CaseConference.Features.Agencies;
using Mappa.CaseConference.Features.Conferences;
using Mappa.CaseConference.Features.Invitations;
using Mappa.Core.Errors;
using static Mappa.CaseConference.Tests.Given;

namespace Mappa.CaseConference.Tests.Invitations;

public class InvitationTests
{
    private static AgencyKind[] InvitedKinds(Conference conference) => conference.Invitations.Select(invitation => invitation.Agency.Kind).ToArray();

    [Fact]
    public void The_responsible_authorities_are_invited_by_default()
    {
        var conference = Proposed();

        Assert.Equal([AgencyKind.Police, AgencyKind.SocialWork, AgencyKind.PrisonService, AgencyKind.Health], InvitedKinds(conference));
        Assert.All(conference.Invitations, invitation =>
        {
            Assert.True(invitation.InvitedByDefault);
            Assert.Equal(InvitationResponseKind.Awaiting, invitation.Response);
            Assert.Equal(ProposedAt, invitation.InvitedAt);
        });
        Assert.Equal(["inv-1", "inv-2", "inv-3", "inv-4"], conference.Invitations.Select(invitation => invitation.Id));
    }

    [Fact]
    public void Child_protection_is_invited_as_a_matter_of_course_when_the_case_involves_children()
    {
        var conference = Proposed(new CaseInvitationFacts(InvolvesChildren: true));

        var childProtection = Assert.Single(conference.Invitations, invitation => invitation.Agency.Kind == AgencyKind.ChildProtection);
        Assert.True(childProtection.InvitedByDefault);
    }

    [Fact]
    public void Child_protection_is_not_invited_by_default_when_the_case_involves_no_children()
    {
        Assert.DoesNotContain(AgencyKind.ChildProtection, InvitedKinds(Proposed(new CaseInvitationFacts(InvolvesChildren: false))));
    }

    [Fact]
    public void An_area_can_invite_child_protection_to_every_conference()
    {
        var policy = new InvitationPolicy(new InvitationPolicyOptions { InviteChildProtectionInAllCases = true });

        Assert.Contains(AgencyKind.ChildProtection, InvitedKinds(Proposed(CaseInvitationFacts.None, policy)));
    }

    [Fact]
    public void An_area_can_configure_the_default_agencies()
    {
        var policy = new InvitationPolicy(new InvitationPolicyOptions { DefaultAgencies = [AgencyKind.Police, AgencyKind.SocialWork] });

        Assert.Equal([AgencyKind.Police, AgencyKind.SocialWork], InvitedKinds(Proposed(policy: policy)));
        Assert.Throws<ArgumentException>(() => new InvitationPolicy(new InvitationPolicyOptions { DefaultAgencies = [0] }));
    }

    [Fact]
    public void Duty_to_cooperate_agencies_are_invited_per_case()
    {
        var facts = new CaseInvitationFacts(AdditionalInvitees:
        [
            new Invitee(Agency(AgencyKind.Housing), "J. Smith"),
            new Invitee(Agency(AgencyKind.Other, "Tay Project")),
        ]);

        var conference = Proposed(facts);

        Assert.Equal(6, conference.Invitations.Length);
        var housing = conference.Invitations[4];
        Assert.Equal((AgencyKind.Housing, "J. Smith", false), (housing.Agency.Kind, housing.RepresentativeName, housing.InvitedByDefault));
        Assert.Equal(Agency(AgencyKind.Other, "tay project "), conference.Invitations[5].Agency);
    }

    [Fact]
    public void Naming_the_representative_of_a_default_agency_does_not_invite_it_twice()
    {
        var conference = Proposed(new CaseInvitationFacts(AdditionalInvitees: [new Invitee(Agency(AgencyKind.Police), "DS Brown")]));

        var police = Assert.Single(conference.Invitations, invitation => invitation.Agency.Kind == AgencyKind.Police);
        Assert.Equal("DS Brown", police.RepresentativeName);
        Assert.True(police.InvitedByDefault);
    }

    [Fact]
    public void Invalid_additional_invitees_are_named_by_their_request_path()
    {
        var facts = new CaseInvitationFacts(AdditionalInvitees:
        [
            new Invitee(Agency(0)),
            new Invitee(Agency(AgencyKind.Other)),
            new Invitee(Agency(AgencyKind.Housing)),
            new Invitee(Agency(AgencyKind.Housing)),
        ]);

        Assert.Equal(["additional_invitees[0].agency.kind", "additional_invitees[1].agency.organisation", "additional_invitees[3]"],
            FieldsOf(() => Proposed(facts)));
    }

    [Fact]
    public void Another_agency_can_be_invited_while_the_conference_is_scheduled()
    {
        var (conference, invitation) = Scheduled().Invite(new Invitee(Agency(AgencyKind.YouthJustice), "A. Khan"), BeforeMeeting.AddHours(2));

        Assert.Equal("inv-5", invitation.Id);
        Assert.False(invitation.InvitedByDefault);
        Assert.Equal(invitation, conference.FindInvitation(Agency(AgencyKind.YouthJustice)));
        Assert.Equal(BeforeMeeting.AddHours(2), conference.UpdatedAt);
    }

    [Fact]
    public void Inviting_an_agency_already_invited_answers_already_exists()
    {
        var failure = Assert.Throws<AlreadyExistsException>(() => Scheduled().Invite(new Invitee(Agency(AgencyKind.Health)), BeforeMeeting));

        Assert.Equal("inv-4", failure.ResourceName);
    }

    [Fact]
    public void Invitee_fields_are_validated_with_the_invite_request_paths()
    {
        Assert.Equal(["invitee.agency.kind"], FieldsOf(() => Scheduled().Invite(new Invitee(Agency(0)), BeforeMeeting)));
    }

    [Fact]
    public void Responses_record_acceptance_apologies_or_a_named_delegate()
    {
        var respondedAt = BeforeMeeting.AddHours(3);

        var conference = Scheduled()
            .RecordResponse("inv-1", InvitationResponse.Accepted, respondedAt)
            .RecordResponse("inv-3", InvitationResponse.DeclinedWithApologies, respondedAt)
            .RecordResponse("inv-4", InvitationResponse.Delegate("Dr Patel"), respondedAt);

        Assert.Equal(
            [InvitationResponseKind.Accepted, InvitationResponseKind.Awaiting, InvitationResponseKind.DeclinedWithApologies, InvitationResponseKind.DelegateNamed],
            conference.Invitations.Select(invitation => invitation.Response));
        Assert.Equal("Dr Patel", conference.Invitations[3].DelegateName);
        Assert.Equal(respondedAt, conference.Invitations[3].RespondedAt);
        Assert.Null(conference.Invitations[1].RespondedAt);
    }

    [Fact]
    public void A_later_response_replaces_an_earlier_one()
    {
        var conference = Scheduled()
            .RecordResponse("inv-2", InvitationResponse.Delegate("B. Jones"), BeforeMeeting)
            .RecordResponse("inv-2", InvitationResponse.Accepted, BeforeMeeting.AddHours(1));

        Assert.Equal((InvitationResponseKind.Accepted, null), (conference.Invitations[1].Response, conference.Invitations[1].DelegateName));
    }

    [Fact]
    public void A_delegate_response_needs_the_delegates_name_and_awaiting_is_not_a_response()
    {
        Assert.Equal(["delegate_name"], FieldsOf(() => Scheduled().RecordResponse("inv-1", new InvitationResponse(InvitationResponseKind.DelegateNamed), BeforeMeeting)));
        Assert.Equal(["response"], FieldsOf(() => Scheduled().RecordResponse("inv-1", new InvitationResponse(InvitationResponseKind.Awaiting), BeforeMeeting)));
        Assert.Equal(["response"], FieldsOf(() => Scheduled().RecordResponse("inv-1", new InvitationResponse(0), BeforeMeeting)));
    }

    [Fact]
    public void A_response_to_an_unknown_invitation_answers_not_found()
    {
        Assert.Throws<NotFoundException>(() => Scheduled().RecordResponse("inv-99", InvitationResponse.Accepted, BeforeMeeting));
    }

    [Fact]
    public void Responses_close_with_the_invitations_once_the_meeting_is_held()
    {
        Assert.Equal(ConferenceRefusals.InvitationsClosed, ReasonOf(() => Held().RecordResponse("inv-1", InvitationResponse.Accepted, AfterMeeting)));
    }
}
