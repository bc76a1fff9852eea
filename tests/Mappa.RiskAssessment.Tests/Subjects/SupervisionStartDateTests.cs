using Mappa.Contracts;
using Mappa.Contracts.Common.V1;
using Mappa.Contracts.RiskAssessment.V1;
using Mappa.Events.RiskAssessment;
using Mappa.Grpc;
using Mappa.RiskAssessment.Persistence;
using Mappa.Security;
using Mappa.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Mappa.RiskAssessment.Tests.Subjects;

/// <summary>On SQLite with the in-process bus, as users run the embedded suite.</summary>
public sealed class SupervisionStartDateOnSqliteTests(RunningSuite suite) : SupervisionStartDateTests(suite), IClassFixture<RunningSuite>;

/// <summary>The same on PostgreSQL (the new column's migration on the real server).</summary>
public sealed class SupervisionStartDateOnPostgresTests(PostgresSuite suite) : SupervisionStartDateTests(suite), IClassFixture<PostgresSuite>;

/// <summary>
/// The start of supervision, from which the LS/CMI completion deadline runs: given at registration or set later
/// (SetSupervisionStartDate), returned with the subject, and announced so the review calendar can plan the deadline.
/// </summary>
public abstract class SupervisionStartDateTests(RunningSuite suite)
{
    private const string Area = "glasgow";
    private static readonly Google.Protobuf.Reflection.MethodDescriptor Create = MappaServices.Subjects.FindMethodByName("CreateSubject");
    private static readonly Google.Protobuf.Reflection.MethodDescriptor Get = MappaServices.Subjects.FindMethodByName("GetSubject");
    private static readonly Google.Protobuf.Reflection.MethodDescriptor Set = MappaServices.Subjects.FindMethodByName("SetSupervisionStartDate");

    private static Google.Type.Date Date(int year, int month, int day) => new() { Year = year, Month = month, Day = day };

    [Fact]
    public async Task A_start_date_given_at_registration_is_kept_and_travels_in_the_registered_event()
    {
        using var coordinator = suite.Channel(suite.Token(Role.MappaCoordinator, Area));
        var created = (await coordinator.UnaryAsync<CreateSubjectRequest, CreateSubjectResponse>(Create, NewSubject(Date(2025, 9, 1)))).Subject;

        Assert.Equal(Date(2025, 9, 1), created.SupervisionStartDate);
        var read = (await coordinator.UnaryAsync<GetSubjectRequest, GetSubjectResponse>(Get, new GetSubjectRequest { SubjectId = created.SubjectId })).Subject;
        Assert.Equal(Date(2025, 9, 1), read.SupervisionStartDate);
        var registered = Assert.Single(await EventsAsync<SubjectRegistered>(created.SubjectId, "mappa.riskassessment.subject.registered"));
        Assert.Equal(new DateOnly(2025, 9, 1), registered.SupervisionStartDate);
    }

    [Fact]
    public async Task Setting_the_date_later_announces_it_with_the_previous_one_and_setting_the_same_date_again_changes_nothing()
    {
        using var coordinator = suite.Channel(suite.Token(Role.MappaCoordinator, Area));
        var subjectId = (await coordinator.UnaryAsync<CreateSubjectRequest, CreateSubjectResponse>(Create, NewSubject(null))).Subject.SubjectId;
        Assert.Null((await coordinator.UnaryAsync<GetSubjectRequest, GetSubjectResponse>(Get, new GetSubjectRequest { SubjectId = subjectId })).Subject.SupervisionStartDate);

        using var assessor = suite.Channel(suite.Token(Role.Assessor, Area));
        var first = await assessor.UnaryAsync<SetSupervisionStartDateRequest, SetSupervisionStartDateResponse>(Set,
            new SetSupervisionStartDateRequest { SubjectId = subjectId, SupervisionStartDate = Date(2025, 10, 6) });
        await assessor.UnaryAsync<SetSupervisionStartDateRequest, SetSupervisionStartDateResponse>(Set,
            new SetSupervisionStartDateRequest { SubjectId = subjectId, SupervisionStartDate = Date(2025, 10, 6) });
        var corrected = await assessor.UnaryAsync<SetSupervisionStartDateRequest, SetSupervisionStartDateResponse>(Set,
            new SetSupervisionStartDateRequest { SubjectId = subjectId, SupervisionStartDate = Date(2025, 10, 8) });

        Assert.Equal(Date(2025, 10, 6), first.Subject.SupervisionStartDate);
        Assert.Equal(Date(2025, 10, 8), corrected.Subject.SupervisionStartDate);
        var events = await EventsAsync<SupervisionStartDateSet>(subjectId, "mappa.riskassessment.supervision-start-date.set");
        Assert.Equal([(new DateOnly(2025, 10, 6), (DateOnly?)null), (new DateOnly(2025, 10, 8), new DateOnly(2025, 10, 6))],
            events.Select(e => (e.SupervisionStartDate, e.PreviousSupervisionStartDate)).ToArray());
        Assert.All(events, e => Assert.Equal(Area, e.Area));
    }

    [Fact]
    public async Task A_missing_or_impossible_date_is_invalid_and_an_unseen_subject_is_not_found()
    {
        using var coordinator = suite.Channel(suite.Token(Role.MappaCoordinator, Area));
        var subjectId = (await coordinator.UnaryAsync<CreateSubjectRequest, CreateSubjectResponse>(Create, NewSubject(null))).Subject.SubjectId;
        using var elsewhere = suite.Channel(suite.Token(Role.MappaCoordinator, "fife"));

        var missing = await StatusOf(coordinator, new SetSupervisionStartDateRequest { SubjectId = subjectId });
        var impossible = await StatusOf(coordinator, new SetSupervisionStartDateRequest { SubjectId = subjectId, SupervisionStartDate = Date(2025, 2, 30) });
        var unknown = await StatusOf(coordinator, new SetSupervisionStartDateRequest { SubjectId = Guid.NewGuid().ToString(), SupervisionStartDate = Date(2025, 2, 3) });
        var otherArea = await StatusOf(elsewhere, new SetSupervisionStartDateRequest { SubjectId = subjectId, SupervisionStartDate = Date(2025, 2, 3) });
        var badCreate = await Assert.ThrowsAsync<RpcException>(() => coordinator.UnaryAsync<CreateSubjectRequest, CreateSubjectResponse>(Create, NewSubject(Date(2025, 13, 1))));

        Assert.Equal(StatusCode.InvalidArgument, missing);
        Assert.Equal(StatusCode.InvalidArgument, impossible);
        Assert.Equal(StatusCode.NotFound, unknown);
        Assert.Equal(StatusCode.NotFound, otherArea);
        Assert.Equal(StatusCode.InvalidArgument, badCreate.StatusCode);
        Assert.Empty(await EventsAsync<SupervisionStartDateSet>(subjectId, "mappa.riskassessment.supervision-start-date.set"));
    }

    [Fact]
    public async Task A_partner_reader_may_not_set_the_date()
    {
        using var coordinator = suite.Channel(suite.Token(Role.MappaCoordinator, Area));
        var subjectId = (await coordinator.UnaryAsync<CreateSubjectRequest, CreateSubjectResponse>(Create, NewSubject(null))).Subject.SubjectId;
        using var reader = suite.Channel(suite.Token(Role.PartnerReader, Area));

        Assert.Equal(StatusCode.PermissionDenied,
            await StatusOf(reader, new SetSupervisionStartDateRequest { SubjectId = subjectId, SupervisionStartDate = Date(2025, 2, 3) }));
    }

    private static async Task<StatusCode> StatusOf(Mappa.Grpc.Client.GrpcChannel channel, SetSupervisionStartDateRequest request)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync<SetSupervisionStartDateRequest, SetSupervisionStartDateResponse>(Set, request));
        return error.StatusCode;
    }

    private static CreateSubjectRequest NewSubject(Google.Type.Date? start)
    {
        var request = new CreateSubjectRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            Identifiers = { new ExternalIdentifier { Type = "PNC", Value = "TEST/" + Guid.NewGuid().ToString("N")[..12] } },
            Category = MappaCategory._1,
            LeadAgency = AgencyKind.Police,
            Area = Area,
            DisplayName = "Test Person",
        };
        if (start is not null)
            request.SupervisionStartDate = start;
        return request;
    }

    private async Task<List<T>> EventsAsync<T>(string subjectId, string eventType)
    {
        await using var scope = suite.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RiskAssessmentDbContext>();
        var payloads = await db.OutboxMessages.AsNoTracking().Where(m => m.SubjectKey == subjectId && m.EventType == eventType)
            .OrderBy(m => m.Sequence).Select(m => m.Payload).ToListAsync();
        return payloads.Select(p => System.Text.Json.JsonSerializer.Deserialize<T>(p, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))!).ToList();
    }
}
