using Mappa.Grpc.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mappa.Security;

/// <summary>
/// At start-up: loads the signing keys (so a bad key stops the host, not the first call), warns loudly when
/// development keys are accepted, and refuses to start if a mapped RPC lacks a sound access declaration.
/// </summary>
internal sealed partial class SecurityStartupCheck(
    IServiceProvider services,
    IOptions<MappaAuthOptions> options,
    ILogger<SecurityStartupCheck> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var validator = services.GetRequiredService<BearerTokenValidator>();
        if (options.Value.AllowDevelopmentKeys)
        {
            LogDevelopmentKeys(logger, string.Join(", ", validator.Keys.KeyIds));
        }

        // Every method of every mapped service has a route (unbound ones answer UNIMPLEMENTED), so all must declare.
        if (services.GetService<GrpcServiceRegistry>() is { } registry)
        {
            AccessPolicy.ValidateAllDeclared(registry.Services.SelectMany(service => service.Methods));
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Development signing keys are accepted (AllowDevelopmentKeys); never in production. Keys: {KeyIds}")]
    private static partial void LogDevelopmentKeys(ILogger logger, string keyIds);
}
