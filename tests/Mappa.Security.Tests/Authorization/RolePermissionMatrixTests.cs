using Google.Protobuf.Reflection;
using Mappa.Security.Tests.Support;

namespace Mappa.Security.Tests.Authorization;

/// <summary>
/// The authorization matrix: every role against every RPC of the contracts. The expectations below are the
/// intended policy written out independently of <see cref="RolePermissions"/>, so a change to either shows here.
/// </summary>
public sealed class RolePermissionMatrixTests
{
    private static readonly string[] AllRoles =
        [Role.MappaCoordinator, Role.Assessor, Role.PoliceOfficer, Role.PartnerReader, Role.Manager, Role.Auditor, Role.System];

    private static readonly Dictionary<string, string[]> IntendedRolesByPermission = new()
    {
        [Permission.SubjectsRead] = [Role.MappaCoordinator, Role.Assessor, Role.PoliceOfficer, Role.PartnerReader, Role.System],
        [Permission.SubjectsWrite] = [Role.MappaCoordinator, Role.Assessor, Role.PoliceOfficer],
        [Permission.SubjectsPersonalDetail] = [Role.MappaCoordinator, Role.Assessor, Role.PoliceOfficer],
        [Permission.AssessmentsRead] = [Role.MappaCoordinator, Role.Assessor, Role.PoliceOfficer, Role.PartnerReader, Role.System],
        [Permission.AssessmentsWrite] = [Role.Assessor, Role.PoliceOfficer],
        [Permission.AssessmentsItemDetail] = [Role.MappaCoordinator, Role.Assessor, Role.PoliceOfficer],
        [Permission.AssessmentsApprove] = [Role.MappaCoordinator, Role.Manager],
        [Permission.ConferencesRead] = [Role.MappaCoordinator, Role.Assessor, Role.PoliceOfficer, Role.PartnerReader, Role.System],
        [Permission.ConferencesWrite] = [Role.MappaCoordinator],
        [Permission.ReviewsRead] = [Role.MappaCoordinator, Role.Assessor, Role.PoliceOfficer, Role.PartnerReader, Role.Manager, Role.System],
        [Permission.ComplianceRead] = [Role.MappaCoordinator, Role.Manager],
        [Permission.AuditRead] = [Role.Auditor],
        [Permission.SimulationControl] = [Role.MappaCoordinator],
    };

    private static CallerIdentity CallerWith(params string[] roles) =>
        new("user-1", "glasgow-cjsw", Contracts.Common.V1.AgencyKind.SocialWork, ["glasgow"], roles);

    public static TheoryData<string, string> EveryRoleAgainstEveryRpc()
    {
        var data = new TheoryData<string, string>();
        foreach (var rule in AccessPolicy.Describe(Methods.SuiteServices))
        {
            foreach (var role in AllRoles)
            {
                data.Add(role, rule.FullMethodName);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryRoleAgainstEveryRpc))]
    public void Each_role_may_call_exactly_the_rpcs_its_permissions_allow(string role, string fullMethodName)
    {
        var rule = AccessPolicy.For(Methods.ByFullName(fullMethodName));
        Assert.Equal(MethodAccessKind.Permission, rule.Kind);
        Assert.True(IntendedRolesByPermission.TryGetValue(rule.Permission!, out var intended),
            $"{fullMethodName} requires '{rule.Permission}', which has no intended roles in this test: decide who may call it.");

        var allowed = AccessPolicy.Decide(rule, CallerWith(role)).Allowed;

        Assert.Equal(intended.Contains(role), allowed);
    }

    [Fact]
    public void The_role_table_grants_exactly_the_intended_permissions()
    {
        foreach (var permission in Permission.All)
        {
            Assert.Equal(IntendedRolesByPermission[permission].Order(StringComparer.Ordinal), RolePermissions.RolesGranting(permission));
        }
        Assert.Equal(AllRoles.Order(StringComparer.Ordinal), RolePermissions.Table.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(Role.PartnerReader, "/mappa.riskassessment.v1.SubjectService/GetSubject", true)]
    [InlineData(Role.PartnerReader, "/mappa.riskassessment.v1.SubjectService/CreateSubject", false)]
    [InlineData(Role.PartnerReader, "/mappa.caseconference.v1.ConferenceService/CreateConference", false)]
    [InlineData(Role.Assessor, "/mappa.riskassessment.v1.SubjectService/CreateSubject", true)]
    [InlineData(Role.Assessor, "/mappa.caseconference.v1.ConferenceService/CreateConference", false)]
    [InlineData(Role.MappaCoordinator, "/mappa.caseconference.v1.ConferenceService/CreateConference", true)]
    [InlineData(Role.Manager, "/mappa.scheduling.v1.ReviewCalendarService/ListReviewObligations", true)]
    [InlineData(Role.Manager, "/mappa.riskassessment.v1.SubjectService/ListSubjects", false)]
    [InlineData(Role.Auditor, "/mappa.riskassessment.v1.SubjectService/GetSubject", false)]
    [InlineData(Role.System, "/mappa.riskassessment.v1.SubjectService/GetSubject", true)]
    [InlineData(Role.System, "/mappa.riskassessment.v1.SubjectService/CreateSubject", false)]
    public void Named_examples_of_the_policy(string role, string fullMethodName, bool allowed)
    {
        Assert.Equal(allowed, AccessPolicy.IsAllowed(CallerWith(role), Methods.ByFullName(fullMethodName)));
    }

    [Fact]
    public void Several_roles_grant_the_union_of_their_permissions()
    {
        var caller = CallerWith(Role.Manager, Role.Auditor);
        Assert.True(caller.HasPermission(Permission.ComplianceRead));
        Assert.True(caller.HasPermission(Permission.AuditRead));
        Assert.False(caller.HasPermission(Permission.SubjectsRead));
    }

    [Fact]
    public void Unknown_roles_grant_nothing()
    {
        var caller = CallerWith("admin", "superuser");
        Assert.Empty(caller.Permissions);
        Assert.All(AccessPolicy.Describe(Methods.SuiteServices), rule => Assert.False(AccessPolicy.Decide(rule, caller).Allowed));
    }

    [Fact]
    public void Only_responsible_authority_practitioners_see_personal_detail()
    {
        Assert.True(CallerWith(Role.Assessor).MaySeePersonalDetail);
        Assert.True(CallerWith(Role.PoliceOfficer).MaySeePersonalDetail);
        Assert.False(CallerWith(Role.PartnerReader).MaySeePersonalDetail);
        Assert.False(CallerWith(Role.System).MaySeePersonalDetail);
        Assert.False(CallerWith(Role.Manager).MaySeePersonalDetail);
    }

    [Fact]
    public void Every_permission_named_in_the_contracts_is_granted_to_some_role()
    {
        foreach (var rule in AccessPolicy.Describe(Methods.SuiteServices))
        {
            Assert.NotEmpty(RolePermissions.RolesGranting(rule.Permission!));
        }
    }

    internal static IEnumerable<MethodDescriptor> SuiteMethods() => Methods.SuiteServices.SelectMany(s => s.Methods);
}
