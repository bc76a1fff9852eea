using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mappa.Grpc.Server;

/// <summary>Server-wide state every method handler shares, captured once when endpoints are mapped.</summary>
internal sealed class GrpcServerRuntime(IOptions<GrpcServerOptions> options, ILoggerFactory loggerFactory, GrpcServiceRegistry registry)
{
    public GrpcServerOptions Options { get; } = options.Value;

    public ILogger Logger { get; } = loggerFactory.CreateLogger("Mappa.Grpc.Server");

    public GrpcServiceRegistry Registry { get; } = registry;

    public Type[] InterceptorTypes { get; } = [.. options.Value.Interceptors];
}
