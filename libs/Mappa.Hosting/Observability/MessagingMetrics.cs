using Microsoft.Extensions.Logging;

namespace Mappa.Hosting.Observability;

/// <summary>
/// Per module database, read at scrape time: whether it answers, the outbox backlog (unsent events and the age of
/// the oldest), whether this process's relay publishes, and the inbox rows per consumer.
/// </summary>
public sealed partial class MessagingMetrics(IEnumerable<IModuleDatabaseProbe> probes, TimeProvider time, ILogger<MessagingMetrics> logger) : IMetricsSource
{
    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(5);

    public async Task WriteAsync(PrometheusWriter writer, CancellationToken cancellationToken)
    {
        var results = new List<(IModuleDatabaseProbe Probe, Mappa.Messaging.Outbox.OutboxBacklog? Backlog, IReadOnlyList<LabelCount>? Inbox)>();
        foreach (var probe in probes.OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(QueryTimeout);
            try
            {
                var backlog = await probe.BacklogAsync(timeout.Token);
                var inbox = await probe.InboxCountsAsync(timeout.Token);
                results.Add((probe, backlog, inbox));
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogUnreachable(logger, probe.Name, exception.GetType().Name);
                results.Add((probe, null, null));
            }
        }

        writer.Family("mappa_database_up", "gauge", "1 when the module database answered the scrape's queries, else 0.");
        foreach (var (probe, backlog, _) in results)
            writer.Sample("mappa_database_up", backlog is null ? 0 : 1, ("database", probe.Name));

        writer.Family("mappa_outbox_unsent_events", "gauge", "Events committed to the outbox and not yet published.");
        foreach (var (probe, backlog, _) in results)
            if (backlog is not null) writer.Sample("mappa_outbox_unsent_events", backlog.Pending, ("database", probe.Name));

        writer.Family("mappa_outbox_oldest_unsent_age_seconds", "gauge", "Age of the oldest unsent outbox event (0 when none waits).");
        foreach (var (probe, backlog, _) in results)
        {
            if (backlog is null) continue;
            var age = backlog.OldestRecordedAt is { } oldest ? Math.Max(0, (time.GetUtcNow() - oldest).TotalSeconds) : 0;
            writer.Sample("mappa_outbox_oldest_unsent_age_seconds", age, ("database", probe.Name));
        }

        writer.Family("mappa_outbox_relay_active", "gauge", "1 when this process's outbox relay holds the lease and publishes (one instance per database does).");
        foreach (var (probe, _, _) in results)
            writer.Sample("mappa_outbox_relay_active", probe.Relay.Active ? 1 : 0, ("database", probe.Name));

        writer.Family("mappa_inbox_processed_messages", "gauge", "Messages processed per consumer and kept in the inbox for deduplication (within its retention).");
        foreach (var (probe, _, inbox) in results)
        {
            if (inbox is null) continue;
            foreach (var (consumer, count) in inbox)
                writer.Sample("mappa_inbox_processed_messages", count, ("database", probe.Name), ("consumer", consumer));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Metrics: database {Database} did not answer ({Error})")]
    private static partial void LogUnreachable(ILogger logger, string database, string error);
}
