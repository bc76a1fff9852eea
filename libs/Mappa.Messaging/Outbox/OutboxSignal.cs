namespace Mappa.Messaging.Outbox;

/// <summary>Wakes a context's relay when a local transaction committed outbox rows, so it need not wait for its poll.</summary>
public sealed class OutboxSignal<TContext>
{
    private readonly SemaphoreSlim _pulse = new(0, 1);

    public void Pulse()
    {
        // Pulses collapse into one: the relay reads everything pending when it wakes.
        if (_pulse.CurrentCount == 0)
        {
            try { _pulse.Release(); }
            catch (SemaphoreFullException) { }
        }
    }

    /// <summary>Waits for a pulse or the timeout, whichever is first.</summary>
    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _pulse.WaitAsync(timeout, cancellationToken);
}
