using Mappa.Grpc.Client;
using Mappa.Grpc.Tests.Contracts;
using Mappa.Grpc.Tests.TestSupport;

namespace Mappa.Grpc.Tests.EndToEnd;

public sealed class MetadataTests(EchoServerFixture fixture) : IClassFixture<EchoServerFixture>
{
    [Fact]
    public async Task Text_and_binary_metadata_travel_to_the_handler_and_back_in_headers_and_trailers()
    {
        var binary = new byte[] { 0, 1, 2, 250, 251, 255 };
        var headers = new Metadata { { "x-case-ref", "CASE-123" }, { "x-blob-bin", binary } };

        var result = await fixture.Channel.UnaryCallAsync<EchoRequest, EchoResponse>(
            TestContract.Echo, new EchoRequest { Behaviour = "echo-metadata" }, new CallOptions { Headers = headers });

        Assert.Equal("CASE-123", result.ResponseHeaders.GetValue("x-case-ref"));
        Assert.Equal(binary, result.ResponseHeaders.GetBytes("x-blob-bin"));
        Assert.Equal("CASE-123", result.Trailers.GetValue("x-case-ref"));
        Assert.Equal(binary, result.Trailers.GetBytes("x-blob-bin"));
    }

    [Fact]
    public async Task Padded_binary_header_from_another_client_is_decoded()
    {
        using var client = fixture.Server.CreateRawClient();
        using var request = RawGrpc.Request("/mappa.grpctest.v1.EchoService/Echo", RawGrpc.Frame(new EchoRequest { Behaviour = "echo-metadata" }));
        request.Headers.TryAddWithoutValidation("x-blob-bin", "AAECAw==");

        using var response = await client.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();

        // The server re-emits it unpadded, as the spec prefers.
        Assert.Equal("AAECAw", RawGrpc.Header(response.Headers, "x-blob-bin"));
    }

    [Fact]
    public async Task Reserved_headers_are_not_custom_metadata()
    {
        var headers = new Metadata { { "x-kept", "yes" } };

        var result = await fixture.Channel.UnaryCallAsync<EchoRequest, EchoResponse>(
            TestContract.Echo, new EchoRequest { Behaviour = "echo-metadata" }, new CallOptions { Headers = headers });

        Assert.Equal("yes", result.ResponseHeaders.GetValue("x-kept"));
        Assert.DoesNotContain(result.ResponseHeaders, e => e.Key.StartsWith("grpc-", StringComparison.Ordinal) || e.Key == "content-type");
    }

    [Fact]
    public async Task Bearer_token_provider_adds_the_authorization_header()
    {
        using var channel = fixture.Server.CreateChannel(new GrpcChannelOptions
        {
            BearerTokenProvider = _ => ValueTask.FromResult<string?>("token-abc"),
        });

        var response = await channel.UnaryAsync<EchoRequest, EchoResponse>(TestContract.Echo, new EchoRequest { Behaviour = "echo-authorization" });

        Assert.Equal("Bearer token-abc", response.Text);
    }

    [Fact]
    public async Task No_token_means_no_authorization_header()
    {
        using var channel = fixture.Server.CreateChannel(new GrpcChannelOptions { BearerTokenProvider = _ => ValueTask.FromResult<string?>(null) });

        var response = await channel.UnaryAsync<EchoRequest, EchoResponse>(TestContract.Echo, new EchoRequest { Behaviour = "echo-authorization" });

        Assert.Equal("(none)", response.Text);
    }
}
