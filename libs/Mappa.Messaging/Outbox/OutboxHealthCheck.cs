using Mappa.Messaging.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Mappa.Messaging.Outbox;

/// <summary>What is waiting in a context's outbox: how many events, since when, and the last publish error.</summary>
public sealed record OutboxBacklog(int Pending, DateTimeOffset? OldestRecordedAt, int MaxAttempts, string? LastError);

/// <summary>
/// Unhealthy-ish signals for operators: events stuck in the outbox mean partner systems are not being told about
/// reviews. Degraded when the oldest unsent event is older than the threshold (broker down, relay stopped).
/// </summary>
public sealed class OutboxHealthCheck<TContext>(IServiceScopeFactory scopeFactory, TimeProvider time, TimeSpan maxAge) : IHealthCheck
    where TContext : MappaDbContext
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await using var scope = scopeFactory.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var backlog = await GetBacklogAsync(db, cancellationToken);
        var data = new Dictionary<string, object>
        {
            ["pending"] = backlog.Pending,
            ["maxAttempts"] = backlog.MaxAttempts,
        };
        if (backlog.OldestRecordedAt is { } oldest) data["oldestRecordedAt"] = oldest;
        if (backlog.OldestRecordedAt is { } since && time.GetUtcNow() - since > maxAge)
        {
            return HealthCheckResult.Degraded(
                $"{backlog.Pending} events of {typeof(TContext).Name} wait since {since:O}; last error: {backlog.LastError ?? "none"}", data: data);
        }
        return HealthCheckResult.Healthy($"{backlog.Pending} events of {typeof(TContext).Name} waiting", data);
    }

    public static async Task<OutboxBacklog> GetBacklogAsync(TContext db, CancellationToken cancellationToken)
    {
        var unsent = db.OutboxMessages.AsNoTracking().Where(m => m.SentAt == null);
        var pending = await unsent.CountAsync(cancellationToken);
        if (pending == 0) return new OutboxBacklog(0, null, 0, null);
        var oldest = await unsent.OrderBy(m => m.Sequence).Select(m => new { m.RecordedAt, m.LastError }).FirstAsync(cancellationToken);
        var maxAttempts = await unsent.MaxAsync(m => m.Attempts, cancellationToken);
        var lastError = oldest.LastError ?? await unsent.Where(m => m.LastError != null).OrderByDescending(m => m.Sequence)
            .Select(m => m.LastError).FirstOrDefaultAsync(cancellationToken);
        return new OutboxBacklog(pending, oldest.RecordedAt, maxAttempts, lastError);
    }
}

public static class OutboxHealthCheckExtensions
{
    /// <summary>Adds a health check named <c>outbox-{context}</c> that is Degraded once an event waits longer than <paramref name="maxAge"/>.</summary>
    public static IHealthChecksBuilder AddMappaOutboxCheck<TContext>(this IHealthChecksBuilder builder, TimeSpan? maxAge = null)
        where TContext : MappaDbContext =>
        builder.Add(new HealthCheckRegistration($"outbox-{typeof(TContext).Name}",
            provider => new OutboxHealthCheck<TContext>(provider.GetRequiredService<IServiceScopeFactory>(),
                provider.GetService<TimeProvider>() ?? TimeProvider.System, maxAge ?? TimeSpan.FromMinutes(5)),
            HealthStatus.Degraded, ["ready"]));
}
