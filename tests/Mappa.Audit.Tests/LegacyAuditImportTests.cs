using Mappa.Messaging.Audit;
using Mappa.Messaging.Migrations;
using Mappa.RiskAssessment.Features.Assessments;
using Mappa.RiskAssessment.Persistence;
using Mappa.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mappa.Audit.Tests;

/// <summary>RiskAssessment's unchained audit_entries rows move into the hash-chained log when the service upgrades.</summary>
public sealed class LegacyAuditImportTests
{
    public static TheoryData<Provider> Providers => new() { Provider.Postgres, Provider.Sqlite };

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Old_audit_entries_are_moved_into_the_chain_oldest_first_once_even_by_two_instances(Provider provider)
    {
        var connectionString = provider == Provider.Postgres
            ? await RealServers.CreatePostgresDatabaseAsync("mappa_audit_legacy")
            : $"Data Source={Path.Combine(Path.GetTempPath(), $"mappa-audit-legacy-{Guid.NewGuid():N}.db")};Default Timeout=60";
        var services = new ServiceCollection()
            .AddDbContext<RiskAssessmentDbContext>(options =>
            {
                if (provider == Provider.Postgres) options.UseNpgsql(connectionString);
                else options.UseSqlite(connectionString);
            })
            .BuildServiceProvider();
        // The database as the previous release left it: RiskAssessment's migrations before the retirement (6).
        var beforeRetirement = new SchemaMigrations(RiskAssessmentSchema.Migrations.Scope);
        foreach (var migration in RiskAssessmentSchema.Migrations.Where(m => m.Version < 6))
            beforeRetirement.Add(migration.Version, migration.Name, migration.SqliteSql, migration.PostgresSql);
        const int rows = 1234; // more than two import batches
        var ids = new List<string>();
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RiskAssessmentDbContext>();
            await SchemaMigrator.ApplyAsync(db, [MessagingSchema.Migrations, beforeRetirement]);
            var start = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);
            for (var i = 0; i < rows; i++)
            {
                var time = start.AddSeconds(i);
                ids.Add(Guid.CreateVersion7(time).ToString());
                await db.Database.ExecuteSqlRawAsync(
                    "INSERT INTO audit_entries (entry_id, time, caller, agency, roles, method, subject_id, outcome, request_id) VALUES ({0}, {1}, {2}, 'agency-a', 'assessor', '/mappa.riskassessment.v1.AssessmentService/GetAssessment', {3}, {4}, {5})",
                    ids[i], time.ToUnixTimeMilliseconds(), "user-" + i, "subj-" + (i % 7), i % 9 == 0 ? 7 : 0, "req-" + i);
            }
        }

        await using (var scope = services.CreateAsyncScope())
            await SchemaMigrator.ApplyAsync(scope.ServiceProvider.GetRequiredService<RiskAssessmentDbContext>(),
                [MessagingSchema.Migrations, RiskAssessmentSchema.Migrations]);
        var importers = Enumerable.Range(0, 2).Select(_ => new LegacyAuditImport(services.GetRequiredService<IServiceScopeFactory>(),
            NullLogger<LegacyAuditImport>.Instance)).ToList();
        await Task.WhenAll(importers.Select(importer => importer.StartAsync(default)));

        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RiskAssessmentDbContext>();
            var log = new AuditLog<RiskAssessmentDbContext>(db);
            var moved = await log.ListAsync(new AuditQuery(rows + 10), default);
            var verification = await log.VerifyAsync(0, 0, default);

            Assert.Equal(0, await db.AuditEntries.CountAsync());
            Assert.Equal(rows, moved.Count);
            Assert.Equal(Enumerable.Range(0, rows).Select(i => "req-" + i), moved.Select(e => e.RequestId));
            Assert.Equal(ids, moved.Select(e => e.EntryId));
            Assert.Equal(7, moved[0].Outcome);
            Assert.Equal("subj-3", moved[3].SubjectId);
            Assert.True(verification.Valid, verification.Detail);
        }
        if (provider == Provider.Sqlite) SqliteConnection.ClearAllPools();
    }
}
