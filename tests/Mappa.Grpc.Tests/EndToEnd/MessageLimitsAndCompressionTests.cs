using Mappa.Grpc.Client;
using Mappa.Grpc.Protocol;
using Mappa.Grpc.Tests.Contracts;
using Mappa.Grpc.Tests.TestSupport;
using Google.Protobuf;

namespace Mappa.Grpc.Tests.EndToEnd;

public sealed class MessageLimitsAndCompressionTests : IAsyncLifetime
{
    private TestGrpcServer _server = null!;
    private GrpcChannel _channel = null!;

    public async Task InitializeAsync()
    {
        _server = await TestGrpcServer.StartAsync(configureGrpc: options =>
        {
            options.MaxReceiveMessageSize = 1024;
            options.MaxSendMessageSize = 2048;
        });
        _channel = _server.CreateChannel(new GrpcChannelOptions { RetryPolicy = RetryPolicy.None });
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Request_over_the_servers_limit_is_resource_exhausted()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _channel.UnaryAsync<EchoRequest, EchoResponse>(TestContract.Echo, new EchoRequest { Payload = EchoHandlers.Bytes(1500) }));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public async Task Huge_declared_length_is_refused_without_waiting_for_the_bytes()
    {
        using var client = _server.CreateRawClient();

        using var response = await client.SendAsync(RawGrpc.Request("/mappa.grpctest.v1.EchoService/Echo", RawGrpc.Frame([1, 2, 3], declaredLength: uint.MaxValue)));

        Assert.Equal((int)StatusCode.ResourceExhausted, (await RawGrpc.ReadAsync(response)).Status);
    }

    [Fact]
    public async Task Response_over_the_servers_send_limit_is_resource_exhausted()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _channel.UnaryAsync<EchoRequest, EchoResponse>(TestContract.Echo, new EchoRequest { Behaviour = "big-response", Repeat = 5000 }));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public async Task Response_over_the_clients_limit_is_resource_exhausted()
    {
        using var strict = _server.CreateChannel(new GrpcChannelOptions { MaxReceiveMessageSize = 100 });

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            strict.UnaryAsync<EchoRequest, EchoResponse>(TestContract.Echo, new EchoRequest { Payload = EchoHandlers.Bytes(500) }));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public async Task Request_over_the_clients_send_limit_fails_locally()
    {
        using var strict = _server.CreateChannel(new GrpcChannelOptions { MaxSendMessageSize = 100 });

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            strict.UnaryAsync<EchoRequest, EchoResponse>(TestContract.Echo, new EchoRequest { Payload = EchoHandlers.Bytes(500) }));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public async Task Gzip_compressed_request_is_accepted()
    {
        using var client = _server.CreateRawClient();
        var message = new EchoRequest { Text = "compressed " + new string('z', 600) };
        using var request = RawGrpc.Request("/mappa.grpctest.v1.EchoService/Echo", RawGrpc.Frame(MessageCompression.Compress(message.ToByteArray()), compressedFlag: true));
        request.Headers.TryAddWithoutValidation("grpc-encoding", "gzip");

        using var response = await client.SendAsync(request);
        var (status, _, body) = await RawGrpc.ReadAsync(response);

        Assert.Equal(0, status);
        Assert.Equal(message.Text, EchoResponse.Parser.ParseFrom(Assert.Single(RawGrpc.Messages(body))).Text);
    }

    [Fact]
    public async Task Compressed_request_in_an_unsupported_encoding_is_unimplemented_and_lists_what_is_accepted()
    {
        using var client = _server.CreateRawClient();
        using var request = RawGrpc.Request("/mappa.grpctest.v1.EchoService/Echo", RawGrpc.Frame([9, 9, 9], compressedFlag: true));
        request.Headers.TryAddWithoutValidation("grpc-encoding", "snappy");

        using var response = await client.SendAsync(request);

        Assert.Equal((int)StatusCode.Unimplemented, (await RawGrpc.ReadAsync(response)).Status);
        Assert.Equal("identity,gzip", RawGrpc.Header(response.Headers, "grpc-accept-encoding"));
    }

    [Fact]
    public async Task Uncompressed_messages_are_fine_whatever_grpc_encoding_says()
    {
        using var client = _server.CreateRawClient();
        using var request = RawGrpc.Request("/mappa.grpctest.v1.EchoService/Echo", RawGrpc.Frame(new EchoRequest { Text = "plain" }));
        request.Headers.TryAddWithoutValidation("grpc-encoding", "snappy");

        using var response = await client.SendAsync(request);

        Assert.Equal(0, (await RawGrpc.ReadAsync(response)).Status);
    }
}
