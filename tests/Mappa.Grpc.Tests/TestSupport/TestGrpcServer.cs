using System.Net;
using Mappa.Grpc.Server;
using Mappa.Grpc.Tests.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mappa.Grpc.Tests.TestSupport;

/// <summary>A real Kestrel server on 127.0.0.1 with a free port, plaintext HTTP/2 only (as gRPC clients need).</summary>
public sealed class TestGrpcServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestGrpcServer(WebApplication app, Uri address, CapturingLoggerProvider logs)
    {
        _app = app;
        Address = address;
        Logs = logs;
    }

    public Uri Address { get; }

    public CapturingLoggerProvider Logs { get; }

    public IServiceProvider Services => _app.Services;

    public CallProbe Probe => _app.Services.GetRequiredService<CallProbe>();

    /// <summary>A channel to this server using the suite's own client.</summary>
    public Mappa.Grpc.Client.GrpcChannel CreateChannel(Mappa.Grpc.Client.GrpcChannelOptions? options = null) => new(Address, options);

    /// <summary>Starts a server with the echo contract, health, reflection and the fallback mapped, unless told otherwise.</summary>
    public static async Task<TestGrpcServer> StartAsync(
        Action<IServiceCollection>? configureServices = null,
        Action<WebApplication>? mapEndpoints = null,
        Action<GrpcServerOptions>? configureGrpc = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        var logs = new CapturingLoggerProvider();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddProvider(logs);
        builder.Services.AddMappaGrpc(configureGrpc);
        builder.Services.AddScoped<EchoHandlers>();
        builder.Services.AddSingleton<CallProbe>();
        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        if (mapEndpoints is null)
        {
            MapDefaultEndpoints(app);
        }
        else
        {
            mapEndpoints(app);
        }
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new TestGrpcServer(app, new Uri(address), logs);
    }

    public static void MapDefaultEndpoints(WebApplication app)
    {
        app.MapGrpcService<EchoHandlers>(TestContract.EchoService, EchoHandlers.Bind);
        app.MapGrpcHealth();
        app.MapGrpcReflection();
        app.MapGrpcFallback();
    }

    /// <summary>An HttpClient set up the way gRPC needs (HTTP/2 prior knowledge), for hand-made requests.</summary>
    public HttpClient CreateRawClient() => new(new SocketsHttpHandler { EnableMultipleHttp2Connections = true })
    {
        BaseAddress = Address,
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Timeout = TimeSpan.FromSeconds(30),
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
