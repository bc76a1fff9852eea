using MassTransit;
using Mappa.Events.Scheduling;
using Mappa.Messaging.Bus;
using Mappa.Messaging.Configuration;
using Mappa.Messaging.Persistence;
using Mappa.Messaging.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Mappa.Messaging.Tests.Outbox;

/// <summary>
/// The relay's backlog path (a batch marked sent and the next read in one command) and the pooled contexts the
/// outbox writes through.
/// </summary>
public class OutboxBacklogTests(ITestOutputHelper output)
{
    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.Postgres];

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_backlog_of_many_batches_arrives_exactly_once_in_subject_order_and_each_row_is_marked_sent_once(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var vhost = await RabbitVirtualHost.CreateAsync();
        // A batch of 7 and 61 rows committed at once: nine passes, each but the last reading the next batch as it
        // marks its own, with a subject's rows split across batches and several rows of a subject in one batch.
        await using var host = await TestHost.StartAsync(
            [TestHost.FastRelay(), new() { ["Mappa:Outbox:BatchSize"] = "7" }, database.Configuration, vhost.BusConfiguration()],
            (services, configuration) =>
            {
                services.AddSingleton<DeliveryLog>();
                services.AddMappaDatabase<SchedulingTestContext>(configuration, SchedulingTestContext.Migrations);
                services.AddMappaMessaging(configuration, bus => bus.AddRecordingConsumer());
            }, output);

        var subjects = new[] { "subject-a", "subject-b", "subject-c" };
        var recorded = new List<ReviewDue>();
        for (var i = 0; i < 61; i++)
        {
            // Uneven runs per subject (a, a, b, c, a, a, b, c, ...), so batches hold chains of different lengths.
            var subject = subjects[(i % 4) switch { 0 or 1 => 0, 2 => 1, _ => 2 }];
            recorded.Add(TestEvents.ReviewDue(subject, $"obl-{i}"));
        }
        await OutboxRelayTests.InScopeAsync(host, async db =>
        {
            foreach (var e in recorded)
            {
                db.Obligations.Add(new Obligation { ObligationId = e.ObligationId, SubjectId = e.Subject.SubjectId, DueDate = e.DueDate });
                db.RecordEvent(e);
            }
            await db.SaveChangesAsync();
        });
        var sentinel = OutboxRelayTests.Sentinel("subject-a");
        await OutboxRelayTests.InScopeAsync(host, async db =>
        {
            db.RecordEvent(sentinel);
            await db.SaveChangesAsync();
        });

        var log = host.Services.GetRequiredService<DeliveryLog>();
        await Eventually.TrueAsync(() => log.Sentinels.Contains(sentinel.EventId), "the sentinel after the backlog");

        Assert.Equal(recorded.Count, log.Deliveries.Count);
        Assert.Equal(recorded.Select(e => e.EventId).Order(), log.Deliveries.Select(d => d.EventId).Order());
        Assert.All(log.Deliveries, d => Assert.Equal(d.EventId, d.MessageId));
        foreach (var subject in subjects)
        {
            var expected = recorded.Where(e => e.Subject.SubjectId == subject).Select(e => e.EventId).ToArray();
            Assert.Equal(expected, log.Deliveries.Where(d => d.SubjectId == subject).Select(d => d.EventId));
            Assert.Equal(Enumerable.Range(1, expected.Length).Select(p => (long?)p),
                log.Deliveries.Where(d => d.SubjectId == subject).Select(d => d.SubjectPosition));
        }

        await using var check = database.NewContext();
        await Eventually.TrueAsync(async () => await check.OutboxMessages.AsNoTracking().AllAsync(m => m.SentAt != null), "every row marked sent");
        var rows = await check.OutboxMessages.AsNoTracking().ToListAsync();
        Assert.Equal(recorded.Count + 1, rows.Count);
        // One attempt each: no row was published (and marked) twice by a pass that read ahead.
        Assert.All(rows, r => Assert.Equal(1, r.Attempts));
        Assert.All(rows, r => Assert.Null(r.LastError));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_commit_after_a_backlog_that_ended_on_a_full_batch_is_relayed_at_once_not_at_the_next_poll(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        // Two full batches: the second pass's read-ahead finds the table empty. The poll is an hour away, so only the
        // commit's own wake-up can bring the later event within the test's limit: the relay must read afresh after
        // waking, not reuse the empty read-ahead from before the wait (which once cost every such commit a poll).
        await using var host = await TestHost.StartAsync(
            [TestHost.FastRelay(), new() { ["Mappa:Outbox:BatchSize"] = "5", ["Mappa:Outbox:PollInterval"] = "01:00:00" },
                database.Configuration, TestHost.InMemoryBus()],
            (services, configuration) =>
            {
                services.AddSingleton<DeliveryLog>();
                services.AddMappaDatabase<SchedulingTestContext>(configuration, SchedulingTestContext.Migrations);
                services.AddMappaMessaging(configuration, bus => bus.AddRecordingConsumer());
            }, output);
        var log = host.Services.GetRequiredService<DeliveryLog>();

        await OutboxRelayTests.InScopeAsync(host, async db =>
        {
            for (var i = 0; i < 10; i++)
            {
                var e = TestEvents.ReviewDue($"subject-{i}", $"obl-{i}");
                db.Obligations.Add(new Obligation { ObligationId = e.ObligationId, SubjectId = e.Subject.SubjectId, DueDate = e.DueDate });
                db.RecordEvent(e);
            }
            await db.SaveChangesAsync();
        });
        await Eventually.TrueAsync(() => log.Deliveries.Count == 10, "the two full batches");

        var later = OutboxRelayTests.Sentinel("subject-later");
        await OutboxRelayTests.InScopeAsync(host, async db =>
        {
            db.RecordEvent(later);
            await db.SaveChangesAsync();
        });
        await Eventually.TrueAsync(() => log.Sentinels.Contains(later.EventId), "the event committed after the backlog");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Events_recorded_but_never_saved_do_not_leak_into_a_later_unit_of_work(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var host = await TestHost.StartSchedulingAsync(database.Configuration, TestHost.InMemoryBus(), output: output);

        // Contexts are pooled: every context the pool holds now had an event recorded and not saved when it went back.
        var abandoned = new List<Guid>();
        var seen = new HashSet<SchedulingTestContext>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < 20; i++)
        {
            await OutboxRelayTests.InScopeAsync(host, db =>
            {
                Assert.Empty(db.RecordedEvents);
                seen.Add(db);
                var evt = TestEvents.ReviewDue("subject-1", $"obl-abandoned-{i}");
                abandoned.Add(evt.EventId);
                db.Obligations.Add(new Obligation { ObligationId = evt.ObligationId, SubjectId = "subject-1", DueDate = evt.DueDate });
                db.RecordEvent(evt);
                return Task.CompletedTask;
            });
        }
        // The pool handed the same instances out again (otherwise this test would prove nothing).
        Assert.True(seen.Count < 20, $"expected pooled contexts to be reused, got {seen.Count} distinct contexts in 20 scopes");

        var saved = TestEvents.ReviewDue("subject-1", "obl-saved");
        await OutboxRelayTests.InScopeAsync(host, async db =>
        {
            Assert.Empty(db.RecordedEvents);
            Assert.Empty(db.ChangeTracker.Entries());
            db.Obligations.Add(new Obligation { ObligationId = "obl-saved", SubjectId = "subject-1", DueDate = saved.DueDate });
            db.RecordEvent(saved);
            await db.SaveChangesAsync();
        });

        await using var check = database.NewContext();
        Assert.Equal([saved.EventId], await check.OutboxMessages.Select(m => m.EventId).ToListAsync());
        Assert.Equal(["obl-saved"], await check.Obligations.Select(o => o.ObligationId).ToListAsync());
        Assert.Equal(1L, (await check.OutboxMessages.SingleAsync()).SubjectPosition);
    }
}
