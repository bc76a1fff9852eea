using MassTransit;
using Mappa.Events.Scheduling;
using Mappa.Messaging.Configuration;
using Mappa.Messaging.Outbox;
using Mappa.Messaging.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Mappa.Messaging.Tests.Outbox;

public class OutboxRelayTests(ITestOutputHelper output)
{
    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.Postgres];

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_rolled_back_change_publishes_nothing_and_a_committed_one_publishes_exactly_once(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var vhost = await RabbitVirtualHost.CreateAsync();
        await using var host = await TestHost.StartSchedulingAsync(database.Configuration, vhost.BusConfiguration(),
            bus => bus.AddRecordingConsumer(), output: output);

        var rolledBack = TestEvents.ReviewDue("subject-1", "obl-rolled-back");
        var failedSave = TestEvents.ReviewDue("subject-1", "obl-failed-save");
        var committed = TestEvents.ReviewDue("subject-1", "obl-committed");
        var sentinel = Sentinel("subject-1");

        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SchedulingTestContext>();
            await using (var transaction = await db.Database.BeginTransactionAsync())
            {
                db.Obligations.Add(new Obligation { ObligationId = "obl-rolled-back", SubjectId = "subject-1", DueDate = new DateOnly(2026, 12, 1) });
                db.RecordEvent(rolledBack);
                await db.SaveChangesAsync();
                await transaction.RollbackAsync();
            }
        }

        await InScopeAsync(host, async db =>
        {
            db.Obligations.Add(new Obligation { ObligationId = "obl-committed", SubjectId = "subject-1", DueDate = new DateOnly(2026, 12, 1) });
            db.RecordEvent(committed);
            await db.SaveChangesAsync();
        });

        await InScopeAsync(host, async db =>
        {
            // The same key again: the data change fails, so its event must not leave either.
            db.Obligations.Add(new Obligation { ObligationId = "obl-committed", SubjectId = "subject-1", DueDate = new DateOnly(2026, 12, 2) });
            db.RecordEvent(failedSave);
            await Assert.ThrowsAnyAsync<DbUpdateException>(() => db.SaveChangesAsync());
        });

        await InScopeAsync(host, async db =>
        {
            db.RecordEvent(sentinel);
            await db.SaveChangesAsync();
        });

        // The sentinel follows the others of its subject, so once it is here everything before it was consumed.
        var log = host.Services.GetRequiredService<DeliveryLog>();
        await Eventually.TrueAsync(() => log.Sentinels.Contains(sentinel.EventId), "the sentinel event");
        var delivery = Assert.Single(log.Deliveries);
        Assert.Equal(committed.EventId, delivery.EventId);
        Assert.Equal(committed.EventId, delivery.MessageId);

        await using var check = database.NewContext();
        var rows = await check.OutboxMessages.OrderBy(m => m.Sequence).ToListAsync();
        Assert.Equal([committed.EventId, sentinel.EventId], rows.Select(r => r.EventId));
        Assert.All(rows, r => Assert.NotNull(r.SentAt));
        Assert.All(rows, r => Assert.Equal(1, r.Attempts));
        Assert.Equal([1L, 2L], rows.Select(r => r.SubjectPosition));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task While_the_broker_is_unreachable_writes_succeed_and_every_event_arrives_in_subject_order_once_it_returns(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var vhost = await RabbitVirtualHost.CreateAsync();
        await using var proxy = new TcpProxy(vhost.Host, vhost.Port);
        await using var consumerHost = await TestHost.StartAsync([TestHost.FastRelay(), vhost.BusConfiguration()], (services, configuration) =>
        {
            services.AddSingleton<DeliveryLog>();
            Bus.MessagingServiceCollectionExtensions.AddMappaMessaging(services, configuration, bus => bus.AddRecordingConsumer());
        }, output);
        await using var producer = await TestHost.StartSchedulingAsync(database.Configuration, vhost.BusConfiguration(proxy.Port), output: output);

        proxy.Pause();
        var subjects = new[] { "subject-a", "subject-b", "subject-c" };
        var recorded = new List<ReviewDue>();
        for (var i = 0; i < 10; i++)
        {
            foreach (var subject in subjects)
            {
                var evt = TestEvents.ReviewDue(subject, $"obl-{subject}-{i}");
                recorded.Add(evt);
                await InScopeAsync(producer, async db =>
                {
                    db.Obligations.Add(new Obligation { ObligationId = evt.ObligationId, SubjectId = subject, DueDate = evt.DueDate });
                    db.RecordEvent(evt);
                    await db.SaveChangesAsync();
                });
            }
        }

        // The relay has tried and failed while the broker was away, and kept every row.
        await using (var check = database.NewContext())
        {
            await Eventually.TrueAsync(async () => await check.OutboxMessages.AnyAsync(m => m.LastError != null && m.Attempts >= 2),
                "a failed publish attempt to be recorded");
            Assert.Equal(30, await check.OutboxMessages.CountAsync(m => m.SentAt == null));
            Assert.Equal(30, await check.Obligations.CountAsync());
        }

        proxy.Resume();
        var log = consumerHost.Services.GetRequiredService<DeliveryLog>();
        await Eventually.TrueAsync(() => log.Deliveries.Count >= 30, "all 30 events after the broker returned");

        Assert.Equal(recorded.Select(e => e.EventId).Order(), log.Deliveries.Select(d => d.EventId).Order());
        foreach (var subject in subjects)
        {
            var expected = recorded.Where(e => e.Subject.SubjectId == subject).Select(e => e.EventId);
            Assert.Equal(expected, log.Deliveries.Where(d => d.SubjectId == subject).Select(d => d.EventId));
            Assert.Equal(Enumerable.Range(1, 10).Select(p => (long?)p), log.Deliveries.Where(d => d.SubjectId == subject).Select(d => d.SubjectPosition));
        }
        await using (var check = database.NewContext())
            await Eventually.TrueAsync(() => check.OutboxMessages.AllAsync(m => m.SentAt != null), "every row marked sent");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_relay_killed_between_publish_and_mark_sent_republishes_and_the_consumer_inbox_absorbs_the_copy(DatabaseProvider provider)
    {
        await using var producerDb = await TestDatabase.CreateAsync(provider);
        await using var consumerDb = await TestDatabase.CreateAsync(provider);
        await using var vhost = await RabbitVirtualHost.CreateAsync();

        await using var consumerHost = await TestHost.StartSchedulingAsync(consumerDb.Configuration, vhost.BusConfiguration(), bus =>
        {
            bus.AddRecordingConsumer();
            bus.AddConsumer<CountingInboxConsumer>().Endpoint(e => e.Name = "counting-inbox");
        }, services => services.AddSingleton<InboxLog>(), output);

        var published = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var hooks = new OutboxRelayHooks<SchedulingTestContext>
        {
            AfterPublishBeforeMarkSent = async (_, cancellationToken) =>
            {
                // The process "dies" here: the broker has the message, the row is not yet marked sent.
                published.TrySetResult();
                await Task.Delay(Timeout.Infinite, cancellationToken);
            },
        };
        await using var crashing = await TestHost.StartSchedulingAsync(producerDb.Configuration, vhost.BusConfiguration(),
            extra: services => services.AddSingleton(hooks), output: output);

        var evt = TestEvents.ReviewDue("subject-k", "obl-k");
        await InScopeAsync(crashing, async db =>
        {
            db.RecordEvent(evt);
            await db.SaveChangesAsync();
        });
        await published.Task.WaitAsync(Eventually.Limit);
        await crashing.StopAsync();

        await using (var check = producerDb.NewContext())
            Assert.Null((await check.OutboxMessages.SingleAsync()).SentAt);

        await using var restarted = await TestHost.StartSchedulingAsync(producerDb.Configuration, vhost.BusConfiguration(), output: output);
        var deliveries = consumerHost.Services.GetRequiredService<DeliveryLog>();
        var inbox = consumerHost.Services.GetRequiredService<InboxLog>();
        await Eventually.TrueAsync(() => deliveries.Deliveries.Count(d => d.EventId == evt.EventId) == 2, "the original and the republished copy");
        await Eventually.TrueAsync(() => inbox.Duplicates.Count == 1, "the copy to be skipped by the inbox");

        Assert.All(deliveries.Deliveries, d => Assert.Equal(evt.EventId, d.MessageId));
        Assert.Equal(evt.EventId, inbox.Duplicates[0].MessageId);
        Assert.Equal(1, inbox.HandlerCalls);
        await using var consumerCheck = consumerDb.NewContext();
        Assert.Equal(1, await consumerCheck.HandledEvents.CountAsync(h => h.EventId == evt.EventId));
        Assert.Equal(1, await consumerCheck.InboxMessages.CountAsync(m => m.MessageId == evt.EventId));
        await using var producerCheck = producerDb.NewContext();
        await Eventually.TrueAsync(async () => (await producerCheck.OutboxMessages.AsNoTracking().SingleAsync()).SentAt is not null, "the row marked sent after the restart");
    }

    [Fact]
    public async Task Two_relays_on_one_postgres_database_never_publish_a_row_twice_and_the_standby_takes_over()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        await using var vhost = await RabbitVirtualHost.CreateAsync();
        await using var consumerHost = await TestHost.StartAsync([TestHost.FastRelay(), vhost.BusConfiguration()], (services, configuration) =>
        {
            services.AddSingleton<DeliveryLog>();
            Bus.MessagingServiceCollectionExtensions.AddMappaMessaging(services, configuration, bus => bus.AddRecordingConsumer());
        }, output);
        // A confirm that outlasts the publish timeout is republished (at least once, by design); on a loaded machine
        // that would look like the double publish this test is about, so the timeout here is generous.
        var patientRelay = new Dictionary<string, string?>(database.Configuration) { ["Mappa:Outbox:PublishTimeout"] = "00:01:00" };
        await using var first = await TestHost.StartSchedulingAsync(patientRelay, vhost.BusConfiguration(), output: output);
        await using var second = await TestHost.StartSchedulingAsync(patientRelay, vhost.BusConfiguration(), output: output);
        var hosts = new[] { first, second };

        var recorded = new List<ReviewDue>();
        async Task WriteRoundAsync(int round, IReadOnlyList<RunningHost> writers)
        {
            // Both instances write concurrently, as two replicas behind a load balancer would.
            var writes = Enumerable.Range(0, 100).Select(async i =>
            {
                var evt = TestEvents.ReviewDue($"subject-{i % 10}", $"obl-{round}-{i}");
                lock (recorded) recorded.Add(evt);
                await InScopeAsync(writers[i % writers.Count], async db =>
                {
                    db.RecordEvent(evt);
                    await db.SaveChangesAsync();
                });
            });
            await Task.WhenAll(writes);
        }

        await WriteRoundAsync(0, hosts);
        await using (var check = database.NewContext())
            await Eventually.TrueAsync(() => check.OutboxMessages.AllAsync(m => m.SentAt != null), "the first round to be sent");
        Assert.Equal(1, hosts.Count(h => Relay(h).IsActive));

        // Kill the active instance: the standby takes the lease and publishes what is written next.
        var active = hosts.Single(h => Relay(h).IsActive);
        var standby = hosts.Single(h => h != active);
        await active.StopAsync();
        await WriteRoundAsync(1, [standby]);
        await using (var check = database.NewContext())
            await Eventually.TrueAsync(() => check.OutboxMessages.AllAsync(m => m.SentAt != null), "the second round to be sent by the standby");
        Assert.True(Relay(standby).IsActive);
        await standby.StopAsync();

        // Every publish was confirmed before its row was marked sent and both relays are gone: a sentinel sent now
        // queues behind anything they published.
        var sentinel = Sentinel("sentinel");
        await consumerHost.Services.GetRequiredService<IBus>().Publish(sentinel);
        var log = consumerHost.Services.GetRequiredService<DeliveryLog>();
        await Eventually.TrueAsync(() => log.Sentinels.Contains(sentinel.EventId), "the sentinel");

        Assert.Equal(200, log.Deliveries.Count);
        Assert.Equal(recorded.Select(e => e.EventId).Order(), log.Deliveries.Select(d => d.EventId).Order());
        foreach (var subject in log.Deliveries.GroupBy(d => d.SubjectId))
            Assert.Equal(Enumerable.Range(1, 20).Select(p => (long?)p), subject.Select(d => d.SubjectPosition));
    }

    private static OutboxRelay<SchedulingTestContext> Relay(RunningHost host) =>
        host.Services.GetRequiredService<OutboxRelay<SchedulingTestContext>>();

    internal static ReviewCompleted Sentinel(string subjectId) => new()
    {
        OccurredAt = DateTimeOffset.UtcNow,
        Subject = Mappa.Events.SubjectReference.Of(subjectId),
        Detail = new Mappa.Events.DetailLink("/mappa.scheduling.v1.ReviewCalendarService/ListReviewObligations", "subject_id", subjectId),
        ObligationId = "sentinel",
        Kind = Mappa.Events.ReviewKind.Assessment,
        DueDate = new DateOnly(2026, 12, 1),
        CompletedOn = new DateOnly(2026, 12, 1),
    };

    internal static async Task InScopeAsync(RunningHost host, Func<SchedulingTestContext, Task> work)
    {
        await using var scope = host.Services.CreateAsyncScope();
        await work(scope.ServiceProvider.GetRequiredService<SchedulingTestContext>());
    }
}
