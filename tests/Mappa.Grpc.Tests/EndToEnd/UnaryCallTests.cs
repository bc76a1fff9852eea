using System.Net;
using Mappa.Grpc.Tests.Contracts;
using Mappa.Grpc.Tests.TestSupport;

namespace Mappa.Grpc.Tests.EndToEnd;

public sealed class UnaryCallTests(EchoServerFixture fixture) : IClassFixture<EchoServerFixture>
{
    [Fact]
    public async Task Unary_call_returns_the_handlers_response()
    {
        var response = await fixture.Channel.UnaryAsync<EchoRequest, EchoResponse>(
            TestContract.Echo, new EchoRequest { Text = "hello", Payload = EchoHandlers.Bytes(10) });

        Assert.Equal("hello", response.Text);
        Assert.Equal(EchoHandlers.Bytes(10), response.Payload);
    }

    [Fact]
    public async Task Empty_request_and_response_messages_are_valid()
    {
        var response = await fixture.Channel.UnaryAsync<EchoRequest, EchoResponse>(TestContract.Echo, new EchoRequest());

        Assert.Equal(new EchoResponse(), response);
    }

    [Fact]
    public async Task Message_just_under_the_limit_goes_both_ways()
    {
        var payload = EchoHandlers.Bytes(4 * 1024 * 1024 - 64);

        var response = await fixture.Channel.UnaryAsync<EchoRequest, EchoResponse>(TestContract.Echo, new EchoRequest { Payload = payload });

        Assert.Equal(payload, response.Payload);
    }

    [Fact]
    public async Task Many_concurrent_calls_each_get_their_own_answer()
    {
        var calls = Enumerable.Range(0, 200).Select(async i =>
            (await fixture.Channel.UnaryAsync<EchoRequest, EchoResponse>(TestContract.Echo, new EchoRequest { Text = $"call {i}" })).Text);

        var answers = await Task.WhenAll(calls);

        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"call {i}"), answers);
    }

    [Fact]
    public async Task Unknown_method_of_a_mapped_service_answers_unimplemented()
    {
        var unknown = await SendRawAsync("/mappa.grpctest.v1.EchoService/NoSuchMethod");

        Assert.Equal(HttpStatusCode.OK, unknown.Response.StatusCode);
        Assert.Equal((int)StatusCode.Unimplemented, unknown.Status);
        Assert.Contains("NoSuchMethod", unknown.Message);
    }

    [Fact]
    public async Task Unknown_service_answers_unimplemented()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            fixture.Channel.UnaryAsync<EchoRequest, EchoResponse>(TestContract.Ping, new EchoRequest()));

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
        Assert.Contains("mappa.grpctest.v1.OtherService", error.Detail);
    }

    [Fact]
    public async Task Contract_method_without_a_handler_answers_unimplemented()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            fixture.Channel.UnaryAsync<EchoRequest, EchoResponse>(TestContract.NotBound, new EchoRequest()));

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
    }

    [Fact]
    public async Task Every_response_advertises_the_accepted_compression()
    {
        var call = await SendRawAsync("/mappa.grpctest.v1.EchoService/Echo");

        Assert.Equal("identity,gzip", RawGrpc.Header(call.Response.Headers, "grpc-accept-encoding"));
        Assert.Equal("application/grpc", call.Response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/grpc-web")]
    [InlineData("text/plain")]
    public async Task Non_grpc_content_type_gets_http_415(string contentType)
    {
        using var client = fixture.Server.CreateRawClient();
        using var response = await client.SendAsync(RawGrpc.Request("/mappa.grpctest.v1.EchoService/Echo", RawGrpc.Frame(new EchoRequest()), contentType));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task Content_type_with_a_proto_suffix_is_accepted()
    {
        using var client = fixture.Server.CreateRawClient();
        using var response = await client.SendAsync(RawGrpc.Request("/mappa.grpctest.v1.EchoService/Echo", RawGrpc.Frame(new EchoRequest { Text = "x" }), "application/grpc+proto"));

        Assert.Equal(0, (await RawGrpc.ReadAsync(response)).Status);
    }

    [Fact]
    public async Task Get_on_a_grpc_route_is_not_allowed()
    {
        using var client = fixture.Server.CreateRawClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/mappa.grpctest.v1.EchoService/Echo") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Fact]
    public async Task Request_with_no_message_is_a_cardinality_violation()
    {
        var call = await SendRawAsync("/mappa.grpctest.v1.EchoService/Echo", []);

        Assert.Equal((int)StatusCode.Unimplemented, call.Status);
    }

    [Fact]
    public async Task Unary_request_with_two_messages_is_a_cardinality_violation()
    {
        var frame = RawGrpc.Frame(new EchoRequest { Text = "a" });

        var call = await SendRawAsync("/mappa.grpctest.v1.EchoService/Echo", [.. frame, .. frame]);

        Assert.Equal((int)StatusCode.Unimplemented, call.Status);
        Assert.Empty(call.Body);
    }

    [Fact]
    public async Task Wrong_request_type_is_refused_before_sending()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            fixture.Channel.UnaryAsync<EchoResponse, EchoResponse>(TestContract.Echo, new EchoResponse()));

        Assert.Contains("EchoRequest", error.Message);
    }

    [Fact]
    public async Task Streaming_method_cannot_be_called_as_unary()
    {
        await Assert.ThrowsAsync<ArgumentException>(() =>
            fixture.Channel.UnaryAsync<EchoRequest, EchoResponse>(TestContract.EchoStream, new EchoRequest()));
    }

    [Fact]
    public async Task Unary_response_comes_back_with_headers_and_trailers()
    {
        var result = await fixture.Channel.UnaryCallAsync<EchoRequest, EchoResponse>(TestContract.Echo, new EchoRequest { Text = "with metadata" });

        Assert.Equal("with metadata", result.Response.Text);
        Assert.Empty(result.Trailers);
    }

    private async Task<(HttpResponseMessage Response, int? Status, string? Message, byte[] Body)> SendRawAsync(string path, byte[]? body = null)
    {
        using var client = fixture.Server.CreateRawClient();
        var response = await client.SendAsync(RawGrpc.Request(path, body ?? RawGrpc.Frame(new EchoRequest())));
        var (status, message, bytes) = await RawGrpc.ReadAsync(response);
        return (response, status, message, bytes);
    }
}
