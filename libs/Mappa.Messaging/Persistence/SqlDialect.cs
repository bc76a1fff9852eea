using System.Data.Common;
using Mappa.Messaging.Configuration;

namespace Mappa.Messaging.Persistence;

/// <summary>
/// The few places where the outbox's hand-written SQL differs per provider: how ids and timestamps are stored.
/// SQLite keeps uuids as upper-case TEXT (EF Core's convention, so EF reads them back) and timestamps as
/// INTEGER unix milliseconds (so they compare and order in SQL); PostgreSQL uses uuid and timestamptz.
/// </summary>
internal sealed class SqlDialect
{
    public static readonly SqlDialect Sqlite = new(DatabaseProvider.Sqlite);
    public static readonly SqlDialect Postgres = new(DatabaseProvider.Postgres);

    private SqlDialect(DatabaseProvider provider) => Provider = provider;

    public DatabaseProvider Provider { get; }

    public static SqlDialect For(DatabaseProvider provider) => provider == DatabaseProvider.Postgres ? Postgres : Sqlite;

    public object Uuid(Guid value) => Provider == DatabaseProvider.Postgres ? value : value.ToString().ToUpperInvariant();

    public object Timestamp(DateTimeOffset value) =>
        Provider == DatabaseProvider.Postgres ? value.ToUniversalTime() : value.ToUnixTimeMilliseconds();

    public Guid ReadUuid(DbDataReader reader, int ordinal) =>
        Provider == DatabaseProvider.Postgres ? reader.GetGuid(ordinal) : Guid.Parse(reader.GetString(ordinal));

    public static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params object?[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        for (var i = 0; i < parameters.Length; i++)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@p" + i;
            parameter.Value = parameters[i] ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }
        return command;
    }
}
