using System.Diagnostics;
using System.Globalization;
using System.Text;
using Npgsql;

namespace Mappa.SchedulingBench;

/// <summary>One measured sweep.</summary>
public sealed record SweepRun(double WallMs, double CpuMs, double? ServerCpuMs, long RoundTrips, long Statements, int Milestones);

/// <summary>Everything measured at one size.</summary>
public sealed record SweepSize(int Total, LoadReport Load, long HistoryRows, IReadOnlyList<SweepRun> Due, IReadOnlyList<SweepRun> Empty,
    string Explain, bool IndexUsed, long DatabaseBytes)
{
    public SweepRun DueMedian => Median(Due);
    public SweepRun EmptyMedian => Median(Empty);

    private static SweepRun Median(IReadOnlyList<SweepRun> runs)
    {
        static double Mid(IEnumerable<double> values)
        {
            var sorted = values.OrderBy(v => v).ToArray();
            return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        }
        return new SweepRun(Mid(runs.Select(r => r.WallMs)), Mid(runs.Select(r => r.CpuMs)),
            runs.All(r => r.ServerCpuMs is not null) ? Mid(runs.Select(r => r.ServerCpuMs!.Value)) : null,
            (long)Mid(runs.Select(r => (double)r.RoundTrips)), (long)Mid(runs.Select(r => (double)r.Statements)), (int)Mid(runs.Select(r => (double)r.Milestones)));
    }
}

/// <summary>
/// One size loaded into its own fresh database, ready to sweep the day. Rounds of the sizes are alternated by the caller,
/// so a shared machine's load swings hit every size alike. In each round the day's sweep runs, then an empty sweep at
/// the same instant (the next poll: every cursor has moved past now); then the swept obligations' cursors are put back
/// and the milestones and outbox rows that sweep wrote are deleted (and vacuumed), so every round does the same work.
/// </summary>
public sealed class SweepDatabase : IAsyncDisposable
{
    private readonly string _admin;
    private readonly bool _keep;
    private readonly TextWriter _log;
    private readonly SweepHarness _harness;
    private readonly NpgsqlConnection _connection;
    private readonly StatementCounter _counter;
    private readonly SweepBenchmark.ServerCpu _serverCpu;
    private readonly DateTimeOffset _sweepAt;
    private readonly List<SweepRun> _due = [];
    private readonly List<SweepRun> _empty = [];

    private SweepDatabase(string admin, string name, bool keep, TextWriter log, SweepHarness harness, NpgsqlConnection connection,
        StatementCounter counter, SweepBenchmark.ServerCpu serverCpu, int total, int dueOnDay, LoadReport load, long historyRows, long bytes, string explain)
    {
        _admin = admin;
        Name = name;
        _keep = keep;
        _log = log;
        _harness = harness;
        _connection = connection;
        _counter = counter;
        _serverCpu = serverCpu;
        Total = total;
        DueOnDay = dueOnDay;
        Load = load;
        HistoryRows = historyRows;
        Bytes = bytes;
        Explain = explain;
        _sweepAt = load.DayFallsDueAt.AddSeconds(30);
    }

    public string Name { get; }
    public int Total { get; }
    public int DueOnDay { get; }
    public LoadReport Load { get; }
    public long HistoryRows { get; }
    public long Bytes { get; }
    public string Explain { get; }

    public SweepSize Result() => new(Total, Load, HistoryRows, _due, _empty, Explain,
        Explain.Contains("ix_review_obligations_wake_up", StringComparison.Ordinal) && !Explain.Contains("Seq Scan", StringComparison.Ordinal), Bytes);

    public static async Task<SweepDatabase> CreateAsync(string adminConnectionString, int total, int dueOnDay, bool keep, StatementCounter counter, TextWriter log)
    {
        var name = $"mappa_schedbench_{total}_{Guid.NewGuid():N}"[..40];
        await using (var admin = new NpgsqlConnection(adminConnectionString))
        {
            await admin.OpenAsync();
            await new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin).ExecuteNonQueryAsync();
        }
        var connectionString = new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = name, CommandTimeout = 0 }.ConnectionString;

        var plan = new LoadPlan(total, dueOnDay, LoadPlan.DefaultDay);
        var lastSwept = Mappa.Scheduling.Features.Milestones.MilestoneTiming.UkMorning.InstantOf(plan.Day.AddDays(-1)).AddMinutes(1);
        var harness = await SweepHarness.CreateAsync(connectionString, lastSwept);
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        log.WriteLine($"  loading {total:N0} obligations ({dueOnDay:N0} due on {plan.Day:yyyy-MM-dd}) into {name} ...");
        var load = await new ObligationLoader(harness.Planner).LoadAsync(connection, plan);
        log.WriteLine($"  loaded in {load.Generate.TotalSeconds + load.Copy.TotalSeconds:0.0} s (generate {load.Generate.TotalSeconds:0.0} s, COPY and ANALYZE {load.Copy.TotalSeconds:0.0} s): "
            + $"{load.Obligations:N0} obligations, {load.Revisions:N0} revisions, {load.HistoryMilestones:N0} recorded milestones");
        await SweepBenchmark.ExecuteAsync(connection, "VACUUM ANALYZE review_obligations, review_obligation_revisions, review_milestones");

        long dueStored = load.DayFallsDueAt.ToUnixTimeMilliseconds();
        long stillDue = await SweepBenchmark.ScalarAsync(connection, $"SELECT count(*) FROM review_obligations WHERE wake_up_at <= {dueStored}");
        long alreadyDue = await SweepBenchmark.ScalarAsync(connection, $"SELECT count(*) FROM review_obligations WHERE wake_up_at <= {load.LastSweptAt.ToUnixTimeMilliseconds()}");
        if (stillDue != dueOnDay || alreadyDue != 0)
            throw new InvalidOperationException($"The loaded data has {stillDue} cursors due on the day and {alreadyDue} before it; expected {dueOnDay} and 0.");
        long historyRows = await SweepBenchmark.ScalarAsync(connection, "SELECT count(*) FROM review_milestones");
        long bytes = await SweepBenchmark.ScalarAsync(connection, $"SELECT pg_database_size('{name}')");

        var sweepAt = load.DayFallsDueAt.AddSeconds(30);
        var explain = await SweepBenchmark.ExplainAsync(connection, sweepAt.ToUnixTimeMilliseconds(), harness.Options.SweepBatchSize);
        harness.Clock.SetUtcNow(sweepAt);
        await SweepBenchmark.ExecuteAsync(connection, $"""
            CREATE TABLE bench_cursor_snapshot AS SELECT obligation_id, wake_up_at, version FROM review_obligations WHERE wake_up_at <= {sweepAt.ToUnixTimeMilliseconds()};
            """);
        return new SweepDatabase(adminConnectionString, name, keep, log, harness, connection, counter, new SweepBenchmark.ServerCpu(connectionString, name),
            total, dueOnDay, load, historyRows, bytes, explain);
    }

    /// <summary>One round: the day's sweep, the empty sweep that follows it, then the state put back. Rounds up to 0 warm up and are not kept.</summary>
    public async Task RoundAsync(int round)
    {
        var due = await SweepBenchmark.MeasureAsync(_harness, _counter, _serverCpu);
        long sweptAt = _sweepAt.ToUnixTimeMilliseconds();
        long recorded = await SweepBenchmark.ScalarAsync(_connection, $"SELECT count(*) FROM review_milestones WHERE recorded_at = {sweptAt}");
        long outbox = await SweepBenchmark.ScalarAsync(_connection, "SELECT count(*) FROM outbox_messages");
        if (due.Milestones != DueOnDay || recorded != DueOnDay || outbox != DueOnDay)
            throw new InvalidOperationException($"The day's sweep recorded {due.Milestones} milestones ({recorded} rows, {outbox} outbox rows); expected {DueOnDay}.");
        if (Environment.GetEnvironmentVariable("MAPPA_BENCH_DUMP_SQL") is { Length: > 0 } dump)
        {
            Directory.CreateDirectory(dump);
            await File.WriteAllLinesAsync(Path.Combine(dump, $"{Total}-round{round}.sql"),
                _counter.Texts.Select(t => $"-- {SqlStatements.Count(t)} statements\n{t}"));
        }
        var empty = await SweepBenchmark.MeasureAsync(_harness, _counter, _serverCpu);
        if (empty.Milestones != 0)
            throw new InvalidOperationException($"The empty sweep recorded {empty.Milestones} milestones.");
        if (round > 0)
        {
            _due.Add(due);
            _empty.Add(empty);
        }
        _log.WriteLine($"  {Total,9:N0} {(round <= 0 ? "warm-up" : $"round {round}")}: day sweep {due.WallMs:0} ms wall, {due.CpuMs:0} ms cpu, "
            + $"{(due.ServerCpuMs is { } s ? $"{s:0} ms server cpu, " : "")}{due.RoundTrips} commands, {due.Statements} statements, {due.Milestones} milestones; "
            + $"empty sweep {empty.WallMs:0.0} ms, {empty.Statements} statements");

        await SweepBenchmark.ExecuteAsync(_connection, $"""
            UPDATE review_obligations o SET wake_up_at = s.wake_up_at, version = s.version FROM bench_cursor_snapshot s WHERE o.obligation_id = s.obligation_id;
            DELETE FROM review_milestones WHERE recorded_at = {sweptAt};
            DELETE FROM outbox_messages;
            DELETE FROM outbox_subject_positions;
            """);
        await SweepBenchmark.ExecuteAsync(_connection, "VACUUM ANALYZE review_obligations, review_milestones, outbox_messages, outbox_subject_positions");
    }

    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync();
        await _harness.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        if (_keep)
        {
            _log.WriteLine($"  kept database {Name}");
            return;
        }
        await using var admin = new NpgsqlConnection(_admin);
        await admin.OpenAsync();
        await new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", admin).ExecuteNonQueryAsync();
    }
}

public static class SweepBenchmark
{
    public const string MainQuery =
        "SELECT obligation_id AS \"Value\" FROM review_obligations WHERE wake_up_at <= {0} ORDER BY wake_up_at LIMIT {1} FOR UPDATE SKIP LOCKED";

    /// <summary>Loads every size, then runs two warm-up rounds and <paramref name="rounds"/> rounds, the sizes alternating within each.</summary>
    public static async Task<List<SweepSize>> RunAsync(string adminConnectionString, IReadOnlyList<int> totals, int dueOnDay, int rounds, bool keep, TextWriter log)
    {
        using var counter = new StatementCounter();
        var databases = new List<SweepDatabase>();
        try
        {
            foreach (var total in totals)
                databases.Add(await SweepDatabase.CreateAsync(adminConnectionString, total, dueOnDay, keep, counter, log));
            // Two warm-up rounds (0 and -1): tiered JIT keeps promoting EF Core's and the planner's code for a while.
            for (int round = -1; round <= rounds; round++)
            {
                foreach (var database in (round & 1) == 0 ? databases : Enumerable.Reverse(databases))
                    await database.RoundAsync(round);
            }
            return [.. databases.Select(d => d.Result())];
        }
        finally
        {
            foreach (var database in databases)
                await database.DisposeAsync();
        }
    }

    internal static async Task<SweepRun> MeasureAsync(SweepHarness harness, StatementCounter counter, ServerCpu serverCpu)
    {
        var process = Process.GetCurrentProcess();
        var serverBefore = await serverCpu.ReadAsync();
        process.Refresh();
        var cpuBefore = process.TotalProcessorTime;
        counter.Start();
        var clock = Stopwatch.StartNew();
        int milestones = await harness.Publisher.SweepAsync(CancellationToken.None);
        clock.Stop();
        counter.Stop();
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;
        var serverAfter = await serverCpu.ReadAsync();
        return new SweepRun(clock.Elapsed.TotalMilliseconds, cpu.TotalMilliseconds,
            serverBefore is { } b && serverAfter is { } a ? a - b : null, counter.RoundTrips, counter.Statements, milestones);
    }

    internal static async Task<string> ExplainAsync(NpgsqlConnection connection, long nowStored, int batchSize)
    {
        await using var transaction = await connection.BeginTransactionAsync();
        var sql = "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, SUMMARY OFF) "
            + string.Format(CultureInfo.InvariantCulture, MainQuery.Replace("AS \"Value\" ", "", StringComparison.Ordinal), nowStored, batchSize);
        var lines = new StringBuilder();
        await using (var command = new NpgsqlCommand(sql, connection, transaction))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
                lines.AppendLine(reader.GetString(0));
        }
        await transaction.RollbackAsync();   // the EXPLAIN ran the query and locked rows: let them go
        return lines.ToString().TrimEnd();
    }

    internal static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync();
    }

    internal static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// CPU used by the PostgreSQL backends serving the benchmark's database (read from /proc, so only for a server on
    /// this machine that this user may inspect; otherwise not reported). The pool keeps its connections between sweeps.
    /// </summary>
    internal sealed class ServerCpu(string connectionString, string database)
    {
        private static readonly double TicksPerMs = 100.0 / 1000.0;   // USER_HZ is 100 on Linux
        private readonly string _monitor = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, ApplicationName = "bench-monitor" }.ConnectionString;

        public async Task<double?> ReadAsync()
        {
            try
            {
                await using var connection = new NpgsqlConnection(_monitor);
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand(
                    "SELECT pid FROM pg_stat_activity WHERE datname = @db AND pid <> pg_backend_pid() AND application_name <> 'bench-monitor'", connection);
                command.Parameters.AddWithValue("db", database);
                var pids = new List<int>();
                await using (var reader = await command.ExecuteReaderAsync())
                {
                    while (await reader.ReadAsync())
                        pids.Add(reader.GetInt32(0));
                }
                double ticks = 0;
                foreach (var pid in pids)
                {
                    var stat = await File.ReadAllTextAsync($"/proc/{pid}/stat");
                    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                    ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                }
                return ticks / TicksPerMs;
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException)
            {
                return null;
            }
        }
    }
}
