namespace Mappa.Grpc.Server;

/// <summary>Runs the rest of the call: later interceptors, then the handler.</summary>
public delegate Task GrpcCallDelegate(ServerCallContext context);

/// <summary>
/// One step of the single pipeline every call passes through (logging, metrics, authentication,
/// authorization, audit). Registered in DI with an explicit order; the first registered runs outermost.
/// Throw <see cref="RpcException"/> (or a domain exception) to end the call with a status.
/// </summary>
public interface IServerInterceptor
{
    Task InvokeAsync(ServerCallContext context, GrpcCallDelegate next);
}
