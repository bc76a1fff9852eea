using Grpc.Health.V1;
using Mappa.Contracts.RiskAssessment.V1;
using Mappa.Grpc;
using Mappa.Grpc.Client;
using Mappa.Security.Tests.Support;
using Microsoft.AspNetCore.Builder;

namespace Mappa.Security.Tests.EndToEnd;

public sealed class SecuredServerFixture : IAsyncLifetime
{
    public SecuredServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await SecuredServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>The security interceptors inside the real gRPC layer, called over HTTP/2 with the suite's client.</summary>
public sealed class SecuredServerTests(SecuredServerFixture fixture) : IClassFixture<SecuredServerFixture>
{
    private SecuredServer Server => fixture.Server;

    private GrpcChannel Channel(string? token) => new(Server.Address, new GrpcChannelOptions
    {
        RetryPolicy = RetryPolicy.None,
        BearerTokenProvider = token is null ? null : _ => ValueTask.FromResult<string?>(token),
    });

    private static string Token(string role, string area = "glasgow", string subject = "user-4711") =>
        SecuredServer.Issuer.Token(DateTimeOffset.UtcNow, claims: c =>
        {
            c[MappaClaims.Subject] = subject;
            c[MappaClaims.Roles] = new[] { role };
            c[MappaClaims.Areas] = new[] { area };
        });

    private static CallOptions WithRequestId(string requestId)
    {
        var headers = new Metadata { { RequestIds.HeaderName, requestId } };
        return new CallOptions { Headers = headers };
    }

    private AuditEntry AuditOf(string requestId) => Assert.Single(Server.Audit.Entries.ToArray(), e => e.RequestId == requestId);

    [Fact]
    public async Task Practitioner_reads_a_subject_in_their_area_with_personal_detail_and_the_read_is_audited()
    {
        using var channel = Channel(Token(Role.Assessor, subject: "assessor-e2e"));
        var result = await channel.UnaryCallAsync<GetSubjectRequest, GetSubjectResponse>(
            Methods.GetSubject, new GetSubjectRequest { SubjectId = "subj-1" }, WithRequestId("e2e-read-1"));

        Assert.Equal(SecuredServer.SubjectHandlers.DisplayName, result.Response.Subject.DisplayName);
        Assert.Equal("e2e-read-1", result.ResponseHeaders.GetValue(RequestIds.HeaderName));
        var entry = AuditOf("e2e-read-1");
        Assert.Equal(("assessor-e2e", "subj-1", StatusCode.OK), (entry.Caller, entry.SubjectId, entry.Outcome));
    }

    [Fact]
    public async Task Partner_reader_gets_the_subject_with_personal_detail_redacted()
    {
        using var channel = Channel(Token(Role.PartnerReader));
        var response = await channel.UnaryAsync<GetSubjectRequest, GetSubjectResponse>(
            Methods.GetSubject, new GetSubjectRequest { SubjectId = "subj-2" });

        Assert.Equal("subj-2", response.Subject.SubjectId);
        Assert.Equal("", response.Subject.DisplayName);
    }

    [Fact]
    public async Task Subject_outside_the_callers_area_is_not_found_and_the_attempt_is_audited()
    {
        using var channel = Channel(Token(Role.Assessor, area: "edinburgh"));
        var failure = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync<GetSubjectRequest, GetSubjectResponse>(
            Methods.GetSubject, new GetSubjectRequest { SubjectId = "subj-3" }, WithRequestId("e2e-scope-1")));

        Assert.Equal(StatusCode.NotFound, failure.StatusCode);
        Assert.Equal(StatusCode.NotFound, AuditOf("e2e-scope-1").Outcome);
    }

    [Fact]
    public async Task Call_without_a_token_is_unauthenticated_and_audited_as_anonymous()
    {
        using var channel = Channel(token: null);
        var failure = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync<GetSubjectRequest, GetSubjectResponse>(
            Methods.GetSubject, new GetSubjectRequest { SubjectId = "subj-4" }, WithRequestId("e2e-anon-1")));

        Assert.Equal(StatusCode.Unauthenticated, failure.StatusCode);
        Assert.Equal(AuthenticationInterceptor.RefusalMessage, failure.Detail);
        var entry = AuditOf("e2e-anon-1");
        Assert.Equal((AuditEntry.AnonymousCaller, StatusCode.Unauthenticated), (entry.Caller, entry.Outcome));
    }

    [Fact]
    public async Task Caller_without_the_permission_is_denied_and_audited()
    {
        using var channel = Channel(Token(Role.Auditor));
        var failure = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync<GetSubjectRequest, GetSubjectResponse>(
            Methods.GetSubject, new GetSubjectRequest { SubjectId = "subj-5" }, WithRequestId("e2e-denied-1")));

        Assert.Equal(StatusCode.PermissionDenied, failure.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, AuditOf("e2e-denied-1").Outcome);
    }

    [Fact]
    public async Task Health_is_answered_without_a_token()
    {
        using var channel = Channel(token: null);
        var response = await channel.UnaryAsync<HealthCheckRequest, HealthCheckResponse>(Methods.HealthCheck, new HealthCheckRequest());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }

    [Fact]
    public async Task Server_mapping_a_method_without_a_sound_access_declaration_refuses_to_start()
    {
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => SecuredServer.StartAsync(app =>
            app.MapGrpcService<SecuredServer.SubjectHandlers>(Methods.ProbeService, _ => { })));

        Assert.Contains("/mappa.securityprobe.v1.ProbeService/Undeclared", failure.Message);
    }
}
