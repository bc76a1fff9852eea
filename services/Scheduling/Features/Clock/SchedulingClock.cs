using Mappa.Core.Time;

namespace Mappa.Scheduling.Features.Clock;

/// <summary>
/// The clock every scheduling decision reads: when changes are recorded, what the sweep treats as now.
/// <para>
/// It is the service's own, not the host's <see cref="TimeProvider"/>: the embedded suite shares one TimeProvider across
/// modules (token lifetimes, outbox timestamps, audit), and a simulated clock advanced by a month would expire every
/// token and misdate the other services' records. So a simulated clock moves scheduling time only; the other services
/// keep real time, and scheduling records each change at its own now (see <see cref="Milestones.ReviewObligation"/>).
/// </para>
/// </summary>
public sealed class SchedulingClock(TimeProvider time)
{
    public TimeProvider Time { get; } = time;

    /// <summary>The simulated clock when configured (Mappa:Scheduling:Clock = Simulated), else null.</summary>
    public SimulatedClock? Simulated => Time as SimulatedClock;

    public DateTimeOffset Now => Time.GetUtcNow();
}

public enum SchedulingClockKind
{
    System,
    Simulated,
}
