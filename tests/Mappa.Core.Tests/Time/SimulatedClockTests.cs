using Mappa.Core.Time;

namespace Mappa.Core.Tests.Time;

public sealed class SimulatedClockTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Time_stands_still_until_advanced()
    {
        var clock = new SimulatedClock(Start);

        Assert.Equal(Start, clock.GetUtcNow());
        clock.Advance(TimeSpan.FromDays(3));
        Assert.Equal(Start.AddDays(3), clock.GetUtcNow());
    }

    [Fact]
    public void Time_cannot_go_back()
    {
        var clock = new SimulatedClock(Start);

        Assert.Throws<ArgumentOutOfRangeException>(() => clock.SetUtcNow(Start.AddSeconds(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => clock.Advance(TimeSpan.FromTicks(-1)));
    }

    [Fact]
    public void A_start_in_another_offset_is_held_as_UTC()
    {
        var clock = new SimulatedClock(new DateTimeOffset(2026, 7, 1, 10, 0, 0, TimeSpan.FromHours(1)));

        Assert.Equal(TimeSpan.Zero, clock.GetUtcNow().Offset);
        Assert.Equal(9, clock.GetUtcNow().Hour);
    }

    [Fact]
    public void A_delay_completes_only_when_the_clock_passes_it()
    {
        var clock = new SimulatedClock(Start);
        var delay = Task.Delay(TimeSpan.FromHours(1), clock);

        clock.Advance(TimeSpan.FromMinutes(59));
        Assert.False(delay.IsCompleted);

        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True(delay.IsCompletedSuccessfully);
    }

    [Fact]
    public void Timers_fire_in_due_order_and_see_their_own_due_time_as_now()
    {
        var clock = new SimulatedClock(Start);
        var seen = new List<(string Name, DateTimeOffset Now)>();
        using var late = clock.CreateTimer(_ => seen.Add(("late", clock.GetUtcNow())), null, TimeSpan.FromHours(2), Timeout.InfiniteTimeSpan);
        using var early = clock.CreateTimer(_ => seen.Add(("early", clock.GetUtcNow())), null, TimeSpan.FromHours(1), Timeout.InfiniteTimeSpan);

        clock.Advance(TimeSpan.FromDays(1));

        Assert.Equal([("early", Start.AddHours(1)), ("late", Start.AddHours(2))], seen);
        Assert.Equal(Start.AddDays(1), clock.GetUtcNow());
    }

    [Fact]
    public void A_periodic_timer_fires_once_per_period_passed()
    {
        var clock = new SimulatedClock(Start);
        int ticks = 0;
        using var timer = clock.CreateTimer(_ => ticks++, null, TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(15));

        clock.Advance(TimeSpan.FromHours(2));

        Assert.Equal(8, ticks);
    }

    [Fact]
    public void A_disposed_or_stopped_timer_does_not_fire()
    {
        var clock = new SimulatedClock(Start);
        int fired = 0;
        var disposed = clock.CreateTimer(_ => fired++, null, TimeSpan.FromMinutes(1), Timeout.InfiniteTimeSpan);
        var stopped = clock.CreateTimer(_ => fired++, null, TimeSpan.FromMinutes(1), Timeout.InfiniteTimeSpan);

        disposed.Dispose();
        stopped.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        clock.Advance(TimeSpan.FromHours(1));

        Assert.Equal(0, fired);
        Assert.False(disposed.Change(TimeSpan.FromMinutes(1), Timeout.InfiniteTimeSpan));
    }

    [Fact]
    public async Task A_periodic_timer_loop_wakes_once_per_advance_of_its_period()
    {
        var clock = new SimulatedClock(Start);
        using var periodic = new PeriodicTimer(TimeSpan.FromMinutes(1), clock);

        var firstTick = periodic.WaitForNextTickAsync().AsTask();
        Assert.False(firstTick.IsCompleted);

        clock.Advance(TimeSpan.FromMinutes(1));

        Assert.True(await firstTick);
    }

    [Fact]
    public void A_cancellation_token_with_a_timeout_cancels_when_the_clock_passes_it()
    {
        var clock = new SimulatedClock(Start);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30), clock);

        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.False(cts.IsCancellationRequested);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(cts.IsCancellationRequested);
    }

    [Fact]
    public void Timestamps_follow_simulated_time()
    {
        var clock = new SimulatedClock(Start);
        long before = clock.GetTimestamp();

        clock.Advance(TimeSpan.FromSeconds(90));

        Assert.Equal(TimeSpan.FromSeconds(90), clock.GetElapsedTime(before));
    }
}
