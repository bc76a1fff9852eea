using Mappa.Grpc.Client;
using Mappa.Grpc.Tests.Contracts;
using Mappa.Grpc.Tests.TestSupport;

namespace Mappa.Grpc.Tests.EndToEnd;

// Each test starts its own server: they observe server-side cancellation through the server's probe.
public sealed class DeadlineAndCancellationTests
{
    private static readonly TimeSpan Failsafe = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Call_past_its_deadline_fails_with_deadline_exceeded_and_the_handler_is_cancelled()
    {
        await using var server = await TestGrpcServer.StartAsync();
        using var channel = server.CreateChannel();

        var error = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync<EchoRequest, EchoResponse>(
            TestContract.Echo,
            new EchoRequest { Behaviour = "wait-for-cancellation" },
            // Long enough that the handler surely starts on a loaded machine; it then waits for the deadline.
            new CallOptions { DeadlineUtc = DateTime.UtcNow.AddMilliseconds(1500) }));

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        await server.Probe.HandlerCancelled.Task.WaitAsync(Failsafe);
    }

    [Fact]
    public async Task Server_enforces_grpc_timeout_itself_and_answers_deadline_exceeded()
    {
        await using var server = await TestGrpcServer.StartAsync();
        using var client = server.CreateRawClient();
        using var request = RawGrpc.Request("/mappa.grpctest.v1.EchoService/Echo", RawGrpc.Frame(new EchoRequest { Behaviour = "wait-for-cancellation" }));
        request.Headers.TryAddWithoutValidation("grpc-timeout", "1500m");

        // A raw client that never gives up: only the server's own deadline can end this call.
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal("4", RawGrpc.Header(response.Headers, "grpc-status"));
        await server.Probe.HandlerCancelled.Task.WaitAsync(Failsafe);
        await AssertServerStillServesAsync(server);
    }

    [Fact]
    public async Task Handler_sees_the_deadline_the_client_sent()
    {
        await using var server = await TestGrpcServer.StartAsync();
        using var withDefault = server.CreateChannel();
        using var withoutDeadline = server.CreateChannel(new GrpcChannelOptions { DefaultDeadline = Timeout.InfiniteTimeSpan });

        var defaulted = await withDefault.UnaryAsync<EchoRequest, EchoResponse>(TestContract.Echo, new EchoRequest { Behaviour = "report-deadline" });
        var none = await withoutDeadline.UnaryAsync<EchoRequest, EchoResponse>(TestContract.Echo, new EchoRequest { Behaviour = "report-deadline" });

        Assert.Equal("set", defaulted.Text);
        Assert.Equal("none", none.Text);
    }

    [Fact]
    public async Task Deadline_already_passed_fails_without_reaching_the_server()
    {
        await using var server = await TestGrpcServer.StartAsync();
        using var channel = server.CreateChannel();

        var error = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync<EchoRequest, EchoResponse>(
            TestContract.Echo,
            new EchoRequest { Behaviour = "count-then-not-found", Text = "late" },
            new CallOptions { DeadlineUtc = DateTime.UtcNow.AddSeconds(-1) }));

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.Equal(0, server.Probe.Attempts("late"));
    }

    [Fact]
    public async Task Client_cancellation_fails_with_cancelled_and_stops_the_handler()
    {
        await using var server = await TestGrpcServer.StartAsync();
        using var channel = server.CreateChannel();
        using var cancellation = new CancellationTokenSource();

        var call = channel.UnaryAsync<EchoRequest, EchoResponse>(
            TestContract.Echo, new EchoRequest { Behaviour = "wait-for-cancellation" }, new CallOptions { CancellationToken = cancellation.Token });
        await server.Probe.HandlerStarted.Task.WaitAsync(Failsafe);
        await cancellation.CancelAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => call);
        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
        await server.Probe.HandlerCancelled.Task.WaitAsync(Failsafe);
        await AssertServerStillServesAsync(server);
    }

    [Fact]
    public async Task Server_stream_past_its_deadline_ends_with_deadline_exceeded_after_the_messages_sent()
    {
        await using var server = await TestGrpcServer.StartAsync();
        using var channel = server.CreateChannel();
        var received = new List<EchoResponse>();

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var message in channel.ServerStreamingAsync<EchoRequest, EchoResponse>(
                TestContract.EchoStream,
                new EchoRequest { Repeat = 2, Behaviour = "wait-for-cancellation" },
                new CallOptions { DeadlineUtc = DateTime.UtcNow.AddMilliseconds(1500) }))
            {
                received.Add(message);
            }
        });

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.Equal([0, 1], received.Select(m => m.Index));
        await server.Probe.HandlerCancelled.Task.WaitAsync(Failsafe);
    }

    [Fact]
    public async Task Stopping_a_server_stream_early_cancels_the_handler()
    {
        await using var server = await TestGrpcServer.StartAsync();
        using var channel = server.CreateChannel();

        await foreach (var message in channel.ServerStreamingAsync<EchoRequest, EchoResponse>(
            TestContract.EchoStream, new EchoRequest { Repeat = 1, Behaviour = "wait-for-cancellation" }))
        {
            Assert.Equal(0, message.Index);
            break;
        }

        await server.Probe.HandlerCancelled.Task.WaitAsync(Failsafe);
        await AssertServerStillServesAsync(server);
    }

    [Fact]
    public async Task Server_stream_enumeration_token_cancels_the_call()
    {
        await using var server = await TestGrpcServer.StartAsync();
        using var channel = server.CreateChannel();
        using var cancellation = new CancellationTokenSource();

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var _ in channel.ServerStreamingAsync<EchoRequest, EchoResponse>(
                TestContract.EchoStream, new EchoRequest { Repeat = 1, Behaviour = "wait-for-cancellation" }).WithCancellation(cancellation.Token))
            {
                await cancellation.CancelAsync();
            }
        });

        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
        await server.Probe.HandlerCancelled.Task.WaitAsync(Failsafe);
    }

    private static async Task AssertServerStillServesAsync(TestGrpcServer server)
    {
        using var channel = server.CreateChannel();
        var response = await channel.UnaryAsync<EchoRequest, EchoResponse>(TestContract.Echo, new EchoRequest { Text = "still here" });
        Assert.Equal("still here", response.Text);
    }
}
