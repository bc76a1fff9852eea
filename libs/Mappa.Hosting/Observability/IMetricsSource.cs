using Mappa.Messaging.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Mappa.Hosting.Observability;

/// <summary>
/// Something that adds metric families to <c>/metrics</c>. The host registers the RPC, process, messaging and
/// consumer-lag sources; a module may add its own with <see cref="MetricsSourceRegistration.AddMappaMetricsSource"/>.
/// A source that fails (e.g. its database is down) is skipped for that scrape, never failing the endpoint.
/// </summary>
public interface IMetricsSource
{
    Task WriteAsync(PrometheusWriter writer, CancellationToken cancellationToken);
}

/// <summary>A label value and how many rows carry it (for <see cref="DatabaseCountMetric{TContext}"/>).</summary>
public sealed record LabelCount(string Label, long Count);

/// <summary>
/// A gauge read from a module's database at scrape time: rows counted by one label (e.g. milestones by kind).
/// Labels the query returns no rows for are written as 0 when listed in <paramref name="knownLabels"/>, so a
/// series exists before its first row.
/// </summary>
public sealed class DatabaseCountMetric<TContext>(
    string name, string help, string labelName,
    Func<TContext, CancellationToken, Task<List<LabelCount>>> query,
    IReadOnlyList<string>? knownLabels,
    IServiceScopeFactory scopes) : IMetricsSource
    where TContext : MappaDbContext
{
    public async Task WriteAsync(PrometheusWriter writer, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var counts = await query(db, cancellationToken);
        var byLabel = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var label in knownLabels ?? []) byLabel[label] = 0;
        foreach (var (label, count) in counts) byLabel[label] = byLabel.GetValueOrDefault(label) + count;
        writer.Family(name, "gauge", help);
        foreach (var (label, count) in byLabel)
        {
            writer.Sample(name, count, (labelName, label));
        }
    }
}
