using Grpc.Health.V1;
using Mappa.Grpc.Server;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Mappa.Grpc.Health;

/// <summary>
/// grpc.health.v1.Health answered from ASP.NET Core health checks. "" (the whole server) depends on the checks
/// tagged with no mapped service name; a service depends on those plus the checks tagged with its full name, so a
/// check tagged "mappa.scheduling.v1.ReviewCalendarService" affects only that service. Degraded counts as serving.
/// </summary>
internal sealed class GrpcHealthService(HealthCheckService healthChecks, GrpcServiceRegistry registry, IOptions<GrpcServerOptions> options)
{
    public async Task<HealthCheckResponse> CheckAsync(HealthCheckRequest request, ServerCallContext context)
    {
        var status = await EvaluateAsync(request.Service, context.CancellationToken).ConfigureAwait(false);
        if (status == ServingStatus.ServiceUnknown)
        {
            throw new RpcException(StatusCode.NotFound, $"Unknown service '{request.Service}'.");
        }
        return new HealthCheckResponse { Status = status };
    }

    /// <summary>Sends the current status, then every change, until the client cancels.</summary>
    public async Task WatchAsync(HealthCheckRequest request, IServerStreamWriter<HealthCheckResponse> responses, ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        var interval = options.Value.HealthWatchInterval;
        ServingStatus? last = null;
        while (true)
        {
            var status = await EvaluateAsync(request.Service, cancellationToken).ConfigureAwait(false);
            if (status != last)
            {
                await responses.WriteAsync(new HealthCheckResponse { Status = status }, cancellationToken).ConfigureAwait(false);
                last = status;
            }
            await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<ServingStatus> EvaluateAsync(string service, CancellationToken cancellationToken)
    {
        if (service.Length > 0 && !registry.ContainsService(service))
        {
            return ServingStatus.ServiceUnknown;
        }
        var report = await healthChecks.CheckHealthAsync(check => AppliesTo(check, service), cancellationToken).ConfigureAwait(false);
        return report.Status == HealthStatus.Unhealthy ? ServingStatus.NotServing : ServingStatus.Serving;
    }

    private bool AppliesTo(HealthCheckRegistration check, string service)
    {
        var scopedToAService = false;
        foreach (var tag in check.Tags)
        {
            if (registry.ContainsService(tag))
            {
                if (tag == service)
                {
                    return true;
                }
                scopedToAService = true;
            }
        }
        return !scopedToAService;
    }
}
