using System.Collections.Concurrent;

namespace Mappa.Grpc.Tests.TestSupport;

/// <summary>What handlers observed on the server, for tests to wait on (a singleton in the test server).</summary>
public sealed class CallProbe
{
    private readonly ConcurrentDictionary<string, int> _attempts = new();

    public TaskCompletionSource HandlerCancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource HandlerStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int NextAttempt(string key) => _attempts.AddOrUpdate(key, 1, (_, count) => count + 1);

    public int Attempts(string key) => _attempts.GetValueOrDefault(key);
}
