using Mappa.Grpc.Health;
using Mappa.Grpc.Reflection;
using Mappa.Grpc.Server;
using Microsoft.Extensions.DependencyInjection.Extensions;

// Same namespace as AddRouting & co., so hosts find these without an extra using.
namespace Microsoft.Extensions.DependencyInjection;

public static class GrpcServiceCollectionExtensions
{
    /// <summary>The gRPC server layer: options, the service registry, health (from AddHealthChecks) and reflection.</summary>
    public static IServiceCollection AddMappaGrpc(this IServiceCollection services, Action<GrpcServerOptions>? configure = null)
    {
        services.AddOptions<GrpcServerOptions>();
        if (configure is not null)
        {
            services.Configure(configure);
        }
        services.AddLogging();
        services.AddHealthChecks();
        services.TryAddSingleton<GrpcServiceRegistry>();
        services.TryAddSingleton<GrpcServerRuntime>();
        services.TryAddSingleton<GrpcHealthService>();
        services.TryAddSingleton<GrpcReflectionService>();
        return services;
    }

    /// <summary>
    /// Adds an interceptor to the one pipeline every call runs through. Registration order is pipeline order: the
    /// first registered runs outermost. The interceptor is resolved per call from the request's scope (registered
    /// scoped unless you registered it yourself beforehand, e.g. as a singleton).
    /// </summary>
    public static IServiceCollection AddGrpcInterceptor<TInterceptor>(this IServiceCollection services)
        where TInterceptor : class, IServerInterceptor
    {
        services.TryAddScoped<TInterceptor>();
        services.Configure<GrpcServerOptions>(options => options.AddInterceptor(typeof(TInterceptor)));
        return services;
    }
}
