namespace Mappa.Messaging.Configuration;

public enum BusTransport
{
    /// <summary>MassTransit's in-process transport: the embedded default, one bus for all services in the process.</summary>
    InMemory,
    RabbitMq,
}

/// <summary>Bound from <c>Mappa:Bus</c>.</summary>
public sealed class MappaBusOptions
{
    public const string SectionName = "Mappa:Bus";

    public BusTransport Transport { get; set; } = BusTransport.InMemory;
    public RabbitMqOptions RabbitMq { get; set; } = new();
    public ConsumerRetryOptions Retry { get; set; } = new();
}

public sealed class RabbitMqOptions
{
    public string Host { get; set; } = "localhost";
    public ushort Port { get; set; } = 5672;
    public string VirtualHost { get; set; } = "/";
    public string Username { get; set; } = "guest";
    public string Password { get; set; } = "guest";
    /// <summary>Messages a consumer endpoint takes from the broker ahead of processing.</summary>
    public ushort PrefetchCount { get; set; } = 16;
    /// <summary>The type of the consumer queues this process declares (Mappa:Bus:RabbitMq:QueueType).</summary>
    public RabbitMqQueueType QueueType { get; set; } = RabbitMqQueueType.Classic;
}

public enum RabbitMqQueueType
{
    /// <summary>Classic durable queues: a single broker (development, the tests' own broker).</summary>
    Classic,
    /// <summary>Quorum queues (x-queue-type=quorum): replicated across a RabbitMQ cluster, for deployments.</summary>
    Quorum,
}

/// <summary>Bounded retries of a failing consumer before the message goes to the endpoint's <c>_error</c> queue.</summary>
public sealed class ConsumerRetryOptions
{
    public int Limit { get; set; } = 3;
    public TimeSpan Interval { get; set; } = TimeSpan.FromMilliseconds(200);
    /// <summary>Retries of a message whose handler failed because the database was unreachable or restarting.</summary>
    public int TransientLimit { get; set; } = 20;
    /// <summary>The longest wait between those retries (they start at <see cref="Interval"/> and double).</summary>
    public TimeSpan TransientMaxInterval { get; set; } = TimeSpan.FromSeconds(10);
}
