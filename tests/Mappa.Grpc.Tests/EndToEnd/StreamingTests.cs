using Google.Rpc;
using Mappa.Grpc.Tests.Contracts;
using Mappa.Grpc.Tests.TestSupport;

namespace Mappa.Grpc.Tests.EndToEnd;

public sealed class StreamingTests(EchoServerFixture fixture) : IClassFixture<EchoServerFixture>
{
    [Fact]
    public async Task Server_stream_delivers_every_message_in_order()
    {
        var received = new List<int>();

        await foreach (var message in fixture.Channel.ServerStreamingAsync<EchoRequest, EchoResponse>(
            TestContract.EchoStream, new EchoRequest { Text = "tick", Repeat = 1000 }))
        {
            received.Add(message.Index);
        }

        Assert.Equal(Enumerable.Range(0, 1000), received);
    }

    [Fact]
    public async Task Server_stream_with_no_messages_ends_cleanly()
    {
        var count = 0;

        await foreach (var _ in fixture.Channel.ServerStreamingAsync<EchoRequest, EchoResponse>(TestContract.EchoStream, new EchoRequest { Repeat = 0 }))
        {
            count++;
        }

        Assert.Equal(0, count);
    }

    [Fact]
    public async Task Error_after_stream_messages_arrives_as_the_final_status_with_details()
    {
        var received = 0;

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var _ in fixture.Channel.ServerStreamingAsync<EchoRequest, EchoResponse>(
                TestContract.EchoStream, new EchoRequest { Repeat = 3, Behaviour = "fail-after-stream" }))
            {
                received++;
            }
        });

        Assert.Equal(3, received);
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Equal("subjects/7", error.Details!.Details.Single().Unpack<ResourceInfo>().ResourceName);
    }

    [Fact]
    public async Task Bidirectional_stream_answers_every_request_message()
    {
        using var client = fixture.Server.CreateRawClient();
        byte[] body = [.. RawGrpc.Frame(new EchoRequest { Text = "one" }), .. RawGrpc.Frame(new EchoRequest { Text = "two" }), .. RawGrpc.Frame(new EchoRequest { Text = "three" })];

        using var response = await client.SendAsync(RawGrpc.Request("/mappa.grpctest.v1.EchoService/Chat", body));
        var (status, _, bytes) = await RawGrpc.ReadAsync(response);

        Assert.Equal(0, status);
        var answers = RawGrpc.Messages(bytes).Select(m => EchoResponse.Parser.ParseFrom(m)).ToList();
        Assert.Equal(["one", "two", "three"], answers.Select(a => a.Text));
        Assert.Equal([0, 1, 2], answers.Select(a => a.Index));
    }

    [Fact]
    public async Task Bidirectional_stream_reports_a_bad_request_message_as_the_status()
    {
        using var client = fixture.Server.CreateRawClient();
        byte[] body = [.. RawGrpc.Frame(new EchoRequest { Text = "fine" }), .. RawGrpc.Frame([0x0A, 50, 1])];

        using var response = await client.SendAsync(RawGrpc.Request("/mappa.grpctest.v1.EchoService/Chat", body));
        var (status, _, bytes) = await RawGrpc.ReadAsync(response);

        Assert.Equal((int)StatusCode.Internal, status);
        Assert.Equal("fine", EchoResponse.Parser.ParseFrom(Assert.Single(RawGrpc.Messages(bytes))).Text);
    }
}
