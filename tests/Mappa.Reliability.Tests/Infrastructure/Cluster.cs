using System.Diagnostics;
using System.Globalization;

namespace Mappa.Reliability.Tests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<Cluster>
{
    public const string Name = "Two instances of each service on an own PostgreSQL and RabbitMQ";
}

/// <summary>
/// The scale-out deployment, for real: an own PostgreSQL (one database per service) and RabbitMQ (quorum queues),
/// and two processes of each service sharing them, configured by environment variables as docker-compose.yml
/// configures the containers. Tests reach the instances through <see cref="RoundRobin"/> (the load balancer).
/// Scheduling runs on its simulated clock (a test environment, never Production) so a test can move time.
/// </summary>
public sealed class Cluster : IAsyncLifetime
{
    public static readonly string[] Services = ["RiskAssessment", "CaseConference", "Scheduling"];

    /// <summary>The services' consumer endpoints (each service has one queue for all its consumers).</summary>
    public static readonly string[] ConsumerQueues = ["scheduling-review-calendar", "propose-conference-when-review-due"];

    public OwnServers Servers { get; private set; } = null!;

    public TestIssuer Issuer { get; } = new();

    public Broker Broker { get; private set; } = null!;

    public Dictionary<string, string> Databases { get; } = [];

    public IReadOnlyList<ServiceProcess> RiskAssessment { get; private set; } = [];

    public IReadOnlyList<ServiceProcess> CaseConference { get; private set; } = [];

    public IReadOnlyList<ServiceProcess> Scheduling { get; private set; } = [];

    public IEnumerable<ServiceProcess> All => RiskAssessment.Concat(CaseConference).Concat(Scheduling);

    public string RiskAssessmentDatabase => Databases["RiskAssessment"];

    public string SchedulingDatabase => Databases["Scheduling"];

    /// <summary>How long servers, databases and the six processes took to come up.</summary>
    public TimeSpan StartupTime { get; private set; }

    public async Task InitializeAsync()
    {
        var clock = Stopwatch.StartNew();
        Servers = await OwnServers.StartAsync();
        Broker = new Broker(Servers.RabbitMqManagement);
        foreach (var service in Services)
        {
            Databases[service] = await Servers.CreateDatabaseAsync(service.ToLowerInvariant());
        }

        var rabbit = Servers.RabbitMq;
        var credentials = rabbit.UserInfo.Split(':', 2);
        var common = new Dictionary<string, string>(Issuer.Settings)
        {
            ["Mappa__Database__Provider"] = "Postgres",
            ["Mappa__Bus__Transport"] = "RabbitMq",
            ["Mappa__Bus__RabbitMq__Host"] = rabbit.Host,
            ["Mappa__Bus__RabbitMq__Port"] = rabbit.Port.ToString(CultureInfo.InvariantCulture),
            ["Mappa__Bus__RabbitMq__VirtualHost"] = "/",
            ["Mappa__Bus__RabbitMq__Username"] = Uri.UnescapeDataString(credentials[0]),
            ["Mappa__Bus__RabbitMq__Password"] = Uri.UnescapeDataString(credentials[1]),
            ["Mappa__Bus__RabbitMq__QueueType"] = "Quorum",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__Console__FormatterName"] = "simple",
            // Six processes on a small machine: workstation GC keeps each one's memory modest.
            ["DOTNET_gcServer"] = "0",
        };
        ServiceProcess[] Two(string service) => [.. Enumerable.Range(1, 2).Select(i => new ServiceProcess(service, i, new Dictionary<string, string>(common)
        {
            ["Mappa__Database__ConnectionString"] = Databases[service],
        }))];
        RiskAssessment = Two("RiskAssessment");
        CaseConference = Two("CaseConference");
        Scheduling = Two("Scheduling");
        foreach (var instance in All)
        {
            // Service-to-service calls go to the first instance of each (a deployment names its balancer here).
            instance.Environment["Mappa__Services__RiskAssessment"] = RiskAssessment[0].GrpcAddress.ToString().TrimEnd('/');
            instance.Environment["Mappa__Services__CaseConference"] = CaseConference[0].GrpcAddress.ToString().TrimEnd('/');
            instance.Environment["Mappa__Services__Scheduling"] = Scheduling[0].GrpcAddress.ToString().TrimEnd('/');
        }
        var start = DateTimeOffset.UtcNow;
        foreach (var instance in Scheduling)
        {
            instance.Environment["DOTNET_ENVIRONMENT"] = "Reliability";
            instance.Environment["Mappa__Scheduling__Clock"] = "Simulated";
            instance.Environment["Mappa__Scheduling__SimulatedStart"] = start.ToString("O", CultureInfo.InvariantCulture);
        }

        foreach (var instance in All) instance.Start();
        await EnsureHealthyAsync();
        StartupTime = clock.Elapsed;
    }

    /// <summary>Every instance running and healthy, and every consumer queue consumed by both instances of its service.</summary>
    public async Task EnsureHealthyAsync()
    {
        foreach (var instance in All.Where(i => !i.IsRunning)) instance.Start();
        await Task.WhenAll(All.Select(i => i.WaitHealthyAsync()));
        await Poll.UntilAsync("every service queue consumed by two instances", async () =>
        {
            var queues = (await Broker.QueuesAsync()).Where(IsServiceQueue).ToList();
            return ConsumerQueues.All(name => queues.Any(q => q.Name == name)) && queues.All(q => q.Consumers >= 2);
        }, diagnostics: () => string.Join(", ", Broker.QueuesAsync().GetAwaiter().GetResult().Select(q => $"{q.Name}({q.Type}, {q.Consumers})")));
    }

    /// <summary>A consumer queue of a service (not a partner queue of a test, an error queue or a bus's temporary queue).</summary>
    public static bool IsServiceQueue((string Name, string Type, int Consumers, long Messages) queue) =>
        !queue.Name.StartsWith("partner-", StringComparison.Ordinal) && !queue.Name.EndsWith("_error", StringComparison.Ordinal)
        && !queue.Name.EndsWith("_skipped", StringComparison.Ordinal) && !queue.Name.Contains("_bus_", StringComparison.Ordinal);

    /// <summary>
    /// The instance whose relay holds the outbox lease of <paramref name="database"/> (the session holding a PostgreSQL
    /// advisory lock, traced to its process through the socket's local port), or null when none is seen.
    /// </summary>
    public static async Task<ServiceProcess?> RelayLeaseHolderAsync(IReadOnlyList<ServiceProcess> instances, string database)
    {
        var ports = await Sql.QueryAsync(database,
            "SELECT a.client_port FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted AND a.datname = current_database() AND a.pid <> pg_backend_pid()",
            r => r.IsDBNull(0) ? 0 : r.GetInt32(0));
        foreach (var port in ports.Where(p => p > 0))
        {
            var start = new ProcessStartInfo("ss", ["-tnpH", "state", "established", $"( sport = :{port} )"]) { RedirectStandardOutput = true, UseShellExecute = false };
            using var ss = Process.Start(start)!;
            var output = await ss.StandardOutput.ReadToEndAsync();
            await ss.WaitForExitAsync();
            var holder = instances.FirstOrDefault(i => i.ProcessId is { } pid && output.Contains($"pid={pid},", StringComparison.Ordinal));
            if (holder is not null) return holder;
        }
        return null;
    }

    public string LogTails() => string.Join("\n", All.Select(i => i.LogTail()));

    public async Task DisposeAsync()
    {
        foreach (var instance in All) await instance.DisposeAsync();
        Broker?.Dispose();
        if (Servers is not null) await Servers.DisposeAsync();
        Issuer.Dispose();
    }
}
