using System.Net;
using Mappa.Grpc.Client;
using Mappa.Grpc.Server;
using Mappa.Grpc.Tests.Contracts;
using Mappa.Grpc.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Mappa.Grpc.Tests.Client;

public sealed class ResponseMappingTests : IAsyncLifetime
{
    private TestGrpcServer _server = null!;
    private GrpcChannel _channel = null!;

    public async Task InitializeAsync()
    {
        // Endpoints that are not gRPC servers at all, to see how the client reads plain HTTP answers.
        _server = await TestGrpcServer.StartAsync(mapEndpoints: app =>
        {
            app.MapPost("/mappa.grpctest.v1.PlainService/Unavailable", (HttpContext http) => { http.Response.StatusCode = 503; return Task.CompletedTask; });
            app.MapPost("/mappa.grpctest.v1.PlainService/Forbidden", (HttpContext http) => { http.Response.StatusCode = 403; return Task.CompletedTask; });
            app.MapPost("/mappa.grpctest.v1.PlainService/Html", (HttpContext http) => http.Response.WriteAsync("<html></html>"));
            app.MapPost("/mappa.grpctest.v1.PlainService/NoStatus", async (HttpContext http) =>
            {
                http.Response.ContentType = "application/grpc";
                await http.Response.Body.WriteAsync(RawGrpc.Frame(new EchoResponse { Text = "x" }));
            });
            app.MapPost("/mappa.grpctest.v1.PlainService/TwoMessages", async (HttpContext http) =>
            {
                http.Response.ContentType = "application/grpc";
                await http.Response.Body.WriteAsync(RawGrpc.Frame(new EchoResponse()));
                await http.Response.Body.WriteAsync(RawGrpc.Frame(new EchoResponse()));
                http.Response.AppendTrailer("grpc-status", "0");
            });
            app.MapPost("/mappa.grpctest.v1.PlainService/Garbage", async (HttpContext http) =>
            {
                http.Response.ContentType = "application/grpc";
                await http.Response.Body.WriteAsync(RawGrpc.Frame([0x0A, 99]));
                http.Response.AppendTrailer("grpc-status", "0");
            });
            app.MapPost("/mappa.grpctest.v1.PlainService/BadStatus", (HttpContext http) =>
            {
                http.Response.ContentType = "application/grpc";
                http.Response.Headers["grpc-status"] = "fourteen";
                return Task.CompletedTask;
            });
        });
        _channel = _server.CreateChannel(new GrpcChannelOptions { RetryPolicy = RetryPolicy.None });
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _server.DisposeAsync();
    }

    [Theory]
    [InlineData("Unavailable", StatusCode.Unavailable)]
    [InlineData("Forbidden", StatusCode.PermissionDenied)]
    [InlineData("Missing", StatusCode.Unimplemented)]
    [InlineData("Html", StatusCode.Internal)]
    [InlineData("NoStatus", StatusCode.Internal)]
    [InlineData("TwoMessages", StatusCode.Unimplemented)]
    [InlineData("Garbage", StatusCode.Internal)]
    [InlineData("BadStatus", StatusCode.Unknown)]
    public async Task Non_grpc_or_broken_answers_become_the_status_the_spec_names(string method, StatusCode expected)
    {
        var descriptor = PlainMethod(method);

        var error = await Assert.ThrowsAsync<RpcException>(() => _channel.UnaryAsync<EchoRequest, EchoResponse>(descriptor, new EchoRequest()));

        Assert.Equal(expected, error.StatusCode);
    }

    [Theory]
    [InlineData(400, StatusCode.Internal)]
    [InlineData(401, StatusCode.Unauthenticated)]
    [InlineData(404, StatusCode.Unimplemented)]
    [InlineData(429, StatusCode.Unavailable)]
    [InlineData(502, StatusCode.Unavailable)]
    [InlineData(504, StatusCode.Unavailable)]
    [InlineData(500, StatusCode.Unknown)]
    public void Http_status_without_grpc_status_maps_per_the_spec(int httpStatus, StatusCode expected)
    {
        Assert.Equal(expected, ClientCall.FromHttpStatus((HttpStatusCode)httpStatus));
    }

    [Theory]
    [InlineData(0x0, StatusCode.Internal)]
    [InlineData(0x7, StatusCode.Unavailable)]
    [InlineData(0x8, StatusCode.Cancelled)]
    [InlineData(0xB, StatusCode.ResourceExhausted)]
    [InlineData(0xC, StatusCode.PermissionDenied)]
    public void Stream_reset_codes_map_per_the_spec(long errorCode, StatusCode expected)
    {
        Assert.Equal(expected, ClientCall.FromHttp2ErrorCode(errorCode));
    }

    [Fact]
    public void Propagated_options_keep_deadline_cancellation_and_request_id_but_not_credentials()
    {
        using var cancellation = new CancellationTokenSource();
        var deadline = DateTime.UtcNow.AddSeconds(7);
        var headers = new Metadata { { "x-request-id", "req-77" }, { "authorization", "Bearer caller-token" }, { "x-other", "no" } };
        var incoming = new ServerCallContext(TestContract.Echo, new DefaultHttpContext(), headers, deadline, cancellation.Token);

        var options = CallOptions.PropagateFrom(incoming);

        Assert.Equal(deadline, options.DeadlineUtc);
        Assert.Equal(cancellation.Token, options.CancellationToken);
        var forwarded = Assert.Single(options.Headers!);
        Assert.Equal(("x-request-id", "req-77"), (forwarded.Key, forwarded.Value));
    }

    [Fact]
    public async Task Propagated_call_reaches_the_next_service_with_the_request_id()
    {
        var headers = new Metadata { { "x-request-id", "req-1" } };
        var incoming = new ServerCallContext(TestContract.Echo, new DefaultHttpContext(), headers, DateTime.UtcNow.AddSeconds(10), CancellationToken.None);
        await using var downstream = await TestGrpcServer.StartAsync();
        using var channel = downstream.CreateChannel();

        var response = await channel.UnaryAsync<EchoRequest, EchoResponse>(
            TestContract.Echo, new EchoRequest { Behaviour = "report-request-id" }, CallOptions.PropagateFrom(incoming));

        Assert.Equal("req-1", response.Text);
    }

    private static Google.Protobuf.Reflection.MethodDescriptor PlainMethod(string name) =>
        PlainReflection.Descriptor.Services[0].FindMethodByName(name);
}
