using Mappa.Grpc.Server;
using Mappa.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

public static class SecurityServiceCollectionExtensions
{
    /// <summary>
    /// Bearer-token authentication, contract-declared authorization and auditing for every gRPC call, configured
    /// from <c>Mappa:Auth</c>. Interceptor order: audit (outermost, so refusals are audited), authentication,
    /// authorization. Register logging/metrics interceptors before this call to run them around these.
    /// The default audit sink writes log lines; register another <see cref="IAuditSink"/> (scoped is fine) to replace it.
    /// </summary>
    public static IServiceCollection AddMappaSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<MappaAuthOptions>()
            .Bind(configuration.GetSection(MappaAuthOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MappaAuthOptions>, MappaAuthOptionsValidation>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => new BearerTokenValidator(
            provider.GetRequiredService<IOptions<MappaAuthOptions>>(), provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IAuditSink, LoggingAuditSink>();
        services.AddHostedService<SecurityStartupCheck>();

        // Stateless, so one instance each rather than one per call (AddGrpcInterceptor keeps a prior registration).
        services.TryAddSingleton<AuditInterceptor>();
        services.TryAddSingleton(provider => new AgencyCertificates(provider.GetRequiredService<IOptions<MappaAuthOptions>>().Value.ClientCertificates));
        services.TryAddSingleton<AuthenticationInterceptor>();
        services.TryAddSingleton<AuthorizationInterceptor>();
        services.AddGrpcInterceptor<AuditInterceptor>();
        services.AddGrpcInterceptor<AuthenticationInterceptor>();
        services.AddGrpcInterceptor<AuthorizationInterceptor>();
        return services;
    }
}
