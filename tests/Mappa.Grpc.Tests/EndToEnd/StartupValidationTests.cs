using Mappa.Grpc.Server;
using Mappa.Grpc.Tests.Contracts;
using Mappa.Grpc.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Mappa.Grpc.Tests.EndToEnd;

public sealed class StartupValidationTests
{
    [Fact]
    public void Binding_a_method_the_contract_lacks_fails_at_start_up()
    {
        var app = CreateApp();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapGrpcService<EchoHandlers>(TestContract.EchoService, service => service
            .Unary<EchoRequest, EchoResponse>("Shout", (handlers, request, context) => handlers.EchoAsync(request, context))));

        Assert.Contains("Shout", error.Message);
        Assert.Contains("Echo, EchoStream, Chat, NotBound", error.Message);
    }

    [Fact]
    public void Binding_with_the_wrong_request_type_fails_at_start_up()
    {
        var app = CreateApp();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapGrpcService<EchoHandlers>(TestContract.EchoService, service => service
            .Unary<EchoResponse, EchoResponse>("Echo", (_, _, _) => Task.FromResult(new EchoResponse()))));

        Assert.Contains("mappa.grpctest.v1.EchoRequest", error.Message);
    }

    [Fact]
    public void Binding_with_the_wrong_response_type_fails_at_start_up()
    {
        var app = CreateApp();

        Assert.Throws<InvalidOperationException>(() => app.MapGrpcService<EchoHandlers>(TestContract.EchoService, service => service
            .Unary<EchoRequest, EchoRequest>("Echo", (_, request, _) => Task.FromResult(request))));
    }

    [Fact]
    public void Binding_a_streaming_method_as_unary_fails_at_start_up()
    {
        var app = CreateApp();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapGrpcService<EchoHandlers>(TestContract.EchoService, service => service
            .Unary<EchoRequest, EchoResponse>("EchoStream", (handlers, request, context) => handlers.EchoAsync(request, context))));

        Assert.Contains("server streaming", error.Message);
    }

    [Fact]
    public void Binding_a_method_twice_fails_at_start_up()
    {
        var app = CreateApp();

        Assert.Throws<InvalidOperationException>(() => app.MapGrpcService<EchoHandlers>(TestContract.EchoService, service => service
            .Unary<EchoRequest, EchoResponse>("Echo", (handlers, request, context) => handlers.EchoAsync(request, context))
            .Unary<EchoRequest, EchoResponse>("Echo", (handlers, request, context) => handlers.EchoAsync(request, context))));
    }

    [Fact]
    public void Handlers_missing_from_dependency_injection_fail_at_start_up()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddMappaGrpc();
        var app = builder.Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapGrpcService<EchoHandlers>(TestContract.EchoService, EchoHandlers.Bind));

        Assert.Contains("not registered", error.Message);
    }

    [Fact]
    public void Mapping_a_service_twice_fails_at_start_up()
    {
        var app = CreateApp();
        app.MapGrpcService<EchoHandlers>(TestContract.EchoService, EchoHandlers.Bind);

        Assert.Throws<InvalidOperationException>(() => app.MapGrpcService<EchoHandlers>(TestContract.EchoService, EchoHandlers.Bind));
    }

    [Fact]
    public void Mapping_without_adding_the_layer_fails_with_a_clear_message()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddScoped<EchoHandlers>();
        var app = builder.Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapGrpcService<EchoHandlers>(TestContract.EchoService, EchoHandlers.Bind));

        Assert.Contains("AddMappaGrpc", error.Message);
    }

    [Fact]
    public void Registry_lists_mapped_services_and_only_the_methods_with_handlers()
    {
        var app = CreateApp();

        app.MapGrpcService<EchoHandlers>(TestContract.EchoService, EchoHandlers.Bind);
        app.MapGrpcHealth();

        var registry = app.Services.GetRequiredService<GrpcServiceRegistry>();
        Assert.Equal(["mappa.grpctest.v1.EchoService", "grpc.health.v1.Health"], registry.Services.Select(s => s.FullName));
        Assert.Contains(registry.BoundMethods, m => m.FullName == "mappa.grpctest.v1.EchoService.Echo");
        Assert.Contains(registry.BoundMethods, m => m.FullName == "grpc.health.v1.Health.Watch");
        Assert.DoesNotContain(registry.BoundMethods, m => m.Name == "NotBound");
    }

    [Fact]
    public void Interceptors_are_listed_in_registration_order()
    {
        var services = new ServiceCollection();
        services.AddGrpcInterceptor<FirstInterceptor>();
        services.AddMappaGrpc();
        services.AddGrpcInterceptor<SecondInterceptor>();
        services.AddGrpcInterceptor<FirstInterceptor>();

        var options = services.BuildServiceProvider().GetRequiredService<Microsoft.Extensions.Options.IOptions<GrpcServerOptions>>().Value;

        Assert.Equal([typeof(FirstInterceptor), typeof(SecondInterceptor)], options.Interceptors);
    }

    private static WebApplication CreateApp()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddMappaGrpc();
        builder.Services.AddScoped<EchoHandlers>();
        builder.Services.AddSingleton<CallProbe>();
        return builder.Build();
    }

    private sealed class FirstInterceptor : IServerInterceptor
    {
        public Task InvokeAsync(ServerCallContext context, GrpcCallDelegate next) => next(context);
    }

    private sealed class SecondInterceptor : IServerInterceptor
    {
        public Task InvokeAsync(ServerCallContext context, GrpcCallDelegate next) => next(context);
    }
}
