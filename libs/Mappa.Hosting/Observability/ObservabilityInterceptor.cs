using System.Collections;
using System.Diagnostics;
using Google.Protobuf.Reflection;
using Mappa.Grpc;
using Mappa.Grpc.Server;
using Mappa.Security;
using Microsoft.Extensions.Logging;

namespace Mappa.Hosting.Observability;

/// <summary>
/// The outermost step of every call: a logging scope (request id, method, caller id, and the client's
/// <c>request_id</c> field when the request has one) around everything logged during the call, one structured log
/// line at the end (method, status, duration — never the request body or any personal detail) and the call's metrics.
/// </summary>
public sealed partial class ObservabilityInterceptor(RpcMetrics metrics, ILogger<ObservabilityInterceptor> logger) : IServerInterceptor
{
    public async Task InvokeAsync(ServerCallContext context, GrpcCallDelegate next)
    {
        var started = Stopwatch.GetTimestamp();
        var scope = new RpcLogScope(context);
        using (logger.BeginScope(scope))
        {
            try
            {
                await next(context);
            }
            finally
            {
                var elapsed = Stopwatch.GetElapsedTime(started);
                var status = context.OutcomeStatus ?? StatusCode.Unknown;
                metrics.Record(context.FullMethodName, status, elapsed);
                LogCall(logger, context.FullMethodName, status, elapsed.TotalMilliseconds, scope.RequestId);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "gRPC {Method} answered {Status} in {ElapsedMs:0.0} ms (request {RequestId})")]
    private static partial void LogCall(ILogger logger, string method, StatusCode status, double elapsedMs, string requestId);

    /// <summary>
    /// The scope's properties. The caller is read when a line is written, because authentication runs inside this
    /// interceptor: lines logged by handlers carry the caller id, the caller's subject claim (an account id, not a name).
    /// </summary>
    private sealed class RpcLogScope(ServerCallContext context) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public string RequestId { get; } = RequestIds.GetOrCreate(context);
        private readonly string? _clientRequestId = ClientRequestId(context);

        private List<KeyValuePair<string, object?>> Properties()
        {
            var properties = new List<KeyValuePair<string, object?>>(4)
            {
                new("RequestId", RequestId),
                new("GrpcMethod", context.FullMethodName),
            };
            if (context.TryGetCaller() is { } caller) properties.Add(new("CallerId", caller.Subject));
            if (_clientRequestId is not null) properties.Add(new("ClientRequestId", _clientRequestId));
            return properties;
        }

        public int Count => Properties().Count;
        public KeyValuePair<string, object?> this[int index] => Properties()[index];
        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => Properties().GetEnumerator();
        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString()
        {
            var text = $"RequestId:{RequestId} GrpcMethod:{context.FullMethodName}";
            if (context.TryGetCaller() is { } caller) text += $" CallerId:{caller.Subject}";
            if (_clientRequestId is not null) text += $" ClientRequestId:{_clientRequestId}";
            return text;
        }

        // The idempotency key many requests carry (field request_id); kept only when it is a plausible id.
        private static string? ClientRequestId(ServerCallContext context)
        {
            if (context.Request is not { } request) return null;
            var field = request.Descriptor.FindFieldByName("request_id");
            if (field is null || field.FieldType != FieldType.String || field.IsRepeated) return null;
            var value = field.Accessor.GetValue(request) as string;
            return IsPlausible(value) ? value : null;
        }

        // Same rule as x-request-id: ids go into logs, so nothing that could smuggle text or personal detail in.
        private static bool IsPlausible(string? id) =>
            !string.IsNullOrEmpty(id) && id.Length <= RequestIds.MaximumLength
            && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':');
    }
}
