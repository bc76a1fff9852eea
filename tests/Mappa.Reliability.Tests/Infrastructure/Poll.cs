using System.Diagnostics;

namespace Mappa.Reliability.Tests.Infrastructure;

/// <summary>Bounded polling for a condition: the only way these tests wait (never a sleep followed by an assertion).</summary>
public static class Poll
{
    public static readonly TimeSpan DefaultBound = TimeSpan.FromSeconds(120);

    public static async Task UntilAsync(string what, Func<Task<bool>> condition, TimeSpan? bound = null, Func<string>? diagnostics = null)
    {
        var limit = bound ?? DefaultBound;
        var clock = Stopwatch.StartNew();
        var delay = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            if (await condition()) return;
            if (clock.Elapsed > limit)
            {
                throw new Xunit.Sdk.XunitException($"Gave up after {limit.TotalSeconds:0} s waiting for: {what}.{(diagnostics is null ? "" : "\n" + diagnostics())}");
            }
            await Task.Delay(delay);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 500));
        }
    }

    public static Task UntilAsync(string what, Func<bool> condition, TimeSpan? bound = null, Func<string>? diagnostics = null) =>
        UntilAsync(what, () => Task.FromResult(condition()), bound, diagnostics);
}
