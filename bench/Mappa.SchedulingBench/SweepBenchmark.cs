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
/// Loads one size into a fresh database and sweeps the day: the empty sweep just before the day's milestones fall due,
/// then the day's sweep, each a number of times. Between the day's sweeps the swept obligations' cursors are put back
/// and the milestones and outbox rows that sweep wrote are deleted (then vacuumed), so every round does the same work.
/// </summary>
public static class SweepBenchmark
{
    public const string MainQuery =
        "SELECT obligation_id AS \"Value\" FROM review_obligations WHERE wake_up_at <= {0} ORDER BY wake_up_at LIMIT {1} FOR UPDATE SKIP LOCKED";

    public static async Task<SweepSize> RunAsync(string adminConnectionString, int total, int dueOnDay, int rounds, bool keep, TextWriter log)
    {
        var name = $"mappa_schedbench_{total}_{Guid.NewGuid():N}"[..40];
        await using (var admin = new NpgsqlConnection(adminConnectionString))
        {
            await admin.OpenAsync();
            await new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin).ExecuteNonQueryAsync();
        }
        var connectionString = new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = name, CommandTimeout = 0 }.ConnectionString;
        try
        {
            return await RunOnAsync(connectionString, name, total, dueOnDay, rounds, log);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            if (!keep)
            {
                await using var admin = new NpgsqlConnection(adminConnectionString);
                await admin.OpenAsync();
                await new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", admin).ExecuteNonQueryAsync();
            }
            else
            {
                log.WriteLine($"  kept database {name}");
            }
        }
    }

    private static async Task<SweepSize> RunOnAsync(string connectionString, string database, int total, int dueOnDay, int rounds, TextWriter log)
    {
        var plan = new LoadPlan(total, dueOnDay, LoadPlan.DefaultDay);
        var planner0 = PlannerFor();
        var lastSwept = planner0.Timing.InstantOf(plan.Day.AddDays(-1)).AddMinutes(1);
        await using var harness = await SweepHarness.CreateAsync(connectionString, lastSwept);

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        log.WriteLine($"  loading {total:N0} obligations ({dueOnDay:N0} due on {plan.Day:yyyy-MM-dd}) ...");
        var load = await new ObligationLoader(harness.Planner).LoadAsync(connection, plan);
        log.WriteLine($"  loaded in {load.Generate.TotalSeconds + load.Copy.TotalSeconds:0.0} s (generate {load.Generate.TotalSeconds:0.0} s, COPY {load.Copy.TotalSeconds:0.0} s): "
            + $"{load.Obligations:N0} obligations, {load.Revisions:N0} revisions, {load.HistoryMilestones:N0} recorded milestones");
        await ExecuteAsync(connection, "VACUUM ANALYZE review_obligations, review_obligation_revisions, review_milestones");

        long dueStored = load.DayFallsDueAt.ToUnixTimeMilliseconds();
        long stillDue = await ScalarAsync(connection, $"SELECT count(*) FROM review_obligations WHERE wake_up_at <= {dueStored}");
        long alreadyDue = await ScalarAsync(connection, $"SELECT count(*) FROM review_obligations WHERE wake_up_at <= {load.LastSweptAt.ToUnixTimeMilliseconds()}");
        if (stillDue != dueOnDay || alreadyDue != 0)
            throw new InvalidOperationException($"The loaded data has {stillDue} cursors due on the day and {alreadyDue} before it; expected {dueOnDay} and 0.");
        long historyRows = await ScalarAsync(connection, "SELECT count(*) FROM review_milestones");
        long bytes = await ScalarAsync(connection, $"SELECT pg_database_size('{database}')");

        // The sweep's main query, as the publisher sends it, at the day's sweep.
        var sweepAt = load.DayFallsDueAt.AddSeconds(30);
        var explain = await ExplainAsync(connection, sweepAt.ToUnixTimeMilliseconds(), harness.Options.SweepBatchSize);
        bool indexUsed = explain.Contains("ix_review_obligations_wake_up", StringComparison.Ordinal) && !explain.Contains("Seq Scan", StringComparison.Ordinal);

        using var counter = new StatementCounter();
        var serverCpu = new ServerCpu(connectionString, database);

        // Empty sweeps: an hour before the day's milestones fall due, nothing is due.
        harness.Clock.SetUtcNow(load.DayFallsDueAt.AddHours(-1));
        var empty = new List<SweepRun>();
        for (int round = 0; round <= rounds; round++)
        {
            var run = await MeasureAsync(harness, counter, serverCpu);
            if (run.Milestones != 0)
                throw new InvalidOperationException($"An empty sweep recorded {run.Milestones} milestones.");
            if (round > 0)
                empty.Add(run);   // round 0 warms up
        }

        // The day's sweeps: every round from the same state.
        harness.Clock.SetUtcNow(sweepAt);
        await ExecuteAsync(connection, $"""
            DROP TABLE IF EXISTS bench_cursor_snapshot;
            CREATE TABLE bench_cursor_snapshot AS SELECT obligation_id, wake_up_at, version FROM review_obligations WHERE wake_up_at <= {sweepAt.ToUnixTimeMilliseconds()};
            """);
        var due = new List<SweepRun>();
        for (int round = 0; round <= rounds; round++)
        {
            var run = await MeasureAsync(harness, counter, serverCpu);
            long recorded = await ScalarAsync(connection, $"SELECT count(*) FROM review_milestones WHERE recorded_at = {sweepAt.ToUnixTimeMilliseconds()}");
            long outbox = await ScalarAsync(connection, "SELECT count(*) FROM outbox_messages");
            if (run.Milestones != dueOnDay || recorded != dueOnDay || outbox != dueOnDay)
                throw new InvalidOperationException($"The day's sweep recorded {run.Milestones} milestones ({recorded} rows, {outbox} outbox rows); expected {dueOnDay}.");
            if (round > 0)
                due.Add(run);
            log.WriteLine($"  {(round == 0 ? "warm-up" : $"round {round}")}: due sweep {run.WallMs:0} ms wall, {run.CpuMs:0} ms CPU, {run.RoundTrips} round trips, {run.Statements} statements, {run.Milestones} milestones");
            await ExecuteAsync(connection, $"""
                UPDATE review_obligations o SET wake_up_at = s.wake_up_at, version = s.version FROM bench_cursor_snapshot s WHERE o.obligation_id = s.obligation_id;
                DELETE FROM review_milestones WHERE recorded_at = {sweepAt.ToUnixTimeMilliseconds()};
                DELETE FROM outbox_messages;
                DELETE FROM outbox_subject_positions;
                """);
            await ExecuteAsync(connection, "VACUUM ANALYZE review_obligations, review_milestones, outbox_messages, outbox_subject_positions");
        }

        return new SweepSize(total, load, historyRows, due, empty, explain, indexUsed, bytes);
    }

    /// <summary>The planner the service would build with default settings (for the instants the loader needs before the harness).</summary>
    private static Mappa.Scheduling.Features.Milestones.MilestonePlanner PlannerFor() =>
        new(new Mappa.Core.WorkingDays.WorkingDayCalendarOptions().ToCalendar(), Mappa.Scheduling.Features.Milestones.MilestoneTiming.UkMorning, true);

    private static async Task<SweepRun> MeasureAsync(SweepHarness harness, StatementCounter counter, ServerCpu serverCpu)
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

    private static async Task<string> ExplainAsync(NpgsqlConnection connection, long nowStored, int batchSize)
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

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// CPU used by the PostgreSQL backends serving the benchmark's database (read from /proc, so only for a server on
    /// this machine that this user may inspect; otherwise not reported). The pool keeps its connections between sweeps.
    /// </summary>
    private sealed class ServerCpu(string connectionString, string database)
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
