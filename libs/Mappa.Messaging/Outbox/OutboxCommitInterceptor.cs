using System.Data.Common;
using Mappa.Messaging.Persistence;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Mappa.Messaging.Outbox;

/// <summary>Pulses the relay after a commit that carried outbox rows (own transaction or the caller's).</summary>
internal sealed class OutboxCommitInterceptor<TContext>(OutboxSignal<TContext> signal) : DbTransactionInterceptor
    where TContext : MappaDbContext
{
    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => PulseIfWritten(eventData);

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData,
        CancellationToken cancellationToken = default)
    {
        PulseIfWritten(eventData);
        return Task.CompletedTask;
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
