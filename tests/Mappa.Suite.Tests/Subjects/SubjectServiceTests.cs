using Google.Rpc;
using Mappa.Contracts;
using Mappa.Contracts.CaseConference.V1;
using Mappa.Contracts.Common.V1;
using Mappa.Contracts.RiskAssessment.V1;
using Mappa.Grpc;
using Mappa.Security;
using Mappa.Testing;

namespace Mappa.Suite.Tests.Subjects;

/// <summary>The first real RPCs, end to end through the suite's gRPC client, on the embedded SQLite default.</summary>
public sealed class SubjectServiceOnSqliteTests(RunningSuite suite) : SubjectServiceTests(suite), IClassFixture<RunningSuite>;

/// <summary>The same behaviour on the real PostgreSQL that deployments use.</summary>
public sealed class SubjectServiceOnPostgresTests(PostgresSuite suite) : SubjectServiceTests(suite), IClassFixture<PostgresSuite>;

/// <summary>Validation, scope, redaction and safe retries of SubjectService, whatever database is underneath.</summary>
public abstract class SubjectServiceTests(RunningSuite suite)
{
    private static readonly Google.Protobuf.Reflection.MethodDescriptor Create = RunningSuite.Method(MappaServices.Subjects, "CreateSubject");
    private static readonly Google.Protobuf.Reflection.MethodDescriptor Get = RunningSuite.Method(MappaServices.Subjects, "GetSubject");
    private static readonly Google.Protobuf.Reflection.MethodDescriptor List = RunningSuite.Method(MappaServices.Subjects, "ListSubjects");

    private static CreateSubjectRequest NewSubject(string area = "glasgow", string? pnc = null) => new()
    {
        RequestId = Guid.NewGuid().ToString(),
        Identifiers = { new ExternalIdentifier { Type = "PNC", Value = pnc ?? "TEST/" + Guid.NewGuid().ToString("N")[..12] } },
        Category = MappaCategory._2,
        LeadAgency = AgencyKind.SocialWork,
        Area = area,
        DisplayName = "Test Person",
    };

    private async Task<Subject> RegisterAsync(CreateSubjectRequest request)
    {
        using var coordinator = suite.Channel(suite.Token(Role.MappaCoordinator, request.Area));
        return (await coordinator.UnaryAsync<CreateSubjectRequest, CreateSubjectResponse>(Create, request)).Subject;
    }

    [Fact]
    public async Task A_registered_subject_can_be_read_back_by_a_coordinator_of_its_area()
    {
        var created = await RegisterAsync(NewSubject());

        using var coordinator = suite.Channel(suite.Token(Role.MappaCoordinator));
        var read = (await coordinator.UnaryAsync<GetSubjectRequest, GetSubjectResponse>(Get, new GetSubjectRequest { SubjectId = created.SubjectId })).Subject;

        Assert.Equal(created, read);
        Assert.Equal("Test Person", read.DisplayName);
        Assert.Equal(MappaCategory._2, read.Category);
        Assert.Equal(MappaLevel._1, read.Level);
    }

    [Fact]
    public async Task A_retried_create_with_the_same_request_id_returns_the_first_subject()
    {
        var request = NewSubject();

        var first = await RegisterAsync(request);
        var retried = await RegisterAsync(request);

        Assert.Equal(first.SubjectId, retried.SubjectId);
    }

    [Fact]
    public async Task Concurrent_retries_of_one_create_all_return_the_same_subject()
    {
        var request = NewSubject();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => RegisterAsync(request)));

        Assert.Single(results.Select(r => r.SubjectId).Distinct());
    }

    [Fact]
    public async Task A_second_subject_with_a_known_identifier_is_refused_as_already_existing()
    {
        var first = NewSubject();
        await RegisterAsync(first);
        var duplicate = NewSubject(pnc: first.Identifiers[0].Value);

        var error = await Assert.ThrowsAsync<RpcException>(() => RegisterAsync(duplicate));

        Assert.Equal(StatusCode.AlreadyExists, error.StatusCode);
    }

    [Fact]
    public async Task An_invalid_subject_is_refused_with_a_violation_per_field()
    {
        var request = new CreateSubjectRequest
        {
            RequestId = "not-a-uuid",
            Identifiers = { new ExternalIdentifier { Type = "pnc", Value = "" } },
            Area = "Glasgow City",
        };
        using var coordinator = suite.Channel(suite.Token(Role.MappaCoordinator));

        var error = await Assert.ThrowsAsync<RpcException>(() => coordinator.UnaryAsync<CreateSubjectRequest, CreateSubjectResponse>(Create, request));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var badRequest = error.Details!.Details.Single(d => d.Is(BadRequest.Descriptor)).Unpack<BadRequest>();
        Assert.Equal(
            ["area", "category", "identifiers[0].type", "identifiers[0].value", "lead_agency", "request_id"],
            badRequest.FieldViolations.Select(v => v.Field).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_refused_subject_leaves_nothing_behind()
    {
        var valid = NewSubject();
        var invalid = valid.Clone();
        invalid.Category = MappaCategory.Unspecified;
        using var coordinator = suite.Channel(suite.Token(Role.MappaCoordinator));

        await Assert.ThrowsAsync<RpcException>(() => coordinator.UnaryAsync<CreateSubjectRequest, CreateSubjectResponse>(Create, invalid));
        var created = await RegisterAsync(valid);

        // Had the refused call stored its identifier or request id, this would be ALREADY_EXISTS or the same record.
        Assert.Equal(valid.Identifiers[0].Value, created.Identifiers.Single().Value);
    }

    [Fact]
    public async Task A_subject_outside_the_callers_areas_is_not_found_rather_than_forbidden()
    {
        var edinburgh = await RegisterAsync(NewSubject(area: "edinburgh"));
        using var glasgowCoordinator = suite.Channel(suite.Token(Role.MappaCoordinator, area: "glasgow"));

        var error = await Assert.ThrowsAsync<RpcException>(() => glasgowCoordinator.UnaryAsync<GetSubjectRequest, GetSubjectResponse>(
            Get, new GetSubjectRequest { SubjectId = edinburgh.SubjectId }));
        var listed = await glasgowCoordinator.UnaryAsync<ListSubjectsRequest, ListSubjectsResponse>(List, new ListSubjectsRequest { PageSize = 500 });

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.DoesNotContain(listed.Subjects, s => s.SubjectId == edinburgh.SubjectId);
    }

    [Fact]
    public async Task A_partner_agency_sees_the_subject_without_its_name()
    {
        var created = await RegisterAsync(NewSubject());
        using var housing = suite.Channel(suite.Token(Role.PartnerReader, agencyKind: "HOUSING"));

        var read = (await housing.UnaryAsync<GetSubjectRequest, GetSubjectResponse>(Get, new GetSubjectRequest { SubjectId = created.SubjectId })).Subject;

        Assert.Equal(created.SubjectId, read.SubjectId);
        Assert.Equal("", read.DisplayName);
    }

    [Fact]
    public async Task Listing_pages_newest_first_until_the_token_runs_out()
    {
        var area = "paging-" + Guid.NewGuid().ToString("N")[..8];
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            created.Add((await RegisterAsync(NewSubject(area))).SubjectId);
        }
        using var coordinator = suite.Channel(suite.Token(Role.MappaCoordinator, area));

        var seen = new List<string>();
        var token = "";
        var pages = 0;
        do
        {
            var page = await coordinator.UnaryAsync<ListSubjectsRequest, ListSubjectsResponse>(
                List, new ListSubjectsRequest { PageSize = 2, PageToken = token, Area = area });
            seen.AddRange(page.Subjects.Select(s => s.SubjectId));
            token = page.NextPageToken;
            pages++;
        }
        while (token.Length > 0);

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Reverse(created), seen);
    }

    [Fact]
    public async Task A_page_token_the_service_did_not_issue_is_an_invalid_argument()
    {
        using var coordinator = suite.Channel(suite.Token(Role.MappaCoordinator));

        var error = await Assert.ThrowsAsync<RpcException>(() => coordinator.UnaryAsync<ListSubjectsRequest, ListSubjectsResponse>(
            List, new ListSubjectsRequest { PageToken = "bm90LWEtdG9rZW4" }));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    [Fact]
    public async Task A_call_without_a_token_is_unauthenticated()
    {
        using var anonymous = suite.Channel(token: null);

        var error = await Assert.ThrowsAsync<RpcException>(() => anonymous.UnaryAsync<ListSubjectsRequest, ListSubjectsResponse>(List, new ListSubjectsRequest()));

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Fact]
    public async Task An_auditor_may_not_read_subjects()
    {
        using var auditor = suite.Channel(suite.Token(Role.Auditor));

        var error = await Assert.ThrowsAsync<RpcException>(() => auditor.UnaryAsync<ListSubjectsRequest, ListSubjectsResponse>(List, new ListSubjectsRequest()));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [Fact]
    public async Task Another_services_contract_answers_through_the_same_suite_endpoint()
    {
        using var coordinator = suite.Channel(suite.Token(Role.MappaCoordinator));
        var method = RunningSuite.Method(MappaServices.Conferences, "GetConference");

        var error = await Assert.ThrowsAsync<RpcException>(() => coordinator.UnaryAsync<GetConferenceRequest, GetConferenceResponse>(
            method, new GetConferenceRequest { ConferenceId = "x" }));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }
}
