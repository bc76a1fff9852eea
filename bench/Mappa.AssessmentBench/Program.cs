using System.Diagnostics;
using System.Globalization;
using Mappa.Contracts;
using Mappa.Contracts.Common.V1;
using Mappa.Contracts.RiskAssessment.V1;
using Mappa.RiskAssessment.Features.Instruments;
using Mappa.RiskAssessment.Features.Instruments.Contracts;
using Mappa.RiskAssessment.Features.Instruments.LsCmi;
using Mappa.RiskAssessment.Features.Instruments.RuleSets;
using Mappa.Security;
using Mappa.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

// Recording a full LS/CMI (43 items) end to end on PostgreSQL: our gRPC client -> the embedded suite -> scoring,
// validation, subject scope, review policy, assessment + review-date + audit + outbox rows in one transaction. The
// baseline, in the same run and database, is a raw Npgsql INSERT of a row of the same shape and size.
//   eval "$(scripts/postgres.sh start)"; dotnet run -c Release --project bench/Mappa.AssessmentBench -- [seconds] [callers] [warm-up seconds]
var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10;
var callers = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 32;
// Tiered compilation needs many calls before the hot paths reach optimized code; on a loaded 2-core machine 3 s is
// not enough, so the warm-up can be lengthened (third argument, seconds).
var warmUp = TimeSpan.FromSeconds(args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3);

var suite = new PostgresSuite();
await suite.InitializeAsync();
try
{
    // One subject per caller: 32 practitioners recording for 32 people (events of one subject are ordered, so one
    // shared subject would measure that ordering instead).
    using var coordinator = suite.Channel(suite.Token(Role.MappaCoordinator));
    var subjectIds = new string[callers];
    for (var i = 0; i < callers; i++)
    {
        subjectIds[i] = (await coordinator.UnaryAsync<CreateSubjectRequest, CreateSubjectResponse>(MappaServices.Subjects.FindMethodByName("CreateSubject"),
            new CreateSubjectRequest
            {
                Identifiers = { new ExternalIdentifier { Type = "PNC", Value = "BENCH/" + Guid.NewGuid().ToString("N")[..12] } },
                Category = MappaCategory._2, LeadAgency = AgencyKind.SocialWork, Area = "glasgow",
            })).Subject.SubjectId;
    }

    var rules = (LsCmiRuleSet)suite.Service<RuleSetRegistry>().Current(Mappa.RiskAssessment.Features.Instruments.Instrument.LsCmi);
    var scores = new LsCmiInput(rules.Items.Select((item, i) => new Mappa.RiskAssessment.Features.Instruments.ItemScore(item.Number, i % 2 == 0 ? item.Max : item.Min)).ToArray()).ToContract();
    var record = MappaServices.Assessments.FindMethodByName("RecordAssessment");
    var today = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1);
    RecordAssessmentRequest NewRequest(int caller) => new()
    {
        RequestId = Guid.NewGuid().ToString(), SubjectId = subjectIds[caller], Instrument = Mappa.Contracts.RiskAssessment.V1.Instrument.LsCmi, Scores = scores,
        AssessedDate = new Google.Type.Date { Year = today.Year, Month = today.Month, Day = today.Day }, AssessorId = "bench-assessor", Agency = AgencyKind.SocialWork,
    };

    var channels = Enumerable.Range(0, callers).Select(_ => suite.Channel(suite.Token(Role.Assessor))).ToArray();
    var service = await RunAsync("RecordAssessment (gRPC, full LS/CMI)", callers, seconds,
        caller => channels[caller].UnaryAsync<RecordAssessmentRequest, RecordAssessmentResponse>(record, NewRequest(caller)));

    // The read path over the same stack, to tell the cost of recording from the cost of a call.
    var recorded = await channels[0].UnaryAsync<RecordAssessmentRequest, RecordAssessmentResponse>(record, NewRequest(0));
    var get = MappaServices.Assessments.FindMethodByName("GetAssessment");
    var read = await RunAsync("GetAssessment (gRPC, same stack)", callers, seconds,
        caller => channels[caller].UnaryAsync<GetAssessmentRequest, GetAssessmentResponse>(get, new GetAssessmentRequest { AssessmentId = recorded.Assessment.AssessmentId }));

    var connectionString = new NpgsqlConnectionStringBuilder(
        suite.Services.GetRequiredService<IConfiguration>()["Mappa:Services:riskassessment:Database:ConnectionString"]) { MaxPoolSize = callers + 4 }.ConnectionString;
    await using var dataSource = NpgsqlDataSource.Create(connectionString);
    byte[] storedScores, storedResult;
    await using (var setup = dataSource.CreateCommand(
        "CREATE TABLE bench_raw_assessments (LIKE assessments INCLUDING DEFAULTS INCLUDING CONSTRAINTS); " +
        "ALTER TABLE bench_raw_assessments ADD PRIMARY KEY (assessment_id); " +
        "SELECT scores, result FROM assessments LIMIT 1"))
    await using (var reader = await setup.ExecuteReaderAsync())
    {
        await reader.ReadAsync();
        storedScores = (byte[])reader[0];
        storedResult = (byte[])reader[1];
    }
    var raw = await RunAsync("raw Npgsql INSERT of a similar row", callers, seconds, async caller =>
    {
        await using var insert = dataSource.CreateCommand(
            "INSERT INTO bench_raw_assessments (assessment_id, request_id, subject_id, instrument, assessed_on, assessor_id, agency, rule_set_id, " +
            "rule_set_version, scores, result, recorded_at, recorded_by) VALUES ($1, $2, $3, 1, $4, 'bench-assessor', 2, 'ls-cmi-section1', 1, $5, $6, $7, 'bench')");
        insert.Parameters.Add(new NpgsqlParameter { Value = Guid.CreateVersion7().ToString() });
        insert.Parameters.Add(new NpgsqlParameter { Value = Guid.NewGuid().ToString() });
        insert.Parameters.Add(new NpgsqlParameter { Value = subjectIds[caller] });
        insert.Parameters.Add(new NpgsqlParameter { Value = today });
        insert.Parameters.Add(new NpgsqlParameter { Value = storedScores });
        insert.Parameters.Add(new NpgsqlParameter { Value = storedResult });
        insert.Parameters.Add(new NpgsqlParameter { Value = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() });
        await insert.ExecuteNonQueryAsync();
    });

    Console.WriteLine();
    Console.WriteLine($"## Recording a full LS/CMI on PostgreSQL ({callers} concurrent callers)");
    Console.WriteLine();
    Console.WriteLine($"Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC by `bench/Mappa.AssessmentBench` ({seconds} s per run after a {warmUp.TotalSeconds:0} s warm-up, same machine, same database).");
    Console.WriteLine();
    Console.WriteLine("| what | calls/s | p50 | p99 | failed | process CPU per call |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|");
    foreach (var r in new[] { service, read, raw })
    {
        Console.WriteLine($"| {r.Name} | {r.PerSecond:N0} | {r.P50:0.00} ms | {r.P99:0.00} ms | {r.Failed} | {r.CpuMsPerCall:0.000} ms |");
    }
    Console.WriteLine();
    Console.WriteLine($"Ratio: the service records {service.PerSecond / raw.PerSecond:0.0000}× the raw insert rate ({raw.PerSecond / service.PerSecond:N0}× fewer per second; p50 {service.P50 / raw.P50:N0}× the raw latency).");
    foreach (var channel in channels)
    {
        channel.Dispose();
    }
}
finally
{
    await suite.DisposeAsync();
}

async Task<Result> RunAsync(string name, int callers, int seconds, Func<int, Task> call)
{
    await Measure(callers, warmUp, call);
    // The process's CPU time per call is the figure the shared machine's load moves least (calls/s and latency
    // follow whatever share of the cores the other work leaves us).
    var process = Process.GetCurrentProcess();
    var cpuBefore = process.TotalProcessorTime;
    var gcBefore = GC.CollectionCount(0) + GC.CollectionCount(1) + GC.CollectionCount(2);
    var jitBefore = System.Runtime.JitInfo.GetCompiledMethodCount();
    var (latencies, failed, elapsed) = await Measure(callers, TimeSpan.FromSeconds(seconds), call);
    process.Refresh();
    var cpuPerCall = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds / Math.Max(1, latencies.Count);
    var gcs = GC.CollectionCount(0) + GC.CollectionCount(1) + GC.CollectionCount(2) - gcBefore;
    var jitted = System.Runtime.JitInfo.GetCompiledMethodCount() - jitBefore;
    latencies.Sort();
    double Percentile(double p) => latencies.Count == 0 ? double.NaN : latencies[Math.Min(latencies.Count - 1, (int)(p * latencies.Count))];
    var result = new Result(name, latencies.Count / elapsed.TotalSeconds, Percentile(0.50), Percentile(0.99), failed, cpuPerCall);
    Console.WriteLine($"{name}: {result.PerSecond:N0}/s, p50 {result.P50:0.00} ms, p99 {result.P99:0.00} ms, {failed} failed, " +
        $"process CPU {cpuPerCall:0.000} ms/call, {gcs} GCs, {jitted} methods jitted during the run");
    return result;
}

static async Task<(List<double> Latencies, int Failed, TimeSpan Elapsed)> Measure(int callers, TimeSpan duration, Func<int, Task> call)
{
    var latencies = new List<double>[callers];
    var failed = 0;
    var started = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, callers).Select(async caller =>
    {
        var own = latencies[caller] = [];
        while (started.Elapsed < duration)
        {
            var start = Stopwatch.GetTimestamp();
            try
            {
                await call(caller);
                own.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
            catch (Exception)
            {
                Interlocked.Increment(ref failed);
            }
        }
    }));
    return (latencies.SelectMany(l => l).ToList(), failed, started.Elapsed);
}

internal sealed record Result(string Name, double PerSecond, double P50, double P99, int Failed, double CpuMsPerCall);
