using Mappa.Messaging.Configuration;
using Mappa.Messaging.Migrations;
using Mappa.Messaging.Outbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Mappa.Messaging.Persistence;

public static class DatabaseServiceCollectionExtensions
{
    /// <summary>
    /// Registers a service's DbContext on the configured provider (<c>Mappa:Database</c>), the start-up migration of its
    /// schema (messaging tables plus <paramref name="migrations"/>) and its outbox relay. Call once per context; several
    /// contexts may live in one process, each with its own database and relay. <paramref name="configure"/> may
    /// override the bound options, e.g. to give each context of the embedded host its own SQLite file.
    /// Requires <see cref="Bus.MessagingServiceCollectionExtensions.AddMappaMessaging"/> for the relay's bus.
    /// </summary>
    public static IServiceCollection AddMappaDatabase<TContext>(this IServiceCollection services, IConfiguration configuration,
        SchemaMigrations migrations, Action<MappaDatabaseOptions>? configure = null)
        where TContext : MappaDbContext
    {
        var options = new MappaDatabaseOptions();
        configuration.GetSection(MappaDatabaseOptions.SectionName).Bind(options);
        configure?.Invoke(options);
        var settings = new MappaDatabaseSettings<TContext>(options, migrations);

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ =>
        {
            var relayOptions = new OutboxRelayOptions();
            configuration.GetSection(OutboxRelayOptions.SectionName).Bind(relayOptions);
            return relayOptions;
        });
        services.AddSingleton(settings);
        services.AddSingleton<OutboxSignal<TContext>>();
        services.AddSingleton<OutboxCommitInterceptor<TContext>>();

        var busyTimeout = new SqliteBusyTimeoutInterceptor(options.SqliteBusyTimeout);
        // Pooled: a context is created once and reused by later scopes (EF resets its change tracker and state, and
        // MappaDbContext forgets events recorded but not saved when it goes back), which spares each unit of work the
        // construction of the context and its internal services. Contexts stay one per scope; their options depend
        // on nothing scoped.
        services.AddDbContextPool<TContext>((provider, builder) =>
        {
            if (options.Provider == DatabaseProvider.Postgres)
            {
                builder.UseNpgsql(settings.ConnectionString);
            }
            else
            {
                builder.UseSqlite(settings.ConnectionString);
                builder.AddInterceptors(busyTimeout);
            }
            builder.AddInterceptors(provider.GetRequiredService<OutboxCommitInterceptor<TContext>>());
        });

        // Order matters: hosted services start one after another, so the schema exists before the relay runs.
        services.AddHostedService<SchemaMigrationHostedService<TContext>>();
        services.AddSingleton<OutboxRelay<TContext>>();
        services.AddSingleton<IHostedService>(provider => provider.GetRequiredService<OutboxRelay<TContext>>());
        return services;
    }
}
