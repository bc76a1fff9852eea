namespace Mappa.Core.Time;

/// <summary>
/// A clock that only moves when told to, for tests and the demo ("advance a week, watch the reviews fall due").
/// Timers created through it (<c>Task.Delay(t, clock)</c>, <c>PeriodicTimer</c>, <c>CancellationTokenSource</c>) fire
/// during <see cref="Advance"/>, in due order, on the advancing thread, with the clock set to each timer's due instant,
/// so code under test sees the same "now" it would have seen live. Production configuration must refuse it.
/// </summary>
public sealed class SimulatedClock : TimeProvider
{
    private readonly object _gate = new();
    private readonly List<SimulatedTimer> _timers = [];
    private DateTimeOffset _utcNow;
    private TimeZoneInfo _localTimeZone;
    private long _sequence;

    public SimulatedClock(DateTimeOffset start, TimeZoneInfo? localTimeZone = null)
    {
        _utcNow = start.ToUniversalTime();
        _localTimeZone = localTimeZone ?? TimeZoneInfo.Utc;
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
            return _utcNow;
    }

    public override TimeZoneInfo LocalTimeZone => _localTimeZone;

    public void SetLocalTimeZone(TimeZoneInfo zone) => _localTimeZone = zone ?? throw new ArgumentNullException(nameof(zone));

    // Stopwatch-style timestamps follow simulated time too, in ticks (100 ns).
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    /// <summary>Moves time forward, firing every timer that falls due on the way.</summary>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        AdvanceTo(GetUtcNow() + by);
    }

    /// <summary>Moves time forward to an instant; time never goes back.</summary>
    public void SetUtcNow(DateTimeOffset instant) => AdvanceTo(instant.ToUniversalTime());

    private void AdvanceTo(DateTimeOffset target)
    {
        while (true)
        {
            SimulatedTimer? next;
            lock (_gate)
            {
                if (target < _utcNow)
                    throw new ArgumentOutOfRangeException(nameof(target), target, $"The simulated clock is at {_utcNow:O} and cannot go back.");

                next = _timers.Where(t => t.DueAt <= target).MinBy(t => (t.DueAt, t.Sequence));
                if (next is null)
                {
                    _utcNow = target;
                    return;
                }
                _utcNow = next.DueAt;
                next.Rearm();
            }
            next.Fire();   // outside the lock: callbacks may read the clock or create timers
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new SimulatedTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private sealed class SimulatedTimer(SimulatedClock clock, TimerCallback callback, object? state) : ITimer
    {
        private TimeSpan _period;
        private bool _disposed;

        public DateTimeOffset DueAt { get; private set; }
        public long Sequence { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            ValidateSpan(dueTime, nameof(dueTime));
            ValidateSpan(period, nameof(period));
            bool fireNow;
            lock (clock._gate)
            {
                if (_disposed)
                    return false;

                clock._timers.Remove(this);
                _period = period;
                fireNow = dueTime == TimeSpan.Zero;
                if (dueTime == Timeout.InfiniteTimeSpan || fireNow)
                {
                    DueAt = default;
                    if (fireNow && period != Timeout.InfiniteTimeSpan && period != TimeSpan.Zero)
                        Schedule(clock._utcNow + period);
                }
                else
                {
                    Schedule(clock._utcNow + dueTime);
                }
            }

            // A zero due time means "as soon as possible" on a real clock: run it off this thread, as a real timer would.
            if (fireNow)
                ThreadPool.UnsafeQueueUserWorkItem(_ => Fire(), null);
            return true;
        }

        private void Schedule(DateTimeOffset dueAt)
        {
            DueAt = dueAt;
            Sequence = Interlocked.Increment(ref clock._sequence);
            clock._timers.Add(this);
        }

        /// <summary>Called under the clock's lock when this timer is about to fire.</summary>
        public void Rearm()
        {
            clock._timers.Remove(this);
            if (_period != Timeout.InfiniteTimeSpan && _period != TimeSpan.Zero)
                Schedule(DueAt + _period);
        }

        public void Fire() => callback(state);

        public void Dispose()
        {
            lock (clock._gate)
            {
                clock._timers.Remove(this);
                _disposed = true;
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }

        private static void ValidateSpan(TimeSpan span, string name)
        {
            if (span < TimeSpan.Zero && span != Timeout.InfiniteTimeSpan)
                throw new ArgumentOutOfRangeException(name, span, "Use a non-negative time or Timeout.InfiniteTimeSpan.");
        }
    }
}
