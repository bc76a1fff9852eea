using Mappa.Messaging.Configuration;
using Microsoft.EntityFrameworkCore;

namespace Mappa.Messaging.Tests.Infrastructure;

/// <summary>A fresh database of either provider, for tests that run the same way on both.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly PostgresDatabase? _postgres;
    private readonly SqliteDatabase? _sqlite;

    private TestDatabase(PostgresDatabase? postgres, SqliteDatabase? sqlite) => (_postgres, _sqlite) = (postgres, sqlite);

    public DatabaseProvider Provider => _postgres is null ? DatabaseProvider.Sqlite : DatabaseProvider.Postgres;
    public string ConnectionString => _postgres?.ConnectionString ?? _sqlite!.ConnectionString;

    public Dictionary<string, string?> Configuration => TestHost.Database(Provider, ConnectionString);

    public static async Task<TestDatabase> CreateAsync(DatabaseProvider provider) =>
        provider == DatabaseProvider.Postgres
            ? new TestDatabase(await PostgresDatabase.CreateAsync(), null)
            : new TestDatabase(null, new SqliteDatabase());

    /// <summary>A context outside any host (no relay), for arranging and inspecting data.</summary>
    public SchedulingTestContext NewContext()
    {
        var builder = new DbContextOptionsBuilder<SchedulingTestContext>();
        if (Provider == DatabaseProvider.Postgres) builder.UseNpgsql(ConnectionString);
        else builder.UseSqlite(ConnectionString + ";Default Timeout=30");
        return new SchedulingTestContext(builder.Options);
    }

    public async ValueTask DisposeAsync()
    {
        if (_postgres is not null) await _postgres.DisposeAsync();
        _sqlite?.Dispose();
    }
}
