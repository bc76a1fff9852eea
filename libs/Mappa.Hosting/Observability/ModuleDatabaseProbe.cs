using Mappa.Messaging.Outbox;
using Mappa.Messaging.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Mappa.Hosting.Observability;

/// <summary>What readiness and metrics ask of one module database, whatever its context type.</summary>
public interface IModuleDatabaseProbe
{
    /// <summary>Short name of the database, e.g. "riskassessment" (the context's name without "DbContext").</summary>
    string Name { get; }

    /// <summary>Runs a trivial query; throws if the database does not answer.</summary>
    Task PingAsync(CancellationToken cancellationToken);

    Task<OutboxBacklog> BacklogAsync(CancellationToken cancellationToken);

    /// <summary>Inbox rows (messages processed and kept for deduplication) per consumer.</summary>
    Task<IReadOnlyList<LabelCount>> InboxCountsAsync(CancellationToken cancellationToken);

    /// <summary>The outbox relay of this process: running, and whether it holds the publishing lease (one instance does).</summary>
    RelayState Relay { get; }
}

/// <param name="Running">The relay's background loop is alive (not stopped, not crashed).</param>
/// <param name="Active">This process holds the relay lease and publishes; other instances stand by.</param>
public sealed record RelayState(bool Running, bool Active);

internal sealed class ModuleDatabaseProbe<TContext>(IServiceScopeFactory scopes, IServiceProvider services) : IModuleDatabaseProbe
    where TContext : MappaDbContext
{
    public string Name { get; } = NameOf(typeof(TContext));

    public static string NameOf(Type context)
    {
        var name = context.Name;
        return (name.EndsWith("DbContext", StringComparison.Ordinal) ? name[..^"DbContext".Length] : name).ToLowerInvariant();
    }

    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        await db.Database.ExecuteSqlRawAsync("SELECT 1", cancellationToken);
    }

    public async Task<OutboxBacklog> BacklogAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var unsent = db.OutboxMessages.AsNoTracking().Where(m => m.SentAt == null);
        var pending = await unsent.CountAsync(cancellationToken);
        if (pending == 0) return new OutboxBacklog(0, null, 0, null);
        var oldest = await unsent.OrderBy(m => m.Sequence).Select(m => new { m.RecordedAt, m.Attempts }).FirstOrDefaultAsync(cancellationToken);
        return new OutboxBacklog(pending, oldest?.RecordedAt, oldest?.Attempts ?? 0, null);
    }

    public async Task<IReadOnlyList<LabelCount>> InboxCountsAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var groups = await db.InboxMessages.AsNoTracking().GroupBy(m => m.Consumer)
            .Select(g => new { g.Key, Count = g.LongCount() }).ToListAsync(cancellationToken);
        return groups.Select(g => new LabelCount(g.Key, g.Count)).OrderBy(g => g.Label, StringComparer.Ordinal).ToList();
    }

    public RelayState Relay
    {
        get
        {
            var relay = services.GetService<OutboxRelay<TContext>>();
            if (relay is null) return new RelayState(false, false);
            var running = relay.ExecuteTask is { IsCompleted: false };
            return new RelayState(running, running && relay.IsActive);
        }
    }
}
