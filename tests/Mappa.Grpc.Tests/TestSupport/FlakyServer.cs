using Google.Protobuf;
using Mappa.Grpc.Tests.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Mappa.Grpc.Tests.TestSupport;

/// <summary>
/// A hand-written gRPC endpoint (not the suite's server) answering UNAVAILABLE a set number of times, optionally with
/// grpc-retry-pushback-ms, then echoing: it lets client retry tests control exactly what the server says.
/// </summary>
public sealed class FlakyServer : IAsyncDisposable
{
    private readonly TestGrpcServer _server;
    private int _attempts;

    private FlakyServer(TestGrpcServer server) => _server = server;

    public Uri Address => _server.Address;

    public int Attempts => Volatile.Read(ref _attempts);

    public static async Task<FlakyServer> StartAsync(int failuresBeforeSuccess, string? pushback)
    {
        FlakyServer? self = null;
        var server = await TestGrpcServer.StartAsync(mapEndpoints: app =>
        {
            RequestDelegate handler = async http =>
            {
                var attempt = Interlocked.Increment(ref self!._attempts);
                http.Response.ContentType = "application/grpc";
                if (attempt <= failuresBeforeSuccess)
                {
                    http.Response.Headers["grpc-status"] = "14";
                    http.Response.Headers["grpc-message"] = "warming up";
                    if (pushback is not null)
                    {
                        http.Response.Headers["grpc-retry-pushback-ms"] = pushback;
                    }
                    return;
                }
                var body = new MemoryStream();
                await http.Request.Body.CopyToAsync(body);
                var request = EchoRequest.Parser.ParseFrom(body.ToArray().AsSpan(5));
                await http.Response.Body.WriteAsync(RawGrpc.Frame(new EchoResponse { Text = request.Text }.ToByteArray()));
                http.Response.AppendTrailer("grpc-status", "0");
            };
            app.MapPost("/mappa.grpctest.v1.EchoService/Echo", handler);
            app.MapPost("/mappa.grpctest.v1.EchoService/EchoStream", handler);
        });
        self = new FlakyServer(server);
        return self;
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
