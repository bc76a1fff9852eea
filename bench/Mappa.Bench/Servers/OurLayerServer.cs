using Mappa.Grpc;
using Mappa.Interop.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Mappa.Bench.Servers;

/// <summary>The suite's gRPC layer serving a small unary Echo, with default options and no interceptors.</summary>
public static class OurLayerServer
{
    public static WebApplication Build(int port)
    {
        var builder = BenchHost.CreateBuilder(port);
        builder.Services.AddSingleton<EchoHandlers>();
        builder.Services.AddMappaGrpc(_ => { });
        var app = builder.Build();
        app.MapGrpcService<EchoHandlers>(InteropReflection.Descriptor.Services[0], service =>
            service.Unary<EchoRequest, EchoResponse>("Echo", (handlers, request, _) => handlers.Echo(request)));
        return app;
    }

    public sealed class EchoHandlers
    {
        public Task<EchoResponse> Echo(EchoRequest request) =>
            Task.FromResult(new EchoResponse { Payload = request.Payload, Text = request.Text });
    }
}
