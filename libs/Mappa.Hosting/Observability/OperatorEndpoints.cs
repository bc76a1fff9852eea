using System.Text;
using System.Text.Json;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mappa.Hosting.Observability;

/// <summary>
/// <c>/metrics</c> (every <see cref="IMetricsSource"/>, Prometheus text) and <c>/readyz</c> (each module database
/// answers a trivial query, the bus is healthy, each outbox relay is running), on the operators' endpoint.
/// </summary>
public static partial class OperatorEndpoints
{
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = false };

    public static void MapMetrics(IEndpointRouteBuilder endpoints, string host) =>
        endpoints.MapGet("/metrics", async (HttpContext http, IEnumerable<IMetricsSource> sources, ILoggerFactory loggers) =>
        {
            var text = await RenderAsync(sources, loggers.CreateLogger(typeof(OperatorEndpoints)), http.RequestAborted);
            return Results.Text(text, "text/plain; version=0.0.4", Encoding.UTF8);
        }).RequireHost(host);

    public static void MapReadiness(IEndpointRouteBuilder endpoints, string host) =>
        endpoints.MapGet("/readyz", async (HttpContext http, IServiceProvider services) =>
        {
            var report = await CheckReadinessAsync(services, http.RequestAborted);
            return Results.Text(JsonSerializer.Serialize(report, Json), "application/json", Encoding.UTF8,
                report.Ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        }).RequireHost(host);

    /// <summary>All sources in registration order; a source that throws is left out of this scrape and logged.</summary>
    public static async Task<string> RenderAsync(IEnumerable<IMetricsSource> sources, ILogger logger, CancellationToken cancellationToken)
    {
        var output = new StringBuilder();
        foreach (var source in sources)
        {
            // Each source writes to its own buffer, so one that fails half-way leaves no partial family behind.
            var part = new StringBuilder();
            try
            {
                await source.WriteAsync(new PrometheusWriter(part), cancellationToken);
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                LogSourceFailed(logger, source.GetType().Name, exception.GetType().Name);
                continue;
            }
            output.Append(part);
        }
        return Deduplicate(output.ToString());
    }

    // Two sources may declare one family (e.g. two count metrics); keep the first HELP/TYPE of each.
    private static string Deduplicate(string text)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var output = new StringBuilder(text.Length);
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0) continue;
            if (line.StartsWith("# ", StringComparison.Ordinal) && !seen.Add(line)) continue;
            output.Append(line).Append('\n');
        }
        return output.ToString();
    }

    public sealed record ReadinessReport(bool Ready, IReadOnlyList<ReadinessCheck> Checks);

    public sealed record ReadinessCheck(string Name, bool Ready, string Detail);

    public static async Task<ReadinessReport> CheckReadinessAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var checks = new List<ReadinessCheck>();
        foreach (var probe in services.GetServices<IModuleDatabaseProbe>().OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(CheckTimeout);
            try
            {
                await probe.PingAsync(timeout.Token);
                checks.Add(new ReadinessCheck($"database:{probe.Name}", true, "answers"));
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                // The exception type only: connection strings and server messages stay out of an unauthenticated endpoint.
                checks.Add(new ReadinessCheck($"database:{probe.Name}", false, exception is OperationCanceledException ? "timed out" : "unreachable (" + exception.GetType().Name + ")"));
            }
            var relay = probe.Relay;
            checks.Add(new ReadinessCheck($"outbox-relay:{probe.Name}", relay.Running, relay.Running ? (relay.Active ? "publishing" : "standing by") : "not running"));
        }
        if (services.GetService<IBusControl>() is { } bus)
        {
            var health = bus.CheckHealth();
            checks.Add(new ReadinessCheck("bus", health.Status == BusHealthStatus.Healthy, health.Status.ToString()));
        }
        return new ReadinessReport(checks.All(c => c.Ready), checks);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Metrics source {Source} failed ({Error}); left out of this scrape")]
    private static partial void LogSourceFailed(ILogger logger, string source, string error);
}
