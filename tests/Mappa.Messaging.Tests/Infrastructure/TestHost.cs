using MassTransit;
using Mappa.Messaging.Bus;
using Mappa.Messaging.Configuration;
using Mappa.Messaging.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mappa.Messaging.Tests.Infrastructure;

/// <summary>Builds and starts a generic host the way a service would, with test-speed relay settings.</summary>
public static class TestHost
{
    public static Dictionary<string, string?> FastRelay() => new()
    {
        ["Mappa:Outbox:PollInterval"] = "00:00:00.100",
        ["Mappa:Outbox:RetryInitialDelay"] = "00:00:00.100",
        ["Mappa:Outbox:RetryMaxDelay"] = "00:00:00.500",
        ["Mappa:Outbox:PublishTimeout"] = "00:00:03",
        ["Mappa:Outbox:LeaseRetryInterval"] = "00:00:00.200",
        ["Mappa:Bus:Retry:Limit"] = "2",
        ["Mappa:Bus:Retry:Interval"] = "00:00:00.050",
    };

    public static Dictionary<string, string?> Database(DatabaseProvider provider, string connectionString) => new()
    {
        ["Mappa:Database:Provider"] = provider.ToString(),
        ["Mappa:Database:ConnectionString"] = connectionString,
    };

    public static async Task<RunningHost> StartAsync(IEnumerable<Dictionary<string, string?>> configuration,
        Action<IServiceCollection, IConfiguration> configureServices, ITestOutputHelper? output = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        foreach (var part in configuration) builder.Configuration.AddInMemoryCollection(part);
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("MassTransit", LogLevel.Warning);
        if (output is not null) builder.Logging.AddProvider(new TestOutputLoggerProvider(output));
        // Tests publish right after start: wait until the bus is connected and the consumers' queues are bound.
        builder.Services.Configure<MassTransitHostOptions>(o =>
        {
            o.WaitUntilStarted = true;
            o.StartTimeout = TimeSpan.FromSeconds(60);
            o.StopTimeout = TimeSpan.FromSeconds(10);
        });
        configureServices(builder.Services, builder.Configuration);
        var host = builder.Build();
        await host.StartAsync();
        return new RunningHost(host);
    }

    /// <summary>The usual service shape: one scheduling context plus the bus, with optional consumers.</summary>
    public static Task<RunningHost> StartSchedulingAsync(Dictionary<string, string?> database, Dictionary<string, string?> bus,
        Action<IBusRegistrationConfigurator>? consumers = null, Action<IServiceCollection>? extra = null, ITestOutputHelper? output = null) =>
        StartAsync([FastRelay(), database, bus], (services, configuration) =>
        {
            services.AddSingleton<DeliveryLog>();
            services.AddMappaDatabase<SchedulingTestContext>(configuration, SchedulingTestContext.Migrations);
            services.AddMappaMessaging(configuration, consumers);
            extra?.Invoke(services);
        }, output);

    /// <summary>Registers <see cref="RecordingConsumer"/> on its own queue, one message at a time.</summary>
    public static void AddRecordingConsumer(this IBusRegistrationConfigurator bus, string queue = "recording") =>
        bus.AddConsumer<RecordingConsumer>().Endpoint(e =>
        {
            e.Name = queue;
            e.ConcurrentMessageLimit = 1;
            e.PrefetchCount = 1;
        });

    public static Dictionary<string, string?> InMemoryBus() => new() { ["Mappa:Bus:Transport"] = "InMemory" };
}

internal sealed class TestOutputLoggerProvider(ITestOutputHelper output) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new TestOutputLogger(output, categoryName);
    public void Dispose() { }

    private sealed class TestOutputLogger(ITestOutputHelper output, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            try
            {
                output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {category.Split('.')[^1]}: {formatter(state, exception)}" +
                                 (exception is null ? "" : $" [{exception.GetType().Name}: {exception.Message}]"));
            }
            catch (InvalidOperationException)
            {
                // The test has finished; late background logs have nowhere to go.
            }
        }
    }
}
