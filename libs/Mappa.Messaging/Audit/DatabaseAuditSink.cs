using Mappa.Messaging.Persistence;
using Mappa.Security;
using Microsoft.Extensions.DependencyInjection;

namespace Mappa.Messaging.Audit;

/// <summary>
/// Writes the entries the audit interceptor records on its own (reads, refused and failed calls) to the service's
/// audit log, each in its own transaction. It uses the call's context unless a transaction is still open on it, and
/// then a fresh one, so the entry never joins (or waits on) a change that is being rolled back.
/// </summary>
public sealed class DatabaseAuditSink<TContext>(TContext db, IServiceScopeFactory scopes) : IAuditSink
    where TContext : MappaDbContext
{
    public async ValueTask RecordAsync(AuditEntry entry, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null)
        {
            await AuditLogs.AppendAsync(db, entry, ct);
            return;
        }
        await using var scope = scopes.CreateAsyncScope();
        await AuditLogs.AppendAsync(scope.ServiceProvider.GetRequiredService<TContext>(), entry, ct);
    }
}
