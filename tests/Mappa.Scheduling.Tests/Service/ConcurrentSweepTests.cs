using Mappa.Events;
using Mappa.Scheduling.Features.Calendar;
using Mappa.Scheduling.Features.Clock;
using Mappa.Scheduling.Features.Milestones;
using Mappa.Scheduling.Persistence;
using Mappa.Suite;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using static Mappa.Scheduling.Tests.Service.SchedulingDriver;

namespace Mappa.Scheduling.Tests.Service;

/// <summary>Two scheduling instances on one PostgreSQL database sweeping the same due obligations at the same time.</summary>
public sealed class ConcurrentSweepTests(SimulatedSchedulingOnPostgres suite) : IClassFixture<SimulatedSchedulingOnPostgres>
{
    private const int Obligations = 200;

    [Fact]
    public async Task Two_instances_sweeping_one_database_record_every_milestone_exactly_once()
    {
        var connectionString = suite.Services.GetRequiredService<IConfiguration>()["Mappa:Services:scheduling:Database:ConnectionString"]!;
        var dataDirectory = Path.Combine(Path.GetTempPath(), "mappa-scheduling-second-" + Guid.NewGuid().ToString("N"));
        var settings = new Dictionary<string, string?>
        {
            ["Mappa:Grpc:Port"] = "0",
            ["Mappa:Http:Port"] = "0",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Mappa:Services:scheduling:Database:Provider"] = "Postgres",
            ["Mappa:Services:scheduling:Database:ConnectionString"] = connectionString,
            ["Mappa:Scheduling:SweepBatchSize"] = SimulatedSchedulingOnPostgres.BatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in SimulatedSchedulingSuite.SimulatedClockSettings(SimulatedSchedulingSuite.Start))
            settings[key] = value;
        await using var second = SuiteHost.Build(settings.Select(s => $"--{s.Key}={s.Value}").ToArray(), dataDirectory);
        await second.StartAsync();

        var prefix = "load-" + Guid.NewGuid().ToString("N")[..8] + ":";
        await using (var scope = suite.Services.CreateAsyncScope())
        {
            var book = scope.ServiceProvider.GetRequiredService<ObligationBook>();
            for (int i = 0; i < Obligations; i++)
            {
                await book.SetDueDateAsync(new ObligationOrigin(prefix + i, "subject-" + i, Area, ReviewKind.Assessment, "test/" + i),
                    new DateOnly(2025, 9, 10), CancellationToken.None);
            }
            await scope.ServiceProvider.GetRequiredService<SchedulingDbContext>().SaveChangesAsync();
        }

        // Both clocks jump to Friday 12 September; both instances sweep at once (their background sweeps run too).
        var target = Morning(2025, 9, 12).AddHours(2);
        suite.Services.GetRequiredService<SchedulingClock>().Simulated!.SetUtcNow(target);
        second.Services.GetRequiredService<SchedulingClock>().Simulated!.SetUtcNow(target);
        var first = suite.Services.GetRequiredService<MilestonePublisher>();
        var other = second.Services.GetRequiredService<MilestonePublisher>();
        await Task.WhenAll(
            Task.Run(() => first.SweepAsync(CancellationToken.None)),
            Task.Run(() => other.SweepAsync(CancellationToken.None)),
            Task.Run(() => first.SweepAsync(CancellationToken.None)),
            Task.Run(() => other.SweepAsync(CancellationToken.None)));
        await first.SweepAsync(CancellationToken.None);

        await using var check = suite.Services.CreateAsyncScope();
        var db = check.ServiceProvider.GetRequiredService<SchedulingDbContext>();
        var milestones = await db.Milestones.AsNoTracking().Where(m => m.ObligationId.StartsWith(prefix)).ToListAsync();
        Assert.Equal(Obligations * 3, milestones.Count);   // due soon (announced at recording), due, overdue
        Assert.All(milestones.GroupBy(m => m.ObligationId), g =>
            Assert.Equal(["due-soon", "due", "overdue"], g.OrderBy(m => m.Position).Select(m => m.Slug()).ToArray()));
        var positions = milestones.Select(m => m.Position).ToList();
        Assert.Equal(positions.Count, positions.Distinct().Count());

        var eventIds = milestones.Select(m => Guid.Parse(m.EventId)).ToHashSet();
        var outbox = await db.OutboxMessages.AsNoTracking().Where(o => eventIds.Contains(o.EventId)).CountAsync();
        Assert.Equal(milestones.Count, outbox);
        Assert.Equal(0, await db.Obligations.CountAsync(o => o.ObligationId.StartsWith(prefix) && o.WakeUpAt <= Instants.ToStored(target)));

        await second.StopAsync();
    }
}
