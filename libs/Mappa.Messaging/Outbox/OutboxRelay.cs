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
        if (services.GetService<IBusControl>() is not { } busControl)
            return;
        var waited = TimeSpan.Zero;
        var step = TimeSpan.FromSeconds(10);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var health = await busControl.WaitForHealthStatus(BusHealthStatus.Healthy, step);
                if (health == BusHealthStatus.Healthy)
                    return;
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // Not healthy within this step; keep waiting, and say so.
            }
            waited += step;
            logger.LogWarning("Outbox relay for {Context} is waiting for the bus to start ({Waited} so far)", typeof(TContext).Name, waited);
        }
    }

    private async Task RelayWhileHoldingAsync(RelayLease lease, CancellationToken stoppingToken)
    {
        var consecutiveFailures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            PassResult result;
            try
            {
                result = await RelayOnceAsync(lease, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is not ObjectDisposedException)
            {
                logger.LogWarning(exception, "Outbox relay pass for {Context} failed", typeof(TContext).Name);
                result = new PassResult(0, Failed: true);
            }

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
            if (result.Published >= options.BatchSize) continue; // more is probably waiting
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

    private async Task<PassResult> RelayOnceAsync(RelayLease lease, CancellationToken stoppingToken)
    {
        if (lease.Connection is { } leaseConnection) return await RelayOnceAsync(leaseConnection, stoppingToken);

        await using var scope = scopeFactory.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        await db.Database.OpenConnectionAsync(stoppingToken);
        return await RelayOnceAsync(db.Database.GetDbConnection(), stoppingToken);
    }

    private async Task<PassResult> RelayOnceAsync(System.Data.Common.DbConnection connection, CancellationToken stoppingToken)
    {
        var rows = await OutboxStore.ReadUnsentAsync(connection, _dialect, options.BatchSize, stoppingToken);
        if (rows.Count == 0) return new PassResult(0, Failed: false);

        // GroupBy keeps each subject's rows in sequence order; subjects go concurrently.
        var chains = await Task.WhenAll(rows.GroupBy(r => r.SubjectKey, StringComparer.Ordinal)
            .Select(chain => PublishChainAsync(chain.ToArray(), stoppingToken)));
        var sent = chains.SelectMany(c => c.Sent).ToArray();

        if (_hooks?.AfterPublishBeforeMarkSent is { } hook) await hook(sent, stoppingToken);

        await OutboxStore.MarkSentAsync(connection, _dialect, sent, time.GetUtcNow(), CancellationToken.None);
        var failures = chains.Where(c => c.Failure is not null).ToArray();
        foreach (var failure in failures)
        {
            await OutboxStore.RecordFailureAsync(connection, failure.FailedSequence, failure.Failure!, CancellationToken.None);
        }
        if (failures.Length > 0)
        {
            logger.LogWarning("Outbox relay for {Context} published {Sent} of {Read} events; {Failed} subjects wait for a retry: {Reason}",
                typeof(TContext).Name, sent.Length, rows.Count, failures.Length, failures[0].Failure);
        }
        return new PassResult(sent.Length, Failed: failures.Length > 0);
    }

    private async Task<ChainResult> PublishChainAsync(PendingOutboxRow[] chain, CancellationToken stoppingToken)
    {
        var sent = new List<long>(chain.Length);
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

    private sealed record PassResult(int Published, bool Failed);

    private sealed record ChainResult(IReadOnlyList<long> Sent, long FailedSequence, string? Failure);
}

/// <summary>Fault-injection seam for tests: runs after a pass published its rows and before it marks them sent.</summary>
internal sealed class OutboxRelayHooks<TContext>
{
    public Func<IReadOnlyList<long>, CancellationToken, Task>? AfterPublishBeforeMarkSent { get; init; }
}
