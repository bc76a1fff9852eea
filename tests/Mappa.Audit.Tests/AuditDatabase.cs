using Mappa.Messaging.Audit;
using Mappa.Messaging.Migrations;
using Mappa.Messaging.Persistence;
using Mappa.Security;
using Mappa.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Mappa.Audit.Tests;

/// <summary>A context with nothing but the messaging tables (outbox, inbox, audit log).</summary>
public sealed class AuditTestDbContext(DbContextOptions<AuditTestDbContext> options) : MappaDbContext(options);

public enum Provider { Sqlite, Postgres }

/// <summary>A fresh, migrated database on the given provider: its own SQLite file, or its own PostgreSQL database.</summary>
public sealed class AuditDatabase : IAsyncDisposable
{
    private readonly string? _sqliteFile;

    private AuditDatabase(Provider provider, string connectionString, string? sqliteFile)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _sqliteFile = sqliteFile;
    }

    public Provider Provider { get; }

    public string ConnectionString { get; }

    public static async Task<AuditDatabase> CreateAsync(Provider provider)
    {
        AuditDatabase database;
        if (provider == Provider.Postgres)
        {
            database = new AuditDatabase(provider, await RealServers.CreatePostgresDatabaseAsync("mappa_audit"), null);
        }
        else
        {
            var file = Path.Combine(Path.GetTempPath(), $"mappa-audit-{Guid.NewGuid():N}.db");
            database = new AuditDatabase(provider, $"Data Source={file};Default Timeout=60", file);
        }
        await using var db = database.NewContext();
        await SchemaMigrator.ApplyAsync(db, [MessagingSchema.Migrations]);
        return database;
    }

    public AuditTestDbContext NewContext()
    {
        var builder = new DbContextOptionsBuilder<AuditTestDbContext>();
        if (Provider == Provider.Postgres) builder.UseNpgsql(ConnectionString);
        else builder.UseSqlite(ConnectionString);
        return new AuditTestDbContext(builder.Options);
    }

    public AuditLog<AuditTestDbContext> Log(AuditTestDbContext db) => new(db);

    public async Task<IReadOnlyList<AuditRecord>> AppendAsync(int count, string subject = "subj-1", string caller = "user-1")
    {
        await using var db = NewContext();
        return await AuditLogs.AppendManyAsync(db, Enumerable.Range(0, count).Select(i => Entry(subject, caller, i)).ToList(), default);
    }

    public async Task<AuditChainVerification> VerifyAsync(long start = 0, long end = 0)
    {
        await using var db = NewContext();
        return await Log(db).VerifyAsync(start, end, default);
    }

    /// <summary>Runs SQL as someone with direct database access would (the tests' tamperer).</summary>
    public async Task ExecuteAsync(string sql)
    {
        await using var db = NewContext();
        await db.Database.OpenConnectionAsync();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Drops the append-only triggers, as a tamperer with owner rights could.</summary>
    public Task DropTriggersAsync() => ExecuteAsync(Provider == Provider.Postgres
        ? "DROP TRIGGER audit_log_append_only ON audit_log; DROP TRIGGER audit_log_no_truncate ON audit_log;"
        : "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;");

    public static AuditEntry Entry(string subject, string caller, int i) => new(
        DateTimeOffset.UnixEpoch.AddDays(20_000).AddSeconds(i),
        caller,
        "agency-" + (i % 3),
        ["assessor", "police-officer"],
        "/mappa.riskassessment.v1.AssessmentService/GetAssessment",
        subject,
        i % 5 == 0 ? Grpc.StatusCode.PermissionDenied : Grpc.StatusCode.OK,
        "req-" + i);

    public async ValueTask DisposeAsync()
    {
        if (_sqliteFile is not null)
        {
            SqliteConnection.ClearAllPools();
            foreach (var file in new[] { _sqliteFile, _sqliteFile + "-wal", _sqliteFile + "-shm" })
            {
                try { File.Delete(file); } catch (IOException) { }
            }
        }
        else
        {
            NpgsqlConnection.ClearAllPools();
        }
        await Task.CompletedTask;
    }
}
