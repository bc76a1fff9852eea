using MassTransit;
using Mappa.Events.RiskAssessment;
using Mappa.Messaging.Bus;
using Mappa.Messaging.Configuration;
using Mappa.Messaging.Inbox;
using Mappa.Messaging.Persistence;
using Mappa.Messaging.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mappa.Messaging.Tests.Embedded;

/// <summary>
/// The embedded default: several services in one process, each with its own SQLite file and relay, one in-memory bus
/// carrying consumers from all of them.
/// </summary>
public class EmbeddedSuiteTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Services_in_one_process_each_relay_their_own_outbox_through_one_in_memory_bus()
    {
        using var riskFile = new SqliteDatabase("risk.db");
        using var schedulingFile = new SqliteDatabase("scheduling.db");
        await using var host = await TestHost.StartAsync([TestHost.FastRelay(), TestHost.InMemoryBus()], (services, configuration) =>
        {
            services.AddSingleton<DeliveryLog>();
            // Each "module" registers its own context and consumers; the host adds the bus once, last.
            services.AddMappaDatabase<RiskTestContext>(configuration, RiskTestContext.Migrations,
                o => (o.Provider, o.ConnectionString) = (DatabaseProvider.Sqlite, riskFile.ConnectionString));
            services.AddMappaDatabase<SchedulingTestContext>(configuration, SchedulingTestContext.Migrations,
                o => (o.Provider, o.ConnectionString) = (DatabaseProvider.Sqlite, schedulingFile.ConnectionString));
            services.AddMappaConsumers(bus => bus.AddConsumer<ScheduleReviewWhenAssessmentRecorded>());
            services.AddMappaConsumers(bus => bus.AddRecordingConsumer());
            services.AddMappaMessaging(configuration);
        }, output);

        // RiskAssessment records an assessment; Scheduling reacts in its own database and publishes ReviewDue.
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var risk = scope.ServiceProvider.GetRequiredService<RiskTestContext>();
            risk.Assessments.Add(new AssessmentRow { AssessmentId = "asm-1", SubjectId = "subject-e" });
            risk.RecordEvent(TestEvents.AssessmentRecorded("subject-e", "asm-1"));
            await risk.SaveChangesAsync();
        }

        var log = host.Services.GetRequiredService<DeliveryLog>();
        await Eventually.TrueAsync(() => log.Deliveries.Count == 1, "ReviewDue from the scheduling context's relay");
        Assert.Equal("subject-e", log.Deliveries[0].SubjectId);

        await using var check = host.Services.CreateAsyncScope();
        var scheduling = check.ServiceProvider.GetRequiredService<SchedulingTestContext>();
        var obligation = await scheduling.Obligations.SingleAsync();
        Assert.Equal("review-of-asm-1", obligation.ObligationId);
        Assert.Equal(1, await scheduling.InboxMessages.CountAsync());
        Assert.Equal(1, await scheduling.OutboxMessages.CountAsync(m => m.SentAt != null));
        var risk2 = check.ServiceProvider.GetRequiredService<RiskTestContext>();
        Assert.Equal(1, await risk2.OutboxMessages.CountAsync(m => m.SentAt != null));
        Assert.Equal(0, await risk2.InboxMessages.CountAsync());
    }

    [Fact]
    public void Consumers_must_be_added_before_the_bus()
    {
        var services = new ServiceCollection();
        services.AddMappaMessaging(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());
        Assert.Throws<InvalidOperationException>(() => services.AddMappaConsumers(bus => bus.AddRecordingConsumer()));
    }
}

/// <summary>A Scheduling-style consumer: an assessment creates a review obligation and announces it, atomically.</summary>
public sealed class ScheduleReviewWhenAssessmentRecorded(SchedulingTestContext db, ILogger<ScheduleReviewWhenAssessmentRecorded> logger)
    : IdempotentConsumer<AssessmentRecorded, SchedulingTestContext>(db, logger)
{
    protected override Task HandleAsync(ConsumeContext<AssessmentRecorded> context)
    {
        var assessment = context.Message;
        var obligationId = "review-of-" + assessment.AssessmentId;
        var due = DateOnly.FromDateTime(assessment.OccurredAt.UtcDateTime).AddMonths(3);
        Db.Obligations.Add(new Obligation { ObligationId = obligationId, SubjectId = assessment.Subject.SubjectId, DueDate = due });
        Db.RecordEvent(TestEvents.ReviewDue(assessment.Subject.SubjectId, obligationId, due));
        return Task.CompletedTask;
    }
}
