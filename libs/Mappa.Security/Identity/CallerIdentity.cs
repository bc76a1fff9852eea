using System.Collections.Frozen;
using System.Security.Claims;
using Mappa.Contracts.Common.V1;

namespace Mappa.Security;

/// <summary>
/// Who is calling, from the validated token: the one view of the caller services use for permission checks,
/// row scoping (<see cref="CanSeeArea"/>) and field redaction (<see cref="MaySeePersonalDetail"/>).
/// </summary>
public sealed record CallerIdentity
{
    private static readonly FrozenDictionary<string, AgencyKind> AgencyKindsByName = BuildAgencyKindNames();

    public CallerIdentity(string subject, string agency, AgencyKind agencyKind, IReadOnlyList<string> areas, IReadOnlyList<string> roles)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(subject);
        Subject = subject;
        Agency = agency;
        AgencyKind = agencyKind;
        Areas = areas;
        Roles = roles;
        Permissions = RolePermissions.For(roles);
        IsNational = areas.Contains(MappaClaims.AllAreas);
    }

    /// <summary>The user or system id (<c>sub</c>).</summary>
    public string Subject { get; }

    /// <summary>The calling agency, e.g. "police-scotland"; empty if the token does not say.</summary>
    public string Agency { get; }

    public AgencyKind AgencyKind { get; }

    /// <summary>Local-authority areas the caller may see; "*" means all.</summary>
    public IReadOnlyList<string> Areas { get; }

    public IReadOnlyList<string> Roles { get; }

    /// <summary>Everything <see cref="Roles"/> grant, per <see cref="RolePermissions"/>.</summary>
    public IReadOnlySet<string> Permissions { get; }

    /// <summary>True for national roles (areas claim "*").</summary>
    public bool IsNational { get; }

    /// <summary>Whether names and other personal detail may be shown; otherwise services redact them.</summary>
    public bool MaySeePersonalDetail => HasPermission(Permission.SubjectsPersonalDetail);

    public bool HasPermission(string permission) => Permissions.Contains(permission);

    /// <summary>
    /// Row scoping: whether a record in <paramref name="area"/> is visible to this caller. Services answer
    /// NOT_FOUND (not PERMISSION_DENIED) for records outside it, so a caller cannot probe for people.
    /// </summary>
    public bool CanSeeArea(string? area)
    {
        if (IsNational)
        {
            return true;
        }
        if (string.IsNullOrEmpty(area))
        {
            return false;
        }
        foreach (var allowed in Areas)
        {
            if (string.Equals(allowed, area, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The identity in <paramref name="principal"/>'s claims, or null when it has no subject.</summary>
    public static CallerIdentity? FromClaims(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var subject = principal.FindFirst(MappaClaims.Subject)?.Value;
        if (string.IsNullOrWhiteSpace(subject))
        {
            return null;
        }
        var agencyKindName = principal.FindFirst(MappaClaims.AgencyKind)?.Value;
        return new CallerIdentity(
            subject,
            principal.FindFirst(MappaClaims.Agency)?.Value ?? "",
            ParseAgencyKind(agencyKindName),
            ListClaim(principal, MappaClaims.Areas),
            ListClaim(principal, MappaClaims.Roles));
    }

    /// <summary>"POLICE" (or "AGENCY_KIND_POLICE") to <see cref="AgencyKind.Police"/>; unknown names are Unspecified.</summary>
    public static AgencyKind ParseAgencyKind(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return AgencyKind.Unspecified;
        }
        return AgencyKindsByName.TryGetValue(name.Trim(), out var kind) ? kind : AgencyKind.Unspecified;
    }

    // A JSON array arrives as one claim per element; a space-separated string (OAuth "scope" style) is also accepted.
    private static string[] ListClaim(ClaimsPrincipal principal, string type)
    {
        var values = new List<string>();
        foreach (var claim in principal.FindAll(type))
        {
            foreach (var value in claim.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!values.Contains(value))
                {
                    values.Add(value);
                }
            }
        }
        return values.ToArray();
    }

    private static FrozenDictionary<string, AgencyKind> BuildAgencyKindNames()
    {
        const string prefix = "AGENCY_KIND_";
        var names = new Dictionary<string, AgencyKind>(StringComparer.OrdinalIgnoreCase);
        foreach (var value in AgencyReflection.Descriptor.FindTypeByName<Google.Protobuf.Reflection.EnumDescriptor>("AgencyKind").Values)
        {
            var kind = (AgencyKind)value.Number;
            if (kind == AgencyKind.Unspecified)
            {
                continue;
            }
            names[value.Name] = kind;
            names[value.Name[prefix.Length..]] = kind;
        }
        return names.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }
}
