using System.Net.Http.Headers;
using System.Text;
using Npgsql;

namespace Mappa.Testing;

/// <summary>Fresh, isolated resources on the real PostgreSQL and RabbitMQ that ./test.sh starts.</summary>
public static class RealServers
{
    public static string PostgresConnectionString => Required("MAPPA_TEST_POSTGRES");

    public static Uri RabbitMq => new(Required("MAPPA_TEST_RABBITMQ"));

    public static Uri RabbitMqManagement => new(Required("MAPPA_TEST_RABBITMQ_MANAGEMENT"));

    /// <summary>Creates an empty database and returns a connection string to it.</summary>
    public static async Task<string> CreatePostgresDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 33, 63)].ToLowerInvariant();
        await using (var connection = new NpgsqlConnection(PostgresConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(PostgresConnectionString) { Database = name, Pooling = true }.ConnectionString;
    }

    /// <summary>Creates a virtual host (so no queue of another test is visible) and grants the test user on it.</summary>
    public static async Task<string> CreateRabbitMqVirtualHostAsync(string prefix)
    {
        var vhost = $"{prefix}-{Guid.NewGuid():N}";
        var (user, _) = Credentials(RabbitMq);
        using var http = ManagementClient();
        (await http.PutAsync($"api/vhosts/{Uri.EscapeDataString(vhost)}", Json("{}"))).EnsureSuccessStatusCode();
        (await http.PutAsync($"api/permissions/{Uri.EscapeDataString(vhost)}/{Uri.EscapeDataString(user)}",
            Json("""{"configure":".*","write":".*","read":".*"}"""))).EnsureSuccessStatusCode();
        return vhost;
    }

    public static async Task DeleteRabbitMqVirtualHostAsync(string vhost)
    {
        using var http = ManagementClient();
        await http.DeleteAsync($"api/vhosts/{Uri.EscapeDataString(vhost)}");
    }

    /// <summary>The suite's configuration keys for the test broker on <paramref name="vhost"/>.</summary>
    public static Dictionary<string, string?> BusConfiguration(string vhost)
    {
        var (user, password) = Credentials(RabbitMq);
        return new()
        {
            ["Mappa:Bus:Transport"] = "RabbitMq",
            ["Mappa:Bus:RabbitMq:Host"] = RabbitMq.Host,
            ["Mappa:Bus:RabbitMq:Port"] = RabbitMq.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Mappa:Bus:RabbitMq:VirtualHost"] = vhost,
            ["Mappa:Bus:RabbitMq:Username"] = user,
            ["Mappa:Bus:RabbitMq:Password"] = password,
        };
    }

    private static HttpClient ManagementClient()
    {
        var management = RabbitMqManagement;
        var (user, password) = Credentials(management);
        var http = new HttpClient { BaseAddress = new Uri(management.GetLeftPart(UriPartial.Authority) + "/") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        return http;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static (string User, string Password) Credentials(Uri uri)
    {
        var parts = uri.UserInfo.Split(':', 2);
        return (Uri.UnescapeDataString(parts[0]), parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : "");
    }

    private static string Required(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
        ? value
        : throw new InvalidOperationException($"{name} is not set: run the tests with ./test.sh, which starts PostgreSQL and RabbitMQ and sets it.");
}
