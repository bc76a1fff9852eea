using System.Net;
using Mappa.Grpc;
using Mappa.Interop.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mappa.Interop.Tests.OurServer;

/// <summary>
/// Our gRPC layer on real Kestrel (127.0.0.1, any free port, HTTP/2 only as plaintext gRPC needs), serving
/// the interop contract with health and reflection, for real peers to call.
/// </summary>
public sealed class InteropServer : IAsyncLifetime
{
    /// <summary>Both message size limits; peers send and ask for more than this to hit RESOURCE_EXHAUSTED.</summary>
    public const int MessageSizeLimit = 64 * 1024;

    private WebApplication? _app;

    public CallObserver Observer { get; } = new();

    public int Port { get; private set; }

    public string Target => $"127.0.0.1:{Port}";

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddSingleton(Observer);
        builder.Services.AddSingleton<InteropHandlers>();
        builder.Services.AddMappaGrpc(options =>
        {
            options.MaxReceiveMessageSize = MessageSizeLimit;
            options.MaxSendMessageSize = MessageSizeLimit;
        });

        _app = builder.Build();
        _app.MapGrpcService<InteropHandlers>(InteropReflection.Descriptor.Services[0], service =>
        {
            service.Unary<EchoRequest, EchoResponse>("Echo", (h, request, context) => h.Echo(request, context));
            service.Unary<SleepRequest, SleepResponse>("Sleep", (h, request, context) => h.Sleep(request, context));
            service.ServerStreaming<CountRequest, CountResponse>("Count",
                (h, request, writer, context) => h.Count(request, writer, context));
            service.Unary<EchoMetadataRequest, EchoMetadataResponse>("EchoMetadata",
                (h, request, context) => h.EchoMetadata(request, context));
        });
        _app.MapGrpcHealth();
        _app.MapGrpcReflection();
        _app.MapGrpcFallback();

        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        Port = new Uri(address).Port;
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
