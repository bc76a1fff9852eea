// A partner agency's subscriber to MAPPA events: reads the agency's own queue (mappa.partner.<agency>.events),
// prints each event's type, id, subject and the RPC that returns its detail, then acknowledges it.
//
//   MAPPA_SUBSCRIBER_AMQP=amqp://mappa-partner-glasgow:PASSWORD@rabbit:5672/%2F \
//   MAPPA_SUBSCRIBER_AGENCY=glasgow dotnet run --project samples/subscribers/dotnet [-- --max-messages N]
//
// The agency's user may only read its queue: it declares nothing and binds nothing (provisioning did that).
using System.Text;
using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

var amqp = Environment.GetEnvironmentVariable("MAPPA_SUBSCRIBER_AMQP");
var agency = Environment.GetEnvironmentVariable("MAPPA_SUBSCRIBER_AGENCY");
var queue = Environment.GetEnvironmentVariable("MAPPA_SUBSCRIBER_QUEUE") ?? (agency is { Length: > 0 } ? $"mappa.partner.{agency}.events" : null);
int? maxMessages = null;
for (var i = 0; i < args.Length; i++)
{
    if (args[i] == "--max-messages" && i + 1 < args.Length && int.TryParse(args[++i], out var max) && max > 0) maxMessages = max;
    else
    {
        Console.Error.WriteLine($"unknown argument '{args[i]}'; usage: mappa-subscriber [--max-messages N]");
        return 2;
    }
}
if (string.IsNullOrEmpty(amqp) || string.IsNullOrEmpty(queue))
{
    Console.Error.WriteLine("Set MAPPA_SUBSCRIBER_AMQP (amqp://user:password@host:5672/vhost) and MAPPA_SUBSCRIBER_AGENCY (or MAPPA_SUBSCRIBER_QUEUE).");
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };

var factory = new ConnectionFactory { Uri = new Uri(amqp), ClientProvidedName = $"mappa-subscriber {agency ?? queue}" };
await using var connection = await factory.CreateConnectionAsync();
await using var channel = await connection.CreateChannelAsync();
await channel.BasicQosAsync(prefetchSize: 0, prefetchCount: 10, global: false);

// At-least-once delivery: a redelivered event has the same message id. A real subscriber keeps processed ids in its
// own database; this sample remembers the last few thousand in memory.
var seen = new HashSet<string>();
var seenOrder = new Queue<string>();
var handled = 0;

var consumer = new AsyncEventingBasicConsumer(channel);
consumer.ReceivedAsync += async (_, delivery) =>
{
    string line;
    try
    {
        line = Describe(delivery.Body.Span);
    }
    catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
    {
        // Not an event we understand: reject without requeue, so it goes to the agency's dead-letter queue.
        Console.Error.WriteLine($"rejected message {delivery.BasicProperties.MessageId}: {e.Message}");
        await channel.BasicNackAsync(delivery.DeliveryTag, multiple: false, requeue: false);
        return;
    }
    var id = delivery.BasicProperties.MessageId ?? "";
    if (seen.Add(id))
    {
        seenOrder.Enqueue(id);
        if (seenOrder.Count > 5000) seen.Remove(seenOrder.Dequeue());
        Console.WriteLine(line);
    }
    else
    {
        Console.WriteLine($"duplicate {id} (already handled)");
    }
    await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false);
    if (maxMessages is { } limit && Interlocked.Increment(ref handled) >= limit) stop.Cancel();
};
await channel.BasicConsumeAsync(queue, autoAck: false, consumer);
Console.Error.WriteLine($"consuming {queue}; Ctrl-C to stop");

try
{
    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException)
{
}
return 0;

// The body is MassTransit's envelope; the event is under "message" (see docs/events.md, "On the wire").
static string Describe(ReadOnlySpan<byte> body)
{
    using var document = JsonDocument.Parse(Encoding.UTF8.GetString(body));
    var message = document.RootElement.GetProperty("message");
    var detail = message.GetProperty("detail");
    var area = message.TryGetProperty("area", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : "-";
    return $"{message.GetProperty("eventType").GetString()} v{message.GetProperty("version").GetInt32()}" +
           $" event={message.GetProperty("eventId").GetString()}" +
           $" subject={message.GetProperty("subject").GetProperty("subjectId").GetString()}" +
           $" area={area}" +
           $" detail={detail.GetProperty("method").GetString()}({detail.GetProperty("idField").GetString()}={detail.GetProperty("id").GetString()})";
}
