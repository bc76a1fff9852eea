using Mappa.Grpc.Client;
using Mappa.Grpc.Tests.Contracts;
using Mappa.Grpc.Tests.TestSupport;

namespace Mappa.Grpc.Tests.Client;

public sealed class RetryTests(EchoServerFixture fixture) : IClassFixture<EchoServerFixture>
{
    private static readonly RetryPolicy QuickRetries = new() { MaxAttempts = 3, InitialBackoff = TimeSpan.FromMilliseconds(10) };

    [Fact]
    public async Task Unavailable_twice_then_ok_succeeds_on_the_third_attempt()
    {
        using var channel = fixture.Server.CreateChannel(new GrpcChannelOptions { RetryPolicy = QuickRetries });

        var response = await channel.UnaryAsync<EchoRequest, EchoResponse>(TestContract.Echo, new EchoRequest { Text = "third-time", Behaviour = "unavailable-twice" });

        Assert.Equal("third-time", response.Text);
        Assert.Equal(3, fixture.Server.Probe.Attempts("third-time"));
    }

    [Fact]
    public async Task Retries_stop_at_the_attempt_limit()
    {
        using var channel = fixture.Server.CreateChannel(new GrpcChannelOptions { RetryPolicy = QuickRetries with { MaxAttempts = 2 } });

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            channel.UnaryAsync<EchoRequest, EchoResponse>(TestContract.Echo, new EchoRequest { Text = "two-only", Behaviour = "unavailable-twice" }));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Equal(2, fixture.Server.Probe.Attempts("two-only"));
    }

    [Fact]
    public async Task Other_statuses_are_never_retried()
    {
        using var channel = fixture.Server.CreateChannel(new GrpcChannelOptions { RetryPolicy = QuickRetries });

        await Assert.ThrowsAsync<RpcException>(() =>
            channel.UnaryAsync<EchoRequest, EchoResponse>(TestContract.Echo, new EchoRequest { Text = "not-found-once", Behaviour = "count-then-not-found" }));

        Assert.Equal(1, fixture.Server.Probe.Attempts("not-found-once"));
    }

    [Fact]
    public async Task No_retry_is_made_when_the_backoff_would_pass_the_deadline()
    {
        using var channel = fixture.Server.CreateChannel(new GrpcChannelOptions { RetryPolicy = QuickRetries with { InitialBackoff = TimeSpan.FromMinutes(5) } });

        var error = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync<EchoRequest, EchoResponse>(
            TestContract.Echo,
            new EchoRequest { Text = "no-time", Behaviour = "unavailable-twice" },
            new CallOptions { DeadlineUtc = DateTime.UtcNow.AddSeconds(20) }));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Equal(1, fixture.Server.Probe.Attempts("no-time"));
    }

    [Fact]
    public async Task Server_stream_that_is_unavailable_before_its_first_message_is_retried()
    {
        var texts = new List<string>();

        await using var flaky = await FlakyServer.StartAsync(failuresBeforeSuccess: 2, pushback: null);
        using var flakyChannel = new GrpcChannel(flaky.Address, new GrpcChannelOptions { RetryPolicy = QuickRetries });
        await foreach (var message in flakyChannel.ServerStreamingAsync<EchoRequest, EchoResponse>(TestContract.EchoStream, new EchoRequest { Text = "streamed" }))
        {
            texts.Add(message.Text);
        }

        Assert.Equal(["streamed"], texts);
        Assert.Equal(3, flaky.Attempts);
    }

    [Fact]
    public async Task Negative_pushback_from_the_server_stops_retries()
    {
        await using var flaky = await FlakyServer.StartAsync(failuresBeforeSuccess: 2, pushback: "-1");
        using var channel = new GrpcChannel(flaky.Address, new GrpcChannelOptions { RetryPolicy = QuickRetries });

        var error = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync<EchoRequest, EchoResponse>(TestContract.Echo, new EchoRequest()));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Equal(1, flaky.Attempts);
    }

    [Fact]
    public async Task Pushback_from_the_server_sets_the_retry_delay()
    {
        await using var flaky = await FlakyServer.StartAsync(failuresBeforeSuccess: 1, pushback: "0");
        using var channel = new GrpcChannel(flaky.Address, new GrpcChannelOptions { RetryPolicy = QuickRetries with { InitialBackoff = TimeSpan.FromMinutes(10) } });

        var response = await channel.UnaryAsync<EchoRequest, EchoResponse>(TestContract.Echo, new EchoRequest { Text = "after pushback" });

        Assert.Equal("after pushback", response.Text);
        Assert.Equal(2, flaky.Attempts);
    }

    [Fact]
    public async Task Unreachable_server_is_unavailable_after_the_retries()
    {
        using var channel = new GrpcChannel(new Uri($"http://127.0.0.1:{FreePort()}"), new GrpcChannelOptions { RetryPolicy = QuickRetries });

        var error = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync<EchoRequest, EchoResponse>(TestContract.Echo, new EchoRequest()));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.IsType<HttpRequestException>(error.InnerException);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
