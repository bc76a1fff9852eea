using Mappa.Security;
using Mappa.Security.Development;
using Mappa.Suite;
using Mappa.Testing;

namespace Mappa.EveryRpc.Tests.Support;

/// <summary>Who calls in the matrix: every role of the role table, an unknown role, and nobody (no token).</summary>
public static class Callers
{
    public const string NoToken = "(no token)";
    public const string UnknownRole = "(unknown role)";

    /// <summary>A role name no identity provider of ours issues; it must grant nothing.</summary>
    public const string UnknownRoleName = "mappa-superuser";

    public const string HomeArea = "glasgow";
    public const string OtherArea = "edinburgh";

    /// <summary>Every role in <see cref="RolePermissions.Table"/>, in a stable order, then the two pseudo-callers.</summary>
    public static IReadOnlyList<string> MatrixColumns { get; } =
        [.. RolePermissions.Table.Keys.Order(StringComparer.Ordinal), UnknownRole, NoToken];

    /// <summary>The identity a column stands for (null: no token), as the server will see it.</summary>
    public static CallerIdentity? Identity(string column, string area = HomeArea) => column switch
    {
        NoToken => null,
        UnknownRole => new CallerIdentity("matrix-unknown", "test-agency", Contracts.Common.V1.AgencyKind.SocialWork, [area], [UnknownRoleName]),
        _ => new CallerIdentity("matrix-" + column, "test-agency", Contracts.Common.V1.AgencyKind.SocialWork, [area], [column]),
    };

    public static DevelopmentTokenIssuer Issuer(RunningSuite suite) => new(
        DevelopmentKeys.LoadOrCreate(SuiteHost.Defaults(suite.DataDirectory)["Mappa:Auth:DevelopmentKeyDirectory"]),
        SuiteHost.DefaultIssuer,
        SuiteHost.DefaultAudience);

    public static string? Token(DevelopmentTokenIssuer issuer, string column, string area = HomeArea, string agencyKind = "SOCIAL_WORK") => column switch
    {
        NoToken => null,
        UnknownRole => issuer.Issue(new DevelopmentTokenRequest("matrix-unknown", "test-agency", agencyKind, [area], [UnknownRoleName])),
        _ => issuer.Issue(new DevelopmentTokenRequest("matrix-" + column, "test-agency", agencyKind, [area], [column])),
    };

    /// <summary>Every role at once, national scope: nothing is refused for want of a permission or an area.</summary>
    public static string AllPowerful(DevelopmentTokenIssuer issuer) =>
        issuer.Issue(new DevelopmentTokenRequest("fuzz-all-roles", "test-agency", "POLICE", ["*"], [.. RolePermissions.Table.Keys]));
}
