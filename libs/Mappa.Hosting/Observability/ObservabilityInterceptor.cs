using System.Diagnostics;
using Mappa.Grpc;
using Mappa.Grpc.Server;
using Mappa.Security;
using Microsoft.Extensions.Logging;

namespace Mappa.Hosting.Observability;

/// <summary>
/// The outermost step of every call: one structured log line (method, status, duration, request id — never the
/// request body or any personal detail) and the call's metrics.
/// </summary>
public sealed partial class ObservabilityInterceptor(RpcMetrics metrics, ILogger<ObservabilityInterceptor> logger) : IServerInterceptor
{
    public async Task InvokeAsync(ServerCallContext context, GrpcCallDelegate next)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            var status = context.OutcomeStatus ?? StatusCode.Unknown;
            metrics.Record(context.FullMethodName, status, elapsed);
            LogCall(logger, context.FullMethodName, status, elapsed.TotalMilliseconds, RequestIds.GetOrCreate(context));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "gRPC {Method} answered {Status} in {ElapsedMs:0.0} ms (request {RequestId})")]
    private static partial void LogCall(ILogger logger, string method, StatusCode status, double elapsedMs, string requestId);
}
