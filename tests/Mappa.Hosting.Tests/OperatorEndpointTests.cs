using System.Net;
using System.Text.Json;
using Mappa.Contracts;
using Mappa.Contracts.Common.V1;
using Mappa.Contracts.RiskAssessment.V1;
using Mappa.Grpc;
using Mappa.Grpc.Client;
using Mappa.Security;

namespace Mappa.Hosting.Tests;

/// <summary>/metrics and /readyz of the embedded suite, read as Prometheus and an orchestrator would.</summary>
public sealed class OperatorEndpointTests(ObservedSuite suite) : IClassFixture<ObservedSuite>
{
    private static readonly Google.Protobuf.Reflection.MethodDescriptor ListSubjects = MappaServices.Subjects.FindMethodByName("ListSubjects");
    private static readonly Google.Protobuf.Reflection.MethodDescriptor CreateSubject = MappaServices.Subjects.FindMethodByName("CreateSubject");
    private const string ListSubjectsName = "/mappa.riskassessment.v1.SubjectService/ListSubjects";

    [Fact]
    public async Task Metrics_are_valid_prometheus_text_with_every_family_operators_expect()
    {
        using var coordinator = suite.Channel(suite.Token(Role.MappaCoordinator));
        await coordinator.UnaryAsync<ListSubjectsRequest, ListSubjectsResponse>(ListSubjects, new ListSubjectsRequest());

        var metrics = await suite.MetricsAsync(); // parsed strictly: every line, HELP/TYPE once, histograms whole

        Assert.Equal("counter", metrics.Types["mappa_grpc_server_handled_total"]);
        Assert.Equal("histogram", metrics.Types["mappa_grpc_server_handling_seconds"]);
        Assert.Equal("histogram", metrics.Types["mappa_consumer_lag_seconds"]);
        foreach (var gauge in new[]
                 {
                     "mappa_outbox_unsent_events", "mappa_outbox_oldest_unsent_age_seconds", "mappa_outbox_relay_active", "mappa_database_up",
                     "mappa_inbox_processed_messages", "mappa_scheduling_milestones", "process_resident_memory_bytes", "process_open_fds",
                     "process_threads", "dotnet_gc_heap_size_bytes", "dotnet_threadpool_threads", "dotnet_threadpool_queue_length",
                 })
        {
            Assert.Equal("gauge", metrics.Types[gauge]);
        }
        Assert.Equal("counter", metrics.Types["dotnet_gc_collections_total"]);
        Assert.Equal("counter", metrics.Types["process_cpu_seconds_total"]);
        foreach (var database in new[] { "riskassessment", "caseconference", "scheduling" })
        {
            Assert.Equal(1, metrics.Value("mappa_database_up", ("database", database)));
            Assert.NotNull(metrics.Value("mappa_outbox_unsent_events", ("database", database)));
        }
        foreach (var kind in new[] { "due-soon", "due", "overdue", "reminder", "completed", "cancelled" })
        {
            Assert.NotNull(metrics.Value("mappa_scheduling_milestones", ("kind", kind)));
        }
        Assert.True(metrics.Value("process_resident_memory_bytes") > 0);
        Assert.True(metrics.Value("process_open_fds") > 0);
    }

    [Fact]
    public async Task An_rpc_call_increments_its_counter_and_latency_count()
    {
        using var coordinator = suite.Channel(suite.Token(Role.MappaCoordinator));
        var before = await suite.MetricsAsync();
        var calls = before.Value("mappa_grpc_server_handled_total", ("method", ListSubjectsName), ("code", "OK")) ?? 0;
        var timed = before.Value("mappa_grpc_server_handling_seconds_count", ("method", ListSubjectsName)) ?? 0;

        await coordinator.UnaryAsync<ListSubjectsRequest, ListSubjectsResponse>(ListSubjects, new ListSubjectsRequest());

        var after = await Eventually.UntilAsync("the call to be counted", suite.MetricsAsync,
            m => m.Value("mappa_grpc_server_handled_total", ("method", ListSubjectsName), ("code", "OK")) >= calls + 1);
        Assert.True(after.Value("mappa_grpc_server_handling_seconds_count", ("method", ListSubjectsName)) >= timed + 1);
    }

    [Fact]
    public async Task A_consumed_event_shows_in_consumer_lag_and_in_the_consumers_inbox()
    {
        const string queue = "scheduling-review-calendar";
        var before = await suite.MetricsAsync();
        var consumed = before.Sum("mappa_consumer_lag_seconds_count", ("queue", queue), ("message", "SubjectRegistered"));
        var inbox = before.Sum("mappa_inbox_processed_messages", ("database", "scheduling"));
        using var coordinator = suite.Channel(suite.Token(Role.MappaCoordinator));

        await coordinator.UnaryAsync<CreateSubjectRequest, CreateSubjectResponse>(CreateSubject, NewSubject());

        var after = await Eventually.UntilAsync("Scheduling to consume SubjectRegistered", suite.MetricsAsync,
            m => m.Sum("mappa_consumer_lag_seconds_count", ("queue", queue), ("message", "SubjectRegistered")) >= consumed + 1);
        Assert.True(after.Sum("mappa_consumer_lag_seconds_sum", ("queue", queue), ("message", "SubjectRegistered")) > 0);
        Assert.True(after.Sum("mappa_inbox_processed_messages", ("database", "scheduling")) >= inbox + 1);
    }

    [Fact]
    public async Task Readyz_answers_200_with_each_database_the_bus_and_the_relays()
    {
        using var http = suite.Operator();

        var response = await Eventually.UntilAsync("/readyz 200", () => http.GetAsync("/readyz"), r => r.StatusCode == HttpStatusCode.OK);

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(body.RootElement.GetProperty("ready").GetBoolean());
        var checks = body.RootElement.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("ready").GetBoolean());
        foreach (var name in new[] { "database:riskassessment", "database:caseconference", "database:scheduling",
                     "outbox-relay:riskassessment", "outbox-relay:caseconference", "outbox-relay:scheduling", "bus" })
        {
            Assert.True(checks[name], name);
        }
    }

    [Fact]
    public async Task Healthz_keeps_its_contract()
    {
        using var http = suite.Operator();

        var response = await http.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Logs_of_a_call_carry_the_clients_request_ids_the_method_and_the_caller_id()
    {
        using var coordinator = suite.Channel(suite.Token(Role.MappaCoordinator));
        var headerId = "trace-" + Guid.NewGuid().ToString("N")[..12];
        var request = NewSubject();

        await coordinator.UnaryAsync<CreateSubjectRequest, CreateSubjectResponse>(CreateSubject, request,
            new CallOptions { Headers = new Metadata { { CallOptions.RequestIdHeader, headerId } } });

        var line = await Eventually.UntilAsync("the call's log line",
            () => Task.FromResult(suite.Logs.Entries.FirstOrDefault(e => e.Scope.GetValueOrDefault("RequestId") as string == headerId
                && e.Category.EndsWith("ObservabilityInterceptor", StringComparison.Ordinal))),
            e => e is not null);
        Assert.Equal("/mappa.riskassessment.v1.SubjectService/CreateSubject", line!.Scope["GrpcMethod"]);
        Assert.Equal("user-" + Role.MappaCoordinator, line.Scope["CallerId"]);
        Assert.Equal(request.RequestId, line.Scope["ClientRequestId"]);
        Assert.Contains(headerId, line.Message);
        // No personal detail in any line of the call.
        Assert.DoesNotContain(suite.Logs.Entries.Where(e => e.Scope.GetValueOrDefault("RequestId") as string == headerId),
            e => e.Message.Contains(request.DisplayName, StringComparison.Ordinal) || e.Message.Contains(request.Identifiers[0].Value, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_call_without_a_request_id_still_logs_one_and_returns_it()
    {
        using var anonymous = suite.Channel(token: null);

        var error = await Assert.ThrowsAsync<RpcException>(() => anonymous.UnaryAsync<ListSubjectsRequest, ListSubjectsResponse>(ListSubjects, new ListSubjectsRequest()));

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        await Eventually.UntilAsync("the refused call's log line with a generated request id",
            () => Task.FromResult(suite.Logs.Entries.Any(e => e.Scope.GetValueOrDefault("GrpcMethod") as string == ListSubjectsName
                && e.Scope.GetValueOrDefault("RequestId") is string { Length: 32 } && !e.Scope.ContainsKey("CallerId"))),
            found => found);
    }

    private static CreateSubjectRequest NewSubject() => new()
    {
        RequestId = Guid.NewGuid().ToString(),
        Identifiers = { new ExternalIdentifier { Type = "PNC", Value = "OBS/" + Guid.NewGuid().ToString("N")[..12] } },
        Category = MappaCategory._1,
        LeadAgency = AgencyKind.Police,
        Area = "glasgow",
        DisplayName = "Personal Name Never Logged",
    };
}
