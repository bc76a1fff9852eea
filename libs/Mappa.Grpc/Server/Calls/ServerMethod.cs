using Google.Protobuf;
using Google.Protobuf.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Mappa.Grpc.Server.Calls;

/// <summary>The endpoint for one method: everything that is fixed per method is computed once, at mapping time.</summary>
internal abstract class ServerMethod(MethodDescriptor method, GrpcServerRuntime runtime)
{
    public MethodDescriptor Method { get; } = method;

    protected GrpcServerRuntime Runtime { get; } = runtime;

    public async Task HandleAsync(HttpContext http)
    {
        if (!ServerCall.TryAccept(http))
        {
            return;
        }
        var call = ServerCall.Start(http, Method, Runtime);
        RpcException? error = null;
        try
        {
            await ExecuteAsync(call).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            error = ExceptionStatusMapping.ToRpcException(ex, call.Context, Runtime);
        }
        await call.FinishAsync(error).ConfigureAwait(false);
    }

    protected abstract Task ExecuteAsync(ServerCall call);
}

/// <summary>A method the contract declares but no handler was bound for.</summary>
internal sealed class UnimplementedServerMethod(MethodDescriptor method, GrpcServerRuntime runtime) : ServerMethod(method, runtime)
{
    protected override Task ExecuteAsync(ServerCall call) =>
        throw new RpcException(StatusCode.Unimplemented, $"Method {Method.Name} of service {Method.Service.FullName} is not implemented.");
}

internal sealed class UnaryServerMethod<THandlers, TRequest, TResponse> : ServerMethod
    where THandlers : class
    where TRequest : class, IMessage
    where TResponse : class, IMessage
{
    private readonly Func<THandlers, TRequest, ServerCallContext, Task<TResponse>> _handler;
    private readonly MessageParser _parser;
    private readonly GrpcCallDelegate _invokeHandler;

    public UnaryServerMethod(MethodDescriptor method, GrpcServerRuntime runtime, Func<THandlers, TRequest, ServerCallContext, Task<TResponse>> handler)
        : base(method, runtime)
    {
        _handler = handler;
        _parser = method.InputType.Parser;
        _invokeHandler = InvokeHandlerAsync;
    }

    protected override async Task ExecuteAsync(ServerCall call)
    {
        call.Context.Request = await call.Reader.ReadSingleAsync(_parser, call.Context.CancellationToken).ConfigureAwait(false);
        await CallPipeline.RunAsync(call, _invokeHandler).ConfigureAwait(false);
        if (call.MessagesWritten == 0 && call.LastError is null)
        {
            // An interceptor returned without calling the handler or throwing: a unary call needs an answer.
            throw new RpcException(StatusCode.Internal, "The call completed without a response message.");
        }
    }

    private async Task InvokeHandlerAsync(ServerCallContext context)
    {
        var handlers = context.HttpContext.RequestServices.GetRequiredService<THandlers>();
        var response = await _handler(handlers, (TRequest)context.Request!, context).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"The handler for {context.FullMethodName} returned null.");
        context.Call!.WriteMessage(response);
    }
}

internal sealed class ServerStreamingServerMethod<THandlers, TRequest, TResponse> : ServerMethod
    where THandlers : class
    where TRequest : class, IMessage
    where TResponse : class, IMessage
{
    private readonly Func<THandlers, TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task> _handler;
    private readonly MessageParser _parser;
    private readonly GrpcCallDelegate _invokeHandler;

    public ServerStreamingServerMethod(
        MethodDescriptor method,
        GrpcServerRuntime runtime,
        Func<THandlers, TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task> handler)
        : base(method, runtime)
    {
        _handler = handler;
        _parser = method.InputType.Parser;
        _invokeHandler = InvokeHandlerAsync;
    }

    protected override async Task ExecuteAsync(ServerCall call)
    {
        call.Context.Request = await call.Reader.ReadSingleAsync(_parser, call.Context.CancellationToken).ConfigureAwait(false);
        await CallPipeline.RunAsync(call, _invokeHandler).ConfigureAwait(false);
    }

    private Task InvokeHandlerAsync(ServerCallContext context)
    {
        var handlers = context.HttpContext.RequestServices.GetRequiredService<THandlers>();
        return _handler(handlers, (TRequest)context.Request!, new ServerStreamWriter<TResponse>(context.Call!), context);
    }
}

internal sealed class DuplexStreamingServerMethod<THandlers, TRequest, TResponse> : ServerMethod
    where THandlers : class
    where TRequest : class, IMessage
    where TResponse : class, IMessage
{
    private readonly Func<THandlers, IAsyncStreamReader<TRequest>, IServerStreamWriter<TResponse>, ServerCallContext, Task> _handler;
    private readonly MessageParser _parser;
    private readonly GrpcCallDelegate _invokeHandler;

    public DuplexStreamingServerMethod(
        MethodDescriptor method,
        GrpcServerRuntime runtime,
        Func<THandlers, IAsyncStreamReader<TRequest>, IServerStreamWriter<TResponse>, ServerCallContext, Task> handler)
        : base(method, runtime)
    {
        _handler = handler;
        _parser = method.InputType.Parser;
        _invokeHandler = InvokeHandlerAsync;
    }

    protected override Task ExecuteAsync(ServerCall call) => CallPipeline.RunAsync(call, _invokeHandler);

    private Task InvokeHandlerAsync(ServerCallContext context)
    {
        var call = context.Call!;
        var handlers = context.HttpContext.RequestServices.GetRequiredService<THandlers>();
        return _handler(handlers, new ServerStreamReader<TRequest>(call, _parser), new ServerStreamWriter<TResponse>(call), context);
    }
}
