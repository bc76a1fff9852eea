using Mappa.Messaging.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mappa.Messaging.Persistence;

/// <summary>
/// Applies a context's migrations while the host starts. It is registered before the context's relay and finishes
/// in StartAsync, so nothing reads or writes the schema before it exists.
/// </summary>
internal sealed class SchemaMigrationHostedService<TContext>(
    IServiceScopeFactory scopeFactory,
    MappaDatabaseSettings<TContext> settings,
    ILogger<SchemaMigrationHostedService<TContext>> logger) : IHostedService
    where TContext : MappaDbContext
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopeFactory.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var applied = await SchemaMigrator.ApplyAsync(db, settings.AllMigrations, logger, cancellationToken);
        logger.LogInformation("Schema of {Context} is current ({Applied} migrations applied now)", typeof(TContext).Name, applied.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
