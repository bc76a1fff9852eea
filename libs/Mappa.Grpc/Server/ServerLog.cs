using Microsoft.Extensions.Logging;

namespace Mappa.Grpc.Server;

// Only method names, status codes and exception objects: never request bodies or metadata values.
internal static partial class ServerLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "gRPC call {Method} failed unexpectedly; answered {Status}")]
    public static partial void UnexpectedError(ILogger logger, string method, StatusCode status, Exception exception);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "gRPC call {Method} ended with {Status}")]
    public static partial void CallFailed(ILogger logger, string method, StatusCode status);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "gRPC call {Method} was cancelled by the client")]
    public static partial void CancelledByClient(ILogger logger, string method);

    [LoggerMessage(EventId = 4, Level = LogLevel.Debug, Message = "gRPC call {Method} passed its deadline")]
    public static partial void DeadlineExceeded(ILogger logger, string method);

    [LoggerMessage(EventId = 5, Level = LogLevel.Debug, Message = "gRPC request for unknown method {Path} answered UNIMPLEMENTED")]
    public static partial void UnknownMethod(ILogger logger, string path);

    [LoggerMessage(EventId = 6, Level = LogLevel.Debug, Message = "Could not send the status of gRPC call {Method}: the client has gone")]
    public static partial void StatusNotSent(ILogger logger, string method, Exception exception);
}
