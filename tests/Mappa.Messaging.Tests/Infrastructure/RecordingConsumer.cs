using System.Collections.Concurrent;
using MassTransit;
using Mappa.Events.Scheduling;
using Mappa.Messaging.Outbox;

namespace Mappa.Messaging.Tests.Infrastructure;

/// <summary>One delivery as a plain (non-idempotent) consumer saw it: every copy the broker delivers is recorded.</summary>
public sealed record Delivery(Guid? MessageId, Guid EventId, string SubjectId, long? SubjectPosition, bool Redelivered);

/// <summary>Collects deliveries for a test (one instance per host).</summary>
public sealed class DeliveryLog
{
    private readonly ConcurrentQueue<Delivery> _deliveries = new();
    private readonly ConcurrentQueue<Guid> _sentinels = new();

    public IReadOnlyList<Delivery> Deliveries => _deliveries.ToArray();
    public IReadOnlyList<Guid> Sentinels => _sentinels.ToArray();

    public void Add(Delivery delivery) => _deliveries.Enqueue(delivery);
    public void AddSentinel(Guid id) => _sentinels.Enqueue(id);
}

/// <summary>
/// Records every ReviewDue delivery, one at a time (the endpoint runs with a concurrency of 1, so arrival order is
/// queue order). ReviewCompleted is used as a sentinel: once it arrives, everything queued before it was consumed.
/// </summary>
public sealed class RecordingConsumer(DeliveryLog log) : IConsumer<ReviewDue>, IConsumer<ReviewCompleted>
{
    public Task Consume(ConsumeContext<ReviewDue> context)
    {
        log.Add(new Delivery(context.MessageId, context.Message.EventId, context.Message.Subject.SubjectId,
            context.Headers.Get<long>(MappaHeaders.SubjectPosition), context.ReceiveContext.Redelivered));
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<ReviewCompleted> context)
    {
        log.AddSentinel(context.Message.EventId);
        return Task.CompletedTask;
    }
}
