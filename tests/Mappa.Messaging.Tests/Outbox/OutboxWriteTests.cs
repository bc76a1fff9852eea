using System.Data.Common;
using Mappa.Messaging.Configuration;
using Mappa.Messaging.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Mappa.Messaging.Tests.Outbox;

/// <summary>The write side of the outbox: what one save puts in the database, and what it leaves out when it fails.</summary>
public class OutboxWriteTests(ITestOutputHelper output)
{
    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.Postgres];

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Events_recorded_in_one_save_keep_their_recording_order_within_each_subject(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var host = await TestHost.StartSchedulingAsync(database.Configuration, TestHost.InMemoryBus(), output: output);

        var recorded = new[]
        {
            TestEvents.ReviewDue("subject-b", "obl-b1"), TestEvents.ReviewDue("subject-a", "obl-a1"),
            TestEvents.ReviewDue("subject-b", "obl-b2"), TestEvents.ReviewDue("subject-a", "obl-a2"),
            TestEvents.ReviewDue("subject-a", "obl-a3"),
        };
        await OutboxRelayTests.InScopeAsync(host, async db =>
        {
            foreach (var e in recorded)
            {
                db.Obligations.Add(new Obligation { ObligationId = e.ObligationId, SubjectId = e.Subject.SubjectId, DueDate = e.DueDate });
                db.RecordEvent(e);
            }
            await db.SaveChangesAsync();
        });
        var later = TestEvents.ReviewDue("subject-a", "obl-a4");
        await OutboxRelayTests.InScopeAsync(host, async db =>
        {
            db.Obligations.Add(new Obligation { ObligationId = "obl-a4", SubjectId = "subject-a", DueDate = later.DueDate });
            db.RecordEvent(later);
            await db.SaveChangesAsync();
        });

        await using var check = database.NewContext();
        var rows = await check.OutboxMessages.OrderBy(m => m.Sequence).ToListAsync();
        Assert.Equal(recorded.Append(later).Select(e => e.EventId), rows.Select(r => r.EventId));
        Assert.Equal([1L, 2L, 3L, 4L], rows.Where(r => r.SubjectKey == "subject-a").Select(r => r.SubjectPosition));
        Assert.Equal([1L, 2L], rows.Where(r => r.SubjectKey == "subject-b").Select(r => r.SubjectPosition));
        Assert.Equal(6, await check.Obligations.CountAsync());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_save_whose_outbox_insert_fails_keeps_none_of_its_data_and_claims_no_position(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var host = await TestHost.StartSchedulingAsync(database.Configuration, TestHost.InMemoryBus(), output: output);

        var first = TestEvents.ReviewDue("subject-1", "obl-1");
        await OutboxRelayTests.InScopeAsync(host, async db =>
        {
            db.Obligations.Add(new Obligation { ObligationId = "obl-1", SubjectId = "subject-1", DueDate = first.DueDate });
            db.RecordEvent(first);
            await db.SaveChangesAsync();
        });

        // No explicit transaction: the data insert succeeds on its own, and only the outbox insert (same event id)
        // fails, so the data must go with it.
        await OutboxRelayTests.InScopeAsync(host, async db =>
        {
            db.Obligations.Add(new Obligation { ObligationId = "obl-2", SubjectId = "subject-1", DueDate = first.DueDate });
            db.RecordEvent(first with { ObligationId = "obl-2" });
            var failure = await Record.ExceptionAsync(() => db.SaveChangesAsync());
            Assert.True(failure is DbUpdateException or DbException, $"expected a database error, got {failure}");
        });

        await using var check = database.NewContext();
        Assert.Equal(["obl-1"], await check.Obligations.Select(o => o.ObligationId).ToListAsync());
        Assert.Equal([first.EventId], await check.OutboxMessages.Select(m => m.EventId).ToListAsync());
        var connection = check.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT last_position FROM outbox_subject_positions WHERE subject_key = 'subject-1'";
        Assert.Equal(1L, Convert.ToInt64(await command.ExecuteScalarAsync()));
    }

    [Fact]
    public async Task On_postgres_a_save_sends_its_data_and_its_events_in_one_command_without_a_separate_commit()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        var commands = new SaveCommandLog();
        await using var host = await TestHost.StartSchedulingAsync(database.Configuration, TestHost.InMemoryBus(),
            extra: services => services.ConfigureDbContext<SchedulingTestContext>(b => b.AddInterceptors(commands)), output: output);
        commands.Clear(); // start-up migrations ran through the same context type

        await OutboxRelayTests.InScopeAsync(host, async db =>
        {
            db.Obligations.Add(new Obligation { ObligationId = "obl-1", SubjectId = "subject-1", DueDate = new DateOnly(2026, 12, 1) });
            db.RecordEvent(TestEvents.ReviewDue("subject-1", "obl-1"));
            await db.SaveChangesAsync();
        });

        var sent = Assert.Single(commands.Texts);
        Assert.Contains("INSERT INTO obligations", sent);
        Assert.Contains("INSERT INTO outbox_subject_positions", sent);
        Assert.Contains("INSERT INTO outbox_messages", sent);
        Assert.Equal(0, commands.Transactions);
        await using var check = database.NewContext();
        Assert.Equal(1, await check.OutboxMessages.CountAsync());
    }

    /// <summary>Sees each save command after the outbox interceptor (registered first) has added to it.</summary>
    private sealed class SaveCommandLog : DbCommandInterceptor, IDbTransactionInterceptor
    {
        public List<string> Texts { get; } = [];
        public int Transactions { get; private set; }

        public void Clear()
        {
            lock (Texts) Texts.Clear();
            Transactions = 0;
        }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (eventData.CommandSource == CommandSource.SaveChanges) lock (Texts) Texts.Add(command.CommandText);
            return ValueTask.FromResult(result);
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            if (eventData.CommandSource == CommandSource.SaveChanges) lock (Texts) Texts.Add(command.CommandText);
            return ValueTask.FromResult(result);
        }

        public ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection, TransactionStartingEventData eventData,
            InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
        {
            Transactions++;
            return ValueTask.FromResult(result);
        }
    }
}
