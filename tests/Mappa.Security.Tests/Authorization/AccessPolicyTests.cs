using Mappa.Contracts.RiskAssessment.V1;
using Mappa.Security.Tests.Probe;
using Mappa.Security.Tests.Support;

namespace Mappa.Security.Tests.Authorization;

public sealed class AccessPolicyTests
{
    private static readonly CallerIdentity EveryRole = new(
        "user-1", "police-scotland", Contracts.Common.V1.AgencyKind.Police, ["*"], [.. RolePermissions.Table.Keys]);

    [Fact]
    public void Every_rpc_of_the_contracts_declares_its_access()
    {
        AccessPolicy.ValidateAllDeclared(RolePermissionMatrixTests.SuiteMethods().Concat(Methods.HealthService.Methods));
    }

    [Fact]
    public void Start_up_check_lists_every_unsound_declaration()
    {
        var failure = Assert.Throws<InvalidOperationException>(() => AccessPolicy.ValidateAllDeclared(Methods.ProbeService.Methods));

        foreach (var unsound in new[] { "Undeclared", "EmptyDeclaration", "MisspelledPermission", "MissingSubjectField", "NumericSubjectField", "BothKinds" })
        {
            Assert.Contains($"/mappa.securityprobe.v1.ProbeService/{unsound}:", failure.Message);
        }
        Assert.Contains("subjects.raed", failure.Message);
        Assert.DoesNotContain("/TokenOnly", failure.Message);
        Assert.DoesNotContain("/ReadSubject", failure.Message);
    }

    [Theory]
    [InlineData("Undeclared")]
    [InlineData("EmptyDeclaration")]
    [InlineData("MisspelledPermission")]
    [InlineData("MissingSubjectField")]
    [InlineData("BothKinds")]
    public void Methods_without_a_sound_declaration_are_denied_even_to_a_caller_with_every_role(string method)
    {
        var decision = AccessPolicy.Decide(AccessPolicy.For(Methods.Probe(method)), EveryRole);
        Assert.False(decision.Allowed);
        Assert.Equal(Grpc.StatusCode.PermissionDenied, decision.DeniedWith);
    }

    [Fact]
    public void Token_only_methods_admit_any_authenticated_caller_but_no_anonymous_one()
    {
        var rule = AccessPolicy.For(Methods.Probe("TokenOnly"));
        var nobody = new CallerIdentity("svc-x", "", Contracts.Common.V1.AgencyKind.Unspecified, [], []);

        Assert.True(AccessPolicy.Decide(rule, nobody).Allowed);
        Assert.Equal(Grpc.StatusCode.Unauthenticated, AccessPolicy.Decide(rule, null).DeniedWith);
    }

    [Fact]
    public void Health_and_reflection_are_the_only_anonymous_services()
    {
        Assert.Equal(MethodAccessKind.Anonymous, AccessPolicy.For(Methods.HealthCheck).Kind);
        Assert.True(AccessPolicy.Decide(AccessPolicy.For(Methods.HealthCheck), null).Allowed);
        Assert.Equal(
            ["grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection"],
            AnonymousMethods.Services.Order(StringComparer.Ordinal));
        Assert.All(AccessPolicy.Describe(Methods.SuiteServices), rule => Assert.NotEqual(MethodAccessKind.Anonymous, rule.Kind));
    }

    [Fact]
    public void Describe_lists_each_method_with_its_permission_and_subject_field()
    {
        var rules = AccessPolicy.Describe(Methods.SuiteServices).ToDictionary(r => r.FullMethodName);

        var getSubject = rules["/mappa.riskassessment.v1.SubjectService/GetSubject"];
        Assert.Equal(Permission.SubjectsRead, getSubject.Permission);
        Assert.Equal("subject_id", getSubject.SubjectField?.Name);
        Assert.Equal(Permission.SubjectsWrite, rules["/mappa.riskassessment.v1.SubjectService/CreateSubject"].Permission);
        Assert.Null(rules["/mappa.riskassessment.v1.SubjectService/CreateSubject"].SubjectField);
        Assert.Equal(Permission.ReviewsRead, rules["/mappa.scheduling.v1.ReviewCalendarService/WatchReviewMilestones"].Permission);
    }

    [Fact]
    public void Subject_id_is_read_from_the_declared_request_field()
    {
        var rule = AccessPolicy.For(Methods.GetSubject);
        Assert.Equal("sub-123", rule.SubjectIdOf(new GetSubjectRequest { SubjectId = "sub-123" }));
        Assert.Null(rule.SubjectIdOf(new GetSubjectRequest()));
        Assert.Null(rule.SubjectIdOf(null));
        Assert.Null(rule.SubjectIdOf(new ProbeRequest { SubjectId = "not-this-method's-type" }));
        Assert.Null(AccessPolicy.For(Methods.CreateSubject).SubjectIdOf(new CreateSubjectRequest { Area = "glasgow" }));
    }
}
