using System.Collections.Concurrent;
using MassTransit;
using Mappa.Events;

namespace Mappa.Hosting.Observability;

/// <summary>
/// How far behind each consumer is: the time from an event's <c>occurredAt</c> (or, for a message that is not a
/// domain event, the time it was sent) to the moment its consumer finished handling it, as a histogram per queue and
/// message type (one consumer per message type per queue in this suite), plus handled and faulted counts.
/// </summary>
public sealed class ConsumerLagMetrics(TimeProvider time) : IConsumeObserver, IMetricsSource
{
    // Seconds: from a same-host hop (a few ms) to a broker outage (minutes).
    private static readonly double[] BucketBounds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

    private readonly ConcurrentDictionary<(string Queue, string Message), HistogramSeries> _handled = new();
    private readonly ConcurrentDictionary<(string Queue, string Message), long[]> _faulted = new();

    public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context) where T : class
    {
        var occurred = context.Message is DomainEvent domainEvent ? domainEvent.OccurredAt : context.SentTime is { } sent ? new DateTimeOffset(sent, TimeSpan.Zero) : (DateTimeOffset?)null;
        var lag = occurred is { } at ? (time.GetUtcNow() - at).TotalSeconds : 0;
        Observe(QueueOf(context), typeof(T).Name, lag);
        return Task.CompletedTask;
    }

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class
    {
        var counter = _faulted.GetOrAdd((QueueOf(context), typeof(T).Name), static _ => new long[1]);
        Interlocked.Increment(ref counter[0]);
        return Task.CompletedTask;
    }

    /// <summary>Records one handled message (public for tests of the exposition).</summary>
    public void Observe(string queue, string message, double lagSeconds) =>
        _handled.GetOrAdd((queue, message), static _ => new HistogramSeries(BucketBounds)).Observe(lagSeconds);

    public long HandledCount(string queue, string message) =>
        _handled.TryGetValue((queue, message), out var series) ? Interlocked.Read(ref series.Count) : 0;

    public Task WriteAsync(PrometheusWriter writer, CancellationToken cancellationToken)
    {
        const string lag = "mappa_consumer_lag_seconds";
        writer.Family(lag, "histogram", "Time from an event occurring to its consumer finishing with it, by queue and message type.");
        foreach (var ((queue, message), series) in _handled.OrderBy(e => e.Key.Queue, StringComparer.Ordinal).ThenBy(e => e.Key.Message, StringComparer.Ordinal))
        {
            writer.Histogram(lag, BucketBounds, series.SnapshotBuckets(), Interlocked.Read(ref series.Count), series.SumSeconds,
                ("queue", queue), ("message", message));
        }
        const string faults = "mappa_consumer_faults_total";
        writer.Family(faults, "counter", "Consume attempts that threw (each retry counts), by queue and message type.");
        foreach (var ((queue, message), counter) in _faulted.OrderBy(e => e.Key.Queue, StringComparer.Ordinal).ThenBy(e => e.Key.Message, StringComparer.Ordinal))
        {
            writer.Sample(faults, Interlocked.Read(ref counter[0]), ("queue", queue), ("message", message));
        }
        return Task.CompletedTask;
    }

    private static string QueueOf(ConsumeContext context)
    {
        var address = context.ReceiveContext?.InputAddress;
        if (address is null) return "unknown";
        var path = address.AbsolutePath.TrimEnd('/');
        var slash = path.LastIndexOf('/');
        return slash >= 0 ? path[(slash + 1)..] : path;
    }
}
