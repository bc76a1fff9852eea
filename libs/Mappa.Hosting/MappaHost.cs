using System.Net;
using System.Text;
using Mappa.Grpc;
using Mappa.Grpc.Server;
using Mappa.Hosting.Observability;
using Mappa.Messaging.Bus;
using Mappa.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Mappa.Hosting;

/// <summary>Builds the web host for one or more service modules: Kestrel endpoints, the gRPC pipeline, security, operator endpoints.</summary>
public static class MappaHost
{
    /// <summary>Creates a host for <paramref name="modules"/>; <paramref name="defaults"/> supplies configuration a deployment may override.</summary>
    public static WebApplication Build(
        string[] args,
        IReadOnlyList<IMappaServiceModule> modules,
        IReadOnlyDictionary<string, string?> defaults,
        bool embedded,
        Action<WebApplicationBuilder>? configureBuilder = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        // Defaults first, so appsettings, environment variables and the command line all override them.
        builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = defaults });
        builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = QuietLogging });

        var grpcEndpoint = builder.Configuration.GetSection(GrpcEndpointOptions.Section).Get<GrpcEndpointOptions>() ?? new GrpcEndpointOptions();
        var operatorEndpoint = builder.Configuration.GetSection(OperatorEndpointOptions.Section).Get<OperatorEndpointOptions>() ?? new OperatorEndpointOptions();
        builder.WebHost.ConfigureKestrel(kestrel => ConfigureEndpoints(kestrel, grpcEndpoint, operatorEndpoint));

        var dataDirectory = builder.Configuration["Mappa:DataDirectory"] ?? Path.Combine(AppContext.BaseDirectory, "data");
        var context = new ModuleContext(builder.Configuration, embedded, dataDirectory);

        builder.Services.AddMappaObservability();
        builder.Services.AddMappaSecurity(builder.Configuration);
        builder.Services.AddMappaGrpc(options => builder.Configuration.GetSection("Mappa:Grpc:Limits").Bind(options));
        builder.Services.AddHealthChecks();
        foreach (var module in modules)
        {
            module.ConfigureServices(builder.Services, context);
        }
        // One bus per process, after every module has added its consumers.
        builder.Services.AddMappaMessaging(builder.Configuration);
        builder.Services.AddMappaDatabaseProbes();
        configureBuilder?.Invoke(builder);

        var app = builder.Build();
        foreach (var module in modules)
        {
            module.MapEndpoints(app);
        }
        app.MapGrpcHealth();
        app.MapGrpcReflection();
        app.MapGrpcFallback();
        MapOperatorEndpoints(app, operatorEndpoint);

        // Refuse to start with an RPC that has no declared permission: deny-by-default must be visible at deploy time.
        AccessPolicy.ValidateAllDeclared(app.Services.GetRequiredService<GrpcServiceRegistry>().BoundMethods);
        return app;
    }

    // EF Core logs every SQL command at Information; operators want one line per call, not per statement.
    private static readonly Dictionary<string, string?> QuietLogging = new()
    {
        ["Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command"] = "Warning",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        // Every RPC's log lines carry its request id, method and caller id (ObservabilityInterceptor's scope);
        // Logging:Console:FormatterName=json writes them as JSON properties.
        ["Logging:Console:FormatterOptions:IncludeScopes"] = "true",
    };

    private static void ConfigureEndpoints(KestrelServerOptions kestrel, GrpcEndpointOptions grpc, OperatorEndpointOptions operatorEndpoint)
    {
        kestrel.AddServerHeader = false;
        kestrel.Listen(ResolveAddress(grpc.Address), grpc.Port, listen =>
        {
            // HTTP/2 only: in plaintext Kestrel could not otherwise tell a prior-knowledge HTTP/2 client apart,
            // and with TLS, ALPN negotiates HTTP/2 for gRPC clients anyway.
            listen.Protocols = HttpProtocols.Http2;
            if (!grpc.Tls.Enabled)
            {
                return;
            }
            listen.UseHttps(https => ServerTls.Configure(https, grpc.Tls));
        });
        if (operatorEndpoint.Port > 0)
        {
            kestrel.Listen(ResolveAddress(operatorEndpoint.Address), operatorEndpoint.Port, listen => listen.Protocols = HttpProtocols.Http1);
        }
    }

    private static IPAddress ResolveAddress(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured is "*" or "any" ? IPAddress.IPv6Any : IPAddress.Parse(configured);
        }
        var inContainer = string.Equals(Environment.GetEnvironmentVariable("DOTNET_RUNNING_IN_CONTAINER"), "true", StringComparison.OrdinalIgnoreCase);
        return inContainer ? IPAddress.IPv6Any : IPAddress.Loopback;
    }

    private static void MapOperatorEndpoints(WebApplication app, OperatorEndpointOptions operatorEndpoint)
    {
        if (operatorEndpoint.Port <= 0)
        {
            return;
        }
        var host = $"*:{operatorEndpoint.Port}";
        app.MapHealthChecks("/healthz").RequireHost(host);
        OperatorEndpoints.MapMetrics(app, host);
        OperatorEndpoints.MapReadiness(app, host);
    }
}
