using Mappa.CaseConference.Features.Agencies;
using Mappa.CaseConference.Features.Invitations;
using Mappa.CaseConference.Features.Validation;
using Mappa.Core.Errors;

namespace Mappa.CaseConference.Features.Conferences;

// Invitations and responses, taken while the conference is proposed or scheduled.
public sealed partial record Conference
{
    public Invitation? FindInvitation(AgencyRef agency) => Invitations.FirstOrDefault(invitation => invitation.Agency == agency);

    /// <summary>
    /// Invites one more agency (a duty-to-cooperate agency for this case, say). Field paths are those of
    /// InviteAgencyRequest. An agency already invited is refused with ALREADY_EXISTS.
    /// </summary>
    public (Conference Conference, Invitation Invitation) Invite(Invitee invitee, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(invitee);
        EnsureOpenForInvitations("invited to");

        var violations = new Violations();
        invitee.Validate(violations, "invitee");
        violations.ThrowIfAny();
        if (FindInvitation(invitee.Agency) is { } existing)
            throw new AlreadyExistsException("Invitation", existing.Id);

        var invitation = new Invitation(Invitation.IdFor(Invitations.Length + 1), invitee.Agency, Trimmed(invitee.RepresentativeName),
            InvitedByDefault: false, InvitationResponseKind.Awaiting, null, now, null);
        return (this with { Invitations = Invitations.Add(invitation), UpdatedAt = now }, invitation);
    }

    /// <summary>Records (or changes) an agency's response. Field paths are those of RecordInvitationResponseRequest.</summary>
    public Conference RecordResponse(string invitationId, InvitationResponse response, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(response);
        EnsureOpenForInvitations("answered for");

        var violations = new Violations();
        violations.Required("invitation_id", invitationId);
        response.Validate(violations);
        violations.ThrowIfAny();

        int index = IndexOf(Invitations, invitation => invitation.Id == invitationId.Trim());
        if (index < 0)
            throw new NotFoundException("Invitation", invitationId);
        return this with { Invitations = Invitations.SetItem(index, Invitations[index].Answer(response, now)), UpdatedAt = now };
    }

    private void EnsureOpenForInvitations(string what)
    {
        if (Status is not (ConferenceStatus.Proposed or ConferenceStatus.Scheduled))
            throw Refused(ConferenceRefusals.InvitationsClosed, what, "invitations close once the meeting is held or cancelled");
    }
}
