using Mappa.Scheduling.Features.Milestones;
using Mappa.Scheduling.Persistence;
using Mappa.Suite;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Mappa.Scheduling.Tests.Service.SchedulingDriver;

namespace Mappa.Scheduling.Tests.Service;

/// <summary>
/// The suite stopped and started again on the same SQLite files, with the simulated clock set where the restart
/// happens: milestones are recorded once however the sweeps fall around a restart, and downtime is caught up.
/// </summary>
public sealed class RestartTests : IAsyncLifetime
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "mappa-scheduling-restart-" + Guid.NewGuid().ToString("N"));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may hold a file for a moment; the temp folder is cleaned eventually.
        }
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_restart_at_the_due_moment_records_the_due_milestone_once()
    {
        string obligationId;
        await using (var first = await StartAsync(SimulatedSchedulingSuite.Start))
        {
            var (_, assessmentId) = await first.Services.AssessmentWithReviewDateAsync(new DateOnly(2025, 9, 10));
            obligationId = "assessment-review:" + assessmentId;
            first.Services.GetRequiredService<Features.Clock.SchedulingClock>().Simulated!.SetUtcNow(Morning(2025, 9, 10));
            await first.Services.GetRequiredService<MilestonePublisher>().SweepAsync(CancellationToken.None);
            await first.StopAsync();
        }

        await using var second = await StartAsync(Morning(2025, 9, 10));
        var publisher = second.Services.GetRequiredService<MilestonePublisher>();
        await publisher.SweepAsync(CancellationToken.None);

        // The last line of defence: even a cursor put back (as if the commit that moved it had been lost) re-records nothing.
        await using (var scope = second.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SchedulingDbContext>();
            var obligation = await db.Obligations.SingleAsync(o => o.ObligationId == obligationId);
            obligation.WakeUpAt = obligation.RecordedAt;
            obligation.Version++;
            await db.SaveChangesAsync();
        }
        await publisher.SweepAsync(CancellationToken.None);

        var milestones = await second.Services.MilestonesOfAsync(obligationId);
        Assert.Equal(["due-soon", "due"], milestones.Select(m => m.Slug()).ToArray());
        var events = await second.Services.OutboxEventsOfAsync(obligationId);
        Assert.Equal(["mappa.scheduling.review.due-soon", "mappa.scheduling.review.due"], events.Select(e => e.EventType).ToArray());
    }

    [Fact]
    public async Task After_downtime_the_first_sweep_catches_up_on_every_milestone_missed_once_each()
    {
        string obligationId;
        await using (var first = await StartAsync(SimulatedSchedulingSuite.Start))
        {
            var (_, assessmentId) = await first.Services.AssessmentWithReviewDateAsync(new DateOnly(2025, 9, 10));
            obligationId = "assessment-review:" + assessmentId;
            await first.StopAsync();
        }

        // Down from 1 September until Friday 3 October, 09:00.
        await using var second = await StartAsync(Morning(2025, 10, 3).AddHours(2));
        await second.Services.GetRequiredService<MilestonePublisher>().SweepAsync(CancellationToken.None);

        var milestones = await second.Services.MilestonesOfAsync(obligationId);
        Assert.Equal(["due-soon", "due", "overdue", "reminder", "reminder", "reminder"], milestones.Select(m => m.Slug()).ToArray());
        // Recorded late, but each dated when it fell due, so subscribers can tell how late they are.
        Assert.Equal(Morning(2025, 9, 10), DateTimeOffset.FromUnixTimeMilliseconds(milestones[1].FallsDueAt));
        Assert.Equal(Morning(2025, 10, 2), DateTimeOffset.FromUnixTimeMilliseconds(milestones[^1].FallsDueAt));
        Assert.Equal(6, (await second.Services.OutboxEventsOfAsync(obligationId)).Select(e => e.EventId).Distinct().Count());
    }

    private async Task<WebApplication> StartAsync(DateTimeOffset clockStart)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Mappa:Grpc:Port"] = "0",
            ["Mappa:Http:Port"] = "0",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in SimulatedSchedulingSuite.SimulatedClockSettings(clockStart))
            settings[key] = value;
        var app = SuiteHost.Build(settings.Select(s => $"--{s.Key}={s.Value}").ToArray(), _dataDirectory);
        await app.StartAsync();
        return app;
    }
}
