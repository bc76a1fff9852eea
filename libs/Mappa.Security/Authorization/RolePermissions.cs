using System.Collections.Frozen;

namespace Mappa.Security;

/// <summary>
/// The one table mapping roles to permissions (documented in docs/security.md: keep both in step). Unknown roles
/// grant nothing, so roles an identity provider adds for other systems are harmless.
/// </summary>
public static class RolePermissions
{
    private static readonly FrozenSet<string> None = FrozenSet<string>.Empty;

    public static IReadOnlyDictionary<string, FrozenSet<string>> Table { get; } = new Dictionary<string, string[]>
    {
        [Role.MappaCoordinator] =
        [
            Permission.SubjectsRead, Permission.SubjectsWrite, Permission.SubjectsPersonalDetail,
            Permission.AssessmentsRead, Permission.AssessmentsItemDetail, Permission.AssessmentsApprove,
            Permission.ConferencesRead, Permission.ConferencesWrite,
            Permission.ReviewsRead, Permission.ComplianceRead,
            // The demo's coordinator drives the simulated clock; the service refuses it unless the clock is simulated.
            Permission.SimulationControl,
        ],
        [Role.Assessor] =
        [
            Permission.SubjectsRead, Permission.SubjectsWrite, Permission.SubjectsPersonalDetail,
            Permission.AssessmentsRead, Permission.AssessmentsWrite, Permission.AssessmentsItemDetail,
            Permission.ConferencesRead, Permission.ReviewsRead,
        ],
        [Role.PoliceOfficer] =
        [
            Permission.SubjectsRead, Permission.SubjectsWrite, Permission.SubjectsPersonalDetail,
            Permission.AssessmentsRead, Permission.AssessmentsWrite, Permission.AssessmentsItemDetail,
            Permission.ConferencesRead, Permission.ReviewsRead,
        ],
        // Need to know: the subject's level, category and the meetings they are invited to, never names or
        // item scores (the inspection found risk details reaching partners as labels; 000, F3/F4): assessments are
        // readable as levels only.
        [Role.PartnerReader] = [Permission.SubjectsRead, Permission.AssessmentsRead, Permission.ConferencesRead, Permission.ReviewsRead],
        // Approves a review date later than the policy gives (a line manager's decision); sees levels only.
        [Role.Manager] = [Permission.ComplianceRead, Permission.ReviewsRead, Permission.AssessmentsApprove],
        [Role.Auditor] = [Permission.AuditRead],
        // Service-to-service reads (e.g. checking a subject exists); no personal detail, no writes.
        [Role.System] =
        [
            Permission.SubjectsRead, Permission.AssessmentsRead, Permission.ConferencesRead, Permission.ReviewsRead,
        ],
    }.ToFrozenDictionary(p => p.Key, p => p.Value.ToFrozenSet(StringComparer.Ordinal), StringComparer.Ordinal);

    /// <summary>Every permission granted by any of <paramref name="roles"/>.</summary>
    public static FrozenSet<string> For(IEnumerable<string> roles)
    {
        FrozenSet<string>? single = null;
        HashSet<string>? union = null;
        foreach (var role in roles)
        {
            if (!Table.TryGetValue(role, out var granted))
            {
                continue;
            }
            if (single is null)
            {
                single = granted;
            }
            else
            {
                union ??= new HashSet<string>(single, StringComparer.Ordinal);
                union.UnionWith(granted);
            }
        }
        return union is not null ? union.ToFrozenSet(StringComparer.Ordinal) : single ?? None;
    }

    /// <summary>The roles that grant <paramref name="permission"/>, for generating the authorization matrix.</summary>
    public static IReadOnlyList<string> RolesGranting(string permission) =>
        Table.Where(entry => entry.Value.Contains(permission)).Select(entry => entry.Key).Order(StringComparer.Ordinal).ToArray();
}
