using System.Net;
using System.Net.Sockets;
using Google.Protobuf.Reflection;
using Grpc.Health.V1;
using Mappa.Grpc;
using Mappa.Grpc.Client;
using Mappa.Interop.Tests.Infrastructure;
using Mappa.Interop.V1;

namespace Mappa.Interop.Tests.OurClient;

/// <summary>Our client calling a Python grpcio server, which we did not write.</summary>
public sealed class PythonServerTests(PythonServer python) : IClassFixture<PythonServer>
{
    private static readonly ServiceDescriptor Interop = InteropReflection.Descriptor.Services[0];
    private static readonly MethodDescriptor Echo = Interop.FindMethodByName("Echo");
    private static readonly MethodDescriptor Sleep = Interop.FindMethodByName("Sleep");
    private static readonly MethodDescriptor Count = Interop.FindMethodByName("Count");
    private static readonly MethodDescriptor EchoMetadata = Interop.FindMethodByName("EchoMetadata");
    private static readonly MethodDescriptor HealthCheck = HealthReflection.Descriptor.Services[0].FindMethodByName("Check");

    [Fact]
    public async Task Unary_call_returns_the_echo()
    {
        var request = new EchoRequest { Payload = Google.Protobuf.ByteString.CopyFrom([0, 1, 2, 255]), Text = "caf\u00e9 \u2713" };

        var response = await python.Channel.UnaryAsync<EchoRequest, EchoResponse>(Echo, request);

        Assert.Equal(request.Payload, response.Payload);
        Assert.Equal(request.Text, response.Text);
    }

    [Fact]
    public async Task Error_details_are_decoded_into_the_rpc_exception()
    {
        var request = new EchoRequest
        {
            FailWith = new Failure
            {
                Code = (int)StatusCode.InvalidArgument,
                Message = "request is invalid",
                FieldViolations = { new FieldViolation { Field = "subject_id", Description = "must not be empty" } },
                Reason = "SUBJECT_ID_MISSING",
                Domain = "interop.mappa",
                Metadata = { ["field"] = "subject_id" },
            },
        };

        var error = await Assert.ThrowsAsync<RpcException>(() => python.Channel.UnaryAsync<EchoRequest, EchoResponse>(Echo, request));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("request is invalid", error.Detail);
        Assert.NotNull(error.Details);
        Assert.Equal((int)StatusCode.InvalidArgument, error.Details.Code);
        var badRequest = Assert.Single(error.Details.Details, d => d.Is(Google.Rpc.BadRequest.Descriptor)).Unpack<Google.Rpc.BadRequest>();
        var violation = Assert.Single(badRequest.FieldViolations);
        Assert.Equal(("subject_id", "must not be empty"), (violation.Field, violation.Description));
        var info = Assert.Single(error.Details.Details, d => d.Is(Google.Rpc.ErrorInfo.Descriptor)).Unpack<Google.Rpc.ErrorInfo>();
        Assert.Equal("SUBJECT_ID_MISSING", info.Type); // "reason" in newer google.rpc; same field 1
        Assert.Equal("interop.mappa", info.Domain);
        Assert.Equal("subject_id", info.Metadata["field"]);
    }

    [Fact]
    public async Task Metadata_travels_both_ways_including_binary_values()
    {
        byte[] binary = [0, 1, 2, 254, 255];
        var headers = new Metadata { { "x-interop-text", "plain value" }, { "x-interop-data-bin", binary } };

        var result = await python.Channel.UnaryCallAsync<EchoMetadataRequest, EchoMetadataResponse>(
            EchoMetadata, new EchoMetadataRequest { Keys = { "x-interop-text", "x-interop-data-bin" } }, new CallOptions { Headers = headers });

        Assert.Equal(["x-interop-text", "x-interop-data-bin"], result.Response.FoundKeys);
        Assert.Equal("plain value", result.ResponseHeaders.GetValue("x-interop-text"));
        Assert.Equal(binary, result.ResponseHeaders.GetBytes("x-interop-data-bin"));
        Assert.Equal("plain value", result.Trailers.GetValue("trailer-x-interop-text"));
        Assert.Equal(binary, result.Trailers.GetBytes("trailer-x-interop-data-bin"));
    }

    [Fact]
    public async Task Call_past_its_deadline_fails_with_deadline_exceeded()
    {
        var options = new CallOptions { DeadlineUtc = DateTime.UtcNow.AddMilliseconds(300) };

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            python.Channel.UnaryAsync<SleepRequest, SleepResponse>(Sleep, new SleepRequest { Milliseconds = 60_000 }, options));

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
    }

    [Fact]
    public async Task Server_stream_arrives_complete_and_in_order()
    {
        List<int> numbers = [];
        await foreach (var message in python.Channel.ServerStreamingAsync<CountRequest, CountResponse>(Count, new CountRequest { Count = 300 }))
        {
            numbers.Add(message.Number);
        }

        Assert.Equal(Enumerable.Range(1, 300), numbers);
    }

    [Fact]
    public async Task Health_check_reports_serving_and_unknown_services_not_found()
    {
        var serving = await python.Channel.UnaryAsync<HealthCheckRequest, HealthCheckResponse>(
            HealthCheck, new HealthCheckRequest { Service = "mappa.interop.v1.InteropTestService" });
        var unknown = await Assert.ThrowsAsync<RpcException>(() => python.Channel.UnaryAsync<HealthCheckRequest, HealthCheckResponse>(
            HealthCheck, new HealthCheckRequest { Service = "no.such.Service" }));

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, serving.Status);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Unavailable_is_retried_until_a_late_starting_server_answers()
    {
        var port = FreePort();
        var attempts = new AttemptCountingHandler(new SocketsHttpHandler());
        using var channel = new GrpcChannel(new Uri($"http://127.0.0.1:{port}"), new GrpcChannelOptions
        {
            Handler = attempts,
            DisposeHandler = true,
            // Enough attempts to outlast the Python start-up; the deadline, not the count, bounds the call.
            RetryPolicy = new RetryPolicy { MaxAttempts = 1000, InitialBackoff = TimeSpan.FromMilliseconds(50), MaxBackoff = TimeSpan.FromMilliseconds(250) },
        });

        var call = channel.UnaryAsync<EchoRequest, EchoResponse>(
            Echo, new EchoRequest { Text = "late" }, new CallOptions { DeadlineUtc = DateTime.UtcNow.AddSeconds(60) });
        await attempts.FirstRefused.WaitAsync(TimeSpan.FromSeconds(30)); // not up yet: the first attempt was refused
        await using var server = await PythonPeer.StartServerAsync(port);
        var response = await call;

        Assert.Equal("late", response.Text);
        Assert.True(attempts.Refused >= 1, "the call should have been refused before the server started");
        Assert.True(attempts.Sent > attempts.Refused, "a retry should have reached the server");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Counts attempts that reach the network, and signals the first one refused for want of a server.</summary>
    private sealed class AttemptCountingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private readonly TaskCompletionSource _firstRefused = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _sent;
        private int _refused;

        public Task FirstRefused => _firstRefused.Task;

        public int Sent => Volatile.Read(ref _sent);

        public int Refused => Volatile.Read(ref _refused);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _sent);
            try
            {
                return await base.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException)
            {
                Interlocked.Increment(ref _refused);
                _firstRefused.TrySetResult();
                throw;
            }
        }
    }
}
