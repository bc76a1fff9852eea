using System.Data.Common;
using Mappa.Messaging.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;

namespace Mappa.EveryRpc.Tests.Support;

/// <summary>Row counts of every table of every module database of a running host (outbox and inbox included).</summary>
public sealed record DatabaseSnapshot(IReadOnlyDictionary<string, long> Rows, long UnsentOutboxRows)
{
    /// <summary>
    /// Tables a refused call may legitimately add to: the audit trail records refused attempts by design
    /// (docs/security.md), and the migration history is not data.
    /// </summary>
    public static bool IsExempt(string table) =>
        table.Contains("audit", StringComparison.OrdinalIgnoreCase) || table.EndsWith("schema_migrations", StringComparison.OrdinalIgnoreCase);

    /// <summary>"db.table: 3 -> 4" for every table whose count changed (exempt tables left out).</summary>
    public IReadOnlyList<string> ChangesSince(DatabaseSnapshot before) =>
        Rows.Keys.Union(before.Rows.Keys)
            .Where(table => !IsExempt(table))
            .Where(table => before.Rows.GetValueOrDefault(table, -1) != Rows.GetValueOrDefault(table, -1))
            .Order(StringComparer.Ordinal)
            .Select(table => $"{table}: {before.Rows.GetValueOrDefault(table, -1)} -> {Rows.GetValueOrDefault(table, -1)}")
            .ToArray();

    public bool SameRowsAs(DatabaseSnapshot other) => ChangesSince(other).Count == 0;

    /// <summary>The module contexts of the host: each one has an outbox relay (a hosted service), so a new module is found too.</summary>
    public static IReadOnlyList<Type> ContextTypes(IServiceProvider services) =>
        services.GetServices<IHostedService>()
            .Select(service => service.GetType())
            .Where(type => type.IsGenericType && type.GetGenericTypeDefinition().Name.StartsWith("OutboxRelay`", StringComparison.Ordinal))
            .Select(type => type.GetGenericArguments()[0])
            .Where(type => typeof(MappaDbContext).IsAssignableFrom(type))
            .Distinct()
            .OrderBy(type => type.Name, StringComparer.Ordinal)
            .ToArray();

    public static async Task<DatabaseSnapshot> TakeAsync(IServiceProvider services)
    {
        var rows = new SortedDictionary<string, long>(StringComparer.Ordinal);
        long unsent = 0;
        foreach (var contextType in ContextTypes(services))
        {
            using var scope = services.CreateScope();
            var context = (DbContext)scope.ServiceProvider.GetRequiredService(contextType);
            var connection = context.Database.GetDbConnection();
            await context.Database.OpenConnectionAsync();
            try
            {
                var sqlite = context.Database.ProviderName!.Contains("Sqlite", StringComparison.OrdinalIgnoreCase);
                var tables = await ListAsync(connection, sqlite
                    ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                    : "SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) FROM information_schema.tables " +
                      "WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')");
                foreach (var table in tables)
                {
                    var quoted = sqlite ? $"\"{table.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : table;
                    rows[$"{contextType.Name}.{table}"] = await CountAsync(connection, $"SELECT COUNT(*) FROM {quoted}");
                }
                unsent += await CountAsync(connection, "SELECT COUNT(*) FROM outbox_messages WHERE sent_at IS NULL");
            }
            finally
            {
                await context.Database.CloseConnectionAsync();
            }
        }
        return new DatabaseSnapshot(rows, unsent);
    }

    /// <summary>
    /// Waits (bounded) until every recorded event has been relayed and two consecutive snapshots agree, so that
    /// consumers of earlier successful calls are not mistaken for writes of the next call
    /// (a heuristic: the fuzz test replays a call whose window saw writes, rather than trusting this alone).
    /// </summary>
    public static async Task<DatabaseSnapshot> SettledAsync(IServiceProvider services, TimeSpan? bound = null)
    {
        var deadline = DateTime.UtcNow + (bound ?? TimeSpan.FromSeconds(90));
        var previous = await TakeAsync(services);
        var quiet = 0;
        while (true)
        {
            await Task.Delay(100);
            var current = await TakeAsync(services);
            quiet = current.UnsentOutboxRows == 0 && current.SameRowsAs(previous) && current.Rows.Count == previous.Rows.Count ? quiet + 1 : 0;
            if (quiet >= 3)
            {
                return current;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The suite's databases did not settle (unsent outbox rows: {current.UnsentOutboxRows}; changing: {string.Join(", ", current.ChangesSince(previous))}).");
            }
            previous = current;
        }
    }

    private static async Task<List<string>> ListAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }
        return names;
    }

    private static async Task<long> CountAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
