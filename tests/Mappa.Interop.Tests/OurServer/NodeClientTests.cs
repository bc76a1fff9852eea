using Mappa.Interop.Tests.Infrastructure;

namespace Mappa.Interop.Tests.OurServer;

/// <summary>A Node @grpc/grpc-js client, a second independent gRPC implementation, calling our server.</summary>
public sealed class NodeClientTests(InteropServer server) : IClassFixture<InteropServer>
{
    [Fact]
    public async Task Unary_call_echoes_payload_and_unicode_text()
    {
        var result = await NodePeer.RunClientAsync("unary_ok", server.Target);

        Assert.Equal("OK", result.Code);
        Assert.True(result.Bool("payload_matches"), result.ToString());
        Assert.Equal("caf\u00e9 \u2713", result.String("text"));
    }

    [Fact]
    public async Task Validation_failure_arrives_with_decodable_field_violations()
    {
        var result = await NodePeer.RunClientAsync("error_with_details", server.Target);

        Assert.Equal("INVALID_ARGUMENT", result.Code);
        var details = result.Json.GetProperty("status_details");
        Assert.Equal(3, details.GetProperty("code").GetInt32());
        var badRequest = details.GetProperty("details").EnumerateArray()
            .Single(d => d.GetProperty("type").GetString() == "google.rpc.BadRequest");
        var violation = Assert.Single(badRequest.GetProperty("field_violations").EnumerateArray());
        Assert.Equal("subject_id", violation.GetProperty("field").GetString());
        Assert.Equal("must not be empty", violation.GetProperty("description").GetString());
    }

    [Fact]
    public async Task Server_stream_arrives_complete_and_in_order()
    {
        var result = await NodePeer.RunClientAsync("server_streaming", server.Target);

        Assert.Equal("OK", result.Code);
        Assert.Equal(Enumerable.Range(1, 100), result.Ints("numbers"));
    }

    [Fact]
    public async Task Client_deadline_ends_the_call_with_deadline_exceeded()
    {
        var result = await NodePeer.RunClientAsync("deadline_exceeded", server.Target);

        Assert.Equal("DEADLINE_EXCEEDED", result.Code);
    }
}
