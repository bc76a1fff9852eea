using Google.Rpc;
using Mappa.Grpc.Client;
using Mappa.Grpc.Tests.Contracts;
using Mappa.Grpc.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mappa.Grpc.Tests.EndToEnd;

public sealed class ErrorStatusTests(EchoServerFixture fixture) : IClassFixture<EchoServerFixture>
{
    [Fact]
    public async Task Validation_failure_reaches_the_client_as_invalid_argument_with_field_violations()
    {
        var error = await CallAsync("throw-validation");

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var badRequest = Assert.Single(error.Details!.Details).Unpack<BadRequest>();
        Assert.Equal(["text", "payload"], badRequest.FieldViolations.Select(v => v.Field));
        Assert.Equal((int)StatusCode.InvalidArgument, error.Details.Code);
        Assert.Equal(error.Detail, error.Details.Message);
    }

    [Fact]
    public async Task Not_found_reaches_the_client_with_resource_info()
    {
        var error = await CallAsync("throw-not-found");

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Equal("subjects/42", error.Details!.Details.Single().Unpack<ResourceInfo>().ResourceName);
    }

    [Fact]
    public async Task Already_exists_reaches_the_client_with_resource_info()
    {
        var error = await CallAsync("throw-already-exists");

        Assert.Equal(StatusCode.AlreadyExists, error.StatusCode);
        Assert.Equal("Subject", error.Details!.Details.Single().Unpack<ResourceInfo>().ResourceType);
    }

    [Fact]
    public async Task Precondition_failure_reaches_the_client_with_error_info()
    {
        var error = await CallAsync("throw-precondition");

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        var info = error.Details!.Details.Single(d => d.Is(ErrorInfo.Descriptor)).Unpack<ErrorInfo>();
        Assert.Equal(("ASSESSMENT_ALREADY_SUPERSEDED", "mappa"), (info.Type, info.Domain));
    }

    [Fact]
    public async Task Unexpected_exception_is_internal_without_its_text_and_is_logged_with_the_method()
    {
        var error = await CallAsync("throw-unexpected");

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.DoesNotContain(EchoHandlers.SecretExceptionText, error.Detail);
        Assert.Null(error.Details);
        var logged = fixture.Server.Logs.Entries.Where(e => e.Level == LogLevel.Error && e.Exception?.Message == EchoHandlers.SecretExceptionText).ToList();
        var entry = Assert.Single(logged);
        Assert.Contains("/mappa.grpctest.v1.EchoService/Echo", entry.Message);
        Assert.DoesNotContain(EchoHandlers.SecretExceptionText, entry.Message);
    }

    [Fact]
    public async Task Rpc_exception_passes_through_with_its_non_ascii_message_and_trailers()
    {
        var error = await CallAsync("throw-rpc");

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Equal("Not for you: 100% sure ✓", error.Detail);
        Assert.Equal("told-to", error.Trailers.GetValue("x-reason"));
    }

    [Fact]
    public async Task Handler_returning_null_is_internal()
    {
        var error = await CallAsync("return-null");

        Assert.Equal(StatusCode.Internal, error.StatusCode);
    }

    [Fact]
    public async Task Error_before_any_message_is_sent_trailers_only()
    {
        using var client = fixture.Server.CreateRawClient();
        using var response = await client.SendAsync(RawGrpc.Request(
            "/mappa.grpctest.v1.EchoService/Echo", RawGrpc.Frame(new EchoRequest { Behaviour = "throw-not-found" })));

        Assert.Equal("5", RawGrpc.Header(response.Headers, "grpc-status"));
        Assert.NotNull(RawGrpc.Header(response.Headers, "grpc-status-details-bin"));
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Detailed_errors_option_exposes_the_exception_message()
    {
        await using var server = await TestGrpcServer.StartAsync(configureGrpc: options => options.EnableDetailedErrors = true);
        using var channel = server.CreateChannel(new GrpcChannelOptions { RetryPolicy = RetryPolicy.None });

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            channel.UnaryAsync<EchoRequest, EchoResponse>(TestContract.Echo, new EchoRequest { Behaviour = "throw-unexpected" }));

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.Contains(EchoHandlers.SecretExceptionText, error.Detail);
        Assert.Contains(nameof(InvalidOperationException), error.Detail);
    }

    [Fact]
    public async Task Registered_exception_mappers_are_consulted_before_the_built_in_mapping()
    {
        await using var server = await TestGrpcServer.StartAsync(services =>
            services.AddSingleton<Mappa.Grpc.IExceptionStatusMapper, TimeoutAsUnavailable>());
        using var channel = server.CreateChannel(new GrpcChannelOptions { RetryPolicy = RetryPolicy.None });

        var mapped = await Assert.ThrowsAsync<RpcException>(() =>
            channel.UnaryAsync<EchoRequest, EchoResponse>(TestContract.Echo, new EchoRequest { Behaviour = "throw-timeout" }));
        var domain = await Assert.ThrowsAsync<RpcException>(() =>
            channel.UnaryAsync<EchoRequest, EchoResponse>(TestContract.Echo, new EchoRequest { Behaviour = "throw-not-found" }));

        Assert.Equal(StatusCode.Unavailable, mapped.StatusCode);
        Assert.Equal("Storage unavailable for /mappa.grpctest.v1.EchoService/Echo.", mapped.Detail);
        Assert.Equal(StatusCode.NotFound, domain.StatusCode);
        Assert.DoesNotContain(server.Logs.Entries, e => e.Level == LogLevel.Error);
    }

    private sealed class TimeoutAsUnavailable : Mappa.Grpc.IExceptionStatusMapper
    {
        public RpcException? TryMap(Exception exception, Mappa.Grpc.Server.ServerCallContext context) =>
            exception is TimeoutException ? new RpcException(StatusCode.Unavailable, $"Storage unavailable for {context.FullMethodName}.") : null;
    }

    private Task<RpcException> CallAsync(string behaviour) =>
        Assert.ThrowsAsync<RpcException>(() =>
            fixture.Channel.UnaryAsync<EchoRequest, EchoResponse>(TestContract.Echo, new EchoRequest { Behaviour = behaviour }));
}
