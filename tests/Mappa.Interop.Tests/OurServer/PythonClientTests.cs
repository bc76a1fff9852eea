using System.Text.Json;
using Mappa.Interop.Tests.Infrastructure;

namespace Mappa.Interop.Tests.OurServer;

/// <summary>A Python grpcio (C-core) client, which we did not write, calling our server.</summary>
public sealed class PythonClientTests(InteropServer server) : IClassFixture<InteropServer>
{
    [Fact]
    public async Task Unary_call_echoes_payload_and_unicode_text()
    {
        var result = await PythonPeer.RunClientAsync("unary_ok", server.Target);

        Assert.Equal("OK", result.Code);
        Assert.True(result.Bool("payload_matches"), result.ToString());
        Assert.Equal("caf\u00e9 \u2713", result.String("text"));
    }

    [Fact]
    public async Task Validation_failure_arrives_as_invalid_argument_with_field_violations()
    {
        var result = await PythonPeer.RunClientAsync("invalid_argument_with_field_violations", server.Target);

        Assert.Equal("INVALID_ARGUMENT", result.Code);
        var details = StatusDetails(result);
        Assert.Equal(3, details.GetProperty("code").GetInt32());
        var badRequest = Detail(details, "google.rpc.BadRequest");
        var violations = badRequest.GetProperty("field_violations").EnumerateArray()
            .Select(v => (v.GetProperty("field").GetString(), v.GetProperty("description").GetString()))
            .ToList();
        Assert.Equal([("subject_id", "must not be empty"), ("identifiers[0].value", "is too long")], violations);
    }

    [Fact]
    public async Task Missing_resource_arrives_as_not_found_with_matching_status_details()
    {
        var result = await PythonPeer.RunClientAsync("not_found", server.Target);

        Assert.Equal("NOT_FOUND", result.Code);
        Assert.Contains("subject-404", result.String("message"));
        var details = StatusDetails(result);
        Assert.Equal(5, details.GetProperty("code").GetInt32());
        Assert.Equal(result.String("message"), details.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Precondition_failure_arrives_with_error_info_reason()
    {
        var result = await PythonPeer.RunClientAsync("failed_precondition_with_error_info", server.Target);

        Assert.Equal("FAILED_PRECONDITION", result.Code);
        Assert.Equal("The assessment is already completed.", result.String("message"));
        var details = StatusDetails(result);
        var info = Detail(details, "google.rpc.ErrorInfo");
        Assert.Equal("ASSESSMENT_ALREADY_COMPLETED", info.GetProperty("reason").GetString());
        var violation = Assert.Single(Detail(details, "google.rpc.PreconditionFailure").GetProperty("violations").EnumerateArray());
        Assert.Equal("ASSESSMENT_ALREADY_COMPLETED", violation.GetProperty("type").GetString());
        Assert.Equal("The assessment is already completed.", violation.GetProperty("description").GetString());
    }

    [Fact]
    public async Task Rpc_exception_details_arrive_as_thrown()
    {
        var result = await PythonPeer.RunClientAsync("permission_denied_with_error_info", server.Target);

        Assert.Equal("PERMISSION_DENIED", result.Code);
        Assert.Equal("caller is outside the area", result.String("message"));
        var info = Detail(StatusDetails(result), "google.rpc.ErrorInfo");
        Assert.Equal("AREA_OUT_OF_SCOPE", info.GetProperty("reason").GetString());
        Assert.Equal("interop.mappa", info.GetProperty("domain").GetString());
        Assert.Equal("north", info.GetProperty("metadata").GetProperty("area").GetString());
    }

    [Fact]
    public async Task Metadata_travels_both_ways_including_binary_values()
    {
        var result = await PythonPeer.RunClientAsync("metadata_both_ways", server.Target);

        Assert.Equal("OK", result.Code);
        Assert.Equal(["x-interop-text", "x-interop-data-bin"], result.Strings("found_keys"));
        var binary = Convert.ToBase64String([0, 1, 2, 254, 255]);
        var headers = result.Json.GetProperty("headers");
        Assert.Equal("plain value", headers.GetProperty("x-interop-text")[0].GetString());
        Assert.Equal(binary, headers.GetProperty("x-interop-data-bin")[0].GetString());
        var trailers = result.Json.GetProperty("trailers");
        Assert.Equal("plain value", trailers.GetProperty("trailer-x-interop-text")[0].GetString());
        Assert.Equal(binary, trailers.GetProperty("trailer-x-interop-data-bin")[0].GetString());
    }

    [Fact]
    public async Task Client_deadline_ends_the_call_with_deadline_exceeded_and_cancels_the_handler()
    {
        var callId = "python-deadline-" + Guid.NewGuid().ToString("N");

        var result = await PythonPeer.RunClientAsync("deadline_exceeded", server.Target, callId: callId);

        Assert.Equal("DEADLINE_EXCEEDED", result.Code);
        await server.Observer.WhenCancelled(callId).WaitAsync(ServerObservationGuard);
    }

    [Fact]
    public async Task Client_cancellation_reaches_the_handler()
    {
        var callId = "python-cancel-" + Guid.NewGuid().ToString("N");
        await using var client = await PythonPeer.StartClientAsync("client_cancellation", server.Target, callId: callId);

        await server.Observer.WhenStarted(callId).WaitAsync(ServerObservationGuard);
        await client.WriteLineAsync("cancel");
        var result = await PeerResult.FromAsync(client);

        Assert.Equal("CANCELLED", result.Code);
        await server.Observer.WhenCancelled(callId).WaitAsync(ServerObservationGuard);
    }

    [Fact]
    public async Task Server_stream_arrives_complete_and_in_order()
    {
        var result = await PythonPeer.RunClientAsync("server_streaming", server.Target, size: 500);

        Assert.Equal("OK", result.Code);
        Assert.Equal(Enumerable.Range(1, 500), result.Ints("numbers"));
    }

    [Fact]
    public async Task Request_over_the_receive_limit_answers_resource_exhausted()
    {
        var result = await PythonPeer.RunClientAsync("oversized_request", server.Target, size: InteropServer.MessageSizeLimit * 2);

        Assert.Equal("RESOURCE_EXHAUSTED", result.Code);
    }

    [Fact]
    public async Task Response_over_the_send_limit_answers_resource_exhausted()
    {
        var result = await PythonPeer.RunClientAsync("oversized_response", server.Target, size: InteropServer.MessageSizeLimit * 2);

        Assert.Equal("RESOURCE_EXHAUSTED", result.Code);
    }

    [Fact]
    public async Task Unknown_method_and_unknown_service_answer_unimplemented()
    {
        var result = await PythonPeer.RunClientAsync("unknown_method", server.Target);

        Assert.Equal("UNIMPLEMENTED", result.String("unknown_method"));
        Assert.Equal("UNIMPLEMENTED", result.String("unknown_service"));
    }

    [Fact]
    public async Task Health_check_reports_serving_and_unknown_services_not_found()
    {
        var result = await PythonPeer.RunClientAsync("health_check", server.Target);

        Assert.Equal("SERVING", result.String("(server)"));
        Assert.Equal("SERVING", result.String("mappa.interop.v1.InteropTestService"));
        Assert.Equal("NOT_FOUND", result.String("no.such.Service"));
    }

    [Fact]
    public async Task Reflection_lists_services_and_serves_their_descriptors()
    {
        var result = await PythonPeer.RunClientAsync("reflection", server.Target);

        var services = result.Strings("services");
        Assert.Contains("mappa.interop.v1.InteropTestService", services);
        Assert.Contains("grpc.health.v1.Health", services);
        Assert.Contains("grpc.reflection.v1alpha.ServerReflection", services);
        Assert.Contains("mappa/interop/v1/interop.proto", result.Strings("files"));
        Assert.Equal(["Echo", "Sleep", "Count", "EchoMetadata"], result.Strings("interop_methods"));
        Assert.Equal(5, result.Json.GetProperty("unknown_symbol_error").GetInt32()); // NOT_FOUND
    }

    [Fact]
    public async Task Gzip_compressed_request_is_decompressed_and_answered()
    {
        var result = await PythonPeer.RunClientAsync("gzip_request", server.Target);

        Assert.Equal("OK", result.Code);
        Assert.True(result.Bool("payload_matches"), result.ToString());
        Assert.Equal("gzip", result.String("text"));
    }

    // Guards against a handler that never sees the cancellation; not a timing assertion.
    private static readonly TimeSpan ServerObservationGuard = TimeSpan.FromSeconds(30);

    private static JsonElement StatusDetails(PeerResult result)
    {
        var details = result.Json.GetProperty("status_details");
        Assert.True(details.ValueKind == JsonValueKind.Object, $"No grpc-status-details-bin trailer: {result}");
        return details;
    }

    private static JsonElement Detail(JsonElement statusDetails, string typeName)
    {
        foreach (var detail in statusDetails.GetProperty("details").EnumerateArray())
        {
            if (detail.GetProperty("type").GetString() == typeName)
            {
                return detail;
            }
        }
        throw new Xunit.Sdk.XunitException($"No {typeName} in status details: {statusDetails}");
    }
}
