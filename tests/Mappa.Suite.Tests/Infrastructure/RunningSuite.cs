using Google.Protobuf.Reflection;
using Mappa.Grpc;
using Mappa.Grpc.Client;
using Mappa.Security.Development;
using Mappa.Suite;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Mappa.Suite.Tests.Infrastructure;

/// <summary>
/// The embedded suite exactly as the README's run command starts it (SQLite, in-process bus, development keys),
/// on a free loopback port with its own data directory.
/// </summary>
public sealed class RunningSuite : IAsyncLifetime
{
    private WebApplication? _app;
    private DevelopmentTokenIssuer? _tokens;

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "mappa-suite-tests-" + Guid.NewGuid().ToString("N"));

    public Uri Address { get; private set; } = null!;

    /// <summary>host:port, as gRPC tools take it.</summary>
    public string Target => $"{Address.Host}:{Address.Port}";

    public async Task InitializeAsync()
    {
        _app = SuiteHost.Build(["--Mappa:Grpc:Port=0", "--Mappa:Http:Port=0", "--Logging:LogLevel:Default=Warning"], DataDirectory);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
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

    public string Token(string role, string area = "glasgow", string agencyKind = "SOCIAL_WORK") =>
        _tokens!.Issue(new DevelopmentTokenRequest($"test-{role}", "test-agency", agencyKind, [area], [role]));

    /// <summary>A channel that sends <paramref name="token"/> (or none) on every call.</summary>
    public GrpcChannel Channel(string? token) => new(Address, new GrpcChannelOptions
    {
        BearerTokenProvider = _ => ValueTask.FromResult(token),
        RetryPolicy = RetryPolicy.None,
    });

    public static MethodDescriptor Method(Google.Protobuf.Reflection.ServiceDescriptor service, string name) => service.FindMethodByName(name);
}
