using MassTransit;

namespace Mappa.Messaging.Bus;

/// <summary>
/// Completes once the bus has started and its receive endpoints are ready (queues declared and bound), and stays
/// completed after later reconnects. The outbox relay waits for it, so a row committed at start-up is not published
/// before this process's own consumer queues exist to receive it.
/// </summary>
internal sealed class BusStartedSignal : IBusObserver
{
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Started => _started.Task;

    public async Task PostStart(IBus bus, Task<BusReady> busReady)
    {
        try
        {
            await busReady.ConfigureAwait(false);
        }
        finally
        {
            // A faulted start still counts: the relay then publishes and its own retries take over.
            _started.TrySetResult();
        }
    }

    public Task StartFaulted(IBus bus, Exception exception)
    {
        _started.TrySetResult();
        return Task.CompletedTask;
    }

    public void PostCreate(IBus bus)
    {
    }

    public void CreateFaulted(Exception exception)
    {
    }

    public Task PreStart(IBus bus) => Task.CompletedTask;

    public Task PreStop(IBus bus) => Task.CompletedTask;

    public Task PostStop(IBus bus) => Task.CompletedTask;

    public Task StopFaulted(IBus bus, Exception exception) => Task.CompletedTask;
}
