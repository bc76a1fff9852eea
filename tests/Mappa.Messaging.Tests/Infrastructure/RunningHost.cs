using Microsoft.Extensions.Hosting;

namespace Mappa.Messaging.Tests.Infrastructure;

/// <summary>A started host that is stopped (relays and bus shut down cleanly) before it is disposed.</summary>
public sealed class RunningHost(IHost host) : IAsyncDisposable
{
    private bool _stopped;

    public IServiceProvider Services => host.Services;

    /// <summary>Stops the host as a process shutdown would; safe to call more than once.</summary>
    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        await host.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        host.Dispose();
    }
}
