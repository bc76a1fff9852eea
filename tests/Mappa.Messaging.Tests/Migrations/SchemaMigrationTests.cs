using Mappa.Messaging.Configuration;
using Mappa.Messaging.Migrations;
using Mappa.Messaging.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Mappa.Messaging.Tests.Migrations;

public class SchemaMigrationTests
{
    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.Postgres];

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Migrations_create_the_schema_on_an_empty_database_and_do_nothing_on_restart(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);

        await using (var db = database.NewContext())
        {
            var applied = await SchemaMigrator.ApplyAsync(db, [MessagingSchema.Migrations, SchedulingTestContext.Migrations]);
            Assert.Equal(["mappa.messaging/0001_create_outbox_and_inbox", "mappa.messaging/0002_create_audit_log", "test.scheduling/0001_create_obligations",
                "test.scheduling/0002_create_handled_events"], applied);
        }

        await using (var db = database.NewContext())
        {
            var appliedAgain = await SchemaMigrator.ApplyAsync(db, [MessagingSchema.Migrations, SchedulingTestContext.Migrations]);
            Assert.Empty(appliedAgain);
            // The EF mapping and the hand-written tables agree: every mapped table can be queried.
            Assert.Equal(0, await db.OutboxMessages.CountAsync());
            Assert.Equal(0, await db.InboxMessages.CountAsync());
            Assert.Equal(0, await db.Obligations.CountAsync());
            Assert.Equal(0, await db.HandledEvents.CountAsync());
            var recorded = await db.Database.SqlQueryRaw<int>("SELECT version AS \"Value\" FROM schema_migrations ORDER BY scope, version").ToListAsync();
            Assert.Equal([1, 2, 1, 2], recorded);
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_new_migration_is_applied_on_the_next_start_without_repeating_the_old_ones(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var v1 = new SchemaMigrations("test.growing").Add(1, "create_things", "CREATE TABLE things (id TEXT PRIMARY KEY)");
        var v2 = new SchemaMigrations("test.growing")
            .Add(1, "create_things", "CREATE TABLE things (id TEXT PRIMARY KEY)")
            .Add(2, "add_colour", "ALTER TABLE things ADD COLUMN colour TEXT NULL");

        await using (var db = database.NewContext()) await SchemaMigrator.ApplyAsync(db, [v1]);
        await using (var db = database.NewContext())
        {
            Assert.Equal(["test.growing/0002_add_colour"], await SchemaMigrator.ApplyAsync(db, [v2]));
            await db.Database.ExecuteSqlRawAsync("INSERT INTO things (id, colour) VALUES ('a', 'red')");
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Editing_an_applied_migration_stops_the_start(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using (var db = database.NewContext())
            await SchemaMigrator.ApplyAsync(db, [new SchemaMigrations("test.edit").Add(1, "create", "CREATE TABLE edited (id TEXT)")]);

        await using (var db = database.NewContext())
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => SchemaMigrator.ApplyAsync(db,
                [new SchemaMigrations("test.edit").Add(1, "create", "CREATE TABLE edited (id TEXT, extra TEXT)")]));
            Assert.Contains("test.edit/0001_create", error.Message);
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_failing_migration_leaves_no_trace_and_later_ones_do_not_run(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var broken = new SchemaMigrations("test.broken")
            .Add(1, "half_done", "CREATE TABLE half (id TEXT); INSERT INTO no_such_table VALUES (1)")
            .Add(2, "after", "CREATE TABLE after_broken (id TEXT)");

        await using (var db = database.NewContext())
            await Assert.ThrowsAnyAsync<Exception>(() => SchemaMigrator.ApplyAsync(db, [broken]));

        await using (var db = database.NewContext())
        {
            var tables = await TableNamesAsync(db, provider);
            Assert.DoesNotContain("half", tables);
            Assert.DoesNotContain("after_broken", tables);
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Instances_starting_together_apply_each_migration_once(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            await using var db = database.NewContext();
            return await SchemaMigrator.ApplyAsync(db, [MessagingSchema.Migrations, SchedulingTestContext.Migrations]);
        }));

        Assert.Equal(4, results.Sum(r => r.Count));
        Assert.Equal(4, results.SelectMany(r => r).Distinct().Count());
    }

    private static async Task<List<string>> TableNamesAsync(DbContext db, DatabaseProvider provider) =>
        await db.Database.SqlQueryRaw<string>(provider == DatabaseProvider.Postgres
            ? "SELECT table_name AS \"Value\" FROM information_schema.tables WHERE table_schema = 'public'"
            : "SELECT name AS \"Value\" FROM sqlite_master WHERE type = 'table'").ToListAsync();
}
