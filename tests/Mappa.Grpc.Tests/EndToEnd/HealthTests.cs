using Grpc.Health.V1;
using Mappa.Grpc.Client;
using Mappa.Grpc.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Mappa.Grpc.Tests.EndToEnd;

public sealed class HealthTests : IAsyncLifetime
{
    private const string EchoService = "mappa.grpctest.v1.EchoService";
    private readonly SwitchableCheck _database = new();
    private readonly SwitchableCheck _echoDependency = new();
    private TestGrpcServer _server = null!;
    private GrpcChannel _channel = null!;

    public async Task InitializeAsync()
    {
        _server = await TestGrpcServer.StartAsync(
            services => services.AddHealthChecks()
                .AddCheck("database", _database)
                .AddCheck("echo-dependency", _echoDependency, tags: [EchoService]),
            configureGrpc: options => options.HealthWatchInterval = TimeSpan.FromMilliseconds(50));
        _channel = _server.CreateChannel(new GrpcChannelOptions { RetryPolicy = RetryPolicy.None });
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _server.DisposeAsync();
    }

    [Theory]
    [InlineData("")]
    [InlineData(EchoService)]
    [InlineData("grpc.health.v1.Health")]
    [InlineData("grpc.reflection.v1.ServerReflection")]
    public async Task Server_and_every_mapped_service_are_serving_when_all_checks_pass(string service)
    {
        Assert.Equal(ServingStatus.Serving, await CheckAsync(service));
    }

    [Fact]
    public async Task Unknown_service_check_is_not_found()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => CheckAsync("no.such.Service"));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task Failing_untagged_check_makes_the_whole_server_not_serving()
    {
        _database.Status = HealthStatus.Unhealthy;

        Assert.Equal(ServingStatus.NotServing, await CheckAsync(""));
        Assert.Equal(ServingStatus.NotServing, await CheckAsync(EchoService));
    }

    [Fact]
    public async Task Failing_check_tagged_with_a_service_affects_only_that_service()
    {
        _echoDependency.Status = HealthStatus.Unhealthy;

        Assert.Equal(ServingStatus.NotServing, await CheckAsync(EchoService));
        Assert.Equal(ServingStatus.Serving, await CheckAsync(""));
        Assert.Equal(ServingStatus.Serving, await CheckAsync("grpc.health.v1.Health"));
    }

    [Fact]
    public async Task Degraded_still_counts_as_serving()
    {
        _database.Status = HealthStatus.Degraded;

        Assert.Equal(ServingStatus.Serving, await CheckAsync(""));
    }

    [Fact]
    public async Task Watch_sends_the_current_status_then_each_change()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var seen = new List<ServingStatus>();

        await foreach (var update in _channel.ServerStreamingAsync<HealthCheckRequest, HealthCheckResponse>(
            TestGrpcServerHealth.Watch,
            new HealthCheckRequest { Service = EchoService },
            new CallOptions { CancellationToken = stop.Token, DeadlineUtc = DateTime.MaxValue }))
        {
            seen.Add(update.Status);
            if (seen.Count == 1)
            {
                _echoDependency.Status = HealthStatus.Unhealthy;
            }
            else if (seen.Count == 2)
            {
                _echoDependency.Status = HealthStatus.Healthy;
            }
            else
            {
                break;
            }
        }

        Assert.Equal([ServingStatus.Serving, ServingStatus.NotServing, ServingStatus.Serving], seen);
    }

    [Fact]
    public async Task Watch_of_an_unknown_service_says_service_unknown_and_stays_open()
    {
        await foreach (var update in _channel.ServerStreamingAsync<HealthCheckRequest, HealthCheckResponse>(
            TestGrpcServerHealth.Watch, new HealthCheckRequest { Service = "no.such.Service" }))
        {
            Assert.Equal(ServingStatus.ServiceUnknown, update.Status);
            break;
        }
    }

    private async Task<ServingStatus> CheckAsync(string service) =>
        (await _channel.UnaryAsync<HealthCheckRequest, HealthCheckResponse>(TestGrpcServerHealth.Check, new HealthCheckRequest { Service = service })).Status;

    private sealed class SwitchableCheck : IHealthCheck
    {
        public volatile HealthStatus Status = HealthStatus.Healthy;

        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(new HealthCheckResult(Status));
    }
}
