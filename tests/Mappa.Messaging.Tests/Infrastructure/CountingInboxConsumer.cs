using System.Collections.Concurrent;
using MassTransit;
using Mappa.Events.Scheduling;
using Mappa.Messaging.Inbox;
using Microsoft.Extensions.Logging;

namespace Mappa.Messaging.Tests.Infrastructure;

/// <summary>What the idempotent test consumer observed: skipped copies, and handler calls (including failed ones).</summary>
public sealed class InboxLog
{
    private readonly ConcurrentQueue<(Guid MessageId, bool Redelivered)> _duplicates = new();
    private int _handlerCalls;

    public IReadOnlyList<(Guid MessageId, bool Redelivered)> Duplicates => _duplicates.ToArray();
    public int HandlerCalls => Volatile.Read(ref _handlerCalls);

    /// <summary>How many handler calls should throw before one succeeds (int.MaxValue: always, a poison message).</summary>
    public int FailuresBeforeSuccess { get; set; }

    public void AddDuplicate(Guid id, bool redelivered) => _duplicates.Enqueue((id, redelivered));
    public int CountCall() => Interlocked.Increment(ref _handlerCalls);
}

/// <summary>An idempotent consumer whose side effect is a row in handled_events, in the inbox's transaction.</summary>
public sealed class CountingInboxConsumer(SchedulingTestContext db, InboxLog log, ILogger<CountingInboxConsumer> logger)
    : IdempotentConsumer<ReviewDue, SchedulingTestContext>(db, logger)
{
    protected override Task HandleAsync(ConsumeContext<ReviewDue> context)
    {
        var call = log.CountCall();
        Db.HandledEvents.Add(new HandledEvent { EventId = context.Message.EventId, Handler = nameof(CountingInboxConsumer) });
        if (call <= log.FailuresBeforeSuccess)
            throw new InvalidOperationException($"Review obligation {context.Message.ObligationId} has no owning area (attempt {call}).");
        return Task.CompletedTask;
    }

    protected override Task OnDuplicateAsync(ConsumeContext<ReviewDue> context)
    {
        log.AddDuplicate(context.MessageId!.Value, context.ReceiveContext.Redelivered);
        return Task.CompletedTask;
    }
}
