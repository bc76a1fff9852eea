using Mappa.Contracts.RiskAssessment.V1;
using Mappa.Core.Errors;
using Mappa.Grpc;
using Mappa.Grpc.Server;
using Mappa.Security.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mappa.Security.Tests.Audit;

public sealed class AuditInterceptorTests
{
    private readonly FakeTimeProvider _clock = new();
    private readonly TestIssuer _issuer = TestIssuer.Es256("idp-1");
    private readonly RecordingAuditSink _sink = new();

    // The order AddMappaSecurity registers: audit outermost, so refusals by the other two are audited.
    private IServerInterceptor[] Pipeline()
    {
        var options = _issuer.ServerOptions();
        return
        [
            new AuditInterceptor(_clock, NullLogger<AuditInterceptor>.Instance),
            new AuthenticationInterceptor(new BearerTokenValidator(options, SigningKeyRing.FromOptions(options), _clock),
                NullLogger<AuthenticationInterceptor>.Instance),
            new AuthorizationInterceptor(NullLogger<AuthorizationInterceptor>.Instance),
        ];
    }

    // The audit sink comes from the call's services, as the layer's request scope provides it.
    private ServerCallContext WithSink(ServerCallContext call, IAuditSink? sink = null)
    {
        call.HttpContext.RequestServices = new ServiceCollection().AddSingleton(sink ?? _sink).BuildServiceProvider();
        return call;
    }

    private string TokenFor(params string[] roles) => _issuer.Token(_clock.Now, claims: c => c[MappaClaims.Roles] = roles);

    private ServerCallContext GetSubjectCall(string subjectId, string? token, string? requestId = "req-1")
    {
        var headers = new List<(string, string)>();
        if (token is not null)
        {
            headers.Add(CallPipeline.Bearer(token));
        }
        if (requestId is not null)
        {
            headers.Add((RequestIds.HeaderName, requestId));
        }
        return WithSink(CallPipeline.NewCall(Methods.GetSubject, new GetSubjectRequest { SubjectId = subjectId }, [.. headers]));
    }

    [Fact]
    public async Task Allowed_call_is_audited_with_caller_subject_and_outcome()
    {
        var status = await CallPipeline.RunAsync(GetSubjectCall("subj-42", TokenFor(Role.Assessor)), Pipeline());

        Assert.Equal(StatusCode.OK, status);
        var entry = Assert.Single(_sink.Entries);
        Assert.Equal(new AuditEntry(_clock.Now, "user-4711", "glasgow-cjsw", entry.Roles,
            "/mappa.riskassessment.v1.SubjectService/GetSubject", "subj-42", StatusCode.OK, "req-1"), entry);
        Assert.Equal([Role.Assessor], entry.Roles);
    }

    [Fact]
    public async Task Permission_denied_attempt_is_audited()
    {
        var status = await CallPipeline.RunAsync(GetSubjectCall("subj-42", TokenFor(Role.Auditor)), Pipeline());

        Assert.Equal(StatusCode.PermissionDenied, status);
        var entry = Assert.Single(_sink.Entries);
        Assert.Equal(StatusCode.PermissionDenied, entry.Outcome);
        Assert.Equal("user-4711", entry.Caller);
        Assert.Equal("subj-42", entry.SubjectId);
    }

    [Fact]
    public async Task Unauthenticated_attempt_is_audited_as_anonymous()
    {
        var status = await CallPipeline.RunAsync(GetSubjectCall("subj-42", token: "forged.token.value"), Pipeline());

        Assert.Equal(StatusCode.Unauthenticated, status);
        var entry = Assert.Single(_sink.Entries);
        Assert.Equal(StatusCode.Unauthenticated, entry.Outcome);
        Assert.Equal(AuditEntry.AnonymousCaller, entry.Caller);
        Assert.Empty(entry.Roles);
        Assert.Equal("subj-42", entry.SubjectId);
    }

    [Fact]
    public async Task Handler_failure_is_audited_with_its_status()
    {
        var status = await CallPipeline.RunAsync(GetSubjectCall("subj-404", TokenFor(Role.Assessor)), Pipeline(),
            _ => throw new RpcException(StatusCode.NotFound, "Subject not found."));

        Assert.Equal(StatusCode.NotFound, status);
        Assert.Equal(StatusCode.NotFound, Assert.Single(_sink.Entries).Outcome);
    }

    [Fact]
    public async Task Domain_error_not_yet_mapped_by_the_layer_is_audited_with_its_status()
    {
        var call = GetSubjectCall("subj-404", TokenFor(Role.Assessor));
        var chain = Pipeline();

        await Assert.ThrowsAsync<NotFoundException>(() =>
            chain[0].InvokeAsync(call, c => chain[1].InvokeAsync(c, c2 => chain[2].InvokeAsync(c2,
                _ => throw new NotFoundException("subject", "subj-404")))));

        Assert.Equal(StatusCode.NotFound, Assert.Single(_sink.Entries).Outcome);
    }

    [Fact]
    public async Task Health_calls_are_not_audited_but_get_a_request_id()
    {
        var call = WithSink(CallPipeline.NewCall(Methods.HealthCheck));
        Assert.Equal(StatusCode.OK, await CallPipeline.RunAsync(call, Pipeline()));

        Assert.Empty(_sink.Entries);
        Assert.NotNull(call.ResponseHeaders.GetValue(RequestIds.HeaderName));
    }

    [Fact]
    public async Task Clients_request_id_is_kept_and_echoed()
    {
        var call = GetSubjectCall("subj-1", TokenFor(Role.Assessor), requestId: "c0ffee-42");
        await CallPipeline.RunAsync(call, Pipeline());

        Assert.Equal("c0ffee-42", call.ResponseHeaders.GetValue(RequestIds.HeaderName));
        Assert.Equal("c0ffee-42", Assert.Single(_sink.Entries).RequestId);
        Assert.Equal("c0ffee-42", RequestIds.GetOrCreate(call));
    }

    [Fact]
    public async Task Missing_or_implausible_request_id_is_replaced_by_a_generated_one()
    {
        var missing = GetSubjectCall("subj-1", TokenFor(Role.Assessor), requestId: null);
        var implausible = GetSubjectCall("subj-1", TokenFor(Role.Assessor), requestId: "id with spaces; drop table");
        await CallPipeline.RunAsync(missing, Pipeline());
        await CallPipeline.RunAsync(implausible, Pipeline());

        var generated = _sink.Entries.Select(e => e.RequestId).ToArray();
        Assert.All(generated, id => Assert.Matches("^[0-9a-f]{32}$", id));
        Assert.NotEqual(generated[0], generated[1]);
        Assert.Equal(generated[0], missing.ResponseHeaders.GetValue(RequestIds.HeaderName));
    }

    [Fact]
    public async Task Subject_id_that_does_not_look_like_an_id_is_not_recorded_verbatim()
    {
        await CallPipeline.RunAsync(GetSubjectCall("John Smith, 12 High Street", TokenFor(Role.Assessor)), Pipeline());
        Assert.Equal("(malformed)", Assert.Single(_sink.Entries).SubjectId);
    }

    [Fact]
    public async Task Pending_entry_is_visible_to_the_handler_and_a_created_subject_can_be_named()
    {
        var call = WithSink(CallPipeline.NewCall(Methods.CreateSubject, new CreateSubjectRequest(), CallPipeline.Bearer(TokenFor(Role.Assessor))));
        await CallPipeline.RunAsync(call, Pipeline(), c =>
        {
            Assert.Null(c.PendingAudit()!.SubjectId);
            c.PendingAudit()!.SetSubject("new-subject-1");
            return Task.CompletedTask;
        });

        Assert.Equal("new-subject-1", Assert.Single(_sink.Entries).SubjectId);
    }

    [Fact]
    public async Task Entry_claimed_by_the_service_is_not_written_again_when_the_call_succeeds()
    {
        AuditEntry? stored = null;
        var call = GetSubjectCall("subj-7", TokenFor(Role.Assessor));
        await CallPipeline.RunAsync(call, Pipeline(), c =>
        {
            stored = c.PendingAudit()!.Claim();
            return Task.CompletedTask;
        });

        Assert.Empty(_sink.Entries);
        Assert.NotNull(stored);
        Assert.Equal(StatusCode.OK, stored.Outcome);
        Assert.Equal("subj-7", stored.SubjectId);
        Assert.Equal("user-4711", stored.Caller);
    }

    [Fact]
    public async Task Entry_claimed_by_the_service_is_still_written_when_the_call_then_fails()
    {
        var call = GetSubjectCall("subj-7", TokenFor(Role.Assessor));
        await CallPipeline.RunAsync(call, Pipeline(), c =>
        {
            c.PendingAudit()!.Claim();
            throw new RpcException(StatusCode.Aborted, "Concurrent change.");
        });

        Assert.Equal(StatusCode.Aborted, Assert.Single(_sink.Entries).Outcome);
    }

    [Fact]
    public async Task Entry_claimed_by_the_service_is_written_when_an_inner_step_swallows_the_failure()
    {
        // The layer still answers the failed status (OutcomeStatus), so the service's transaction did not commit.
        var call = GetSubjectCall("subj-7", TokenFor(Role.Assessor));
        await CallPipeline.RunAsync(call, [.. Pipeline(), new SwallowingInterceptor()], c =>
        {
            c.PendingAudit()!.Claim();
            throw new RpcException(StatusCode.Aborted, "Concurrent change.");
        });

        Assert.Equal(StatusCode.Aborted, Assert.Single(_sink.Entries).Outcome);
    }

    [Fact]
    public async Task A_failing_sink_fails_a_successful_call_so_nothing_is_read_unaudited()
    {
        var call = WithSink(GetSubjectCall("subj-1", TokenFor(Role.Assessor)), new FailingSink());
        var chain = Pipeline();

        await Assert.ThrowsAsync<IOException>(() =>
            chain[0].InvokeAsync(call, c => chain[1].InvokeAsync(c, c2 => chain[2].InvokeAsync(c2, _ => Task.CompletedTask))));
    }

    [Fact]
    public async Task A_failing_sink_does_not_replace_the_calls_own_error()
    {
        var call = WithSink(GetSubjectCall("subj-1", TokenFor(Role.Auditor)), new FailingSink());
        Assert.Equal(StatusCode.PermissionDenied, await CallPipeline.RunAsync(call, Pipeline()));
    }

    [Fact]
    public async Task Logging_sink_writes_one_line_of_ids_only()
    {
        var logs = new CapturingLoggerProvider();
        var sink = new LoggingAuditSink(logs.CreateFactory());
        await CallPipeline.RunAsync(WithSink(GetSubjectCall("subj-42", TokenFor(Role.Assessor)), sink), Pipeline());

        var line = Assert.Single(logs.Lines, l => l.Category == LoggingAuditSink.CategoryName);
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.Contains("/mappa.riskassessment.v1.SubjectService/GetSubject", line.Message);
        Assert.Contains("OK", line.Message);
        Assert.Contains("caller=user-4711", line.Message);
        Assert.Contains("subject=subj-42", line.Message);
        Assert.Contains("request=req-1", line.Message);
    }

    [Fact]
    public async Task Without_a_registered_sink_audited_calls_are_refused()
    {
        var call = CallPipeline.NewCall(Methods.GetSubject, new GetSubjectRequest { SubjectId = "s" }, CallPipeline.Bearer(TokenFor(Role.Assessor)));
        call.HttpContext.RequestServices = new ServiceCollection().BuildServiceProvider();
        var reached = false;

        await Assert.ThrowsAsync<InvalidOperationException>(() => Pipeline()[0].InvokeAsync(call, _ =>
        {
            reached = true;
            return Task.CompletedTask;
        }));
        Assert.False(reached);
    }

    private sealed class SwallowingInterceptor : IServerInterceptor
    {
        public async Task InvokeAsync(ServerCallContext context, GrpcCallDelegate next)
        {
            try
            {
                await next(context);
            }
            catch (RpcException)
            {
            }
        }
    }

    private sealed class FailingSink : IAuditSink
    {
        public ValueTask RecordAsync(AuditEntry entry, CancellationToken ct) => throw new IOException("audit store unavailable");
    }
}
