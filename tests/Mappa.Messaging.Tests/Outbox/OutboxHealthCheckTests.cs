using Mappa.Messaging.Configuration;
using Mappa.Messaging.Migrations;
using Mappa.Messaging.Outbox;
using Mappa.Messaging.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Mappa.Messaging.Tests.Outbox;

public class OutboxHealthCheckTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task An_event_waiting_longer_than_the_threshold_degrades_the_outbox_check(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using (var db = database.NewContext())
        {
            await SchemaMigrator.ApplyAsync(db, [MessagingSchema.Migrations, SchedulingTestContext.Migrations]);
            db.RecordEvent(TestEvents.ReviewDue("subject-h", "obl-h"));
            db.RecordEvent(TestEvents.ReviewDue("subject-h", "obl-h2"));
            await db.SaveChangesAsync();
        }

        var services = new ServiceCollection();
        services.AddScoped(_ => database.NewContext());
        await using var serviceProvider = services.BuildServiceProvider();
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var check = new OutboxHealthCheck<SchedulingTestContext>(serviceProvider.GetRequiredService<IServiceScopeFactory>(), clock, TimeSpan.FromMinutes(5));

        var fresh = await check.CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Healthy, fresh.Status);
        Assert.Equal(2, fresh.Data["pending"]);

        clock.Advance(TimeSpan.FromMinutes(6));
        var stale = await check.CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Degraded, stale.Status);
        Assert.Contains("2 events", stale.Description);
    }

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        private DateTimeOffset _now = now;
        public override DateTimeOffset GetUtcNow() => _now;
        public void Advance(TimeSpan by) => _now += by;
    }
}
