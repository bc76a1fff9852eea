using Mappa.Grpc.Client;
using Mappa.Interop.Tests.Infrastructure;

namespace Mappa.Interop.Tests.OurClient;

/// <summary>python/server.py (grpcio, C-core) on a free port, and our channel to it.</summary>
public sealed class PythonServer : IAsyncLifetime
{
    private PeerProcess? _server;

    public GrpcChannel Channel { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _server = await PythonPeer.StartServerAsync(port: 0);
        var port = await PythonPeer.WaitUntilListeningAsync(_server);
        Channel = new GrpcChannel(new Uri($"http://127.0.0.1:{port}"));
    }

    public async Task DisposeAsync()
    {
        Channel?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
