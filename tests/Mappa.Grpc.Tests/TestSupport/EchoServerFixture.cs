using Mappa.Grpc.Client;

namespace Mappa.Grpc.Tests.TestSupport;

/// <summary>One default echo server shared by the tests of a class (starting Kestrel per test is slow on 2 cores).</summary>
public sealed class EchoServerFixture : IAsyncLifetime
{
    public TestGrpcServer Server { get; private set; } = null!;

    public GrpcChannel Channel { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await TestGrpcServer.StartAsync();
        Channel = Server.CreateChannel(new GrpcChannelOptions { RetryPolicy = RetryPolicy.None });
    }

    public async Task DisposeAsync()
    {
        Channel.Dispose();
        await Server.DisposeAsync();
    }
}
