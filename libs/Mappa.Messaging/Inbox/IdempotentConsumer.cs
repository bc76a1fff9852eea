using MassTransit;
using Mappa.Messaging.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Mappa.Messaging.Inbox;

/// <summary>
/// A consumer that processes each message id once. <see cref="HandleAsync"/> runs inside a transaction that also
/// inserts the inbox row (message id, <see cref="ConsumerName"/>); a copy of a message already processed — a
/// RabbitMQ redelivery, or a republish by a relay that crashed before marking the row sent — is acknowledged and
/// skipped. Events the handler records with <see cref="MappaDbContext.RecordEvent"/> commit in the same transaction.
/// If the handler throws, everything rolls back and MassTransit's bounded retry, then the <c>_error</c> queue, take over.
/// </summary>
public abstract class IdempotentConsumer<TMessage, TContext>(TContext db, ILogger logger) : IConsumer<TMessage>
    where TMessage : class
    where TContext : MappaDbContext
{
    protected TContext Db { get; } = db;

    /// <summary>Identifies this consumer in the inbox; keep it stable across renames, or copies are processed again.</summary>
    protected virtual string ConsumerName => GetType().FullName ?? GetType().Name;

    /// <summary>Does the work; change <see cref="Db"/> and record events, but do not call SaveChanges or commit.</summary>
    protected abstract Task HandleAsync(ConsumeContext<TMessage> context);

    /// <summary>Called when a copy of an already processed message is skipped (e.g. for metrics); does nothing by default.</summary>
    protected virtual Task OnDuplicateAsync(ConsumeContext<TMessage> context) => Task.CompletedTask;

    public async Task Consume(ConsumeContext<TMessage> context)
    {
        var messageId = context.MessageId
            ?? throw new InvalidOperationException($"A {typeof(TMessage).Name} without a message id cannot be deduplicated.");

        // A retry may reuse this context: start from a clean unit of work.
        Db.ChangeTracker.Clear();
        Db.DiscardRecordedEvents();

        await using var transaction = await Db.Database.BeginTransactionAsync(context.CancellationToken);
        if (await Db.InboxMessages.AsNoTracking().AnyAsync(m => m.MessageId == messageId && m.Consumer == ConsumerName, context.CancellationToken))
        {
            LogDuplicate(messageId, context);
            await OnDuplicateAsync(context);
            return;
        }

        // Insert the inbox row first: a concurrent copy then waits on its key and fails as a duplicate once we commit.
        Db.InboxMessages.Add(new InboxMessage { MessageId = messageId, Consumer = ConsumerName, ReceivedAt = DateTimeOffset.UtcNow });
        try
        {
            await Db.SaveChangesAsync(context.CancellationToken);
        }
        catch (DbUpdateException exception) when (IsUniqueViolation(exception))
        {
            LogDuplicate(messageId, context);
            await transaction.RollbackAsync(context.CancellationToken);
            await OnDuplicateAsync(context);
            return;
        }

        await HandleAsync(context);
        await Db.SaveChangesAsync(context.CancellationToken);
        await transaction.CommitAsync(context.CancellationToken);
    }

    private void LogDuplicate(Guid messageId, ConsumeContext context) =>
        logger.LogInformation("{Consumer} skipped message {MessageId}: already processed (redelivered: {Redelivered})",
            ConsumerName, messageId, context.ReceiveContext.Redelivered);

    private static bool IsUniqueViolation(DbUpdateException exception) => exception.InnerException switch
    {
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation,
        SqliteException sqlite => sqlite.SqliteErrorCode == 19 /* SQLITE_CONSTRAINT */,
        _ => false,
    };
}
