namespace Mappa.CaseConference.Features.Agencies;

/// <summary>
/// The kinds of agency in MAPPA. Numbers match <c>mappa.common.v1.AgencyKind</c>, so an unspecified (0) proto value
/// maps to an undefined value here that validation rejects with the right field path.
/// </summary>
public enum AgencyKind
{
    // Responsible authorities (domain.md).
    Police = 1,
    SocialWork = 2,
    PrisonService = 3,
    Health = 4,

    // Duty-to-cooperate agencies.
    Housing = 10,
    ChildProtection = 11,
    AdultProtection = 12,
    YouthJustice = 13,
    Education = 14,
    Other = 20,
}

public static class AgencyKinds
{
    /// <summary>Police, criminal-justice social work, the prison service and health: the MAPPA responsible authorities.</summary>
    public static IReadOnlyList<AgencyKind> ResponsibleAuthorities { get; } =
        [AgencyKind.Police, AgencyKind.SocialWork, AgencyKind.PrisonService, AgencyKind.Health];

    public static bool IsResponsibleAuthority(this AgencyKind kind) => ResponsibleAuthorities.Contains(kind);

    public static bool IsDefined(this AgencyKind kind) => Enum.IsDefined(kind);
}
