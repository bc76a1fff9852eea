namespace Mappa.Partners.Tests.Infrastructure;

/// <summary>Bounded polling for conditions that become true asynchronously (queues fill after publishing returns).</summary>
public static class Eventually
{
    /// <summary>Generous: CI machines are loaded, and a passing test returns as soon as the condition holds.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);

    public static async Task<T> GetAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + Limit;
        var delay = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            var value = await read();
            if (done(value)) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Gave up after {Limit.TotalSeconds} s waiting for {what}; last value: {value}");
            await Task.Delay(delay);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 500));
        }
    }
}
