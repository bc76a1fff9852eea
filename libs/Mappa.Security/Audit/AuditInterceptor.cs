using Mappa.Grpc;
using Mappa.Grpc.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mappa.Security;

/// <summary>
/// Writes an <see cref="AuditEntry"/> when every audited call ends, whatever the outcome. Registered outside
/// authentication and authorization so refused attempts (UNAUTHENTICATED, PERMISSION_DENIED) are audited too.
/// Also settles the call's request id for every call.
/// </summary>
public sealed partial class AuditInterceptor : IServerInterceptor
{
    private readonly TimeProvider _time;
    private readonly ILogger<AuditInterceptor> _logger;
    private readonly Dictionary<string, AuditSinkRoute> _routes;

    public AuditInterceptor(TimeProvider time, ILogger<AuditInterceptor> logger)
        : this(time, logger, [])
    {
    }

    /// <param name="routes">Per-package sinks (each service's own audit log); other methods use the default sink.</param>
    public AuditInterceptor(TimeProvider time, ILogger<AuditInterceptor> logger, IEnumerable<AuditSinkRoute> routes)
    {
        _time = time;
        _logger = logger;
        _routes = new Dictionary<string, AuditSinkRoute>(StringComparer.Ordinal);
        foreach (var route in routes)
        {
            if (!_routes.TryAdd(route.ProtoPackage, route))
            {
                throw new InvalidOperationException($"Two audit logs are registered for the package {route.ProtoPackage}.");
            }
        }
    }

    public async Task InvokeAsync(ServerCallContext context, GrpcCallDelegate next)
    {
        var requestId = RequestIds.GetOrCreate(context);
        var rule = AccessPolicy.For(context.Method);
        if (!rule.IsAudited)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var pending = new PendingAudit(
            context, _time.GetUtcNow(), rule.FullMethodName, AuditSubjectIds.Sanitize(rule.SubjectIdOf(context.Request)), requestId);
        context.Items[PendingAuditExtensions.ItemKey] = pending;
        // From the call's scope, so a service can provide a scoped sink that shares its database context.
        var sink = SinkFor(context);

        var outer = PendingAudit.Current;
        PendingAudit.Current = pending;
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (Exception failure)
        {
            await RecordFailureAsync(sink, pending, OutcomeOf(context, failure)).ConfigureAwait(false);
            throw;
        }
        finally
        {
            PendingAudit.Current = outer;
        }

        var outcome = context.OutcomeStatus ?? StatusCode.OK;
        if (pending.IsClaimed && outcome == StatusCode.OK)
        {
            return; // The service stored the entry with its own change.
        }
        // On success a failing sink fails the call: no risk information leaves without its audit record.
        await sink.RecordAsync(pending.ToEntry(outcome), CancellationToken.None).ConfigureAwait(false);
    }

    private IAuditSink SinkFor(ServerCallContext context)
    {
        var services = context.HttpContext.RequestServices
            ?? throw new InvalidOperationException("The call has no service scope to find its audit sink in.");
        if (_routes.Count > 0 && _routes.TryGetValue(AuditSinkRoute.PackageOf(context.Method), out var route))
        {
            return route.Resolve(services);
        }
        return services.GetService<IAuditSink>()
            ?? throw new InvalidOperationException("No IAuditSink is registered for the call (AddMappaSecurity registers one).");
    }

    private async Task RecordFailureAsync(IAuditSink sink, PendingAudit pending, StatusCode outcome)
    {
        try
        {
            // Not the call's token: the record is wanted even when the client has gone.
            await sink.RecordAsync(pending.ToEntry(outcome), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception sinkFailure)
        {
            // Keep the call's own error; losing this record is logged loudly instead.
            LogSinkFailed(_logger, sinkFailure, pending.Method, outcome, pending.RequestId);
        }
    }

    private static StatusCode OutcomeOf(ServerCallContext context, Exception failure) => failure switch
    {
        RpcException rpc => rpc.StatusCode,
        _ when context.OutcomeStatus is { } known && known != StatusCode.OK => known,
        // The layer maps domain errors where it catches them; ask the same mapping if it has not done so yet.
        _ when DomainErrorMapping.TryMap(failure) is { } domain => domain.StatusCode,
        OperationCanceledException when context.CancellationToken.IsCancellationRequested =>
            context.HttpContext.RequestAborted.IsCancellationRequested ? StatusCode.Cancelled : StatusCode.DeadlineExceeded,
        _ => StatusCode.Internal, // what the layer answers for anything unexpected
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit record for {Method} ({Outcome}, request {RequestId}) could not be written")]
    private static partial void LogSinkFailed(ILogger logger, Exception exception, string method, StatusCode outcome, string requestId);
}
