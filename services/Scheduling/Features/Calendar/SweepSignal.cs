namespace Mappa.Scheduling.Features.Calendar;

/// <summary>A repeatable "something changed" notice that waiters can combine with a timeout on any clock.</summary>
public class ChangeNotifier
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Notify() => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>Completes at the next notification; take it before doing the work, so a change during the work is not missed.</summary>
    public Task NextNotification => Volatile.Read(ref _next).Task;

    /// <summary>Waits for <paramref name="notified"/> or for <paramref name="timeout"/> on <paramref name="time"/> (a simulated clock's timers count).</summary>
    public static async Task WaitAsync(Task notified, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(timeout, time, stop.Token);
        await Task.WhenAny(notified, delay);
        await stop.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
    }
}

/// <summary>Wakes the sweep early when an obligation changes (so a completion is announced now, not at the next poll).</summary>
public sealed class SweepSignal : ChangeNotifier;

/// <summary>Wakes milestone streams when this process has recorded milestones (streams also poll, for other instances).</summary>
public sealed class MilestoneFeed : ChangeNotifier;
