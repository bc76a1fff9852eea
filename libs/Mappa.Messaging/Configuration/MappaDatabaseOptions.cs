namespace Mappa.Messaging.Configuration;

public enum DatabaseProvider
{
    /// <summary>A file per service; the embedded all-in-one default. One relay per database file (file lock).</summary>
    Sqlite,
    /// <summary>Real deployments; several instances of a service may share one database.</summary>
    Postgres,
}

/// <summary>Bound from <c>Mappa:Database</c>; a service host may override per DbContext (see AddMappaDatabase).</summary>
public sealed class MappaDatabaseOptions
{
    public const string SectionName = "Mappa:Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Npgsql or Microsoft.Data.Sqlite connection string. Empty with SQLite means <c>Data Source={context}.db</c>.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>How long a SQLite command waits for the single writer lock before failing.</summary>
    public TimeSpan SqliteBusyTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Bound from <c>Mappa:Outbox</c>: how the relay moves recorded events to the bus.</summary>
public sealed class OutboxRelayOptions
{
    public const string SectionName = "Mappa:Outbox";

    /// <summary>Rows read per pass. Rows of different subjects in a pass are published concurrently.</summary>
    public int BatchSize { get; set; } = 200;

    /// <summary>How often the relay looks for rows written by other instances; local commits wake it at once.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long one publish may wait for the broker's confirm before the pass counts as failed.</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>First wait after a failed pass; doubles per consecutive failure up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryInitialDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often a standby relay tries to take the lease from an active one.</summary>
    public TimeSpan LeaseRetryInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Sent rows are kept this long (for diagnosis), then deleted by the relay.</summary>
    public TimeSpan SentRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Inbox rows (processed message ids) are kept this long; a copy arriving later would be processed again.</summary>
    public TimeSpan InboxRetention { get; set; } = TimeSpan.FromDays(30);
}
