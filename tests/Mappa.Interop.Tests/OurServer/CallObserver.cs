using System.Collections.Concurrent;

namespace Mappa.Interop.Tests.OurServer;

/// <summary>
/// What the server saw happen to Sleep calls, by call id, so a test can check that a client's deadline or
/// cancellation actually reached the handler (not only that the client gave up).
/// </summary>
public sealed class CallObserver
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _started = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _cancelled = new();

    public void Started(string callId) => Signal(_started, callId);

    public void Cancelled(string callId) => Signal(_cancelled, callId);

    public Task WhenStarted(string callId) => Get(_started, callId).Task;

    public Task WhenCancelled(string callId) => Get(_cancelled, callId).Task;

    private static void Signal(ConcurrentDictionary<string, TaskCompletionSource> map, string callId) =>
        Get(map, callId).TrySetResult();

    private static TaskCompletionSource Get(ConcurrentDictionary<string, TaskCompletionSource> map, string callId) =>
        map.GetOrAdd(callId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
