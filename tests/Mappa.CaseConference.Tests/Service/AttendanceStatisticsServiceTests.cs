using Google.Protobuf.WellKnownTypes;
using Mappa.Contracts.CaseConference.V1;
using Mappa.Contracts.Common.V1;

namespace Mappa.CaseConference.Tests.Service;

/// <summary>Attendance statistics over stored conferences, on known data in an area of their own.</summary>
public sealed class AttendanceStatisticsServiceTests(ConferenceSuite suite) : IClassFixture<ConferenceSuite>
{
    [Fact]
    public async Task Statistics_count_held_conferences_per_agency_and_the_share_attended_by_other_agencies()
    {
        using var coordinator = new ConferenceCalls(suite, ConferenceCalls.NewArea("stats"));
        var periodStart = suite.Clock().GetUtcNow();

        // Conference A: police, social work and housing (asked for) attend; prison and health send apologies.
        var a = await coordinator.Create(new CreateConferenceRequest
        {
            AdditionalInvitees = { new Invitee { Agency = new Agency { Kind = AgencyKind.Housing } } },
        });
        await coordinator.ScheduleAndHold(a.ConferenceId);
        await coordinator.Attend(a.ConferenceId, AgencyKind.Police);
        await coordinator.Attend(a.ConferenceId, AgencyKind.SocialWork);
        await coordinator.Attend(a.ConferenceId, AgencyKind.Housing);
        await coordinator.Attend(a.ConferenceId, AgencyKind.PrisonService, AttendanceStatus.Apologies);
        await coordinator.Attend(a.ConferenceId, AgencyKind.Health, AttendanceStatus.Apologies);

        // Conference B: only police attend; health is absent without apology.
        var b = await coordinator.Create();
        await coordinator.ScheduleAndHold(b.ConferenceId);
        await coordinator.Attend(b.ConferenceId, AgencyKind.Police);
        await coordinator.Attend(b.ConferenceId, AgencyKind.Health, AttendanceStatus.AbsentWithoutApology);

        // Conference C is only proposed: not held, so not counted.
        await coordinator.Create();

        var statistics = await coordinator.Call<GetAttendanceStatisticsRequest, GetAttendanceStatisticsResponse>("GetAttendanceStatistics", new()
        {
            Area = coordinator.Area,
            PeriodStart = Timestamp.FromDateTimeOffset(periodStart),
            PeriodEnd = Timestamp.FromDateTimeOffset(suite.Clock().GetUtcNow().AddDays(1)),
        });

        var overall = statistics.Overall;
        Assert.Equal(2, overall.ConferencesHeld);
        Assert.Equal(1, overall.ConferencesAttendedByOtherAgencies);
        Assert.Equal(0.5, overall.OtherAgencyAttendanceShare);
        var agencies = overall.Agencies.ToDictionary(x => x.Agency);
        Assert.Equal(2, agencies[AgencyKind.Police].ConferencesInvited);
        Assert.Equal(2, agencies[AgencyKind.Police].ConferencesAttended);
        Assert.Equal(1.0, agencies[AgencyKind.Police].AttendanceRate);
        Assert.Equal(1, agencies[AgencyKind.Health].ConferencesWithApologies);
        Assert.Equal(1, agencies[AgencyKind.Health].ConferencesAbsentWithoutApology);
        Assert.Equal(0.0, agencies[AgencyKind.Health].AttendanceRate);
        Assert.Equal(1, agencies[AgencyKind.Housing].ConferencesInvited);
        Assert.Equal(coordinator.Area, Assert.Single(statistics.Areas).Area);
    }

    [Fact]
    public async Task Statistics_for_an_area_outside_the_callers_scope_are_empty()
    {
        using var coordinator = new ConferenceCalls(suite, ConferenceCalls.NewArea("scope"));
        var conference = await coordinator.Create();
        await coordinator.ScheduleAndHold(conference.ConferenceId);
        using var outsider = new ConferenceCalls(suite, ConferenceCalls.NewArea("other"));

        var statistics = await outsider.Call<GetAttendanceStatisticsRequest, GetAttendanceStatisticsResponse>("GetAttendanceStatistics", new()
        {
            Area = coordinator.Area,
            PeriodStart = Timestamp.FromDateTimeOffset(suite.Clock().GetUtcNow().AddDays(-1)),
            PeriodEnd = Timestamp.FromDateTimeOffset(suite.Clock().GetUtcNow().AddDays(1)),
        });

        Assert.Equal(0, statistics.Overall.ConferencesHeld);
        Assert.Empty(statistics.Areas);
    }
}
