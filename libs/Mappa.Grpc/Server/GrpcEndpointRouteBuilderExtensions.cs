using Grpc.Health.V1;
using Mappa.Grpc.Health;
using Mappa.Grpc.Reflection;
using Mappa.Grpc.Server;
using Mappa.Grpc.Server.Calls;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using ProtoServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;
using V1 = Grpc.Reflection.V1;
using V1Alpha = Grpc.Reflection.V1Alpha;

// Same namespace as MapGet & co., so hosts find these without an extra using.
namespace Microsoft.AspNetCore.Builder;

public static class GrpcEndpointRouteBuilderExtensions
{
    private static readonly HttpMethodMetadata PostOnly = new(["POST"]);

    /// <summary>
    /// Maps every method of <paramref name="service"/> to <c>/package.Service/Method</c>. Methods
    /// <paramref name="bind"/> does not bind answer UNIMPLEMENTED. <typeparamref name="THandlers"/> is resolved per call
    /// from the request's scope, so it must be registered in DI. Throws at start-up on any mismatch with the contract.
    /// </summary>
    public static GrpcServiceEndpoints MapGrpcService<THandlers>(
        this IEndpointRouteBuilder app,
        ProtoServiceDescriptor service,
        Action<GrpcServiceBinder<THandlers>> bind)
        where THandlers : class
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(bind);
        var runtime = GetRuntime(app);
        if (app.ServiceProvider.GetService<IServiceProviderIsService>() is { } isService && !isService.IsService(typeof(THandlers)))
        {
            throw new InvalidOperationException(
                $"{typeof(THandlers)} handles {service.FullName} but is not registered in DI; register it (e.g. services.AddScoped<{typeof(THandlers).Name}>()).");
        }
        var binder = new GrpcServiceBinder<THandlers>(service, runtime);
        bind(binder);
        runtime.Registry.Add(service, binder.BoundMethods);

        var methods = new Dictionary<string, IEndpointConventionBuilder>(StringComparer.Ordinal);
        foreach (var method in service.Methods)
        {
            var handler = binder.CreateEndpointHandler(method);
            var builder = app.Map(RoutePatternFactory.Parse($"/{service.FullName}/{method.Name}"), handler.HandleAsync)
                .WithDisplayName($"gRPC {service.FullName}/{method.Name}")
                .WithMetadata(PostOnly, new GrpcMethodMetadata(method));
            methods.Add(method.Name, builder);
        }
        return new GrpcServiceEndpoints(service, methods);
    }

    /// <summary>grpc.health.v1.Health (Check and Watch), answered from the registered ASP.NET Core health checks.</summary>
    public static IEndpointConventionBuilder MapGrpcHealth(this IEndpointRouteBuilder app) =>
        app.MapGrpcService<GrpcHealthService>(HealthReflection.Descriptor.Services[0], health => health
            .Unary<HealthCheckRequest, HealthCheckResponse>("Check", (service, request, context) => service.CheckAsync(request, context))
            .ServerStreaming<HealthCheckRequest, HealthCheckResponse>("Watch", (service, request, responses, context) => service.WatchAsync(request, responses, context)));

    /// <summary>Server reflection, both grpc.reflection.v1 and the older v1alpha that many tools still use.</summary>
    public static IEndpointConventionBuilder MapGrpcReflection(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGrpcService<GrpcReflectionService>(V1.ReflectionReflection.Descriptor.Services[0], reflection => reflection
            .DuplexStreaming<V1.ServerReflectionRequest, V1.ServerReflectionResponse>(
                "ServerReflectionInfo", (service, requests, responses, context) => service.ServerReflectionInfoAsync(requests, responses, context)));
        var v1Alpha = app.MapGrpcService<GrpcReflectionService>(V1Alpha.ReflectionReflection.Descriptor.Services[0], reflection => reflection
            .DuplexStreaming<V1Alpha.ServerReflectionRequest, V1Alpha.ServerReflectionResponse>(
                "ServerReflectionInfo", (service, requests, responses, context) => service.ServerReflectionInfoV1AlphaAsync(requests, responses, context)));
        return new CompositeEndpointConventionBuilder([v1, v1Alpha]);
    }

    /// <summary>Answers a gRPC request for any unmapped <c>/service/method</c> with UNIMPLEMENTED, as a gRPC response.</summary>
    public static IEndpointConventionBuilder MapGrpcFallback(this IEndpointRouteBuilder app)
    {
        var runtime = GetRuntime(app);
        var builder = app.Map(RoutePatternFactory.Parse("/{service}/{method}"), http => UnknownMethodAsync(http, runtime))
            .WithDisplayName("gRPC unknown method")
            .WithMetadata(PostOnly);
        // Any other endpoint that matches (a mapped method, or a host's own route) wins over this pattern.
        builder.Add(endpoint =>
        {
            if (endpoint is RouteEndpointBuilder route)
            {
                route.Order = int.MaxValue;
            }
        });
        return builder;
    }

    private static Task UnknownMethodAsync(HttpContext http, GrpcServerRuntime runtime)
    {
        if (!ServerCall.TryAccept(http))
        {
            return Task.CompletedTask;
        }
        var service = Truncate(http.Request.RouteValues["service"] as string);
        var method = Truncate(http.Request.RouteValues["method"] as string);
        var message = runtime.Registry.ContainsService(service)
            ? $"Method {method} of service {service} is not implemented."
            : $"Service {service} is not implemented.";
        ServerLog.UnknownMethod(runtime.Logger, $"/{service}/{method}");
        ServerCall.WriteTrailersOnly(http.Response, Mappa.Grpc.StatusCode.Unimplemented, message);
        return Task.CompletedTask;
    }

    // The names come from the client: keep what we echo and log bounded.
    private static string Truncate(string? value) => value is null ? string.Empty : value.Length <= 200 ? value : value[..200];

    private static GrpcServerRuntime GetRuntime(IEndpointRouteBuilder app) =>
        app.ServiceProvider.GetService<GrpcServerRuntime>()
            ?? throw new InvalidOperationException("Call services.AddMappaGrpc() before mapping gRPC endpoints.");
}
