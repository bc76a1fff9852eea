using System.Diagnostics;
using System.Globalization;
using Mappa.Core.Time;
using Mappa.Messaging.Migrations;
using Mappa.Messaging.Persistence;
using Mappa.Scheduling.Features;
using Mappa.Scheduling.Features.Calendar;
using Mappa.Scheduling.Features.Clock;
using Mappa.Scheduling.Features.Milestones;
using Mappa.Scheduling.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mappa.SchedulingBench;

/// <summary>
/// The Scheduling service's sweep as the service registers it (its DbContext with the outbox interceptor, the
/// working-day calendar, planner, <see cref="MilestonePublisher"/> and a simulated <see cref="SchedulingClock"/>), on
/// one PostgreSQL database, without the host, bus or relay: the benchmark drives the sweep itself.
/// </summary>
public sealed class SweepHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private SweepHarness(ServiceProvider services)
    {
        _services = services;
        Publisher = services.GetRequiredService<MilestonePublisher>();
        Planner = services.GetRequiredService<MilestonePlanner>();
        Clock = services.GetRequiredService<SchedulingClock>().Simulated
            ?? throw new InvalidOperationException("The harness runs on the simulated scheduling clock.");
        Options = services.GetRequiredService<SchedulingDomainOptions>();
    }

    public MilestonePublisher Publisher { get; }
    public MilestonePlanner Planner { get; }
    public SimulatedClock Clock { get; }
    public SchedulingDomainOptions Options { get; }
    public IServiceProvider Services => _services;

    /// <summary>Builds the harness on <paramref name="connectionString"/> and applies the service's own migrations.</summary>
    public static async Task<SweepHarness> CreateAsync(string connectionString, DateTimeOffset clockStart,
        IEnumerable<KeyValuePair<string, string?>>? settings = null, CancellationToken cancellationToken = default)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [HostDefaults.EnvironmentKey] = "Development",
            ["Mappa:Database:Provider"] = "Postgres",
            ["Mappa:Database:ConnectionString"] = connectionString,
            ["Mappa:Scheduling:Clock"] = "Simulated",
            ["Mappa:Scheduling:SimulatedStart"] = clockStart.ToString("O", CultureInfo.InvariantCulture),
        }).AddInMemoryCollection(settings ?? []).Build();
        var options = configuration.GetSection(SchedulingDomainOptions.SectionName).Get<SchedulingDomainOptions>() ?? new SchedulingDomainOptions();

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning).AddSimpleConsole());
        // The same registrations SchedulingModule makes for the sweep.
        services.AddMappaDatabase<SchedulingDbContext>(configuration, SchedulingSchema.Migrations);
        services.AddSchedulingDomain(configuration);
        services.AddSchedulingClock(configuration, options);
        services.AddSingleton<SweepSignal>();
        services.AddSingleton<MilestoneFeed>();
        services.AddSingleton<MilestonePublisher>();
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });

        await using (var scope = provider.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SchedulingDbContext>();
            var settingsOf = scope.ServiceProvider.GetRequiredService<MappaDatabaseSettings<SchedulingDbContext>>();
            await SchemaMigrator.ApplyAsync(db, settingsOf.AllMigrations, cancellationToken: cancellationToken);
        }
        return new SweepHarness(provider);
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}

/// <summary>
/// Counts what this process sends to PostgreSQL, from Npgsql's own tracing (one activity per command or batch sent):
/// round trips, and SQL statements in them (a command text with several statements, as the outbox interceptor makes,
/// counts each). Covers EF Core's commands and the raw ones alike.
/// </summary>
public sealed class StatementCounter : IDisposable
{
    private readonly ActivityListener _listener;
    private long _roundTrips;
    private long _statements;
    private volatile bool _counting;
    private readonly List<string> _texts = [];

    public StatementCounter()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => _counting ? ActivitySamplingResult.AllData : ActivitySamplingResult.None,
            ActivityStopped = Stopped,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public long RoundTrips => Interlocked.Read(ref _roundTrips);
    public long Statements => Interlocked.Read(ref _statements);

    /// <summary>The command texts seen while counting, when <see cref="KeepTexts"/> is set (MAPPA_BENCH_DUMP_SQL, to see what a sweep sends).</summary>
    public IReadOnlyList<string> Texts { get { lock (_texts) return [.. _texts]; } }

    public bool KeepTexts { get; set; } = Environment.GetEnvironmentVariable("MAPPA_BENCH_DUMP_SQL") is { Length: > 0 };

    public void Start()
    {
        Interlocked.Exchange(ref _roundTrips, 0);
        Interlocked.Exchange(ref _statements, 0);
        lock (_texts) _texts.Clear();
        _counting = true;
    }

    public void Stop() => _counting = false;

    private void Stopped(Activity activity)
    {
        if (!_counting)
            return;
        var text = activity.GetTagItem("db.query.text") as string ?? activity.GetTagItem("db.statement") as string ?? "";
        // A command that only opens the physical connection has no text; it is not a statement.
        if (text.Length == 0)
            return;
        Interlocked.Increment(ref _roundTrips);
        Interlocked.Add(ref _statements, SqlStatements.Count(text));
        if (KeepTexts)
            lock (_texts) _texts.Add(text);
    }

    public void Dispose() => _listener.Dispose();
}

public static class SqlStatements
{
    /// <summary>Statements in a command text: semicolon-separated, ignoring semicolons in quotes and a trailing one.</summary>
    public static int Count(string sql)
    {
        int count = 0;
        bool inSingle = false, inDouble = false, content = false;
        foreach (char c in sql)
        {
            if (inSingle) { if (c == '\'') inSingle = false; continue; }
            if (inDouble) { if (c == '"') inDouble = false; continue; }
            switch (c)
            {
                case '\'': inSingle = true; content = true; break;
                case '"': inDouble = true; content = true; break;
                case ';': if (content) count++; content = false; break;
                default: if (!char.IsWhiteSpace(c)) content = true; break;
            }
        }
        return content ? count + 1 : count;
    }
}
