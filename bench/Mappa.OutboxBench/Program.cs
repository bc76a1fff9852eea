using Mappa.Benchmarks;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using MassTransit;
using Mappa.Events;
using Mappa.Events.Scheduling;
using Mappa.Messaging.Bus;
using Mappa.Messaging.Persistence;
using Mappa.OutboxBench;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

// Outbox throughput, commit to consumer, against raw MassTransit publish -> consume through the same RabbitMQ, in
// the same process and run, in alternating rounds. Both paths use the same writers, message type, queue and consumer;
// the outbox path adds the database transaction (data row + outbox row) and the relay.
//
// Usage: Mappa.OutboxBench [--events N] [--rounds R] [--writers W] [--subjects S] [--database postgres|sqlite] [--doc FILE]
// --doc replaces the "outbox" section of that markdown file (docs/performance.md).
// Needs MAPPA_TEST_RABBITMQ and MAPPA_TEST_RABBITMQ_MANAGEMENT, and MAPPA_TEST_POSTGRES for --database postgres
// (bench/outbox.sh starts the servers and sets them).

var options = BenchOptions.Parse(args);
var rabbit = new Uri(Required("MAPPA_TEST_RABBITMQ"));
var management = new Uri(Required("MAPPA_TEST_RABBITMQ_MANAGEMENT"));

var vhost = "mappa-bench-" + Guid.NewGuid().ToString("N")[..8];
using var http = ManagementClient(management);
(await http.PutAsync($"api/vhosts/{vhost}", null)).EnsureSuccessStatusCode();
var rabbitUser = Uri.UnescapeDataString(rabbit.UserInfo).Split(':', 2);
(await http.PutAsJsonAsync($"api/permissions/{vhost}/{Uri.EscapeDataString(rabbitUser[0])}",
    new { configure = ".*", write = ".*", read = ".*" })).EnsureSuccessStatusCode();

string? postgresDatabase = null;
string? sqliteDirectory = null;
string connectionString;
if (options.Database == "postgres")
{
    var admin = Required("MAPPA_TEST_POSTGRES");
    postgresDatabase = "mappa_bench_" + Guid.NewGuid().ToString("N")[..8];
    await using (var connection = new NpgsqlConnection(admin))
    {
        await connection.OpenAsync();
        await new NpgsqlCommand($"CREATE DATABASE {postgresDatabase}", connection).ExecuteNonQueryAsync();
    }
    connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = postgresDatabase, MaxPoolSize = 50, MaxAutoPrepare = 50, AutoPrepareMinUsages = 2 }.ConnectionString;
}
else
{
    sqliteDirectory = Directory.CreateTempSubdirectory("mappa-bench-").FullName;
    connectionString = $"Data Source={Path.Combine(sqliteDirectory, "bench.db")}";
}

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
{
    ["Mappa:Database:Provider"] = options.Database == "postgres" ? "Postgres" : "Sqlite",
    ["Mappa:Database:ConnectionString"] = connectionString,
    ["Mappa:Bus:Transport"] = "RabbitMq",
    ["Mappa:Bus:RabbitMq:Host"] = rabbit.Host,
    ["Mappa:Bus:RabbitMq:Port"] = rabbit.Port.ToString(CultureInfo.InvariantCulture),
    ["Mappa:Bus:RabbitMq:VirtualHost"] = vhost,
    ["Mappa:Bus:RabbitMq:Username"] = rabbitUser[0],
    ["Mappa:Bus:RabbitMq:Password"] = rabbitUser.Length > 1 ? rabbitUser[1] : "",
});
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Logging.AddSimpleConsole();
builder.Services.Configure<MassTransitHostOptions>(o => o.WaitUntilStarted = true);
builder.Services.AddSingleton<ArrivalCounter>();
builder.Services.AddMappaDatabase<BenchContext>(builder.Configuration, BenchContext.Migrations);
builder.Services.AddMappaMessaging(builder.Configuration, bus => bus.AddConsumer<ArrivalConsumer>().Endpoint(e => e.Name = "bench-arrivals"));
using var host = builder.Build();
await host.StartAsync();

var counter = host.Services.GetRequiredService<ArrivalCounter>();
var bus = host.Services.GetRequiredService<IBus>();
var results = new List<RoundResult>();
var loadBefore = LoadAverage();
Console.Error.WriteLine($"outbox bench: {options.Events} events x {options.Rounds} rounds per path, {options.Writers} writers, " +
                        $"{options.Subjects} subjects, {options.Database}, RabbitMQ {rabbit.Host}:{rabbit.Port}");

// Warm-up rounds of each path (JIT tiering, connections, queue and exchange declarations) are not counted. The outbox
// path runs far more code (EF Core, Npgsql, the relay), so a short warm-up measures its JIT, not its steady state.
foreach (var path in options.Paths)
    for (var warm = 1; warm <= options.WarmupRounds; warm++)
        await RunRoundAsync($"warmup{warm}-{path.ToString().ToLowerInvariant()}", path, options.Events);
for (var round = 1; round <= options.Rounds; round++)
{
    // Interleaved: every round runs each path once, back to back, and the order flips every round, so a load that
    // drifts during the run hits the paths alike and each round's pair of raw and outbox saw nearly the same machine.
    var order = round % 2 == 1 ? options.Paths : options.Paths.Reverse().ToArray();
    foreach (var path in order)
        results.Add(await RunRoundAsync($"{path.ToString().ToLowerInvariant()}-{round}", path, options.Events));
}

await host.StopAsync();
(await http.DeleteAsync($"api/vhosts/{vhost}")).EnsureSuccessStatusCode();
if (postgresDatabase is not null)
{
    NpgsqlConnection.ClearAllPools();
    await using var connection = new NpgsqlConnection(Required("MAPPA_TEST_POSTGRES"));
    await connection.OpenAsync();
    await new NpgsqlCommand($"DROP DATABASE IF EXISTS {postgresDatabase} WITH (FORCE)", connection).ExecuteNonQueryAsync();
}
if (sqliteDirectory is not null)
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    Directory.Delete(sqliteDirectory, recursive: true);
}

if (options.Paths.Length != Enum.GetValues<BenchPath>().Length) return 0; // a partial run (profiling) prints its rounds only
var report = Report(results, options, rabbit, loadBefore, LoadAverage());
Console.WriteLine(report);
if (options.Doc is not null) PerformanceSection.Replace(options.Doc, "outbox", report);
return 0;

async Task<RoundResult> RunRoundAsync(string name, BenchPath path, int events)
{
    counter.Start(name, events);
    var cpuBefore = Environment.CpuUsage.TotalTime;
    var jitBefore = System.Runtime.JitInfo.GetCompiledMethodCount();
    if (path == BenchPath.Drain) return await RunDrainRoundAsync(name, events);
    var started = Stopwatch.GetTimestamp();
    var perWriter = events / options.Writers;
    var writers = Enumerable.Range(0, options.Writers).Select(writer => Task.Run(async () =>
    {
        var count = writer == options.Writers - 1 ? events - perWriter * (options.Writers - 1) : perWriter;
        for (var i = 0; i < count; i++)
        {
            var index = writer * perWriter + i;
            var evt = NewEvent(name, index, options.Subjects);
            if (path == BenchPath.Raw)
            {
                await bus.Publish(evt, c => c.MessageId = evt.EventId);
                continue;
            }
            await using var scope = host.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<BenchContext>();
            db.Reviews.Add(new ReviewRow { ObligationId = evt.ObligationId, SubjectId = evt.Subject.SubjectId, DueDate = evt.DueDate });
            if (path == BenchPath.Outbox) db.RecordEvent(evt);
            await db.SaveChangesAsync();
            if (path == BenchPath.DualWrite) await bus.Publish(evt, c => c.MessageId = evt.EventId);
        }
    }));
    await Task.WhenAll(writers);
    var written = Stopwatch.GetElapsedTime(started);
    await counter.Done.WaitAsync(TimeSpan.FromMinutes(10));
    var elapsed = Stopwatch.GetElapsedTime(started);
    var cpuMsPerEvent = (Environment.CpuUsage.TotalTime - cpuBefore).TotalMilliseconds / events;
    var latencies = counter.LatenciesMs.Order().ToArray();
    var jitted = System.Runtime.JitInfo.GetCompiledMethodCount() - jitBefore;
    var result = new RoundResult(name, path, events, elapsed, written, Percentile(latencies, 0.50), Percentile(latencies, 0.95), cpuMsPerEvent,
        jitted, LoadAverage().Split(' ')[0]);
    Console.Error.WriteLine($"  {name,-16} {result.PerSecond,8:F0} events/s  (writes done {written.TotalSeconds:F2}s, all consumed {elapsed.TotalSeconds:F2}s, p50 {result.P50Ms:F0} ms, p95 {result.P95Ms:F0} ms, cpu {result.CpuMsPerEvent:F3} ms/event, jitted {jitted}, load {result.Load})");
    return result;
}

// The outbox from commit to consumer: the round's events and data rows are written in one transaction (not timed),
// then the clock starts and the transaction commits; the relay drains the rows to the consumer.
async Task<RoundResult> RunDrainRoundAsync(string name, int events)
{
    await using (var scope = host.Services.CreateAsyncScope())
    {
        var db = scope.ServiceProvider.GetRequiredService<BenchContext>();
        await using var transaction = await db.Database.BeginTransactionAsync();
        for (var index = 0; index < events; index++)
        {
            var evt = NewEvent(name, index, options.Subjects);
            db.Reviews.Add(new ReviewRow { ObligationId = evt.ObligationId, SubjectId = evt.Subject.SubjectId, DueDate = evt.DueDate });
            db.RecordEvent(evt);
            if ((index + 1) % 100 == 0 || index == events - 1)
            {
                await db.SaveChangesAsync();
                db.ChangeTracker.Clear();
            }
        }
        var cpuBefore = Environment.CpuUsage.TotalTime;
        var jitBefore = System.Runtime.JitInfo.GetCompiledMethodCount();
        var started = Stopwatch.GetTimestamp();
        counter.MeasureFrom(started);
        await transaction.CommitAsync();
        var committed = Stopwatch.GetElapsedTime(started);
        await counter.Done.WaitAsync(TimeSpan.FromMinutes(10));
        var elapsed = Stopwatch.GetElapsedTime(started);
        var cpuMsPerEvent = (Environment.CpuUsage.TotalTime - cpuBefore).TotalMilliseconds / events;
        var latencies = counter.LatenciesMs.Order().ToArray();
        var jitted = System.Runtime.JitInfo.GetCompiledMethodCount() - jitBefore;
        var result = new RoundResult(name, BenchPath.Drain, events, elapsed, committed, Percentile(latencies, 0.50), Percentile(latencies, 0.95),
            cpuMsPerEvent, jitted, LoadAverage().Split(' ')[0]);
        Console.Error.WriteLine($"  {name,-16} {result.PerSecond,8:F0} events/s  (committed {committed.TotalSeconds:F2}s, all consumed {elapsed.TotalSeconds:F2}s, p50 {result.P50Ms:F0} ms, p95 {result.P95Ms:F0} ms after commit, cpu {result.CpuMsPerEvent:F3} ms/event, jitted {jitted}, load {result.Load})");
        return result;
    }
}

static ReviewDue NewEvent(string round, int index, int subjects)
{
    var subject = $"bench-subject-{index % subjects}";
    return new ReviewDue
    {
        OccurredAt = DateTimeOffset.UtcNow,
        Subject = SubjectReference.Of(subject),
        Detail = new DetailLink("/mappa.scheduling.v1.ReviewCalendarService/ListReviewObligations", "subject_id", subject),
        ObligationId = $"{round}-{index}",
        Kind = ReviewKind.Assessment,
        DueDate = new DateOnly(2026, 12, 1),
        Area = "S12000036",
        AdditionalInformation = new Dictionary<string, string>
        {
            ["round"] = round,
            ["t"] = Stopwatch.GetTimestamp().ToString(CultureInfo.InvariantCulture),
        },
    };
}

static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

static string Report(List<RoundResult> results, BenchOptions options, Uri rabbit, string loadBefore, string loadAfter)
{
    static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
    static string F2(double value) => value.ToString("F2", CultureInfo.InvariantCulture);
    RoundResult Round(BenchPath path, int round) => results.Single(r => r.Name == $"{path.ToString().ToLowerInvariant()}-{round}");
    double MedianRate(BenchPath path) => Median(results.Where(r => r.Path == path).Select(r => r.PerSecond));
    double MedianCpu(BenchPath path) => Median(results.Where(r => r.Path == path).Select(r => r.CpuMsPerEvent));
    var raw = MedianRate(BenchPath.Raw);
    var dual = MedianRate(BenchPath.DualWrite);
    var outbox = MedianRate(BenchPath.Outbox);
    var drain = MedianRate(BenchPath.Drain);
    var text = new StringBuilder();
    text.AppendLine("## Outbox: commit to consumer, against raw MassTransit publish to consume");
    text.AppendLine();
    text.AppendLine(CultureInfo.InvariantCulture, $"Run on {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC. Machine: {Machine()}. " +
        $"RabbitMQ at {rabbit.Host}:{rabbit.Port} and {(options.Database == "postgres" ? "PostgreSQL" : "SQLite")} on the same machine, in one process with the consumer. " +
        $"{options.Events} events per round, {options.Writers} concurrent writers, events spread over {options.Subjects} subjects; " +
        $"{options.WarmupRounds} uncounted warm-up round(s) of each path, then {options.Rounds} rounds, each running every path once, back to back, in an order that flips every round. " +
        $"Load average (1/5/15 min) before: {loadBefore}, after: {loadAfter} (the machine is shared with other work; a load above the core count makes single rounds swing widely, which is why ratios are taken per round).");
    text.AppendLine();
    text.AppendLine("- **raw**: each writer awaits `IBus.Publish` (durable exchange and queue, persistent message, publisher confirms on); no database.");
    text.AppendLine("- **dualwrite**: each writer commits a data row, then awaits `IBus.Publish`: the unsafe pattern the outbox replaces, with the same database work.");
    text.AppendLine("- **outbox**: each writer commits the data row and the outbox row in one transaction (`RecordEvent` + `SaveChangesAsync`); the relay publishes (same bus, confirms on) and marks rows sent.");
    text.AppendLine("- **drain**: the outbox from commit to consumer: the round's data rows and outbox rows are written in one transaction (not timed), the clock starts at its commit and stops when the relay has delivered the last event; latency there = commit to consume. It isolates the outbox's own machinery (relay read, publish with confirms, mark sent) from the service's data write.");
    text.AppendLine("- All paths: the same consumer on the same queue. events/s = events / (first write started .. last event consumed); latency = the writer's timestamp before its write/publish to consume.");
    text.AppendLine("- cpu = CPU time of the benchmark process (writers, relay, bus, consumer; not PostgreSQL or RabbitMQ) per event: less sensitive than events/s to what else the machine runs. jitted = methods the JIT compiled during the round (0 once warm). load = 1-minute load average after the round.");
    text.AppendLine();
    text.AppendLine("| round | events/s | writers done / committed (s) | all consumed (s) | latency p50 (ms) | latency p95 (ms) | cpu (ms/event) | jitted | load |");
    text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    foreach (var r in results)
        text.AppendLine(CultureInfo.InvariantCulture, $"| {r.Name} | {r.PerSecond:F0} | {r.Written.TotalSeconds:F2} | {r.Elapsed.TotalSeconds:F2} | {r.P50Ms:F0} | {r.P95Ms:F0} | {r.CpuMsPerEvent:F3} | {r.Jitted} | {r.Load} |");
    text.AppendLine();
    // Each round's outbox and raw ran back to back, so the pair saw nearly the same machine; the median of the
    // per-round ratios is less sensitive to load drifting during the run than the ratio of the two medians.
    double[] Ratios(BenchPath path, Func<RoundResult, double> value, bool inverse = false) => Enumerable.Range(1, options.Rounds)
        .Select(round => inverse ? value(Round(BenchPath.Raw, round)) / value(Round(path, round)) : value(Round(path, round)) / value(Round(BenchPath.Raw, round))).ToArray();
    var ratios = Ratios(BenchPath.Outbox, r => r.PerSecond);
    var pairedRatio = Median(ratios);
    var drainRatios = Ratios(BenchPath.Drain, r => r.PerSecond);
    var fastRounds = Enumerable.Range(1, options.Rounds).Where(round => Round(BenchPath.Raw, round).PerSecond >= raw).ToArray();
    text.AppendLine(CultureInfo.InvariantCulture, $"Medians: raw {raw:F0} events/s, dualwrite {dual:F0} events/s, outbox {outbox:F0} events/s, drain {drain:F0} events/s. " +
        $"Benchmark-process CPU per event: raw {MedianCpu(BenchPath.Raw):F3} ms, dualwrite {MedianCpu(BenchPath.DualWrite):F3} ms, outbox {MedianCpu(BenchPath.Outbox):F3} ms, drain {MedianCpu(BenchPath.Drain):F3} ms.");
    text.AppendLine();
    text.AppendLine(CultureInfo.InvariantCulture, $"- **Outbox / raw, end to end (writers' saves included), per round: {string.Join(", ", ratios.Select(F2))}; median {F2(pairedRatio)}** " +
        $"(>= 0.70: {(pairedRatio >= 0.7 ? "yes" : "no")}). In the rounds where raw ran at or above its median ({string.Join(", ", fastRounds)}): " +
        $"median {F2(Median(fastRounds.Select(round => ratios[round - 1])))}. Ratio of the medians {F2(outbox / raw)}; outbox / dualwrite {F2(outbox / dual)}. " +
        $"CPU per event, raw / outbox per round: median {F2(Median(Ratios(BenchPath.Outbox, r => r.CpuMsPerEvent, inverse: true)))}.");
    text.AppendLine(CultureInfo.InvariantCulture, $"- **Drain / raw, from commit to consumer, per round: {string.Join(", ", drainRatios.Select(F2))}; median {F2(Median(drainRatios))}** " +
        $"(>= 0.70: {(Median(drainRatios) >= 0.7 ? "yes" : "no")}). In the rounds where raw ran at or above its median: median {F2(Median(fastRounds.Select(round => drainRatios[round - 1])))}. " +
        $"CPU per event, raw / drain per round: median {F2(Median(Ratios(BenchPath.Drain, r => r.CpuMsPerEvent, inverse: true)))}.");
    text.AppendLine();
    text.AppendLine("Rerun: `bench/outbox.sh` (starts PostgreSQL and RabbitMQ unless MAPPA_TEST_* point at running ones; `--events`, `--rounds`, `--warmup`, `--writers`, `--subjects`, `--database sqlite`, `--no-doc`).");
    return text.ToString();
}

static string Machine()
{
    var model = File.Exists("/proc/cpuinfo")
        ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
        : null;
    var memory = File.Exists("/proc/meminfo")
        ? File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)) is { } line
            ? $", {long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024 / 1024} GiB"
            : ""
        : "";
    return $"{Environment.ProcessorCount} cores{(model is null ? "" : $" ({model})")}{memory}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}";
}

static string Required(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
    ? value
    : throw new InvalidOperationException($"{name} is not set; run bench/outbox.sh, which starts RabbitMQ and PostgreSQL and sets it.");

static HttpClient ManagementClient(Uri management)
{
    var client = new HttpClient { BaseAddress = new Uri(management.GetLeftPart(UriPartial.Authority) + management.AbsolutePath.TrimEnd('/') + "/") };
    client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
        Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(management.UserInfo))));
    return client;
}

enum BenchPath
{
    /// <summary>bus.Publish only: no database.</summary>
    Raw,
    /// <summary>Commit the data row, then bus.Publish: the unsafe dual write an outbox replaces, same database work.</summary>
    DualWrite,
    /// <summary>Commit data row + outbox row; the relay publishes.</summary>
    Outbox,
    /// <summary>All the round's rows committed in one transaction; timed from the commit until the relay has delivered them all.</summary>
    Drain,
}

sealed record RoundResult(string Name, BenchPath Path, int Events, TimeSpan Elapsed, TimeSpan Written, double P50Ms, double P95Ms, double CpuMsPerEvent,
    long Jitted, string Load)
{
    public double PerSecond => Events / Elapsed.TotalSeconds;
}

sealed record BenchOptions(int Events, int Rounds, int Writers, int Subjects, string Database, string? Doc, int WarmupRounds, BenchPath[] Paths)
{
    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions(5000, 7, 8, 500, "postgres", null, 2, Enum.GetValues<BenchPath>());
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            o = args[i] switch
            {
                "--events" => o with { Events = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--rounds" => o with { Rounds = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--writers" => o with { Writers = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--subjects" => o with { Subjects = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--database" => o with { Database = Next() is var d && d is "sqlite" or "postgres" ? d : throw new ArgumentException("--database is postgres or sqlite") },
                "--doc" => o with { Doc = Next() },
                "--warmup" => o with { WarmupRounds = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--paths" => o with { Paths = Next().Split(',').Select(p => Enum.Parse<BenchPath>(p, ignoreCase: true)).ToArray() },
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
        }
        if (o.Events < o.Writers || o.Rounds < 1) throw new ArgumentException("need events >= writers and rounds >= 1");
        return o;
    }
}
