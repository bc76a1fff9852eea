using MassTransit;
using Mappa.Grpc.Server;
using Mappa.Messaging.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Mappa.Hosting.Observability;

public static class ObservabilityServiceCollectionExtensions
{
    /// <summary>RPC metrics and the logging scope (interceptor), process metrics, consumer lag. Call before the modules.</summary>
    public static IServiceCollection AddMappaObservability(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<RpcMetrics>();
        services.AddSingleton<IMetricsSource>(provider => provider.GetRequiredService<RpcMetrics>());
        services.AddGrpcInterceptor<ObservabilityInterceptor>();
        services.AddSingleton<ProcessMetrics>();
        services.AddSingleton<IMetricsSource>(provider => provider.GetRequiredService<ProcessMetrics>());
        services.AddSingleton<ConsumerLagMetrics>();
        services.AddSingleton<IMetricsSource>(provider => provider.GetRequiredService<ConsumerLagMetrics>());
        services.AddConsumeObserver(provider => provider.GetRequiredService<ConsumerLagMetrics>());
        return services;
    }

    /// <summary>
    /// A probe (readiness, outbox and inbox metrics) for every module database registered so far with
    /// <c>AddMappaDatabase</c>. Call after the modules have configured their services.
    /// </summary>
    public static IServiceCollection AddMappaDatabaseProbes(this IServiceCollection services)
    {
        var contexts = services
            .Where(d => d.ServiceType.IsGenericType && d.ServiceType.GetGenericTypeDefinition() == typeof(MappaDatabaseSettings<>))
            .Select(d => d.ServiceType.GetGenericArguments()[0])
            .Distinct()
            .ToList();
        foreach (var context in contexts)
        {
            services.AddSingleton(typeof(IModuleDatabaseProbe), typeof(ModuleDatabaseProbe<>).MakeGenericType(context));
        }
        services.AddSingleton<MessagingMetrics>();
        services.AddSingleton<IMetricsSource>(provider => provider.GetRequiredService<MessagingMetrics>());
        return services;
    }
}
