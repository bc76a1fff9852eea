using Google.Protobuf.Reflection;
using Mappa.Grpc;
using Mappa.Grpc.Client;
using Mappa.Security.Development;
using Mappa.Suite;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Mappa.Testing;

/// <summary>
/// The embedded suite exactly as the README's run command starts it (SQLite, in-process bus, development keys),
/// on a free loopback port with its own data directory. Subclasses put it on the real PostgreSQL and/or RabbitMQ.
/// </summary>
public class RunningSuite : IAsyncLifetime
{
    private readonly bool _postgres;
    private readonly bool _rabbitMq;
    private WebApplication? _app;
    private DevelopmentTokenIssuer? _tokens;
    private string? _virtualHost;

    public RunningSuite() : this(postgres: false, rabbitMq: false)
    {
    }

    protected RunningSuite(bool postgres, bool rabbitMq)
    {
        _postgres = postgres;
        _rabbitMq = rabbitMq;
    }

    /// <summary>Extra configuration for the host, e.g. a module's rules.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> Configuration() => [];

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "mappa-suite-tests-" + Guid.NewGuid().ToString("N"));

    public Uri Address { get; private set; } = null!;

    /// <summary>host:port, as gRPC tools take it.</summary>
    public string Target => $"{Address.Host}:{Address.Port}";

    public async Task InitializeAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Mappa:Grpc:Port"] = "0",
            ["Mappa:Http:Port"] = "0",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        if (_postgres)
        {
            foreach (var module in SuiteHost.Modules())
            {
                settings[$"Mappa:Services:{module.Name}:Database:Provider"] = "Postgres";
                settings[$"Mappa:Services:{module.Name}:Database:ConnectionString"] = await RealServers.CreatePostgresDatabaseAsync("mappa_" + module.Name);
            }
        }
        if (_rabbitMq)
        {
            _virtualHost = await RealServers.CreateRabbitMqVirtualHostAsync("suite");
            foreach (var (key, value) in RealServers.BusConfiguration(_virtualHost))
            {
                settings[key] = value;
            }
        }
        foreach (var (key, value) in Configuration())
        {
            settings[key] = value;
        }
        _app = SuiteHost.Build(settings.Select(s => $"--{s.Key}={s.Value}").ToArray(), DataDirectory);
        await _app.StartAsync();
        // The gRPC endpoint is the one that is not the operators' HTTP port (when a test opens that too).
        var operatorPort = settings["Mappa:Http:Port"];
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .First(a => operatorPort == "0" || !a.EndsWith(":" + operatorPort, StringComparison.Ordinal));
        Address = new Uri(address);
        var defaults = SuiteHost.Defaults(DataDirectory);
        _tokens = new DevelopmentTokenIssuer(
            DevelopmentKeys.LoadOrCreate(defaults["Mappa:Auth:DevelopmentKeyDirectory"]), SuiteHost.DefaultIssuer, SuiteHost.DefaultAudience);
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        if (_virtualHost is not null)
        {
            await RealServers.DeleteRabbitMqVirtualHostAsync(_virtualHost);
        }
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold a file for a moment; the temp folder is cleaned by the OS eventually.
        }
    }

    public T Service<T>() where T : notnull => _app!.Services.GetRequiredService<T>();

    /// <summary>The running host's services, e.g. to open a scope and look at a module's database.</summary>
    public IServiceProvider Services => _app!.Services;

    public string Token(string role, string area = "glasgow", string agencyKind = "SOCIAL_WORK") =>
        _tokens!.Issue(new DevelopmentTokenRequest($"test-{role}", "test-agency", agencyKind, [area], [role]));

    /// <summary>A token whose agency claim is <paramref name="agency"/> (e.g. to match an agency's client certificate).</summary>
    public string TokenForAgency(string agency, string role, string area = "glasgow", string agencyKind = "SOCIAL_WORK") =>
        _tokens!.Issue(new DevelopmentTokenRequest($"test-{role}", agency, agencyKind, [area], [role]));

    /// <summary>A channel that sends <paramref name="token"/> (or none) on every call.</summary>
    public GrpcChannel Channel(string? token) => new(Address, new GrpcChannelOptions
    {
        BearerTokenProvider = _ => ValueTask.FromResult(token),
        RetryPolicy = RetryPolicy.None,
    });

    public static MethodDescriptor Method(Google.Protobuf.Reflection.ServiceDescriptor service, string name) => service.FindMethodByName(name);
}

/// <summary>The suite with every module on its own fresh PostgreSQL database (in-process bus).</summary>
public sealed class PostgresSuite() : RunningSuite(postgres: true, rabbitMq: false);

/// <summary>The suite on fresh PostgreSQL databases and a fresh RabbitMQ virtual host: the deployed shape in one process.</summary>
public sealed class PostgresAndRabbitMqSuite() : RunningSuite(postgres: true, rabbitMq: true);
