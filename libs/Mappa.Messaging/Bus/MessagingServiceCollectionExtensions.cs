using MassTransit;
using Mappa.Messaging.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Mappa.Messaging.Bus;

public static class MessagingServiceCollectionExtensions
{
    /// <summary>
    /// Adds consumers to the process's one bus. Each service module calls this for its own consumers; the host then
    /// calls <see cref="AddMappaMessaging"/> once. Must come before AddMappaMessaging.
    /// </summary>
    public static IServiceCollection AddMappaConsumers(this IServiceCollection services, Action<IBusRegistrationConfigurator> configure)
    {
        if (services.Any(d => d.ServiceType == typeof(MappaMessagingMarker)))
            throw new InvalidOperationException("AddMappaConsumers must be called before AddMappaMessaging.");
        PendingConsumers(services).Add(configure);
        return services;
    }

    /// <summary>
    /// Adds the MassTransit bus configured by <c>Mappa:Bus</c>: RabbitMQ (publisher confirms on) or the in-process
    /// transport; consumers from <see cref="AddMappaConsumers"/> and <paramref name="configure"/>, each on its own
    /// queue (kebab-case of the consumer name), with a bounded retry before a message goes to the <c>_error</c> queue.
    /// </summary>
    public static IServiceCollection AddMappaMessaging(this IServiceCollection services, IConfiguration configuration,
        Action<IBusRegistrationConfigurator>? configure = null)
    {
        var options = new MappaBusOptions();
        configuration.GetSection(MappaBusOptions.SectionName).Bind(options);
        var consumerRegistrations = PendingConsumers(services).ToArray();
        services.AddSingleton(options);
        services.AddSingleton<MappaMessagingMarker>();
        services.AddSingleton<BusStartedSignal>();
        services.AddBusObserver(provider => provider.GetRequiredService<BusStartedSignal>());

        services.AddMassTransit(bus =>
        {
            bus.SetKebabCaseEndpointNameFormatter();
            foreach (var register in consumerRegistrations) register(bus);
            configure?.Invoke(bus);

            bus.AddConfigureEndpointsCallback((_, _, endpoint) =>
            {
                endpoint.UseMessageRetry(retry => retry.Interval(options.Retry.Limit, options.Retry.Interval));
                // A database that is restarting or unreachable is not a poison message: keep retrying it (doubling up to
                // TransientMaxInterval) for about TransientLimit tries before the retry above and the _error queue.
                // Found by the PostgreSQL restart test: 3 x 200 ms moved events to _error during a few seconds' outage.
                endpoint.UseMessageRetry(retry =>
                {
                    retry.Handle<Exception>(IsTransientDatabaseFailure);
                    retry.Exponential(options.Retry.TransientLimit, options.Retry.Interval, options.Retry.TransientMaxInterval, options.Retry.Interval);
                });
                // Quorum queues (replicated, durable) for clustered brokers; classic stays the default for a dev broker.
                if (options.RabbitMq.QueueType == RabbitMqQueueType.Quorum && endpoint is IRabbitMqReceiveEndpointConfigurator rabbitEndpoint)
                    rabbitEndpoint.SetQuorumQueue();
            });

            if (options.Transport == BusTransport.RabbitMq)
            {
                bus.UsingRabbitMq((context, rabbit) =>
                {
                    var settings = options.RabbitMq;
                    rabbit.Host(settings.Host, settings.Port, settings.VirtualHost, host =>
                    {
                        host.Username(settings.Username);
                        host.Password(settings.Password);
                        // The default already, set so it is visible: Publish completes only on the broker's ack.
                        host.PublisherConfirmation = true;
                    });
                    rabbit.PrefetchCount = settings.PrefetchCount;
                    rabbit.MessageTopology.SetEntityNameFormatter(new DomainEventEntityNameFormatter(rabbit.MessageTopology.EntityNameFormatter));
                    rabbit.ConfigurePublish(publish => publish.UseExecute(PartnerRoutingHeaders.Apply));
                    rabbit.ConfigureEndpoints(context);
                });
            }
            else
            {
                bus.UsingInMemory((context, memory) =>
                {
                    memory.MessageTopology.SetEntityNameFormatter(new DomainEventEntityNameFormatter(memory.MessageTopology.EntityNameFormatter));
                    memory.ConfigurePublish(publish => publish.UseExecute(PartnerRoutingHeaders.Apply));
                    memory.ConfigureEndpoints(context);
                });
            }
        });
        return services;
    }

    private static bool IsTransientDatabaseFailure(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is System.Data.Common.DbException { IsTransient: true } or TimeoutException or System.Net.Sockets.SocketException
                || current is InvalidOperationException { InnerException: null, Message: "Transaction is already completed" or "Connection is not open" })
                return true;
        }
        return false;
    }

    private static List<Action<IBusRegistrationConfigurator>> PendingConsumers(IServiceCollection services)
    {
        var descriptor = services.FirstOrDefault(d => d.ServiceType == typeof(PendingConsumerRegistrations));
        if (descriptor?.ImplementationInstance is PendingConsumerRegistrations existing) return existing.Registrations;
        var created = new PendingConsumerRegistrations();
        services.AddSingleton(created);
        return created.Registrations;
    }

    private sealed class PendingConsumerRegistrations
    {
        public List<Action<IBusRegistrationConfigurator>> Registrations { get; } = [];
    }

    private sealed class MappaMessagingMarker;
}
