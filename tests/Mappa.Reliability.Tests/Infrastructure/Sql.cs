using Npgsql;

namespace Mappa.Reliability.Tests.Infrastructure;

/// <summary>Reads a service's database directly (unpooled, so a database restart leaves no broken connection behind).</summary>
public static class Sql
{
    public static async Task<List<T>> QueryAsync<T>(string connectionString, string sql, Func<NpgsqlDataReader, T> read, params (string Name, object Value)[] parameters)
    {
        var unpooled = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;
        await using var connection = new NpgsqlConnection(unpooled);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync()) rows.Add(read(reader));
        return rows;
    }

    public static async Task<long> ScalarAsync(string connectionString, string sql, params (string Name, object Value)[] parameters) =>
        (await QueryAsync(connectionString, sql, r => Convert.ToInt64(r.GetValue(0), System.Globalization.CultureInfo.InvariantCulture), parameters)).Single();
}
