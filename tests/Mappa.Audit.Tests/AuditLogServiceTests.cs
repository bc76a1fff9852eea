using Google.Protobuf;
using Google.Protobuf.Reflection;
using Mappa.Contracts;
using Mappa.Contracts.Common.V1;
using Mappa.Grpc;
using Mappa.Grpc.Client;
using Mappa.Messaging.Audit;
using Mappa.RiskAssessment.Persistence;
using Mappa.Security;
using Mappa.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Cc = Mappa.Contracts.CaseConference.V1;
using Ra = Mappa.Contracts.RiskAssessment.V1;
using Sc = Mappa.Contracts.Scheduling.V1;

namespace Mappa.Audit.Tests;

/// <summary>The auditor RPCs of all three services in the embedded suite on real PostgreSQL (one database per module).</summary>
public sealed class AuditLogServiceTests(PostgresSuite suite) : IClassFixture<PostgresSuite>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    public static TheoryData<string> Services => new() { "riskassessment", "caseconference", "scheduling" };

    [Theory]
    [MemberData(nameof(Services))]
    public async Task Non_auditors_are_refused_and_the_refusal_is_in_the_log(string service)
    {
        var requestId = "refused-" + Guid.NewGuid().ToString("N");
        using var coordinator = suite.Channel(suite.Token(Role.MappaCoordinator));

        var refused = await Assert.ThrowsAsync<RpcException>(() => AuditClient.ListAsync(coordinator, service, new(), requestId));
        using var auditor = suite.Channel(suite.Token(Role.Auditor));
        var entries = await AuditClient.ListAllAsync(auditor, service, new() { Caller = "test-mappa-coordinator" });

        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        var entry = Assert.Single(entries, e => e.RequestId == requestId);
        Assert.Equal((int)StatusCode.PermissionDenied, entry.Outcome);
        Assert.Equal($"/mappa.{service}.v1.AuditLogService/ListAuditEntries", entry.Method);
        Assert.Equal(["mappa-coordinator"], entry.Roles);
        Assert.True((await AuditClient.VerifyAsync(auditor, service, 0, 0)).Valid);
    }

    [Fact]
    public async Task A_created_subject_is_audited_once_with_its_id_and_a_subject_read_adds_an_entry()
    {
        var subjectId = await CreateSubjectAsync();
        using var reader = suite.Channel(suite.Token(Role.Assessor));
        await reader.UnaryAsync<Ra.GetSubjectRequest, Ra.GetSubjectResponse>(
            MappaServices.Subjects.FindMethodByName("GetSubject"), new Ra.GetSubjectRequest { SubjectId = subjectId });
        using var auditor = suite.Channel(suite.Token(Role.Auditor));

        var entries = await AuditClient.ListAllAsync(auditor, "riskassessment", new() { SubjectId = subjectId });

        Assert.Equal(
            [("/mappa.riskassessment.v1.SubjectService/CreateSubject", "test-mappa-coordinator", 0),
             ("/mappa.riskassessment.v1.SubjectService/GetSubject", "test-assessor", 0)],
            entries.Select(e => (e.Method, e.Caller, e.Outcome)));
        Assert.All(entries, e => Assert.Equal(64, e.Hash.Length));
    }

    [Fact]
    public async Task A_created_conference_is_audited_once_in_case_conferences_log_with_its_subject()
    {
        var subjectId = Guid.NewGuid().ToString();
        using var coordinator = suite.Channel(suite.Token(Role.MappaCoordinator));

        var created = await coordinator.UnaryAsync<Cc.CreateConferenceRequest, Cc.CreateConferenceResponse>(
            MappaServices.Conferences.FindMethodByName("CreateConference"),
            new Cc.CreateConferenceRequest
            {
                RequestId = Guid.NewGuid().ToString(),
                Kind = Cc.ConferenceKind.InitialLevel2,
                Area = "glasgow",
                SubjectIds = { subjectId },
                StartTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(3)),
                Duration = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromHours(1)),
                Venue = new Cc.Venue { Place = "Area office" },
                ChairId = "coordinator-1",
            });
        using var auditor = suite.Channel(suite.Token(Role.Auditor));
        var entries = await AuditClient.ListAllAsync(auditor, "caseconference", new() { SubjectId = subjectId });

        Assert.NotEmpty(created.Conference.ConferenceId);
        var entry = Assert.Single(entries);
        Assert.Equal("/mappa.caseconference.v1.ConferenceService/CreateConference", entry.Method);
        Assert.Equal(0, entry.Outcome);
        Assert.True((await AuditClient.VerifyAsync(auditor, "caseconference", 0, 0)).Valid);
    }

    [Fact]
    public async Task A_failed_writing_call_changes_nothing_and_leaves_one_entry_with_its_outcome()
    {
        var requestId = "failed-" + Guid.NewGuid().ToString("N");
        var before = await SubjectCountAsync();
        using var coordinator = suite.Channel(suite.Token(Role.MappaCoordinator));

        var failed = await Assert.ThrowsAsync<RpcException>(() => coordinator.UnaryAsync<Ra.CreateSubjectRequest, Ra.CreateSubjectResponse>(
            MappaServices.Subjects.FindMethodByName("CreateSubject"),
            new Ra.CreateSubjectRequest { RequestId = Guid.NewGuid().ToString(), Area = "glasgow" }, // no identifiers, no category
            new CallOptions { Headers = new Metadata { { CallOptions.RequestIdHeader, requestId } } }));
        using var auditor = suite.Channel(suite.Token(Role.Auditor));
        var entries = await AuditClient.ListAllAsync(auditor, "riskassessment", new() { Caller = "test-mappa-coordinator" });

        Assert.Equal(StatusCode.InvalidArgument, failed.StatusCode);
        Assert.Equal(before, await SubjectCountAsync());
        var entry = Assert.Single(entries, e => e.RequestId == requestId);
        Assert.Equal((int)StatusCode.InvalidArgument, entry.Outcome);
        Assert.Equal("/mappa.riskassessment.v1.SubjectService/CreateSubject", entry.Method);
    }

    [Fact]
    public async Task A_subject_scoped_read_of_case_conference_and_of_scheduling_is_audited_in_that_services_log()
    {
        var subjectId = await CreateSubjectAsync();
        using var coordinator = suite.Channel(suite.Token(Role.MappaCoordinator));
        await coordinator.UnaryAsync<Cc.ListConferencesRequest, Cc.ListConferencesResponse>(
            MappaServices.Conferences.FindMethodByName("ListConferences"), new Cc.ListConferencesRequest { SubjectId = subjectId });
        // Scheduling learns of the subject from RiskAssessment's event; until then it answers NOT_FOUND.
        var propose = MappaServices.ConferenceScheduling.FindMethodByName("ProposeConferenceSlots");
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            try
            {
                await coordinator.UnaryAsync<Sc.ProposeConferenceSlotsRequest, Sc.ProposeConferenceSlotsResponse>(
                    propose, new Sc.ProposeConferenceSlotsRequest { SubjectId = subjectId });
                break;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
            catch (RpcException e) when (e.StatusCode != StatusCode.NotFound)
            {
                break; // answered about the subject (e.g. no review to plan against): still a subject-scoped call
            }
        }
        using var auditor = suite.Channel(suite.Token(Role.Auditor));

        var conferences = await AuditClient.ListAllAsync(auditor, "caseconference", new() { SubjectId = subjectId });
        var scheduling = await AuditClient.ListAllAsync(auditor, "scheduling", new() { SubjectId = subjectId });

        Assert.Equal("/mappa.caseconference.v1.ConferenceService/ListConferences", Assert.Single(conferences).Method);
        Assert.Contains(scheduling, e => e.Method == "/mappa.scheduling.v1.ConferenceSchedulingService/ProposeConferenceSlots");
        // Each service's log holds its own methods only (the embedded suite routes by proto package).
        Assert.DoesNotContain(conferences, e => !e.Method.StartsWith("/mappa.caseconference.v1.", StringComparison.Ordinal));
        Assert.DoesNotContain(scheduling, e => !e.Method.StartsWith("/mappa.scheduling.v1.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Listing_pages_and_filters_by_subject_caller_and_time()
    {
        var subjectId = await CreateSubjectAsync();
        using var assessor = suite.Channel(suite.Token(Role.Assessor));
        for (var i = 0; i < 5; i++)
            await assessor.UnaryAsync<Ra.GetSubjectRequest, Ra.GetSubjectResponse>(
                MappaServices.Subjects.FindMethodByName("GetSubject"), new Ra.GetSubjectRequest { SubjectId = subjectId });
        using var auditor = suite.Channel(suite.Token(Role.Auditor));

        var page1 = await AuditClient.ListAsync(auditor, "riskassessment", new() { SubjectId = subjectId, PageSize = 4 });
        var page2 = await AuditClient.ListAsync(auditor, "riskassessment",
            new() { SubjectId = subjectId, PageSize = 4, PageToken = page1.NextPageToken });
        var all = page1.Entries.Concat(page2.Entries).ToList();
        var byCaller = await AuditClient.ListAllAsync(auditor, "riskassessment", new() { SubjectId = subjectId, Caller = "test-assessor" });
        var window = await AuditClient.ListAllAsync(auditor, "riskassessment",
            new() { SubjectId = subjectId, StartTime = all[2].Time, EndTime = all[4].Time });
        var badToken = await Assert.ThrowsAsync<RpcException>(() =>
            AuditClient.ListAsync(auditor, "riskassessment", new() { PageToken = "not-a-token" }));

        Assert.Equal(4, page1.Entries.Count);
        Assert.NotEqual("", page1.NextPageToken);
        // The creation, five reads, and the auditor's own first listing (about this subject, so audited with it).
        Assert.Equal(3, page2.Entries.Count);
        Assert.Equal("/mappa.riskassessment.v1.AuditLogService/ListAuditEntries", page2.Entries[^1].Method);
        Assert.Equal("test-auditor", page2.Entries[^1].Caller);
        Assert.Equal("", page2.NextPageToken);
        Assert.Equal(all.Select(e => e.Position).Order(), all.Select(e => e.Position));
        Assert.Equal(5, byCaller.Count);
        Assert.All(window, e => Assert.True(e.Time.ToDateTimeOffset() >= all[2].Time.ToDateTimeOffset() && e.Time.ToDateTimeOffset() < all[4].Time.ToDateTimeOffset()));
        Assert.Contains(window, e => e.Position == all[2].Position);
        Assert.Equal(StatusCode.InvalidArgument, badToken.StatusCode);
    }

    [Fact]
    public async Task Concurrent_calls_from_several_clients_keep_every_chain_valid()
    {
        var subjectId = await CreateSubjectAsync();
        var clients = Enumerable.Range(0, 6).Select(i => suite.Channel(suite.Token(i % 2 == 0 ? Role.Assessor : Role.PartnerReader))).ToList();
        try
        {
            await Task.WhenAll(clients.Select(client => Task.Run(async () =>
            {
                for (var i = 0; i < 15; i++)
                {
                    await client.UnaryAsync<Ra.GetSubjectRequest, Ra.GetSubjectResponse>(
                        MappaServices.Subjects.FindMethodByName("GetSubject"), new Ra.GetSubjectRequest { SubjectId = subjectId });
                    try
                    {
                        await AuditClient.VerifyAsync(client, "caseconference", 0, 0); // refused, and audited
                    }
                    catch (RpcException e) when (e.StatusCode == StatusCode.PermissionDenied)
                    {
                    }
                }
            })));
        }
        finally
        {
            foreach (var client in clients) client.Dispose();
        }
        using var auditor = suite.Channel(suite.Token(Role.Auditor));

        var reads = await AuditClient.ListAllAsync(auditor, "riskassessment", new() { SubjectId = subjectId });
        foreach (var service in new[] { "riskassessment", "caseconference", "scheduling" })
        {
            var result = await AuditClient.VerifyAsync(auditor, service, 0, 0);
            Assert.True(result.Valid, $"{service}: {result.Detail}");
        }
        Assert.Equal(91, reads.Count); // the creation and 90 reads
    }

    [Fact]
    public async Task Verification_over_the_rpc_reports_an_edited_row_with_its_position()
    {
        // A log of its own (a fresh database under its own context), served by the same handler type.
        await using var database = await AuditDatabase.CreateAsync(Provider.Postgres);
        await database.AppendAsync(12);
        await database.DropTriggersAsync();
        await database.ExecuteAsync("UPDATE audit_log SET subject_id = 'subj-other' WHERE position = 4");
        await using var db = database.NewContext();

        var result = await new AuditLog<AuditTestDbContext>(db).VerifyAsync(0, 0, default);
        var valid = await AuditClient.VerifyAsync(suite.Channel(suite.Token(Role.Auditor)), "riskassessment", 0, 0);

        Assert.False(result.Valid);
        Assert.Equal(4, result.FirstBrokenPosition);
        Assert.True(valid.Valid, valid.Detail);
        Assert.True(valid.EntriesChecked > 0);
        Assert.Equal(valid.EntriesChecked, valid.LastPosition);
    }

    private async Task<string> CreateSubjectAsync()
    {
        using var channel = suite.Channel(suite.Token(Role.MappaCoordinator));
        var created = await channel.UnaryAsync<Ra.CreateSubjectRequest, Ra.CreateSubjectResponse>(
            MappaServices.Subjects.FindMethodByName("CreateSubject"),
            new Ra.CreateSubjectRequest
            {
                RequestId = Guid.NewGuid().ToString(),
                Identifiers = { new ExternalIdentifier { Type = "PNC", Value = "AUD/" + Guid.NewGuid().ToString("N")[..12] } },
                Category = MappaCategory._1,
                LeadAgency = AgencyKind.Police,
                Area = "glasgow",
                DisplayName = "Audit Test Person",
            });
        return created.Subject.SubjectId;
    }

    private async Task<int> SubjectCountAsync()
    {
        await using var scope = suite.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<RiskAssessmentDbContext>().Subjects.CountAsync();
    }
}

/// <summary>The common shape of every service's ListAuditEntries request, sent as that service's own message.</summary>
public sealed class AuditListing
{
    public int PageSize { get; init; }
    public string PageToken { get; init; } = "";
    public string SubjectId { get; init; } = "";
    public string Caller { get; init; } = "";
    public Google.Protobuf.WellKnownTypes.Timestamp? StartTime { get; init; }
    public Google.Protobuf.WellKnownTypes.Timestamp? EndTime { get; init; }
}

public sealed record AuditPage(IReadOnlyList<AuditLogEntry> Entries, string NextPageToken);

public sealed record AuditVerification(bool Valid, long EntriesChecked, long FirstBrokenPosition, AuditChainProblem Problem, string Detail, long LastPosition);

/// <summary>Calls any service's AuditLogService through its descriptor (the three contracts share field names).</summary>
public static class AuditClient
{
    public static Google.Protobuf.Reflection.ServiceDescriptor ServiceFor(string service) => service switch
    {
        "riskassessment" => MappaServices.RiskAssessmentAuditLog,
        "caseconference" => MappaServices.CaseConferenceAuditLog,
        "scheduling" => MappaServices.SchedulingAuditLog,
        _ => throw new ArgumentOutOfRangeException(nameof(service)),
    };

    public static async Task<AuditPage> ListAsync(GrpcChannel channel, string service, AuditListing listing, string? requestId = null)
    {
        var method = ServiceFor(service).FindMethodByName("ListAuditEntries");
        var request = New(method.InputType);
        Set(request, "page_size", listing.PageSize);
        Set(request, "page_token", listing.PageToken);
        Set(request, "subject_id", listing.SubjectId);
        Set(request, "caller", listing.Caller);
        if (listing.StartTime is not null) Set(request, "start_time", listing.StartTime);
        if (listing.EndTime is not null) Set(request, "end_time", listing.EndTime);
        var response = await CallAsync(channel, method, request, requestId);
        var entries = ((System.Collections.IEnumerable)Get(response, "entries")).Cast<AuditLogEntry>().ToList();
        return new AuditPage(entries, (string)Get(response, "next_page_token"));
    }

    public static async Task<List<AuditLogEntry>> ListAllAsync(GrpcChannel channel, string service, AuditListing listing)
    {
        var all = new List<AuditLogEntry>();
        var token = "";
        do
        {
            var page = await ListAsync(channel, service, new AuditListing
            {
                PageSize = 1000, PageToken = token, SubjectId = listing.SubjectId, Caller = listing.Caller,
                StartTime = listing.StartTime, EndTime = listing.EndTime,
            });
            all.AddRange(page.Entries);
            token = page.NextPageToken;
        } while (token.Length > 0);
        return all;
    }

    public static async Task<AuditVerification> VerifyAsync(GrpcChannel channel, string service, long start, long end)
    {
        var method = ServiceFor(service).FindMethodByName("VerifyAuditChain");
        var request = New(method.InputType);
        Set(request, "start_position", start);
        Set(request, "end_position", end);
        var response = await CallAsync(channel, method, request, null);
        return new AuditVerification((bool)Get(response, "valid"), (long)Get(response, "entries_checked"),
            (long)Get(response, "first_broken_position"), (AuditChainProblem)Get(response, "problem"), (string)Get(response, "detail"),
            (long)Get(response, "last_position"));
    }

    private static async Task<IMessage> CallAsync(GrpcChannel channel, MethodDescriptor method, IMessage request, string? requestId)
    {
        var options = requestId is null ? null : new CallOptions { Headers = new Metadata { { CallOptions.RequestIdHeader, requestId } } };
        var call = typeof(GrpcChannel).GetMethod(nameof(GrpcChannel.UnaryAsync))!
            .MakeGenericMethod(method.InputType.ClrType, method.OutputType.ClrType);
        var task = (Task)call.Invoke(channel, [method, request, options])!;
        await task;
        return (IMessage)task.GetType().GetProperty("Result")!.GetValue(task)!;
    }

    private static IMessage New(MessageDescriptor type) => (IMessage)Activator.CreateInstance(type.ClrType)!;

    private static object Get(IMessage message, string field) => message.Descriptor.FindFieldByName(field).Accessor.GetValue(message);

    private static void Set(IMessage message, string field, object value) => message.Descriptor.FindFieldByName(field).Accessor.SetValue(message, value);
}
