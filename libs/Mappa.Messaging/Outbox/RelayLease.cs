using Mappa.Messaging.Configuration;
using Mappa.Messaging.Persistence;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Mappa.Messaging.Outbox;

/// <summary>
/// The right to be the one active relay of a database. Only the holder reads and publishes outbox rows, so rows are
/// never published twice by two relays and a subject's events leave in order. Standby relays keep trying to acquire it.
/// </summary>
internal abstract class RelayLease : IAsyncDisposable
{
    /// <summary>False once the lease may have been lost; the relay must stop publishing.</summary>
    public abstract Task<bool> StillHeldAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The session that holds the lease, when there is one (PostgreSQL). The relay runs its queries on it: a query
    /// that succeeds proves the lease is still held, with no extra round trip.
    /// </summary>
    public virtual System.Data.Common.DbConnection? Connection => null;

    public abstract ValueTask DisposeAsync();

    public static Task<RelayLease?> TryAcquireAsync(DatabaseProvider provider, string connectionString, string leaseName,
        CancellationToken cancellationToken) =>
        provider == DatabaseProvider.Postgres
            ? PostgresAdvisoryLease.TryAcquireAsync(connectionString, leaseName, cancellationToken)
            : Task.FromResult(SqliteFileLease.TryAcquire(connectionString, leaseName));
}

/// <summary>
/// A session-level <c>pg_try_advisory_lock</c> on a dedicated, unpooled connection. PostgreSQL releases it when the
/// session ends, so a crashed relay's lease frees itself (TCP keepalive bounds how long a vanished host holds it).
/// </summary>
internal sealed class PostgresAdvisoryLease : RelayLease
{
    private readonly NpgsqlConnection _connection;
    private readonly long _key;

    private PostgresAdvisoryLease(NpgsqlConnection connection, long key) => (_connection, _key) = (connection, key);

    public override System.Data.Common.DbConnection Connection => _connection;

    public static async Task<RelayLease?> TryAcquireAsync(string connectionString, string leaseName, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, KeepAlive = 10 };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            var key = AdvisoryLockKey.For(leaseName);
            await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", connection);
            command.Parameters.AddWithValue("key", key);
            if (await command.ExecuteScalarAsync(cancellationToken) is true)
                return new PostgresAdvisoryLease(connection, key);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
        await connection.DisposeAsync();
        return null;
    }

    public override async Task<bool> StillHeldAsync(CancellationToken cancellationToken)
    {
        try
        {
            // The lock lives as long as this session; a round trip proves the session is still there.
            await using var command = new NpgsqlCommand("SELECT 1", _connection);
            await command.ExecuteScalarAsync(cancellationToken);
            return true;
        }
        catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException)
        {
            return false;
        }
    }

    public override async ValueTask DisposeAsync()
    {
        try
        {
            if (_connection.State == System.Data.ConnectionState.Open)
            {
                await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", _connection);
                command.Parameters.AddWithValue("key", _key);
                await command.ExecuteScalarAsync();
            }
        }
        catch (NpgsqlException)
        {
            // Closing the session below releases the lock anyway.
        }
        await _connection.DisposeAsync();
    }
}

/// <summary>
/// An exclusive lock on a file beside the SQLite database (flock on Linux), released by the OS when the holder dies,
/// so even two processes pointed at one file run one relay.
/// </summary>
internal sealed class SqliteFileLease(FileStream lockFile) : RelayLease
{
    public static RelayLease? TryAcquire(string connectionString, string leaseName)
    {
        var dataSource = new SqliteConnectionStringBuilder(connectionString).DataSource;
        if (string.IsNullOrEmpty(dataSource) || dataSource == ":memory:")
            throw new InvalidOperationException("The outbox relay needs a SQLite database file, not an in-memory database.");
        var path = $"{Path.GetFullPath(dataSource)}.{leaseName}.lock";
        try
        {
            return new SqliteFileLease(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException)
        {
            return null;
        }
    }

    public override Task<bool> StillHeldAsync(CancellationToken cancellationToken) => Task.FromResult(true);

    public override ValueTask DisposeAsync() => lockFile.DisposeAsync();
}
