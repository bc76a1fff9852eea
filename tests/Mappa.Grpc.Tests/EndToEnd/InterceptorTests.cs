using System.Collections.Concurrent;
using Grpc.Health.V1;
using Mappa.Core.Errors;
using Mappa.Grpc.Client;
using Mappa.Grpc.Server;
using Mappa.Grpc.Tests.Contracts;
using Mappa.Grpc.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Mappa.Grpc.Tests.EndToEnd;

public sealed class InterceptorTests : IAsyncLifetime
{
    private TestGrpcServer _server = null!;
    private GrpcChannel _channel = null!;

    private CallJournal Journal => _server.Services.GetRequiredService<CallJournal>();

    public async Task InitializeAsync()
    {
        _server = await TestGrpcServer.StartAsync(services =>
        {
            services.AddSingleton<CallJournal>();
            services.AddGrpcInterceptor<OuterInterceptor>();
            services.AddGrpcInterceptor<GatekeeperInterceptor>();
            services.AddGrpcInterceptor<InnerInterceptor>();
        });
        _channel = _server.CreateChannel(new GrpcChannelOptions { RetryPolicy = RetryPolicy.None });
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Interceptors_run_in_registration_order_around_the_handler_and_see_the_request()
    {
        await _channel.UnaryAsync<EchoRequest, EchoResponse>(TestContract.Echo, new EchoRequest { Text = "ordered" });

        Assert.Equal(
            ["outer before (request: ordered)", "gatekeeper", "inner before (request: ordered)", "inner after OK", "outer after OK"],
            Journal.Entries);
    }

    [Fact]
    public async Task Domain_error_reaches_every_interceptor_as_its_mapped_status()
    {
        await Assert.ThrowsAsync<RpcException>(() =>
            _channel.UnaryAsync<EchoRequest, EchoResponse>(TestContract.Echo, new EchoRequest { Text = "missing", Behaviour = "throw-not-found" }));

        Assert.Equal(
            [
                "outer before (request: missing)", "gatekeeper", "inner before (request: missing)",
                "inner caught NotFound from NotFoundException; outcome NotFound",
                "outer caught NotFound from NotFoundException; outcome NotFound",
            ],
            Journal.Entries);
    }

    [Fact]
    public async Task Interceptor_can_refuse_a_call_before_the_handler_runs()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _channel.UnaryAsync<EchoRequest, EchoResponse>(
            TestContract.Echo,
            new EchoRequest { Text = "refused", Behaviour = "count-then-not-found" },
            new CallOptions { Headers = new Metadata { { "x-refuse", "yes" } } }));

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Equal(0, _server.Probe.Attempts("refused"));
        Assert.Equal(["outer before (request: refused)", "gatekeeper", "outer caught Unauthenticated from none; outcome Unauthenticated"], Journal.Entries);
    }

    [Fact]
    public async Task Domain_exception_thrown_by_an_interceptor_is_mapped_like_a_handlers()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _channel.UnaryAsync<EchoRequest, EchoResponse>(
            TestContract.Echo,
            new EchoRequest { Text = "invalid" },
            new CallOptions { Headers = new Metadata { { "x-refuse", "invalid" } } }));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("outer caught InvalidArgument from ValidationFailedException; outcome InvalidArgument", Journal.Entries);
    }

    [Fact]
    public async Task Swallowed_error_still_reaches_the_client()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _channel.UnaryAsync<EchoRequest, EchoResponse>(
            TestContract.Echo,
            new EchoRequest { Text = "swallow", Behaviour = "throw-not-found" },
            new CallOptions { Headers = new Metadata { { "x-swallow", "yes" } } }));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Contains("outer after NotFound", Journal.Entries);
    }

    [Fact]
    public async Task Health_calls_pass_through_the_same_pipeline()
    {
        var health = TestGrpcServerHealth.Check;

        await _channel.UnaryAsync<HealthCheckRequest, HealthCheckResponse>(health, new HealthCheckRequest());

        Assert.Equal("outer before (request: )", Journal.Entries[0]);
        Assert.Equal("outer after OK", Journal.Entries[^1]);
    }

    public sealed class CallJournal
    {
        private readonly ConcurrentQueue<string> _entries = new();

        public IReadOnlyList<string> Entries => [.. _entries];

        public void Add(string entry) => _entries.Enqueue(entry);
    }

    private sealed class OuterInterceptor(CallJournal journal) : IServerInterceptor
    {
        public async Task InvokeAsync(ServerCallContext context, GrpcCallDelegate next)
        {
            journal.Add($"outer before (request: {(context.Request as EchoRequest)?.Text})");
            try
            {
                await next(context);
                journal.Add($"outer after {context.OutcomeStatus}");
            }
            catch (RpcException ex)
            {
                journal.Add($"outer caught {ex.StatusCode} from {ex.InnerException?.GetType().Name ?? "none"}; outcome {context.OutcomeStatus}");
                throw;
            }
        }
    }

    private sealed class GatekeeperInterceptor(CallJournal journal) : IServerInterceptor
    {
        public async Task InvokeAsync(ServerCallContext context, GrpcCallDelegate next)
        {
            journal.Add("gatekeeper");
            switch (context.RequestHeaders.GetValue("x-refuse"))
            {
                case "yes":
                    throw new RpcException(StatusCode.Unauthenticated, "No credentials.");
                case "invalid":
                    throw new ValidationFailedException("authorization", "malformed");
            }
            try
            {
                await next(context);
            }
            catch (RpcException) when (context.RequestHeaders.GetValue("x-swallow") == "yes")
            {
                // Deliberately swallowed: the layer must still answer with the mapped status.
            }
        }
    }

    private sealed class InnerInterceptor(CallJournal journal) : IServerInterceptor
    {
        public async Task InvokeAsync(ServerCallContext context, GrpcCallDelegate next)
        {
            journal.Add($"inner before (request: {(context.Request as EchoRequest)?.Text})");
            try
            {
                await next(context);
                journal.Add($"inner after {context.OutcomeStatus}");
            }
            catch (RpcException ex)
            {
                journal.Add($"inner caught {ex.StatusCode} from {ex.InnerException?.GetType().Name ?? "none"}; outcome {context.OutcomeStatus}");
                throw;
            }
        }
    }
}
