using System.Security.Claims;
using Mappa.Contracts.Common.V1;
using Mappa.Grpc;
using Mappa.Security.Tests.Support;

namespace Mappa.Security.Tests.Identity;

public sealed class CallerIdentityTests
{
    private static ClaimsPrincipal Principal(params (string Type, string Value)[] claims) =>
        new(new ClaimsIdentity(claims.Select(c => new Claim(c.Type, c.Value)), "Bearer"));

    [Fact]
    public void Claims_become_a_caller_identity()
    {
        var caller = CallerIdentity.FromClaims(Principal(
            ("sub", "officer-17"), ("agency", "police-scotland"), ("agency_kind", "POLICE"),
            ("areas", "glasgow"), ("areas", "renfrewshire"), ("roles", "police-officer")))!;

        Assert.Equal("officer-17", caller.Subject);
        Assert.Equal("police-scotland", caller.Agency);
        Assert.Equal(AgencyKind.Police, caller.AgencyKind);
        Assert.Equal(["glasgow", "renfrewshire"], caller.Areas);
        Assert.Equal(["police-officer"], caller.Roles);
        Assert.True(caller.HasPermission(Permission.AssessmentsWrite));
    }

    [Fact]
    public void Space_separated_lists_are_accepted_too()
    {
        var caller = CallerIdentity.FromClaims(Principal(("sub", "u"), ("roles", "manager auditor"), ("areas", "fife  dundee")))!;
        Assert.Equal(["manager", "auditor"], caller.Roles);
        Assert.Equal(["fife", "dundee"], caller.Areas);
    }

    [Fact]
    public void No_subject_means_no_identity()
    {
        Assert.Null(CallerIdentity.FromClaims(Principal(("roles", "assessor"))));
    }

    [Theory]
    [InlineData("POLICE", AgencyKind.Police)]
    [InlineData("SOCIAL_WORK", AgencyKind.SocialWork)]
    [InlineData("prison_service", AgencyKind.PrisonService)]
    [InlineData("AGENCY_KIND_CHILD_PROTECTION", AgencyKind.ChildProtection)]
    [InlineData("HOUSING", AgencyKind.Housing)]
    [InlineData("WIZARDS", AgencyKind.Unspecified)]
    [InlineData("", AgencyKind.Unspecified)]
    [InlineData("UNSPECIFIED", AgencyKind.Unspecified)]
    public void Agency_kind_uses_the_contract_names(string claim, AgencyKind expected)
    {
        Assert.Equal(expected, CallerIdentity.ParseAgencyKind(claim));
    }

    [Fact]
    public void Area_scoping_admits_only_the_callers_areas()
    {
        var local = new CallerIdentity("u", "glasgow-cjsw", AgencyKind.SocialWork, ["glasgow", "east-dunbartonshire"], [Role.Assessor]);

        Assert.True(local.CanSeeArea("glasgow"));
        Assert.True(local.CanSeeArea("Glasgow"));
        Assert.True(local.CanSeeArea("east-dunbartonshire"));
        Assert.False(local.CanSeeArea("edinburgh"));
        Assert.False(local.CanSeeArea(""));
        Assert.False(local.CanSeeArea(null));
        Assert.False(local.IsNational);
    }

    [Fact]
    public void National_roles_see_every_area()
    {
        var national = new CallerIdentity("u", "police-scotland", AgencyKind.Police, ["*"], [Role.PoliceOfficer]);
        Assert.True(national.IsNational);
        Assert.True(national.CanSeeArea("edinburgh"));
        Assert.True(national.CanSeeArea("shetland"));
    }

    [Fact]
    public void A_caller_with_no_areas_sees_none()
    {
        var nowhere = new CallerIdentity("u", "", AgencyKind.Unspecified, [], [Role.Assessor]);
        Assert.False(nowhere.CanSeeArea("glasgow"));
    }

    [Fact]
    public void Caller_of_an_unauthenticated_call_is_refused_as_unauthenticated()
    {
        var call = CallPipeline.NewCall(Methods.GetSubject);
        Assert.Null(call.TryGetCaller());
        Assert.Equal(StatusCode.Unauthenticated, Assert.Throws<RpcException>(() => call.Caller()).StatusCode);
    }

    [Fact]
    public void Caller_is_derived_from_a_principal_set_by_other_means()
    {
        var call = CallPipeline.NewCall(Methods.GetSubject);
        call.User = Principal(("sub", "svc-scheduling"), ("roles", "system"));
        Assert.Equal("svc-scheduling", call.Caller().Subject);
    }
}
