using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Mappa.Messaging.Configuration;
using Mappa.Messaging.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Mappa.Messaging.Migrations;

/// <summary>
/// Applies pending migrations in order, each in its own transaction together with its <c>schema_migrations</c> row.
/// Safe when several instances start together: on PostgreSQL they queue on an advisory lock; on SQLite each
/// migration runs under <c>BEGIN IMMEDIATE</c> (the single writer lock) and re-checks whether it is still pending.
/// </summary>
public static class SchemaMigrator
{
    // Advisory locks are scoped to one database, so one well-known key serialises the instances of one service.
    private static readonly long MigrationLockKey = AdvisoryLockKey.For("mappa.schema_migrations");

    private const string CreateTableSqlite = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            scope TEXT NOT NULL,
            version INTEGER NOT NULL,
            name TEXT NOT NULL,
            checksum TEXT NOT NULL,
            applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
            PRIMARY KEY (scope, version)
        )
        """;

    private const string CreateTablePostgres = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            scope text NOT NULL,
            version integer NOT NULL,
            name text NOT NULL,
            checksum text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (scope, version)
        )
        """;

    /// <summary>Applies what is pending and returns the migrations applied now, e.g. <c>mappa.messaging/0001_create_outbox_and_inbox</c>.</summary>
    public static async Task<IReadOnlyList<string>> ApplyAsync(DbContext db, IEnumerable<SchemaMigrations> migrationSets,
        ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        var provider = db.Database.IsNpgsql() ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite;
        var applied = new List<string>();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var connection = db.Database.GetDbConnection();
            if (provider == DatabaseProvider.Sqlite)
            {
                // WAL lets the relay read while a request writes; the setting is stored in the file.
                await ExecuteAsync(connection, null, "PRAGMA journal_mode=WAL", cancellationToken);
            }
            else
            {
                await ExecuteAsync(connection, null, $"SELECT pg_advisory_lock({MigrationLockKey})", cancellationToken);
            }

            try
            {
                await ExecuteAsync(connection, null,
                    provider == DatabaseProvider.Postgres ? CreateTablePostgres : CreateTableSqlite, cancellationToken);
                foreach (var set in migrationSets)
                {
                    foreach (var migration in set)
                    {
                        if (await ApplyOneAsync(connection, provider, set.Scope, migration, cancellationToken))
                        {
                            applied.Add($"{set.Scope}/{migration}");
                            logger?.LogInformation("Applied schema migration {Scope}/{Migration}", set.Scope, migration.ToString());
                        }
                    }
                }
            }
            finally
            {
                if (provider == DatabaseProvider.Postgres)
                    await ExecuteAsync(connection, null, $"SELECT pg_advisory_unlock({MigrationLockKey})", CancellationToken.None);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        return applied;
    }

    private static async Task<bool> ApplyOneAsync(DbConnection connection, DatabaseProvider provider, string scope,
        SchemaMigration migration, CancellationToken cancellationToken)
    {
        var sql = migration.SqlFor(provider);
        var checksum = Checksum(sql);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var find = SqlDialect.Command(connection, transaction,
            "SELECT checksum FROM schema_migrations WHERE scope = @p0 AND version = @p1", scope, migration.Version))
        {
            if (await find.ExecuteScalarAsync(cancellationToken) is string existing)
            {
                if (existing != checksum)
                    throw new InvalidOperationException(
                        $"Schema migration {scope}/{migration} was changed after it was applied; add a new migration instead.");
                return false;
            }
        }

        await ExecuteAsync(connection, transaction, sql, cancellationToken);
        await using (var record = SqlDialect.Command(connection, transaction,
            "INSERT INTO schema_migrations (scope, version, name, checksum) VALUES (@p0, @p1, @p2, @p3)",
            scope, migration.Version, migration.Name, checksum))
        {
            await record.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = SqlDialect.Command(connection, transaction, sql);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string Checksum(string sql) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql.ReplaceLineEndings("\n").Trim())));
}
