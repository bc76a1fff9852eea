namespace Mappa.Messaging.Tests.Infrastructure;

/// <summary>
/// Waits for a condition that a background process (relay, bus) makes true. The limit only stops a broken test from
/// hanging; nothing asserts how fast the condition became true.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    public static async Task<T> GetAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + Limit;
        while (true)
        {
            var value = await probe();
            if (done(value)) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Gave up waiting for {what}; last value: {value}");
            await Task.Delay(50);
        }
    }

    public static Task TrueAsync(Func<Task<bool>> probe, string what) => GetAsync(probe, v => v, what);

    public static Task TrueAsync(Func<bool> probe, string what) => GetAsync(() => Task.FromResult(probe()), v => v, what);
}
