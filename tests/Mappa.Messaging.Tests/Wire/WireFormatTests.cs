using System.Diagnostics;
using System.Text.Json;
using Mappa.Messaging.Configuration;
using Mappa.Messaging.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Mappa.Messaging.Tests.Wire;

public class WireFormatTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_plain_python_pika_subscriber_reads_an_event_published_through_the_outbox()
    {
        using var database = new SqliteDatabase();
        await using var vhost = await RabbitVirtualHost.CreateAsync();
        var script = Path.Combine(AppContext.BaseDirectory, "Wire", "pika_subscriber.py");
        using var subscriber = Process.Start(new ProcessStartInfo(TestServers.Python)
        {
            ArgumentList = { script, vhost.AmqpUri, "mappa.scheduling.review.due" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        try
        {
            var ready = await subscriber.StandardOutput.ReadLineAsync().WaitAsync(Eventually.Limit);
            Assert.True(ready == "READY", $"subscriber said '{ready}': {await ErrorsOf(subscriber)}");

            await using var host = await TestHost.StartSchedulingAsync(TestHost.Database(DatabaseProvider.Sqlite, database.ConnectionString),
                vhost.BusConfiguration(), output: output);
            var evt = TestEvents.ReviewDue("subject-42", "obl-42", new DateOnly(2027, 1, 15));
            await using (var scope = host.Services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<SchedulingTestContext>();
                db.RecordEvent(evt);
                await db.SaveChangesAsync();
            }

            var line = await subscriber.StandardOutput.ReadLineAsync().WaitAsync(Eventually.Limit);
            Assert.True(line is not null, $"subscriber printed nothing: {await ErrorsOf(subscriber)}");
            output.WriteLine(line);
            using var received = JsonDocument.Parse(line);
            var root = received.RootElement;

            Assert.Equal("application/vnd.masstransit+json", root.GetProperty("content_type").GetString());
            Assert.Equal(evt.EventId.ToString(), root.GetProperty("message_id").GetString());
            Assert.Equal(2, root.GetProperty("delivery_mode").GetInt32()); // persistent
            Assert.Equal("mappa.scheduling.review.due", root.GetProperty("exchange").GetString());
            Assert.Equal("mappa.scheduling.review.due", root.GetProperty("headers").GetProperty("Mappa-Event-Type").GetString());
            Assert.Equal(1, root.GetProperty("headers").GetProperty("Mappa-Subject-Position").GetInt64());

            var envelope = root.GetProperty("body");
            Assert.Equal(evt.EventId.ToString(), envelope.GetProperty("messageId").GetString());
            Assert.Contains("urn:message:Mappa.Events.Scheduling:ReviewDue",
                envelope.GetProperty("messageType").EnumerateArray().Select(t => t.GetString()));

            var message = envelope.GetProperty("message");
            Assert.Equal("mappa.scheduling.review.due", message.GetProperty("eventType").GetString());
            Assert.Equal(1, message.GetProperty("version").GetInt32());
            Assert.Equal(evt.EventId.ToString(), message.GetProperty("eventId").GetString());
            Assert.Equal(evt.OccurredAt, message.GetProperty("occurredAt").GetDateTimeOffset());
            Assert.Equal("subject-42", message.GetProperty("subject").GetProperty("subjectId").GetString());
            var identifier = message.GetProperty("subject").GetProperty("identifiers")[0];
            Assert.Equal("LOCAL_SOCIAL_WORK_ID", identifier.GetProperty("type").GetString());
            Assert.Equal("SW-subject-42", identifier.GetProperty("value").GetString());
            Assert.Equal("/mappa.scheduling.v1.ReviewCalendarService/ListReviewObligations", message.GetProperty("detail").GetProperty("method").GetString());
            Assert.Equal("subject_id", message.GetProperty("detail").GetProperty("idField").GetString());
            Assert.Equal("MAPPA_LEVEL_2", message.GetProperty("additionalInformation").GetProperty("mappaLevel").GetString());
            Assert.Equal("obl-42", message.GetProperty("obligationId").GetString());
            Assert.Equal("REVIEW_KIND_ASSESSMENT", message.GetProperty("kind").GetString());
            Assert.Equal("2027-01-15", message.GetProperty("dueDate").GetString());
            Assert.Equal("S12000036", message.GetProperty("area").GetString());
        }
        finally
        {
            if (!subscriber.HasExited) subscriber.Kill();
        }
    }

    [Fact]
    public async Task Events_publish_with_broker_confirms_to_an_exchange_named_after_the_event_type()
    {
        using var database = new SqliteDatabase();
        await using var vhost = await RabbitVirtualHost.CreateAsync();
        await using var host = await TestHost.StartSchedulingAsync(TestHost.Database(DatabaseProvider.Sqlite, database.ConnectionString),
            vhost.BusConfiguration(), bus => bus.AddRecordingConsumer(), output: output);
        var evt = TestEvents.ReviewDue("subject-7", "obl-7");
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SchedulingTestContext>();
            db.RecordEvent(evt);
            await db.SaveChangesAsync();
        }
        var log = host.Services.GetRequiredService<DeliveryLog>();
        await Eventually.TrueAsync(() => log.Deliveries.Count == 1, "the event");

        // The management API's channel list lags a little behind; the bus's publishing channel is in confirm mode.
        var channels = await Eventually.GetAsync(() => vhost.ChannelsAsync(),
            c => c.Any(ch => ch.GetProperty("confirm").GetBoolean()), "a channel in confirm mode");
        Assert.Contains(channels, ch => ch.GetProperty("confirm").GetBoolean());

        var exchanges = await vhost.ExchangesAsync();
        var reviewDue = Assert.Single(exchanges, e => e.GetProperty("name").GetString() == "mappa.scheduling.review.due");
        Assert.Equal("fanout", reviewDue.GetProperty("type").GetString());
        Assert.True(reviewDue.GetProperty("durable").GetBoolean());
        // The consumer's queue is reached from the event's exchange (MassTransit binds exchange -> queue exchange -> queue).
        var bindings = await vhost.BindingsAsync();
        foreach (var b in bindings)
            output.WriteLine($"binding {b.GetProperty("source").GetString()} -> {b.GetProperty("destination_type").GetString()} {b.GetProperty("destination").GetString()}");
        Assert.Contains(bindings, b => b.GetProperty("source").GetString() == "mappa.scheduling.review.due"
                                       && b.GetProperty("destination").GetString() == "recording");
    }

    private static async Task<string> ErrorsOf(Process process)
    {
        if (!process.HasExited) return "(still running)";
        return await process.StandardError.ReadToEndAsync();
    }
}
