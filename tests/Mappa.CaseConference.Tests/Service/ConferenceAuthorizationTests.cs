using Mappa.Contracts.CaseConference.V1;
using Mappa.Grpc;
using Mappa.Security;

namespace Mappa.CaseConference.Tests.Service;

/// <summary>
/// The authorization matrix for conferences: coordinators manage their area's; an invited agency reads the ones it is
/// invited to; roles without the permission are refused; everything else is NOT_FOUND.
/// </summary>
public sealed class ConferenceAuthorizationTests(ConferenceSuite suite) : IClassFixture<ConferenceSuite>
{
    [Theory]
    [InlineData(Role.MappaCoordinator, "SOCIAL_WORK", StatusCode.OK)]
    [InlineData(Role.Assessor, "SOCIAL_WORK", StatusCode.OK)]
    [InlineData(Role.PoliceOfficer, "POLICE", StatusCode.OK)]
    [InlineData(Role.PartnerReader, "HEALTH", StatusCode.OK)]
    [InlineData(Role.PartnerReader, "HOUSING", StatusCode.NotFound)]
    [InlineData(Role.Assessor, "YOUTH_JUSTICE", StatusCode.NotFound)]
    [InlineData(Role.System, "", StatusCode.OK)]
    [InlineData(Role.Manager, "SOCIAL_WORK", StatusCode.PermissionDenied)]
    [InlineData(Role.Auditor, "SOCIAL_WORK", StatusCode.PermissionDenied)]
    public async Task Reading_a_conference_depends_on_role_and_invitation(string role, string agencyKind, StatusCode expected)
    {
        var area = ConferenceCalls.NewArea("read");
        using var coordinator = new ConferenceCalls(suite, area);
        var conference = await coordinator.Create();
        using var reader = new ConferenceCalls(suite, area, role, agencyKind);

        var status = await StatusOf(() => reader.Get(conference.ConferenceId));

        Assert.Equal(expected, status);
    }

    [Theory]
    [InlineData(Role.MappaCoordinator, StatusCode.OK)]
    [InlineData(Role.Assessor, StatusCode.PermissionDenied)]
    [InlineData(Role.PoliceOfficer, StatusCode.PermissionDenied)]
    [InlineData(Role.PartnerReader, StatusCode.PermissionDenied)]
    [InlineData(Role.System, StatusCode.PermissionDenied)]
    public async Task Only_coordinators_change_conferences(string role, StatusCode expected)
    {
        var area = ConferenceCalls.NewArea("write");
        using var coordinator = new ConferenceCalls(suite, area);
        var conference = await coordinator.Create();
        using var writer = new ConferenceCalls(suite, area, role, "SOCIAL_WORK");

        var status = await StatusOf(() => writer.Schedule(conference.ConferenceId));

        Assert.Equal(expected, status);
    }

    [Fact]
    public async Task A_coordinator_cannot_change_or_convene_conferences_in_another_area()
    {
        using var coordinator = new ConferenceCalls(suite, ConferenceCalls.NewArea("home"));
        using var outsider = new ConferenceCalls(suite, ConferenceCalls.NewArea("away"));
        var conference = await coordinator.Create();

        Assert.Equal(StatusCode.NotFound, await StatusOf(() => outsider.Schedule(conference.ConferenceId)));
        Assert.Equal(StatusCode.PermissionDenied, await StatusOf(() => outsider.Call<CreateConferenceRequest, CreateConferenceResponse>(
            "CreateConference", new() { Kind = ConferenceKind.Review, Area = coordinator.Area, SubjectIds = { Guid.NewGuid().ToString() } })));
    }

    private static async Task<StatusCode> StatusOf(Func<Task> call)
    {
        try
        {
            await call();
            return StatusCode.OK;
        }
        catch (RpcException error)
        {
            return error.StatusCode;
        }
    }
}
