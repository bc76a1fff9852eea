namespace Mappa.Security;

/// <summary>Role names carried in the <c>roles</c> claim. What each grants is in <see cref="RolePermissions"/>.</summary>
public static class Role
{
    /// <summary>Runs MAPPA meetings for an area: registers subjects, convenes conferences, watches compliance.</summary>
    public const string MappaCoordinator = "mappa-coordinator";

    /// <summary>Criminal-justice social worker (or other responsible-authority practitioner) recording assessments.</summary>
    public const string Assessor = "assessor";

    /// <summary>Police officer managing registered offenders; records RM2000 and registers subjects.</summary>
    public const string PoliceOfficer = "police-officer";

    /// <summary>Duty-to-cooperate agency (housing, education, ...): need-to-know, redacted view only.</summary>
    public const string PartnerReader = "partner-reader";

    /// <summary>Service manager: compliance figures and the review calendar, no case detail.</summary>
    public const string Manager = "manager";

    /// <summary>Reads the audit log only.</summary>
    public const string Auditor = "auditor";

    /// <summary>Another suite service calling on its own behalf (not on a user's).</summary>
    public const string System = "system";
}
