using Mappa.Hosting.Observability;
using Mappa.Messaging.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

// In Mappa.Hosting (not .Observability), so a module adds its metrics with the namespace it already imports.
namespace Mappa.Hosting;

public static class MetricsSourceRegistration
{
    /// <summary>Adds a source of metric families to <c>/metrics</c>.</summary>
    public static IServiceCollection AddMappaMetricsSource<TSource>(this IServiceCollection services)
        where TSource : class, IMetricsSource
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IMetricsSource, TSource>());
        return services;
    }

    /// <summary>
    /// Adds a gauge counting a module's rows by one label, e.g.
    /// <c>AddMappaCountMetric&lt;SchedulingDbContext&gt;("mappa_scheduling_milestones", "...", "kind", (db, ct) => ...)</c>.
    /// </summary>
    public static IServiceCollection AddMappaCountMetric<TContext>(this IServiceCollection services, string name, string help, string labelName,
        Func<TContext, CancellationToken, Task<List<LabelCount>>> query, IReadOnlyList<string>? knownLabels = null)
        where TContext : MappaDbContext
    {
        services.AddSingleton<IMetricsSource>(provider => new DatabaseCountMetric<TContext>(name, help, labelName, query, knownLabels,
            provider.GetRequiredService<IServiceScopeFactory>()));
        return services;
    }

    /// <summary>
    /// The common case of <see cref="AddMappaCountMetric{TContext}"/>: rows of <paramref name="rows"/> grouped by an
    /// integer column (an enum stored as its number), each group labelled by <paramref name="labelOf"/>.
    /// </summary>
    public static IServiceCollection AddMappaCountByEnumMetric<TContext, TRow, TEnum>(this IServiceCollection services, string name, string help,
        string labelName, Func<TContext, IQueryable<TRow>> rows, System.Linq.Expressions.Expression<Func<TRow, int>> column, Func<TEnum, string> labelOf)
        where TContext : MappaDbContext
        where TEnum : struct, Enum =>
        services.AddMappaCountMetric<TContext>(name, help, labelName, async (db, cancellationToken) =>
        {
            var groups = await rows(db).GroupBy(column).Select(g => new { g.Key, Count = g.LongCount() }).ToListAsync(cancellationToken);
            return groups.Select(g => new LabelCount(Enum.IsDefined(typeof(TEnum), g.Key) ? labelOf((TEnum)(object)g.Key) : g.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), g.Count)).ToList();
        }, Enum.GetValues<TEnum>().Select(labelOf).ToArray());
}
