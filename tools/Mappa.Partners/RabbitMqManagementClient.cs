using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mappa.Partners;

/// <summary>The few calls of the RabbitMQ management HTTP API that provisioning needs, on one virtual host.</summary>
public sealed class RabbitMqManagementClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly string _vhost;

    /// <param name="management">Base address, e.g. http://user:pass@rabbit:15672 (credentials may come separately).</param>
    public RabbitMqManagementClient(Uri management, string vhost, string? username = null, string? password = null, HttpMessageHandler? handler = null)
    {
        _http = handler is null ? new HttpClient() : new HttpClient(handler);
        _http.BaseAddress = new Uri(management.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/");
        _http.Timeout = TimeSpan.FromSeconds(30);
        if (username is null && management.UserInfo.Length > 0)
        {
            var parts = management.UserInfo.Split(':', 2);
            username = Uri.UnescapeDataString(parts[0]);
            password = parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : "";
        }
        if (username is not null)
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}")));
        _vhost = vhost;
    }

    public string VirtualHost => _vhost;

    private string V => Uri.EscapeDataString(_vhost);

    private static string E(string name) => Uri.EscapeDataString(name);

    public Task<JsonObject?> GetVirtualHostAsync(CancellationToken ct) => GetObjectAsync($"api/vhosts/{V}", ct);

    public Task<JsonObject?> GetExchangeAsync(string name, CancellationToken ct) => GetObjectAsync($"api/exchanges/{V}/{E(name)}", ct);

    public async Task<IReadOnlyList<JsonObject>> ListExchangesAsync(CancellationToken ct) => await GetListAsync($"api/exchanges/{V}", ct);

    public Task DeclareExchangeAsync(string name, string type, CancellationToken ct) =>
        SendAsync(HttpMethod.Put, $"api/exchanges/{V}/{E(name)}",
            new JsonObject { ["type"] = type, ["durable"] = true, ["auto_delete"] = false, ["internal"] = false, ["arguments"] = new JsonObject() }, ct);

    public Task<JsonObject?> GetQueueAsync(string name, CancellationToken ct) => GetObjectAsync($"api/queues/{V}/{E(name)}", ct);

    public Task DeclareQueueAsync(string name, JsonObject arguments, CancellationToken ct) =>
        SendAsync(HttpMethod.Put, $"api/queues/{V}/{E(name)}",
            new JsonObject { ["durable"] = true, ["auto_delete"] = false, ["arguments"] = arguments }, ct);

    /// <summary>Bindings whose destination is exchange <paramref name="exchange"/> (exchange-to-exchange, incoming).</summary>
    public async Task<IReadOnlyList<JsonObject>> ListBindingsToExchangeAsync(string exchange, CancellationToken ct) =>
        await GetListAsync($"api/exchanges/{V}/{E(exchange)}/bindings/destination", ct);

    /// <summary>Bindings from exchange <paramref name="exchange"/> to queue <paramref name="queue"/>.</summary>
    public async Task<IReadOnlyList<JsonObject>> ListBindingsAsync(string exchange, string queue, CancellationToken ct) =>
        await GetListAsync($"api/bindings/{V}/e/{E(exchange)}/q/{E(queue)}", ct);

    public Task BindAsync(string source, string destinationType, string destination, JsonObject arguments, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, $"api/bindings/{V}/e/{E(source)}/{destinationType}/{E(destination)}",
            new JsonObject { ["routing_key"] = "", ["arguments"] = arguments }, ct);

    /// <summary>Deletes one binding as listed by the API (its source, destination and properties_key).</summary>
    public Task UnbindAsync(JsonObject binding, CancellationToken ct)
    {
        var destinationType = binding["destination_type"]!.GetValue<string>() == "queue" ? "q" : "e";
        return SendAsync(HttpMethod.Delete, $"api/bindings/{V}/e/{E(binding["source"]!.GetValue<string>())}/{destinationType}/" +
            $"{E(binding["destination"]!.GetValue<string>())}/{E(binding["properties_key"]!.GetValue<string>())}", null, ct);
    }

    public Task<JsonObject?> GetUserAsync(string name, CancellationToken ct) => GetObjectAsync($"api/users/{E(name)}", ct);

    public Task PutUserAsync(string name, JsonObject body, CancellationToken ct) => SendAsync(HttpMethod.Put, $"api/users/{E(name)}", body, ct);

    public Task DeleteUserAsync(string name, CancellationToken ct) => SendAsync(HttpMethod.Delete, $"api/users/{E(name)}", null, ct, notFoundIsFine: true);

    public Task<JsonObject?> GetPermissionsAsync(string user, CancellationToken ct) => GetObjectAsync($"api/permissions/{V}/{E(user)}", ct);

    public Task PutPermissionsAsync(string user, string configure, string write, string read, CancellationToken ct) =>
        SendAsync(HttpMethod.Put, $"api/permissions/{V}/{E(user)}",
            new JsonObject { ["configure"] = configure, ["write"] = write, ["read"] = read }, ct);

    public Task DeletePermissionsAsync(string user, CancellationToken ct) =>
        SendAsync(HttpMethod.Delete, $"api/permissions/{V}/{E(user)}", null, ct, notFoundIsFine: true);

    private async Task<JsonObject?> GetObjectAsync(string path, CancellationToken ct)
    {
        using var response = await _http.GetAsync(path, ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        await EnsureSuccessAsync(response, "GET", path, ct);
        return await response.Content.ReadFromJsonAsync<JsonObject>(ct);
    }

    private async Task<List<JsonObject>> GetListAsync(string path, CancellationToken ct)
    {
        using var response = await _http.GetAsync(path, ct);
        await EnsureSuccessAsync(response, "GET", path, ct);
        var array = await response.Content.ReadFromJsonAsync<JsonArray>(ct) ?? [];
        return array.OfType<JsonObject>().ToList();
    }

    private async Task SendAsync(HttpMethod method, string path, JsonNode? body, CancellationToken ct, bool notFoundIsFine = false)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await _http.SendAsync(request, ct);
        if (notFoundIsFine && response.StatusCode == HttpStatusCode.NotFound) return;
        await EnsureSuccessAsync(response, method.Method, path, ct);
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string method, string path, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode) return;
        var text = await response.Content.ReadAsStringAsync(ct);
        string reason = text;
        try
        {
            if (JsonNode.Parse(text) is JsonObject error && error["reason"] is { } r) reason = r.ToString();
        }
        catch (JsonException)
        {
        }
        throw new RabbitMqManagementException(response.StatusCode, $"{method} {Uri.UnescapeDataString(path)}: {(int)response.StatusCode} {reason}");
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>The management API refused a call (or the broker is unreachable).</summary>
public sealed class RabbitMqManagementException(HttpStatusCode status, string message) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;
}
