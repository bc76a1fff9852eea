using Mappa.Messaging.Configuration;
using Mappa.Messaging.Migrations;

namespace Mappa.Messaging.Persistence;

/// <summary>The resolved database settings and migrations of one DbContext (one per service in the process).</summary>
public sealed class MappaDatabaseSettings<TContext>(MappaDatabaseOptions options, SchemaMigrations migrations)
    where TContext : MappaDbContext
{
    public MappaDatabaseOptions Options { get; } = options;
    public SchemaMigrations Migrations { get; } = migrations;

    public string ConnectionString { get; } = string.IsNullOrWhiteSpace(options.ConnectionString)
        ? options.Provider == DatabaseProvider.Sqlite
            ? $"Data Source={typeof(TContext).Name}.db"
            : throw new InvalidOperationException(
                $"Mappa:Database:ConnectionString is required for PostgreSQL ({typeof(TContext).Name}).")
        : options.ConnectionString;

    /// <summary>The messaging base's tables first, then the service's own.</summary>
    public IReadOnlyList<SchemaMigrations> AllMigrations => [MessagingSchema.Migrations, Migrations];
}
