using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace Mappa.Load;

/// <summary>
/// The suite as operators run it: RiskAssessment, CaseConference and Scheduling as separate processes from the
/// Release build, configured only by environment variables (as docker-compose.yml does), each on its own PostgreSQL
/// database, all on one RabbitMQ virtual host. Databases and the vhost are created fresh and named per run, so a run
/// never touches another's data on shared servers; they are dropped at the end.
/// </summary>
public sealed class Deployment : IAsyncDisposable
{
    public const string Issuer = "https://identity.mappa.local";
    public const string Audience = "mappa-suite";
    public static readonly string[] ServiceNames = ["RiskAssessment", "CaseConference", "Scheduling"];

    private readonly LoadOptions _options;
    private readonly string _runId = "load_" + Guid.NewGuid().ToString("N")[..10];
    private readonly string _postgres;
    private readonly Uri _rabbitMq;
    private readonly string? _management;
    private readonly List<string> _databases = [];
    private bool _vhostCreated;

    public Deployment(LoadOptions options)
    {
        _options = options;
        _postgres = Environment.GetEnvironmentVariable("MAPPA_TEST_POSTGRES")
            ?? throw new InvalidOperationException("MAPPA_TEST_POSTGRES is not set: run bench/load.sh (it starts PostgreSQL and RabbitMQ) or ./test.sh.");
        _rabbitMq = new Uri(Environment.GetEnvironmentVariable("MAPPA_TEST_RABBITMQ")
            ?? throw new InvalidOperationException("MAPPA_TEST_RABBITMQ is not set: run bench/load.sh (it starts PostgreSQL and RabbitMQ) or ./test.sh."));
        _management = Environment.GetEnvironmentVariable("MAPPA_TEST_RABBITMQ_MANAGEMENT");
    }

    public LoadTokens Tokens { get; } = new();

    /// <summary>The vhost every service uses: a private one when the management API is known, else "/".</summary>
    public string VirtualHost { get; private set; } = "/";

    public List<ServiceInstance> Instances { get; } = [];

    public IEnumerable<ServiceInstance> Of(string service) => Instances.Where(i => i.Service == service);

    public async Task StartAsync(Action<string> log)
    {
        foreach (var service in ServiceNames)
        {
            var dll = DllPath(service);
            if (!File.Exists(dll))
                throw new InvalidOperationException($"{dll} is missing: build in Release first (bench/load.sh does: dotnet build bench/Mappa.Load -c Release).");
        }
        await CreateDatabasesAsync();
        await CreateVirtualHostAsync();
        log($"databases {_runId}_*, vhost {VirtualHost}");

        var ports = ServiceNames.SelectMany(s => Enumerable.Range(1, _options.Instances).Select(n => (s, n))).ToDictionary(x => x, _ => (Grpc: FreePort(), Http: FreePort()));
        string AddressOf(string service) => $"http://127.0.0.1:{ports[(service, 1)].Grpc}";
        var systemToken = Tokens.Issue("load-system", "mappa-suite", "OTHER", ["glasgow"], ["system"]);
        foreach (var service in ServiceNames)
        {
            for (var n = 1; n <= _options.Instances; n++)
            {
                var (grpc, http) = ports[(service, n)];
                var environment = new Dictionary<string, string>
                {
                    ["Mappa__Grpc__Port"] = grpc.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["Mappa__Http__Port"] = http.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["Mappa__Database__Provider"] = "Postgres",
                    ["Mappa__Database__ConnectionString"] = ConnectionString(service),
                    ["Mappa__Bus__Transport"] = "RabbitMq",
                    ["Mappa__Bus__RabbitMq__Host"] = _rabbitMq.Host,
                    ["Mappa__Bus__RabbitMq__Port"] = _rabbitMq.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["Mappa__Bus__RabbitMq__VirtualHost"] = VirtualHost,
                    ["Mappa__Bus__RabbitMq__Username"] = Uri.UnescapeDataString(_rabbitMq.UserInfo.Split(':')[0]),
                    ["Mappa__Bus__RabbitMq__Password"] = Uri.UnescapeDataString(_rabbitMq.UserInfo.Split(':').ElementAtOrDefault(1) ?? ""),
                    ["Mappa__Auth__Issuer"] = Issuer,
                    ["Mappa__Auth__Audience"] = Audience,
                    ["Mappa__Auth__SigningKeys__0__KeyId"] = Tokens.KeyId,
                    ["Mappa__Auth__SigningKeys__0__Algorithm"] = Tokens.Algorithm,
                    ["Mappa__Auth__SigningKeys__0__PublicKeyPem"] = Tokens.PublicKeyPem,
                    ["Mappa__Services__RiskAssessment__Address"] = AddressOf("RiskAssessment"),
                    ["Mappa__Services__RiskAssessment__BearerToken"] = systemToken,
                    ["Mappa__Services__CaseConference__Address"] = AddressOf("CaseConference"),
                    ["Mappa__Services__Scheduling__Address"] = AddressOf("Scheduling"),
                    ["Mappa__Services__Scheduling__BearerToken"] = systemToken,
                    // One line per call is the service's normal log; the load would make it the bottleneck on a console.
                    ["Logging__LogLevel__Mappa.Hosting.Observability.ObservabilityInterceptor"] = "Warning",
                    ["Logging__LogLevel__Default"] = "Warning",
                };
                var instance = new ServiceInstance(service, n, grpc, http, DllPath(service), environment);
                instance.Start();
                Instances.Add(instance);
            }
        }
        foreach (var instance in Instances)
        {
            await instance.WaitReadyAsync(TimeSpan.FromSeconds(120));
            log($"{instance.Name} ready (pid {instance.ProcessId}, gRPC {instance.GrpcPort}, HTTP {instance.HttpPort})");
        }
    }

    private string DllPath(string service) =>
        Path.Combine(_options.RepositoryRoot, "services", service, "bin", "Release", "net10.0", $"Mappa.{service}.dll");

    private string ConnectionString(string service) =>
        new NpgsqlConnectionStringBuilder(_postgres) { Database = $"{_runId}_{service.ToLowerInvariant()}", MaxPoolSize = 50 }.ConnectionString;

    private async Task CreateDatabasesAsync()
    {
        await using var connection = new NpgsqlConnection(_postgres);
        await connection.OpenAsync();
        foreach (var service in ServiceNames)
        {
            var name = $"{_runId}_{service.ToLowerInvariant()}";
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
            _databases.Add(name);
        }
    }

    private async Task CreateVirtualHostAsync()
    {
        if (_management is null) return;
        var vhost = _runId;
        using var http = ManagementClient(_management);
        var user = Uri.UnescapeDataString(_rabbitMq.UserInfo.Split(':')[0]);
        (await http.PutAsync($"api/vhosts/{vhost}", new StringContent("{}", Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        _vhostCreated = true;
        (await http.PutAsync($"api/permissions/{vhost}/{Uri.EscapeDataString(user)}",
            new StringContent("""{"configure":".*","write":".*","read":".*"}""", Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        VirtualHost = vhost;
    }

    /// <summary>Messages waiting in each queue of the run's vhost (the management API's figures, refreshed every few seconds); null without the API.</summary>
    public async Task<IReadOnlyList<QueueDepth>?> QueueDepthsAsync()
    {
        if (!_vhostCreated || _management is null) return null;
        using var http = ManagementClient(_management);
        using var document = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync($"api/queues/{VirtualHost}?columns=name,messages"));
        return document.RootElement.EnumerateArray()
            .Select(q => new QueueDepth(q.GetProperty("name").GetString() ?? "", q.TryGetProperty("messages", out var m) && m.ValueKind == System.Text.Json.JsonValueKind.Number ? m.GetInt64() : 0))
            .Where(q => q.Messages > 0)
            .OrderByDescending(q => q.Messages)
            .ToList();
    }

    private static HttpClient ManagementClient(string management)
    {
        var uri = new Uri(management);
        var http = new HttpClient { BaseAddress = new Uri($"{uri.Scheme}://{uri.Host}:{uri.Port}/"), Timeout = TimeSpan.FromSeconds(30) };
        var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(uri.UserInfo)));
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", credentials);
        return http;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in Instances) await instance.DisposeAsync();
        try
        {
            if (_vhostCreated && _management is not null)
            {
                using var http = ManagementClient(_management);
                await http.DeleteAsync($"api/vhosts/{_runId}");
            }
            if (_databases.Count > 0)
            {
                await using var connection = new NpgsqlConnection(_postgres);
                await connection.OpenAsync();
                foreach (var name in _databases)
                {
                    await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
                    await drop.ExecuteNonQueryAsync();
                }
            }
        }
        catch (Exception e) when (e is NpgsqlException or HttpRequestException or TaskCanceledException)
        {
            Console.Error.WriteLine($"clean-up of {_runId}: {e.GetType().Name}: {e.Message}");
        }
        Tokens.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>One service process; its output is kept (last lines) for the report when it fails to start.</summary>
public sealed class ServiceInstance(string service, int number, int grpcPort, int httpPort, string dll, IReadOnlyDictionary<string, string> environment) : IAsyncDisposable
{
    private readonly Queue<string> _tail = new();
    private Process? _process;

    public string Service { get; } = service;
    public string Name { get; } = $"{service.ToLowerInvariant()}-{number}";
    public int GrpcPort { get; } = grpcPort;
    public int HttpPort { get; } = httpPort;
    public Uri GrpcAddress => new($"http://127.0.0.1:{GrpcPort}");
    public int ProcessId => _process?.Id ?? 0;
    public bool HasExited => _process is null || _process.HasExited;

    public void Start()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.ArgumentList.Add(dll);
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("Mappa__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(key);
        foreach (var (key, value) in environment) start.Environment[key] = value;
        _process = Process.Start(start) ?? throw new InvalidOperationException($"{Name} did not start.");
        _process.OutputDataReceived += (_, e) => Remember(e.Data);
        _process.ErrorDataReceived += (_, e) => Remember(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Polls /readyz (databases, bus, relay) until 200; fails with the log tail if the process exits or the bound passes.</summary>
    public async Task WaitReadyAsync(TimeSpan bound)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        string last = "no answer";
        while (deadline.Elapsed < bound)
        {
            if (HasExited) throw new InvalidOperationException($"{Name} exited ({_process?.ExitCode}) before it was ready:\n{Tail()}");
            try
            {
                using var response = await http.GetAsync($"http://127.0.0.1:{HttpPort}/readyz");
                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = e.GetType().Name;
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"{Name} was not ready after {bound.TotalSeconds:0} s (last /readyz: {last}):\n{Tail()}");
    }

    public async Task<string> MetricsAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        return await http.GetStringAsync($"http://127.0.0.1:{HttpPort}/metrics");
    }

    public string Tail()
    {
        lock (_tail) return string.Join('\n', _tail);
    }

    private void Remember(string? line)
    {
        if (line is null) return;
        lock (_tail)
        {
            _tail.Enqueue(line);
            while (_tail.Count > 40) _tail.Dequeue();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is null || _process.HasExited) return;
        try
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        catch (InvalidOperationException)
        {
        }
    }
}
