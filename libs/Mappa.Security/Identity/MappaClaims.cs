namespace Mappa.Security;

/// <summary>The JWT claims the suite reads. Partner identity providers map their own attributes onto these.</summary>
public static class MappaClaims
{
    /// <summary>The user or system id.</summary>
    public const string Subject = "sub";

    /// <summary>The calling agency, e.g. "police-scotland", "glasgow-cjsw".</summary>
    public const string Agency = "agency";

    /// <summary>An AgencyKind name without its prefix, e.g. "POLICE", "SOCIAL_WORK".</summary>
    public const string AgencyKind = "agency_kind";

    /// <summary>Local-authority areas the caller may see (a JSON array or space-separated); "*" for national roles.</summary>
    public const string Areas = "areas";

    /// <summary>Role names (a JSON array or space-separated); see <see cref="Role"/>.</summary>
    public const string Roles = "roles";

    /// <summary>The <see cref="Areas"/> value that grants every area.</summary>
    public const string AllAreas = "*";
}
