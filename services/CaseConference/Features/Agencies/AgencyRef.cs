using Mappa.CaseConference.Features.Validation;

namespace Mappa.CaseConference.Features.Agencies;

/// <summary>
/// One participating body: a kind of agency, and for <see cref="AgencyKind.Other"/> (a third-sector project, say) its
/// organisation name. Two references to the same kind are the same body when their organisation names match,
/// ignoring case and surrounding spaces.
/// </summary>
public sealed record AgencyRef
{
    public const int MaxOrganisationLength = 200;

    public AgencyRef(AgencyKind kind, string? organisation = null)
    {
        Kind = kind;
        Organisation = string.IsNullOrWhiteSpace(organisation) ? null : organisation.Trim();
    }

    public AgencyKind Kind { get; }

    public string? Organisation { get; }

    public bool Equals(AgencyRef? other) =>
        other is not null && Kind == other.Kind && string.Equals(Organisation, other.Organisation, StringComparison.OrdinalIgnoreCase);

    public override int GetHashCode() =>
        HashCode.Combine(Kind, Organisation is null ? 0 : StringComparer.OrdinalIgnoreCase.GetHashCode(Organisation));

    internal void Validate(Violations violations, string path)
    {
        if (!Kind.IsDefined())
            violations.Add(FieldPath.Join(path, "kind"), "A known agency kind is required.");
        if (Kind == AgencyKind.Other && Organisation is null)
            violations.Add(FieldPath.Join(path, "organisation"), "Required for AGENCY_KIND_OTHER.");
        violations.MaxLength(FieldPath.Join(path, "organisation"), Organisation, MaxOrganisationLength);
    }
}
