using MassTransit;
using Mappa.Messaging.Configuration;
using Mappa.Messaging.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mappa.Messaging.Outbox;

/// <summary>
/// Moves a context's committed outbox rows to the bus. One relay per database is active at a time (see
/// <see cref="RelayLease"/>); it reads unsent rows in insertion order, publishes each subject's rows one after another
/// (waiting for the broker's confirm before the next), different subjects concurrently, then marks them sent.
/// A failed publish leaves that row and the rest of its subject for the next pass, which comes after an
/// exponential backoff. Delivery is at least once: a crash between publish and mark-sent republishes the row,
/// with the same message id, and consumers' inboxes absorb the copy.
/// </summary>
internal sealed class OutboxRelay<TContext>(
    IServiceScopeFactory scopeFactory,
    IBus bus,
    OutboxSignal<TContext> signal,
    MappaDatabaseSettings<TContext> settings,
    OutboxRelayOptions options,
    TimeProvider time,
    ILogger<OutboxRelay<TContext>> logger,
    IServiceProvider services) : BackgroundService
    where TContext : MappaDbContext
{
    private static readonly TimeSpan CleanupInterval = TimeSpan.FromMinutes(10);
    private readonly OutboxRelayHooks<TContext>? _hooks = services.GetService<OutboxRelayHooks<TContext>>();
    private readonly SqlDialect _dialect = SqlDialect.For(settings.Options.Provider);
    private readonly string _leaseName = "mappa.outbox-relay." + typeof(TContext).FullName;
    private DateTimeOffset _nextCleanup;

    /// <summary>True while this instance holds the lease and publishes (for health checks and tests).</summary>
    public bool IsActive { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RunAsync(stoppingToken);
        }
        catch (ObjectDisposedException)
        {
            // The host was disposed without being stopped; there is nothing left to relay with.
        }
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        await WaitForBusStartAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            RelayLease? lease;
            try
            {
                lease = await RelayLease.TryAcquireAsync(settings.Options.Provider, settings.ConnectionString, _leaseName, stoppingToken);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested && exception is not ObjectDisposedException)
            {
                logger.LogWarning(exception, "Outbox relay for {Context} could not reach its database to take the lease", typeof(TContext).Name);
                lease = null;
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (lease is null)
            {
                await DelayAsync(options.LeaseRetryInterval, stoppingToken);
                continue;
            }

            await using (lease)
            {
                IsActive = true;
                logger.LogInformation("Outbox relay for {Context} is active", typeof(TContext).Name);
                try
                {
                    await RelayWhileHoldingAsync(lease, stoppingToken);
                }
                finally
                {
                    IsActive = false;
                }
            }
        }
    }

    /// <summary>
    /// Waits until the bus has started and bound its receive endpoints once. Hosted services start in order and the
    /// relay starts before the bus, so without this a row committed at start-up could be published to an exchange
    /// that this process's own consumer queues are not yet bound to, and be dropped by the broker.
    /// </summary>
    private async Task WaitForBusStartAsync(CancellationToken stoppingToken)
    {
        if (services.GetService<Bus.BusStartedSignal>() is not { } signal)
            return;
        while (!signal.Started.IsCompleted)
        {
            try
            {
                await signal.Started.WaitAsync(TimeSpan.FromSeconds(30), stoppingToken);
            }
            catch (TimeoutException)
            {
                logger.LogWarning("Outbox relay for {Context} is still waiting for the bus to start", typeof(TContext).Name);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return; // RunAsync's loop sees the stop and ends.
            }
        }
    }

    private async Task RelayWhileHoldingAsync(RelayLease lease, CancellationToken stoppingToken)
    {
        var consecutiveFailures = 0;
        // Rows read together with the previous pass's mark-sent, published by the next pass without another read.
        IReadOnlyList<PendingOutboxRow>? next = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            PassResult result;
            try
            {
                result = await RelayOnceAsync(lease, next, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is not ObjectDisposedException)
            {
                logger.LogWarning(exception, "Outbox relay pass for {Context} failed", typeof(TContext).Name);
                result = new PassResult(0, Failed: true, Next: null);
            }
            next = result.Next;

            if (result.Failed)
            {
                // A pass that ran its queries on the lease's session proved the lease; after a failure, check again.
                if (!await lease.StillHeldAsync(stoppingToken))
                {
                    logger.LogWarning("Outbox relay for {Context} lost its lease; standing by", typeof(TContext).Name);
                    return;
                }
                consecutiveFailures++;
                await DelayAsync(Backoff(consecutiveFailures), stoppingToken);
                continue;
            }

            consecutiveFailures = 0;
            if (next is { Count: > 0 }) continue; // the backlog is still draining
            // An empty read-ahead says the table was drained when it was read, not after the wait: read afresh then.
            next = null;
            await DeleteExpiredIfDueAsync(stoppingToken);
            try
            {
                await signal.WaitAsync(options.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<PassResult> RelayOnceAsync(RelayLease lease, IReadOnlyList<PendingOutboxRow>? carried, CancellationToken stoppingToken)
    {
        if (lease.Connection is { } leaseConnection) return await RelayOnceAsync(leaseConnection, carried, stoppingToken);

        await using var scope = scopeFactory.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        await db.Database.OpenConnectionAsync(stoppingToken);
        return await RelayOnceAsync(db.Database.GetDbConnection(), carried, stoppingToken);
    }

    /// <summary>
    /// One pass: publish the rows (those carried from the last pass, else freshly read), then mark the confirmed ones
    /// sent. When every row was confirmed, the same command reads the next rows, so a draining backlog costs one round
    /// trip per batch. After a failure nothing is read ahead: the retry after the backoff reads afresh.
    /// </summary>
    private async Task<PassResult> RelayOnceAsync(System.Data.Common.DbConnection connection, IReadOnlyList<PendingOutboxRow>? carried,
        CancellationToken stoppingToken)
    {
        var rows = carried ?? await OutboxStore.ReadUnsentAsync(connection, _dialect, options.BatchSize, stoppingToken);
        if (rows.Count == 0) return new PassResult(0, Failed: false, Next: null);

        var chains = await PublishAsync(rows, stoppingToken);
        var sentCount = 0;
        foreach (var chain in chains) sentCount += chain.Sent.Count;
        var sent = new long[sentCount];
        var at = 0;
        foreach (var chain in chains)
        {
            foreach (var sequence in chain.Sent) sent[at++] = sequence;
        }

        if (_hooks?.AfterPublishBeforeMarkSent is { } hook) await hook(sent, stoppingToken);

        var failures = chains.Where(c => c.Failure is not null).ToArray();
        if (failures.Length == 0)
        {
            // Read ahead only while a backlog is likely: a short batch means the table was drained when it was read,
            // and a commit since then pulses the signal.
            IReadOnlyList<PendingOutboxRow>? next = null;
            if (rows.Count >= options.BatchSize)
                next = await OutboxStore.MarkSentAndReadUnsentAsync(connection, _dialect, sent, time.GetUtcNow(), options.BatchSize, CancellationToken.None);
            else
                await OutboxStore.MarkSentAsync(connection, _dialect, sent, time.GetUtcNow(), CancellationToken.None);
            return new PassResult(sent.Length, Failed: false, Next: next);
        }

        await OutboxStore.MarkSentAsync(connection, _dialect, sent, time.GetUtcNow(), CancellationToken.None);
        foreach (var failure in failures)
        {
            await OutboxStore.RecordFailureAsync(connection, failure.FailedSequence, failure.Failure!, CancellationToken.None);
        }
        logger.LogWarning("Outbox relay for {Context} published {Sent} of {Read} events; {Failed} subjects wait for a retry: {Reason}",
            typeof(TContext).Name, sent.Length, rows.Count, failures.Length, failures[0].Failure);
        return new PassResult(sent.Length, Failed: true, Next: null);
    }

    /// <summary>Each subject's rows one after another, in sequence order; different subjects concurrently.</summary>
    private Task<ChainResult[]> PublishAsync(IReadOnlyList<PendingOutboxRow> rows, CancellationToken stoppingToken)
    {
        var chains = new Dictionary<string, List<PendingOutboxRow>>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (!chains.TryGetValue(row.SubjectKey, out var chain)) chains[row.SubjectKey] = chain = [];
            chain.Add(row);
        }
        var tasks = new Task<ChainResult>[chains.Count];
        var i = 0;
        foreach (var chain in chains.Values) tasks[i++] = PublishChainAsync(chain, stoppingToken);
        return Task.WhenAll(tasks);
    }

    private async Task<ChainResult> PublishChainAsync(List<PendingOutboxRow> chain, CancellationToken stoppingToken)
    {
        var sent = new List<long>(chain.Count);
        foreach (var row in chain)
        {
            try
            {
                var message = EventJson.Deserialize(row.EventType, row.Payload);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                timeout.CancelAfter(options.PublishTimeout);
                // With publisher confirms on, the task completes only when the broker has taken the message.
                await bus.Publish(message, message.GetType(), Pipe.Execute<PublishContext>(context =>
                {
                    context.MessageId = row.EventId;
                    context.Headers.Set(MappaHeaders.EventType, row.EventType);
                    context.Headers.Set(MappaHeaders.EventVersion, row.EventVersion);
                    context.Headers.Set(MappaHeaders.SubjectPosition, row.SubjectPosition);
                }), timeout.Token);
                sent.Add(row.Sequence);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                var reason = exception is OperationCanceledException
                    ? $"The broker did not confirm within {options.PublishTimeout}."
                    : $"{exception.GetType().Name}: {exception.Message}";
                return new ChainResult(sent, row.Sequence, reason);
            }
        }
        return new ChainResult(sent, 0, null);
    }

    private async Task DeleteExpiredIfDueAsync(CancellationToken stoppingToken)
    {
        var now = time.GetUtcNow();
        if (now < _nextCleanup) return;
        _nextCleanup = now + CleanupInterval;
        try
        {
            await using var scope = scopeFactory.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TContext>();
            await db.Database.OpenConnectionAsync(stoppingToken);
            await OutboxStore.DeleteExpiredAsync(db.Database.GetDbConnection(), _dialect,
                now - options.SentRetention, now - options.InboxRetention, stoppingToken);
        }
        catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
        {
            logger.LogWarning(exception, "Deleting expired outbox and inbox rows of {Context} failed", typeof(TContext).Name);
        }
    }

    private TimeSpan Backoff(int consecutiveFailures)
    {
        var factor = Math.Pow(2, Math.Min(consecutiveFailures - 1, 16));
        var delay = TimeSpan.FromTicks((long)Math.Min(options.RetryInitialDelay.Ticks * factor, options.RetryMaxDelay.Ticks));
        return delay;
    }

    private async Task DelayAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay, time, stoppingToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private sealed record PassResult(int Published, bool Failed, IReadOnlyList<PendingOutboxRow>? Next);

    private sealed record ChainResult(IReadOnlyList<long> Sent, long FailedSequence, string? Failure);
}

/// <summary>Fault-injection seam for tests: runs after a pass published its rows and before it marks them sent.</summary>
internal sealed class OutboxRelayHooks<TContext>
{
    public Func<IReadOnlyList<long>, CancellationToken, Task>? AfterPublishBeforeMarkSent { get; init; }
}
