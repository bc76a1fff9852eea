using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Mappa.Reliability.Tests.Infrastructure;

/// <summary>The own broker's management API: partner queues bound to event exchanges, what they hold, the services' queues.</summary>
public sealed class Broker(Uri management) : IDisposable
{
    private readonly HttpClient _http = Create(management);

    /// <summary>A durable queue of a partner system, bound to each event type's exchange (declared as the bus declares it).</summary>
    public async Task BindPartnerQueueAsync(string queue, params string[] eventTypes)
    {
        (await _http.PutAsJsonAsync($"api/queues/%2F/{queue}", new { durable = true, auto_delete = false })).EnsureSuccessStatusCode();
        foreach (var exchange in eventTypes)
        {
            (await _http.PutAsJsonAsync($"api/exchanges/%2F/{exchange}", new { type = "fanout", durable = true })).EnsureSuccessStatusCode();
            (await _http.PostAsJsonAsync($"api/bindings/%2F/e/{exchange}/q/{queue}", new { routing_key = "" })).EnsureSuccessStatusCode();
        }
    }

    /// <summary>Takes every message now in <paramref name="queue"/> (acknowledged: they are gone afterwards).</summary>
    public async Task<List<DeliveredEvent>> TakeAsync(string queue)
    {
        var taken = new List<DeliveredEvent>();
        while (true)
        {
            var response = await _http.PostAsJsonAsync($"api/queues/%2F/{queue}/get",
                new { count = 500, ackmode = "ack_requeue_false", encoding = "auto" });
            response.EnsureSuccessStatusCode();
            var messages = await response.Content.ReadFromJsonAsync<JsonElement[]>() ?? [];
            foreach (var message in messages)
            {
                var payload = message.GetProperty("payload").GetString() ?? "";
                using var envelope = JsonDocument.Parse(payload);
                var root = envelope.RootElement;
                taken.Add(new DeliveredEvent(
                    root.GetProperty("messageId").GetString() ?? "",
                    message.GetProperty("exchange").GetString() ?? "",
                    root.GetProperty("message").GetRawText()));
            }
            if (messages.Length < 500) return taken;
        }
    }

    /// <summary>The bodies of the messages in <paramref name="queue"/>, left in it.</summary>
    public async Task<List<string>> PeekAsync(string queue)
    {
        var response = await _http.PostAsJsonAsync($"api/queues/%2F/{queue}/get", new { count = 1000, ackmode = "ack_requeue_true", encoding = "auto" });
        response.EnsureSuccessStatusCode();
        var messages = await response.Content.ReadFromJsonAsync<JsonElement[]>() ?? [];
        return messages.Select(m => m.GetProperty("payload").GetString() ?? "").ToList();
    }

    /// <summary>Name, type and consumer count of each queue on the broker.</summary>
    public async Task<List<(string Name, string Type, int Consumers, long Messages)>> QueuesAsync()
    {
        var queues = await _http.GetFromJsonAsync<JsonElement[]>("api/queues/%2F?columns=name,type,consumers,messages") ?? [];
        return queues.Select(q => (
            q.GetProperty("name").GetString()!,
            q.TryGetProperty("type", out var type) ? type.GetString() ?? "" : "",
            q.TryGetProperty("consumers", out var consumers) ? consumers.GetInt32() : 0,
            q.TryGetProperty("messages", out var count) && count.ValueKind == JsonValueKind.Number ? count.GetInt64() : 0L)).ToList();
    }

    public void Dispose() => _http.Dispose();

    private static HttpClient Create(Uri management)
    {
        var parts = management.UserInfo.Split(':', 2);
        var http = new HttpClient { BaseAddress = new Uri(management.GetLeftPart(UriPartial.Authority) + "/"), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.UnescapeDataString(parts[0])}:{Uri.UnescapeDataString(parts[1])}")));
        return http;
    }
}

/// <summary>One message a partner queue received: its transport message id (the event id), the exchange, the event JSON.</summary>
public sealed record DeliveredEvent(string MessageId, string Exchange, string EventJson)
{
    public string? Field(string name)
    {
        using var document = JsonDocument.Parse(EventJson);
        return document.RootElement.TryGetProperty(name, out var value) ? value.ToString() : null;
    }
}
