using System.Text;
using System.Text.Json;
using RabbitMQ.Client;

namespace Mappa.Partners.Tests.Infrastructure;

/// <summary>A message taken from a queue: its transport message id (= event id), headers and the event inside the envelope.</summary>
public sealed record Received(Guid EventId, string EventType, string? Area, IDictionary<string, object?> Headers, string Body)
{
    public string SubjectId
    {
        get
        {
            using var document = JsonDocument.Parse(Body);
            return document.RootElement.GetProperty("message").GetProperty("subject").GetProperty("subjectId").GetString()!;
        }
    }

    public string Header(string name) => Headers.TryGetValue(name, out var value) ? value switch
    {
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        null => "",
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    } : "";
}

public static class Queues
{
    /// <summary>
    /// Takes (and acks) messages until <paramref name="expected"/> have arrived, then checks nothing more is there.
    /// Every publish was confirmed by the broker before this is called, so nothing more can still be on its way.
    /// </summary>
    public static async Task<IReadOnlyList<Received>> DrainAsync(IChannel channel, string queue, int expected)
    {
        var received = new List<Received>();
        await Eventually.GetAsync(async () =>
        {
            while (await channel.BasicGetAsync(queue, autoAck: false) is { } result)
            {
                received.Add(Parse(result.BasicProperties, result.Body));
                await channel.BasicAckAsync(result.DeliveryTag, multiple: false);
            }
            return received.Count;
        }, count => count >= expected, $"{expected} messages in {queue}");
        var extra = await channel.BasicGetAsync(queue, autoAck: true);
        Assert.True(extra is null, $"{queue} holds more than the {expected} expected messages: {(extra is null ? "" : Parse(extra.BasicProperties, extra.Body))}");
        Assert.Equal(expected, received.Count);
        return received;
    }

    /// <summary>Takes (and acks) whatever the queue holds now.</summary>
    public static async Task<IReadOnlyList<Received>> TakeAllAsync(IChannel channel, string queue)
    {
        var received = new List<Received>();
        while (await channel.BasicGetAsync(queue, autoAck: false) is { } result)
        {
            received.Add(Parse(result.BasicProperties, result.Body));
            await channel.BasicAckAsync(result.DeliveryTag, multiple: false);
        }
        return received;
    }

    public static Received Parse(IReadOnlyBasicProperties properties, ReadOnlyMemory<byte> body)
    {
        var text = Encoding.UTF8.GetString(body.Span);
        using var document = JsonDocument.Parse(text);
        var message = document.RootElement.GetProperty("message");
        return new Received(
            Guid.Parse(properties.MessageId!),
            message.GetProperty("eventType").GetString()!,
            message.TryGetProperty("area", out var area) ? area.GetString() : null,
            properties.Headers ?? new Dictionary<string, object?>(),
            text);
    }
}
