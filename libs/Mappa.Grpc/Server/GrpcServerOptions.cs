using Mappa.Grpc.Protocol;

namespace Mappa.Grpc.Server;

public sealed class GrpcServerOptions
{
    private readonly List<Type> _interceptors = [];

    /// <summary>Largest request message accepted (after decompression); larger ones answer RESOURCE_EXHAUSTED.</summary>
    public int MaxReceiveMessageSize { get; set; } = GrpcProtocol.DefaultMaxMessageSize;

    /// <summary>Largest response message sent; a larger one ends the call with RESOURCE_EXHAUSTED.</summary>
    public int MaxSendMessageSize { get; set; } = GrpcProtocol.DefaultMaxMessageSize;

    /// <summary>
    /// When false (the default), an unexpected exception answers INTERNAL with a generic message; when true the
    /// exception type and message go to the client. Keep false outside development: messages may hold personal data.
    /// </summary>
    public bool EnableDetailedErrors { get; set; }

    /// <summary>How often grpc.health.v1.Health/Watch re-evaluates the health checks.</summary>
    public TimeSpan HealthWatchInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Interceptor types in pipeline order (first = outermost); add them with AddGrpcInterceptor.</summary>
    public IReadOnlyList<Type> Interceptors => _interceptors;

    internal void AddInterceptor(Type interceptorType)
    {
        if (!_interceptors.Contains(interceptorType))
        {
            _interceptors.Add(interceptorType);
        }
    }
}
