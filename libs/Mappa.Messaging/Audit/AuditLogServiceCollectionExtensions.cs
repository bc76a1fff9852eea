using Mappa.Messaging.Audit;
using Mappa.Messaging.Persistence;
using Mappa.Security;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ProtoServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;

namespace Microsoft.AspNetCore.Builder;

/// <summary>The audit log of one service module: its sink for the audit interceptor and its auditor RPCs.</summary>
public static class AuditLogServiceCollectionExtensions
{
    /// <summary>
    /// Keeps the audit entries of every method in <paramref name="auditLogService"/>'s proto package (the service's own
    /// package, e.g. <c>mappa.scheduling.v1</c>) in <typeparamref name="TContext"/>'s database, and registers the
    /// handlers of that <c>AuditLogService</c>. Call after AddMappaDatabase&lt;TContext&gt;; map the RPCs with
    /// <see cref="MapMappaAuditLog{TContext}"/>.
    /// </summary>
    public static IServiceCollection AddMappaAuditLog<TContext>(this IServiceCollection services, ProtoServiceDescriptor auditLogService)
        where TContext : MappaDbContext
    {
        ArgumentNullException.ThrowIfNull(auditLogService);
        services.TryAddScoped<AuditLog<TContext>>();
        services.TryAddScoped<DatabaseAuditSink<TContext>>();
        services.TryAddScoped<AuditLogHandlers<TContext>>();
        services.AddSingleton(new AuditLogService<TContext>(auditLogService));
        services.AddSingleton(new AuditSinkRoute(auditLogService.File.Package,
            provider => provider.GetRequiredService<DatabaseAuditSink<TContext>>()));
        return services;
    }

    /// <summary>Maps the <c>AuditLogService</c> registered by <see cref="AddMappaAuditLog{TContext}"/>.</summary>
    public static IEndpointConventionBuilder MapMappaAuditLog<TContext>(this IEndpointRouteBuilder endpoints)
        where TContext : MappaDbContext
    {
        var service = endpoints.ServiceProvider.GetService<AuditLogService<TContext>>()
            ?? throw new InvalidOperationException($"Call AddMappaAuditLog<{typeof(TContext).Name}> before mapping its audit log.");
        return endpoints.MapGrpcService<AuditLogHandlers<TContext>>(service.Descriptor, AuditLogHandlers<TContext>.Bind);
    }
}

/// <summary>Which contract service serves <typeparamref name="TContext"/>'s audit log.</summary>
public sealed record AuditLogService<TContext>(ProtoServiceDescriptor Descriptor) where TContext : MappaDbContext;
