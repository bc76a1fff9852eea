using System.Collections;
using Mappa.Messaging.Configuration;

namespace Mappa.Messaging.Migrations;

/// <summary>One versioned schema change, with the SQL for each provider (the EF design tools are not available here).</summary>
public sealed record SchemaMigration(int Version, string Name, string SqliteSql, string PostgresSql)
{
    public string SqlFor(DatabaseProvider provider) => provider == DatabaseProvider.Postgres ? PostgresSql : SqliteSql;

    public override string ToString() => $"{Version:D4}_{Name}";
}

/// <summary>
/// The ordered migrations of one schema owner (a service, or the messaging base). Each owner has its own
/// <see cref="Scope"/> in the <c>schema_migrations</c> table, so versions only need to be unique within a scope.
/// Applied migrations must never be edited: the runner compares checksums and refuses to start if one changed.
/// </summary>
public sealed class SchemaMigrations(string scope) : IEnumerable<SchemaMigration>
{
    private readonly SortedDictionary<int, SchemaMigration> _byVersion = [];

    public string Scope { get; } = !string.IsNullOrWhiteSpace(scope) ? scope : throw new ArgumentException("A scope is required.", nameof(scope));

    /// <summary>Adds a migration whose SQL differs per provider.</summary>
    public SchemaMigrations Add(int version, string name, string sqlite, string postgres)
    {
        if (version <= 0) throw new ArgumentOutOfRangeException(nameof(version), "Versions start at 1.");
        if (!_byVersion.TryAdd(version, new SchemaMigration(version, name, sqlite, postgres)))
            throw new ArgumentException($"Scope '{Scope}' already has a migration {version}.", nameof(version));
        return this;
    }

    /// <summary>Adds a migration whose SQL is the same on both providers.</summary>
    public SchemaMigrations Add(int version, string name, string portableSql) => Add(version, name, portableSql, portableSql);

    public IEnumerator<SchemaMigration> GetEnumerator() => _byVersion.Values.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
