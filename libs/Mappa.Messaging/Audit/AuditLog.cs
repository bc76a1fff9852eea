using Mappa.Messaging.Configuration;
using Mappa.Messaging.Persistence;
using Mappa.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Mappa.Messaging.Audit;

/// <summary>
/// A service's audit log in its own database (the <c>audit_log</c> table every service database has). Appends join
/// the context's open transaction when there is one (so the entry commits or rolls back with the change), and run in
/// their own transaction otherwise. There is deliberately no way to change or remove an entry.
/// </summary>
public sealed class AuditLog<TContext>(TContext db) where TContext : MappaDbContext
{
    public TContext Context => db;

    /// <summary>Appends <paramref name="entry"/>; see <see cref="AuditLogs.AppendAsync"/>.</summary>
    public Task<AuditRecord> AppendAsync(AuditEntry entry, CancellationToken cancellationToken) =>
        AuditLogs.AppendAsync(db, entry, cancellationToken);

    public Task<IReadOnlyList<AuditRecord>> ListAsync(AuditQuery query, CancellationToken cancellationToken) =>
        AuditLogs.RunAsync(db, (connection, transaction, dialect) =>
            AuditLogStore.ListAsync(connection, transaction, dialect, query, cancellationToken), cancellationToken);

    /// <summary>Checks positions <paramref name="startPosition"/>..<paramref name="endPosition"/> (0 = from the first / to the head).</summary>
    public Task<AuditChainVerification> VerifyAsync(long startPosition, long endPosition, CancellationToken cancellationToken) =>
        AuditLogs.RunAsync(db, (connection, transaction, dialect) =>
            AuditLogStore.VerifyAsync(connection, transaction, dialect, startPosition, endPosition, cancellationToken), cancellationToken);
}

/// <summary>The audit log of any <see cref="MappaDbContext"/>, and the save that stores a call's audit entry with its change.</summary>
public static class AuditLogs
{
    /// <summary>
    /// Appends entries in the context's open transaction, or in a transaction of their own when none is open.
    /// Concurrent appends (from this process or another on the same database) queue on the log's head row until the
    /// appending transaction ends, so keep the append close to the commit.
    /// </summary>
    public static async Task<AuditRecord> AppendAsync(MappaDbContext db, AuditEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var records = await AppendManyAsync(db, [entry], cancellationToken);
        return records[0];
    }

    /// <inheritdoc cref="AppendAsync"/>
    public static Task<IReadOnlyList<AuditRecord>> AppendManyAsync(MappaDbContext db, IReadOnlyList<AuditEntry> entries,
        CancellationToken cancellationToken) => AppendManyAsync(db, entries, null, cancellationToken);

    /// <summary>
    /// Appends entries moved from an older store, keeping their entry ids (one per entry, unique), so references to
    /// them stay valid. Otherwise as <see cref="AppendManyAsync(MappaDbContext, IReadOnlyList{AuditEntry}, CancellationToken)"/>.
    /// </summary>
    public static Task<IReadOnlyList<AuditRecord>> ImportAsync(MappaDbContext db, IReadOnlyList<(string EntryId, AuditEntry Entry)> entries,
        CancellationToken cancellationToken) =>
        AppendManyAsync(db, entries.Select(e => e.Entry).ToList(), entries.Select(e => e.EntryId).ToList(), cancellationToken);

    private static async Task<IReadOnlyList<AuditRecord>> AppendManyAsync(MappaDbContext db, IReadOnlyList<AuditEntry> entries,
        IReadOnlyList<string>? entryIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var dialect = DialectOf(db);
        if (db.Database.CurrentTransaction is { } open)
        {
            return await AuditLogStore.AppendAsync(db.Database.GetDbConnection(), open.GetDbTransaction(), dialect, entries, cancellationToken, entryIds);
        }
        await using var own = await db.Database.BeginTransactionAsync(cancellationToken);
        var records = await AuditLogStore.AppendAsync(db.Database.GetDbConnection(), own.GetDbTransaction(), dialect, entries, cancellationToken, entryIds);
        await own.CommitAsync(cancellationToken);
        return records;
    }

    /// <summary>
    /// Saves the context's changes and, when an audited gRPC call is running (<see cref="PendingAudit.Current"/>) and
    /// its entry is not yet stored, appends the call's entry in the same transaction: the change and its audit record
    /// commit together or not at all. Uses the caller's open transaction if any (the entry then commits with it),
    /// else one of its own. If the save fails the entry is released, so the audit interceptor records the call with
    /// its real outcome. Outside audited calls (consumers, jobs) this is a plain save.
    /// </summary>
    public static async Task<int> SaveChangesAuditedAsync(this MappaDbContext db, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var pending = PendingAudit.Current;
        if (pending is null || pending.IsClaimed)
        {
            return await db.SaveChangesAsync(cancellationToken);
        }

        var entry = pending.Claim();
        var own = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        try
        {
            var written = await db.SaveChangesAsync(cancellationToken);
            // Last before the commit: the head row's lock is held only from here to the end of the transaction.
            await AuditLogStore.AppendAsync(db.Database.GetDbConnection(), db.Database.CurrentTransaction!.GetDbTransaction(),
                DialectOf(db), [entry], cancellationToken);
            if (own is not null) await own.CommitAsync(cancellationToken);
            return written;
        }
        catch
        {
            pending.Release();
            // Rolling back on a connection the server has just closed throws too; that must not hide the failure
            // that explains the call (a transient database error, which callers are told to retry).
            if (own is not null) await DisposeQuietlyAsync(own);
            own = null;
            throw;
        }
        finally
        {
            if (own is not null) await own.DisposeAsync();
        }
    }

    private static async Task DisposeQuietlyAsync(IDbContextTransaction transaction)
    {
        try
        {
            await transaction.DisposeAsync();
        }
        catch (Exception)
        {
            // The original exception is rethrown by the caller; the transaction is gone with its connection either way.
        }
    }

    /// <summary>
    /// Appends the running call's entry in the context's open transaction, for handlers that manage their own
    /// transaction (call it just before the commit). Returns false when no audited call is running or its entry is
    /// already stored. If the transaction then rolls back but the call goes on, call <see cref="PendingAudit.Release"/>.
    /// </summary>
    public static async Task<bool> AppendCallAsync(this MappaDbContext db, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var transaction = db.Database.CurrentTransaction
            ?? throw new InvalidOperationException("AppendCallAsync joins the caller's transaction; begin one first (or use SaveChangesAuditedAsync).");
        var pending = PendingAudit.Current;
        if (pending is null || pending.IsClaimed) return false;
        var entry = pending.Claim();
        try
        {
            await AuditLogStore.AppendAsync(db.Database.GetDbConnection(), transaction.GetDbTransaction(), DialectOf(db), [entry], cancellationToken);
            return true;
        }
        catch
        {
            pending.Release();
            throw;
        }
    }

    internal static async Task<T> RunAsync<T>(MappaDbContext db, Func<System.Data.Common.DbConnection, System.Data.Common.DbTransaction?, SqlDialect, Task<T>> work,
        CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            return await work(db.Database.GetDbConnection(), db.Database.CurrentTransaction?.GetDbTransaction(), DialectOf(db));
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    internal static SqlDialect DialectOf(MappaDbContext db) =>
        SqlDialect.For(db.Database.IsNpgsql() ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite);
}
