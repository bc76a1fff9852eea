namespace Mappa.Security;

/// <summary>
/// Permission names, as written in each RPC's <c>(mappa.common.v1.access)</c> option. A contract naming a
/// permission not listed in <see cref="All"/> fails the start-up check, so a typo cannot silently deny (or grant).
/// </summary>
public static class Permission
{
    public const string SubjectsRead = "subjects.read";
    public const string SubjectsWrite = "subjects.write";

    /// <summary>Not an RPC permission: lets services show names and other personal detail instead of redacting them.</summary>
    public const string SubjectsPersonalDetail = "subjects.personal-detail";

    public const string AssessmentsRead = "assessments.read";
    public const string AssessmentsWrite = "assessments.write";

    /// <summary>Not an RPC permission: lets services show item scores, full results and narrative instead of levels only.</summary>
    public const string AssessmentsItemDetail = "assessments.item-detail";

    /// <summary>Approves what an assessor may not decide alone, e.g. a review date later than the policy gives.</summary>
    public const string AssessmentsApprove = "assessments.approve";
    public const string ConferencesRead = "conferences.read";
    public const string ConferencesWrite = "conferences.write";
    public const string ReviewsRead = "reviews.read";
    public const string ComplianceRead = "compliance.read";
    public const string AuditRead = "audit.read";

    /// <summary>Moving the scheduling service's simulated clock (demo and test deployments only; refused in production).</summary>
    public const string SimulationControl = "simulation.control";

    public static IReadOnlySet<string> All { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        SubjectsRead, SubjectsWrite, SubjectsPersonalDetail,
        AssessmentsRead, AssessmentsWrite, AssessmentsItemDetail, AssessmentsApprove,
        ConferencesRead, ConferencesWrite,
        ReviewsRead, ComplianceRead, AuditRead,
        SimulationControl,
    };
}
