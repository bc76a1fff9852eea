using System.Text;
using MassTransit;
using Mappa.Events.Scheduling;
using Mappa.Messaging.Configuration;
using Mappa.Messaging.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;

namespace Mappa.Messaging.Tests.Inbox;

public class IdempotentConsumerTests(ITestOutputHelper output)
{
    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.Postgres];

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_message_the_broker_redelivers_after_it_was_processed_is_acknowledged_and_skipped(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var vhost = await RabbitVirtualHost.CreateAsync();
        var killer = new ConnectionKillerAfterFirstConsume(vhost);
        await using var host = await TestHost.StartSchedulingAsync(database.Configuration, vhost.BusConfiguration(),
            bus => bus.AddConsumer<CountingInboxConsumer>().Endpoint(e => e.Name = "counting-inbox"),
            services =>
            {
                services.AddSingleton<InboxLog>();
                services.AddSingleton(killer);
                services.AddConsumeObserver(_ => killer);
            }, output);

        var evt = TestEvents.ReviewDue("subject-r", "obl-r");
        await host.Services.GetRequiredService<IBus>().Publish(evt, c => c.MessageId = evt.EventId);

        // The first delivery commits, then its connection dies before the ack: RabbitMQ delivers it again.
        var inbox = host.Services.GetRequiredService<InboxLog>();
        await Eventually.TrueAsync(() => inbox.Duplicates.Count == 1, "the redelivered copy");
        Assert.True(killer.Killed);
        Assert.Equal((evt.EventId, true), inbox.Duplicates[0]);
        Assert.Equal(1, inbox.HandlerCalls);
        await using var check = database.NewContext();
        Assert.Equal(1, await check.HandledEvents.CountAsync());
        Assert.Equal(1, await check.InboxMessages.CountAsync());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_handler_failure_rolls_back_its_inbox_row_so_the_retry_processes_the_message(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var vhost = await RabbitVirtualHost.CreateAsync();
        await using var host = await TestHost.StartSchedulingAsync(database.Configuration, vhost.BusConfiguration(),
            bus => bus.AddConsumer<CountingInboxConsumer>().Endpoint(e => e.Name = "counting-inbox"),
            services => services.AddSingleton(new InboxLog { FailuresBeforeSuccess = 1 }), output);

        var evt = TestEvents.ReviewDue("subject-t", "obl-t");
        await host.Services.GetRequiredService<IBus>().Publish(evt, c => c.MessageId = evt.EventId);

        await using var check = database.NewContext();
        await Eventually.TrueAsync(() => check.HandledEvents.AnyAsync(), "the retried message to be handled");
        var inbox = host.Services.GetRequiredService<InboxLog>();
        Assert.Equal(2, inbox.HandlerCalls);
        Assert.Empty(inbox.Duplicates);
        Assert.Equal(1, await check.HandledEvents.CountAsync());
        Assert.Equal(1, await check.InboxMessages.CountAsync());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_poison_message_goes_to_the_error_queue_after_bounded_retries_with_its_reason(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var vhost = await RabbitVirtualHost.CreateAsync();
        await using var host = await TestHost.StartSchedulingAsync(database.Configuration, vhost.BusConfiguration(),
            bus => bus.AddConsumer<CountingInboxConsumer>().Endpoint(e => e.Name = "counting-inbox"),
            services => services.AddSingleton(new InboxLog { FailuresBeforeSuccess = int.MaxValue }), output);

        var evt = TestEvents.ReviewDue("subject-p", "obl-poison");
        await host.Services.GetRequiredService<IBus>().Publish(evt, c => c.MessageId = evt.EventId);

        await using var connection = await vhost.ConnectAsync();
        var dead = await Eventually.GetAsync(async () =>
        {
            // Getting from a queue that does not exist yet closes the channel, so each try uses a fresh one.
            await using var channel = await connection.CreateChannelAsync();
            try { return await channel.BasicGetAsync("counting-inbox_error", autoAck: true); }
            catch (RabbitMQ.Client.Exceptions.OperationInterruptedException) { return null; }
        }, message => message is not null, "the message in counting-inbox_error");

        var headers = dead!.BasicProperties.Headers!;
        output.WriteLine("error queue headers: " + string.Join(", ", headers.Keys.Order()));
        string Header(string name) => headers[name] switch { byte[] bytes => Encoding.UTF8.GetString(bytes), var other => other?.ToString() ?? "" };
        Assert.Equal("fault", Header("MT-Reason"));
        Assert.Contains("has no owning area", Header("MT-Fault-Message"));
        Assert.Equal(typeof(InvalidOperationException).FullName, Header("MT-Fault-ExceptionType"));
        Assert.Equal("2", Header("MT-Fault-RetryCount"));
        Assert.Contains(nameof(CountingInboxConsumer), Header("MT-Fault-ConsumerType"));
        Assert.Equal(evt.EventId.ToString(), dead.BasicProperties.MessageId);
        Assert.Contains("obl-poison", Encoding.UTF8.GetString(dead.Body.Span));

        // One delivery plus the configured two retries, each rolled back completely.
        var inbox = host.Services.GetRequiredService<InboxLog>();
        Assert.Equal(3, inbox.HandlerCalls);
        await using var check = database.NewContext();
        Assert.Equal(0, await check.HandledEvents.CountAsync());
        Assert.Equal(0, await check.InboxMessages.CountAsync());
    }

    [Fact]
    public async Task Concurrent_copies_of_one_message_are_processed_once()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        await using var vhost = await RabbitVirtualHost.CreateAsync();
        await using var host = await TestHost.StartSchedulingAsync(database.Configuration, vhost.BusConfiguration(),
            bus => bus.AddConsumer<CountingInboxConsumer>().Endpoint(e =>
            {
                e.Name = "counting-inbox";
                e.ConcurrentMessageLimit = 8;
            }),
            services => services.AddSingleton<InboxLog>(), output);

        var evt = TestEvents.ReviewDue("subject-c", "obl-c");
        var bus = host.Services.GetRequiredService<IBus>();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => bus.Publish(evt, c => c.MessageId = evt.EventId)));

        var inbox = host.Services.GetRequiredService<InboxLog>();
        await Eventually.TrueAsync(() => inbox.Duplicates.Count == 7, "seven copies to be skipped");
        await using var check = database.NewContext();
        Assert.Equal(1, await check.HandledEvents.CountAsync());
        Assert.Equal(1, await check.InboxMessages.CountAsync());
    }
}

/// <summary>
/// After the first successful consume (committed, not yet acknowledged) it force-closes the bus's connection through
/// the management API, so the acknowledgement is lost and the broker redelivers, as after a consumer crash.
/// </summary>
public sealed class ConnectionKillerAfterFirstConsume(RabbitVirtualHost vhost) : IConsumeObserver
{
    private int _consumed;
    public bool Killed { get; private set; }

    public async Task PostConsume<T>(ConsumeContext<T> context) where T : class
    {
        if (typeof(T) != typeof(ReviewDue) || Interlocked.Increment(ref _consumed) != 1) return;
        var connections = await Eventually.GetAsync(() => vhost.ConnectionsAsync(), c => c.Length > 0, "the bus's connection to be listed");
        var names = connections.Select(c => c.GetProperty("name").GetString()!).ToArray();
        foreach (var name in names) await vhost.CloseConnectionAsync(name);
        Killed = true;
        // Return (and let the acknowledgement fail) only once the broker has dropped the old connection; the bus may
        // already have opened a new one, which has a different name.
        await Eventually.TrueAsync(async () => !(await vhost.ConnectionsAsync()).Any(c => names.Contains(c.GetProperty("name").GetString())),
            "the old connection to be gone");
    }

    public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;
    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class => Task.CompletedTask;
}
