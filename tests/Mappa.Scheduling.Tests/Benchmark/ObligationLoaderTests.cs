using Mappa.Scheduling.Features.Milestones;
using Mappa.SchedulingBench;
using Mappa.Testing;
using Npgsql;

namespace Mappa.Scheduling.Tests.Benchmark;

/// <summary>
/// The benchmark's data loader (bench/Mappa.SchedulingBench) against real PostgreSQL and the service's own sweep, at a
/// small size: it must produce what the benchmark claims (exactly the designated obligations due on the day, the same
/// ones at any total, nothing left unswept before it), or the benchmark's figures mean nothing.
/// </summary>
public sealed class ObligationLoaderTests
{
    private static readonly LoadPlan Small = new(Total: 1_500, DueOnDay: 150, LoadPlan.DefaultDay);

    [Fact]
    public async Task Loaded_calendar_has_exactly_the_designated_obligations_due_on_the_day_and_the_real_sweep_records_one_milestone_each()
    {
        var connectionString = await RealServers.CreatePostgresDatabaseAsync("sched_loader");
        var lastSwept = MilestoneTiming.UkMorning.InstantOf(Small.Day.AddDays(-1)).AddMinutes(1);
        await using var harness = await SweepHarness.CreateAsync(connectionString, lastSwept);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();

        var report = await new ObligationLoader(harness.Planner).LoadAsync(connection, Small);

        Assert.Equal(Small.Total, report.Obligations);
        Assert.Equal(Small.DueOnDay, report.DueOnDay);
        Assert.Equal(Small.DueOnDay, report.DueByKind.Values.Sum());
        Assert.All(new[] { MilestoneKind.DueSoon, MilestoneKind.Due, MilestoneKind.Overdue, MilestoneKind.Reminder },
            kind => Assert.True(report.DueByKind[kind] > 0, $"no {kind} among the due obligations"));
        Assert.Equal(Small.Total, await CountAsync(connection, "SELECT count(*) FROM review_obligations"));
        Assert.Equal(report.Revisions, await CountAsync(connection, "SELECT count(*) FROM review_obligation_revisions"));
        Assert.True(report.Revisions > Small.Total, "some obligations should have been re-planned");
        Assert.Equal(report.HistoryMilestones, await CountAsync(connection, "SELECT count(*) FROM review_milestones"));
        Assert.Equal(report.HistoryMilestones, await CountAsync(connection, "SELECT value FROM scheduling_counters WHERE name = 'milestones'"));
        Assert.True(await CountAsync(connection, "SELECT count(*) FROM review_obligations WHERE state <> 0") > 0, "some obligations should be closed");

        long dayAt = report.DayFallsDueAt.ToUnixTimeMilliseconds();
        Assert.Equal(0, await CountAsync(connection, $"SELECT count(*) FROM review_obligations WHERE wake_up_at <= {report.LastSweptAt.ToUnixTimeMilliseconds()}"));
        Assert.Equal(Small.DueOnDay, await CountAsync(connection, $"SELECT count(*) FROM review_obligations WHERE wake_up_at <= {dayAt}"));
        Assert.Equal(Small.DueOnDay, await CountAsync(connection, $"SELECT count(*) FROM review_obligations WHERE wake_up_at <= {dayAt} AND obligation_id LIKE 'obl-due-%'"));

        // The service's sweep just before the day records nothing; on the day, one milestone per designated obligation.
        harness.Clock.SetUtcNow(report.DayFallsDueAt.AddHours(-1));
        Assert.Equal(0, await harness.Publisher.SweepAsync(CancellationToken.None));
        harness.Clock.SetUtcNow(report.DayFallsDueAt.AddSeconds(30));
        Assert.Equal(Small.DueOnDay, await harness.Publisher.SweepAsync(CancellationToken.None));
        Assert.Equal(Small.DueOnDay, await CountAsync(connection,
            $"SELECT count(DISTINCT obligation_id) FROM review_milestones WHERE falls_due_at = {dayAt} AND obligation_id LIKE 'obl-due-%'"));
        Assert.Equal(Small.DueOnDay, await CountAsync(connection, "SELECT count(*) FROM outbox_messages"));
        Assert.Equal(0, await harness.Publisher.SweepAsync(CancellationToken.None));
    }

    [Fact]
    public async Task The_due_obligations_are_the_same_at_any_total()
    {
        var small = await DueSetAsync(Small with { Total = 300, DueOnDay = 60 });
        var large = await DueSetAsync(Small with { Total = 900, DueOnDay = 60 });

        Assert.Equal(60, small.Count);
        Assert.Equal(small, large);
    }

    private static async Task<List<string>> DueSetAsync(LoadPlan plan)
    {
        var connectionString = await RealServers.CreatePostgresDatabaseAsync("sched_loader");
        var lastSwept = MilestoneTiming.UkMorning.InstantOf(plan.Day.AddDays(-1)).AddMinutes(1);
        await using var harness = await SweepHarness.CreateAsync(connectionString, lastSwept);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var report = await new ObligationLoader(harness.Planner).LoadAsync(connection, plan);

        var due = new List<string>();
        await using var command = new NpgsqlCommand(
            $"SELECT obligation_id || '|' || area || '|' || due_day || '|' || wake_up_at FROM review_obligations WHERE wake_up_at <= {report.DayFallsDueAt.ToUnixTimeMilliseconds()} ORDER BY obligation_id",
            connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            due.Add(reader.GetString(0));
        return due;
    }

    private static async Task<long> CountAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
