using Mappa.Security;

namespace Mappa.CaseConference.Features.Conferences;

/// <summary>
/// Who may see a conference: coordinators (who may manage conferences) and the suite's own services see every
/// conference in their areas; anyone else sees only the conferences their agency is invited to. Everything else is
/// answered NOT_FOUND, so a caller cannot probe for meetings about people outside its need to know.
/// </summary>
public static class ConferenceVisibility
{
    public static bool SeesWholeArea(CallerIdentity caller) =>
        caller.HasPermission(Permission.ConferencesWrite) || caller.Roles.Contains(Role.System);

    public static bool CanSee(CallerIdentity caller, Conference conference)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(conference);
        if (!caller.CanSeeArea(conference.Area))
            return false;
        return SeesWholeArea(caller)
            || conference.Invitations.Any(invitation => (int)invitation.Agency.Kind == (int)caller.AgencyKind);
    }
}
