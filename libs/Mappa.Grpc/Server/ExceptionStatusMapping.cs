using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;

namespace Mappa.Grpc.Server;

/// <summary>
/// Turns whatever a handler or interceptor threw into the status the client gets: registered
/// <see cref="IExceptionStatusMapper"/>s first, then <see cref="DomainErrorMapping"/>, then cancellation, then transient failures (UNAVAILABLE), then INTERNAL.
/// </summary>
internal static class ExceptionStatusMapping
{
    public const string GenericInternalMessage = "An internal error occurred.";

    public static RpcException ToRpcException(Exception exception, ServerCallContext context, GrpcServerRuntime runtime)
    {
        if (exception is RpcException rpc)
        {
            return rpc;
        }
        foreach (var mapper in context.HttpContext.RequestServices.GetServices<IExceptionStatusMapper>())
        {
            if (mapper.TryMap(exception, context) is { } mapped)
            {
                return mapped;
            }
        }
        if (DomainErrorMapping.TryMap(exception) is { } domain)
        {
            return domain;
        }
        if (context.CancellationToken.IsCancellationRequested
            && exception is OperationCanceledException or ConnectionAbortedException or IOException)
        {
            return context.HttpContext.RequestAborted.IsCancellationRequested
                ? new RpcException(StatusCode.Cancelled, "The call was cancelled by the client.", null, null, exception)
                : new RpcException(StatusCode.DeadlineExceeded, "Deadline Exceeded", null, null, exception);
        }
        if (TransientFailureMapping.TryMap(exception) is { } transient)
        {
            ServerLog.UnexpectedError(runtime.Logger, context.FullMethodName, StatusCode.Unavailable, exception);
            return transient;
        }
        ServerLog.UnexpectedError(runtime.Logger, context.FullMethodName, StatusCode.Internal, exception);
        var message = runtime.Options.EnableDetailedErrors
            ? $"Exception was thrown by handler. {exception.GetType().Name}: {exception.Message}"
            : GenericInternalMessage;
        return new RpcException(StatusCode.Internal, message, null, null, exception);
    }
}
