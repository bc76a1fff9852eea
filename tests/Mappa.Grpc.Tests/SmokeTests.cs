using Mappa.Grpc.Tests.Contracts;
using Mappa.Grpc.Tests.TestSupport;

namespace Mappa.Grpc.Tests;

public sealed class SmokeTests
{
    [Fact]
    public async Task Unary_call_over_raw_http2_answers_the_echo_with_status_ok()
    {
        await using var server = await TestGrpcServer.StartAsync();
        using var client = server.CreateRawClient();

        using var response = await client.SendAsync(RawGrpc.Request("/mappa.grpctest.v1.EchoService/Echo", RawGrpc.Frame(new EchoRequest { Text = "hello" })));
        var (status, _, body) = await RawGrpc.ReadAsync(response);

        Assert.True(status == 0, $"{response.StatusCode} {response.Version} {response.Headers} {response.Content.Headers} trailers: {response.TrailingHeaders}");
        Assert.Equal("hello", EchoResponse.Parser.ParseFrom(body.AsSpan(5)).Text);
    }
}
