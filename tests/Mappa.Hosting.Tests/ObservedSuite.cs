using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Mappa.Grpc.Client;
using Mappa.Security.Development;
using Mappa.Suite;
using Mappa.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Logging;

namespace Mappa.Hosting.Tests;

/// <summary>
/// The embedded suite (all three modules, in-process bus) built by <see cref="MappaHost"/> as the services are, with
/// its operators' endpoint open and every log line captured with its scopes. SQLite by default; the PostgreSQL
/// variant gives each module its own database on the shared test server.
/// </summary>
public class ObservedSuite : IAsyncLifetime
{
    private WebApplication? _app;
    private DevelopmentTokenIssuer? _tokens;

    protected virtual bool Postgres => false;

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "mappa-hosting-tests-" + Guid.NewGuid().ToString("N"));

    public int OperatorPort { get; } = FreePort();

    public Uri Address { get; private set; } = null!;

    public CapturedLogs Logs { get; } = new();

    /// <summary>Module name to its PostgreSQL connection string (PostgreSQL variant only).</summary>
    public Dictionary<string, string> Databases { get; } = [];

    public IServiceProvider Services => _app!.Services;

    public async Task InitializeAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Mappa:Grpc:Port"] = "0",
            ["Mappa:Http:Port"] = OperatorPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Mappa.Hosting.Observability"] = "Information",
        };
        if (Postgres)
        {
            foreach (var module in SuiteHost.Modules())
            {
                var connectionString = await RealServers.CreatePostgresDatabaseAsync("mappa_hosting_" + module.Name);
                Databases[module.Name] = connectionString;
                settings[$"Mappa:Services:{module.Name}:Database:Provider"] = "Postgres";
                settings[$"Mappa:Services:{module.Name}:Database:ConnectionString"] = connectionString;
            }
        }
        _app = MappaHost.Build(settings.Select(s => $"--{s.Key}={s.Value}").ToArray(), SuiteHost.Modules(), SuiteHost.Defaults(DataDirectory),
            embedded: true, builder => builder.Logging.AddProvider(Logs));
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .First(a => !a.EndsWith(":" + OperatorPort, StringComparison.Ordinal));
        Address = new Uri(address);
        var defaults = SuiteHost.Defaults(DataDirectory);
        _tokens = new DevelopmentTokenIssuer(DevelopmentKeys.LoadOrCreate(defaults["Mappa:Auth:DevelopmentKeyDirectory"]), SuiteHost.DefaultIssuer, SuiteHost.DefaultAudience);
    }

    public string Token(string role) =>
        _tokens!.Issue(new DevelopmentTokenRequest($"user-{role}", "test-agency", "SOCIAL_WORK", ["glasgow"], [role]));

    public GrpcChannel Channel(string? token) => new(Address, new GrpcChannelOptions
    {
        BearerTokenProvider = _ => ValueTask.FromResult(token),
        RetryPolicy = RetryPolicy.None,
    });

    public HttpClient Operator() => new() { BaseAddress = new Uri($"http://127.0.0.1:{OperatorPort}"), Timeout = TimeSpan.FromSeconds(60) };

    public async Task<PrometheusExposition> MetricsAsync()
    {
        using var http = Operator();
        using var response = await http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        return PrometheusExposition.Parse(await response.Content.ReadAsStringAsync());
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

public sealed class PostgresObservedSuite : ObservedSuite
{
    protected override bool Postgres => true;
}

/// <summary>A logger provider that keeps every entry with the properties of the scopes it was written in.</summary>
public sealed class CapturedLogs : ILoggerProvider, ISupportExternalScope
{
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public ConcurrentQueue<Entry> Entries { get; } = new();

    public sealed record Entry(string Category, LogLevel Level, string Message, IReadOnlyDictionary<string, object?> Scope);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            // Read the scopes now, as a console formatter does when it writes the line.
            var scope = new Dictionary<string, object?>(StringComparer.Ordinal);
            owner._scopes.ForEachScope((value, into) =>
            {
                if (value is IEnumerable<KeyValuePair<string, object?>> properties)
                {
                    foreach (var (key, item) in properties) into[key] = item;
                }
            }, scope);
            owner.Entries.Enqueue(new Entry(category, logLevel, formatter(state, exception), scope));
        }
    }
}

public static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> until true (generous bound: CI machines are loaded); fails with <paramref name="what"/>.</summary>
    public static async Task<T> UntilAsync<T>(string what, Func<Task<T>> read, Func<T, bool> condition, TimeSpan? bound = null)
    {
        var deadline = DateTime.UtcNow + (bound ?? TimeSpan.FromSeconds(90));
        T last;
        while (true)
        {
            last = await read();
            if (condition(last)) return last;
            if (DateTime.UtcNow > deadline) break;
            await Task.Delay(200);
        }
        Assert.Fail($"Timed out waiting for {what}; last: {last}");
        return last;
    }
}
