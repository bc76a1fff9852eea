using Google.Protobuf;
using Google.Protobuf.Reflection;
using Mappa.Grpc.Server.Calls;

namespace Mappa.Grpc.Server;

/// <summary>
/// Binds handlers to the methods of one contract service. Every check against the contract (method exists,
/// kind of streaming, request and response types) runs here, at mapping time, so a mismatch stops start-up.
/// </summary>
public sealed class GrpcServiceBinder<THandlers>
    where THandlers : class
{
    private readonly Dictionary<string, ServerMethod> _bound = new(StringComparer.Ordinal);
    private readonly GrpcServerRuntime _runtime;

    internal GrpcServiceBinder(ServiceDescriptor service, GrpcServerRuntime runtime)
    {
        Service = service;
        _runtime = runtime;
    }

    public ServiceDescriptor Service { get; }

    public GrpcServiceBinder<THandlers> Unary<TRequest, TResponse>(
        string methodName,
        Func<THandlers, TRequest, ServerCallContext, Task<TResponse>> handler)
        where TRequest : class, IMessage
        where TResponse : class, IMessage
    {
        var method = Resolve<TRequest, TResponse>(methodName, clientStreaming: false, serverStreaming: false, handler);
        _bound.Add(methodName, new UnaryServerMethod<THandlers, TRequest, TResponse>(method, _runtime, handler));
        return this;
    }

    public GrpcServiceBinder<THandlers> ServerStreaming<TRequest, TResponse>(
        string methodName,
        Func<THandlers, TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task> handler)
        where TRequest : class, IMessage
        where TResponse : class, IMessage
    {
        var method = Resolve<TRequest, TResponse>(methodName, clientStreaming: false, serverStreaming: true, handler);
        _bound.Add(methodName, new ServerStreamingServerMethod<THandlers, TRequest, TResponse>(method, _runtime, handler));
        return this;
    }

    public GrpcServiceBinder<THandlers> DuplexStreaming<TRequest, TResponse>(
        string methodName,
        Func<THandlers, IAsyncStreamReader<TRequest>, IServerStreamWriter<TResponse>, ServerCallContext, Task> handler)
        where TRequest : class, IMessage
        where TResponse : class, IMessage
    {
        var method = Resolve<TRequest, TResponse>(methodName, clientStreaming: true, serverStreaming: true, handler);
        _bound.Add(methodName, new DuplexStreamingServerMethod<THandlers, TRequest, TResponse>(method, _runtime, handler));
        return this;
    }

    internal IEnumerable<MethodDescriptor> BoundMethods => _bound.Values.Select(m => m.Method);

    internal ServerMethod CreateEndpointHandler(MethodDescriptor method) =>
        _bound.TryGetValue(method.Name, out var bound) ? bound : new UnimplementedServerMethod(method, _runtime);

    private MethodDescriptor Resolve<TRequest, TResponse>(string methodName, bool clientStreaming, bool serverStreaming, Delegate handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var method = Service.FindMethodByName(methodName)
            ?? throw new InvalidOperationException(
                $"Service {Service.FullName} has no method '{methodName}'; its methods are: {string.Join(", ", Service.Methods.Select(m => m.Name))}.");
        if (_bound.ContainsKey(methodName))
        {
            throw new InvalidOperationException($"Method {Service.FullName}/{methodName} is bound twice.");
        }
        if (method.IsClientStreaming != clientStreaming || method.IsServerStreaming != serverStreaming)
        {
            throw new InvalidOperationException(
                $"Method {Service.FullName}/{methodName} is {Describe(method.IsClientStreaming, method.IsServerStreaming)} in the contract "
                + $"but was bound as {Describe(clientStreaming, serverStreaming)}.");
        }
        if (method.InputType.ClrType != typeof(TRequest))
        {
            throw new InvalidOperationException(
                $"Method {Service.FullName}/{methodName} takes {method.InputType.FullName} ({method.InputType.ClrType}) but was bound with request type {typeof(TRequest)}.");
        }
        if (method.OutputType.ClrType != typeof(TResponse))
        {
            throw new InvalidOperationException(
                $"Method {Service.FullName}/{methodName} returns {method.OutputType.FullName} ({method.OutputType.ClrType}) but was bound with response type {typeof(TResponse)}.");
        }
        return method;
    }

    private static string Describe(bool clientStreaming, bool serverStreaming) => (clientStreaming, serverStreaming) switch
    {
        (false, false) => "unary",
        (false, true) => "server streaming",
        (true, false) => "client streaming",
        (true, true) => "bidirectional streaming",
    };
}
