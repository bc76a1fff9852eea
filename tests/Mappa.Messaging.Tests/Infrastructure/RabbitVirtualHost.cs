using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using RabbitMQ.Client;

namespace Mappa.Messaging.Tests.Infrastructure;

/// <summary>A fresh RabbitMQ virtual host for one test (so no queue or exchange leaks between tests), deleted afterwards.</summary>
public sealed class RabbitVirtualHost : IAsyncDisposable
{
    private readonly HttpClient _management;

    private RabbitVirtualHost(HttpClient management, string name, Uri amqp)
    {
        _management = management;
        Name = name;
        var credentials = Uri.UnescapeDataString(amqp.UserInfo).Split(':', 2);
        Username = credentials[0];
        Password = credentials.Length > 1 ? credentials[1] : "";
        Host = amqp.Host;
        Port = amqp.Port > 0 ? amqp.Port : 5672;
    }

    public string Name { get; }
    public string Host { get; }
    public int Port { get; }
    public string Username { get; }
    public string Password { get; }

    public string AmqpUri => $"amqp://{Uri.EscapeDataString(Username)}:{Uri.EscapeDataString(Password)}@{Host}:{Port}/{Uri.EscapeDataString(Name)}";

    public static async Task<RabbitVirtualHost> CreateAsync()
    {
        var managementUri = TestServers.RabbitMqManagement;
        var amqp = TestServers.RabbitMq;
        var user = Uri.UnescapeDataString(managementUri.UserInfo);
        var client = new HttpClient { BaseAddress = new Uri(managementUri.GetLeftPart(UriPartial.Authority) + managementUri.AbsolutePath.TrimEnd('/') + "/") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user)));

        var name = "mappa-test-" + Guid.NewGuid().ToString("N")[..12];
        (await client.PutAsync($"api/vhosts/{name}", null)).EnsureSuccessStatusCode();
        var amqpUser = Uri.UnescapeDataString(amqp.UserInfo).Split(':', 2)[0];
        (await client.PutAsJsonAsync($"api/permissions/{name}/{Uri.EscapeDataString(amqpUser)}",
            new { configure = ".*", write = ".*", read = ".*" })).EnsureSuccessStatusCode();
        return new RabbitVirtualHost(client, name, amqp);
    }

    /// <summary>Configuration entries that point the suite's bus at this virtual host.</summary>
    public Dictionary<string, string?> BusConfiguration(int? port = null) => new()
    {
        ["Mappa:Bus:Transport"] = "RabbitMq",
        ["Mappa:Bus:RabbitMq:Host"] = Host,
        ["Mappa:Bus:RabbitMq:Port"] = (port ?? Port).ToString(),
        ["Mappa:Bus:RabbitMq:VirtualHost"] = Name,
        ["Mappa:Bus:RabbitMq:Username"] = Username,
        ["Mappa:Bus:RabbitMq:Password"] = Password,
    };

    public async Task<IConnection> ConnectAsync() =>
        await new ConnectionFactory { Uri = new Uri(AmqpUri) }.CreateConnectionAsync();

    /// <summary>Connections of this virtual host as the management API lists them.</summary>
    public async Task<JsonElement[]> ConnectionsAsync() =>
        (await _management.GetFromJsonAsync<JsonElement[]>($"api/vhosts/{Name}/connections"))!;

    /// <summary>Channels of this virtual host (the <c>confirm</c> field says whether publisher confirms are on).</summary>
    public async Task<JsonElement[]> ChannelsAsync() =>
        (await _management.GetFromJsonAsync<JsonElement[]>($"api/vhosts/{Name}/channels"))!;

    public async Task<JsonElement[]> ExchangesAsync() =>
        (await _management.GetFromJsonAsync<JsonElement[]>($"api/exchanges/{Name}"))!;

    public async Task<JsonElement[]> BindingsAsync() =>
        (await _management.GetFromJsonAsync<JsonElement[]>($"api/bindings/{Name}"))!;

    /// <summary>Force-closes a client connection, as a broker restart or network fault would.</summary>
    public async Task CloseConnectionAsync(string connectionName) =>
        (await _management.DeleteAsync($"api/connections/{Uri.EscapeDataString(connectionName)}")).EnsureSuccessStatusCode();

    public async ValueTask DisposeAsync()
    {
        await _management.DeleteAsync($"api/vhosts/{Name}");
        _management.Dispose();
    }
}
