using System.Data.Common;
using Mappa.Messaging.Persistence;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Mappa.Messaging.Outbox;

/// <summary>What <see cref="MappaDbContext"/> needs from its context's outbox interceptor.</summary>
internal interface IOutboxInterceptor
{
    /// <summary>Wakes the relay; for saves that committed without an EF transaction (an implicit one).</summary>
    void Pulse();
}

/// <summary>
/// Two jobs for the outbox of one context type. It appends a save's outbox statements to the first command EF Core
/// sends for that save, so data and events travel in one round trip and one transaction: the caller's, EF's own (EF
/// opens one when the save needs several commands), or PostgreSQL's implicit transaction around a multi-statement
/// command when the save is that single command. And it pulses the relay after a commit that carried outbox rows.
/// </summary>
internal sealed class OutboxCommitInterceptor<TContext>(OutboxSignal<TContext> signal) : DbTransactionInterceptor, IDbCommandInterceptor, IOutboxInterceptor
    where TContext : MappaDbContext
{
    public void Pulse() => signal.Pulse();

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => PulseIfWritten(eventData);

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData,
        CancellationToken cancellationToken = default)
    {
        PulseIfWritten(eventData);
        return Task.CompletedTask;
    }

    public InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result)
    {
        AppendPendingOutbox(command, eventData);
        return result;
    }

    public ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        AppendPendingOutbox(command, eventData);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        AppendPendingOutbox(command, eventData);
        return result;
    }

    public ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        AppendPendingOutbox(command, eventData);
        return ValueTask.FromResult(result);
    }

    private static void AppendPendingOutbox(DbCommand command, CommandEventData eventData)
    {
        // Only the save's own update commands: anything else a SaveChanges override or interceptor runs is left alone.
        if (eventData.CommandSource != CommandSource.SaveChanges) return;
        if (eventData.Context is MappaDbContext { PendingOutboxWrite: { Sent: false } pending })
            pending.AppendTo(command);
    }

    private void PulseIfWritten(TransactionEndEventData eventData)
    {
        if (eventData.Context is MappaDbContext { WroteOutboxRows: true } context)
        {
            context.WroteOutboxRows = false;
            signal.Pulse();
        }
    }
}

/// <summary>Sets the SQLite busy timeout on every connection EF opens, so writers queue instead of failing at once.</summary>
internal sealed class SqliteBusyTimeoutInterceptor(TimeSpan busyTimeout) : DbConnectionInterceptor
{
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData,
        CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA busy_timeout = {(long)busyTimeout.TotalMilliseconds}";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private void Apply(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA busy_timeout = {(long)busyTimeout.TotalMilliseconds}";
        command.ExecuteNonQuery();
    }
}
