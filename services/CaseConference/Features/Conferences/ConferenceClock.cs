using Mappa.Core.Time;

namespace Mappa.CaseConference.Features.Conferences;

/// <summary>
/// The clock conference rules run on ("is the meeting in the future", "has it started"). It is the host's clock,
/// unless a development configuration sets <c>Mappa:Services:caseconference:SimulatedClockStart</c>: then a
/// <see cref="SimulatedClock"/> that tests and demos advance by hand. A production configuration refuses it.
/// </summary>
public sealed class ConferenceClock(TimeProvider time)
{
    public TimeProvider Time { get; } = time;

    public DateTimeOffset Now => Time.GetUtcNow();

    /// <summary>The simulated clock, for tests and demos; throws when the service runs on real time.</summary>
    public SimulatedClock Simulated => Time as SimulatedClock
        ?? throw new InvalidOperationException("The conference clock is not simulated: set Mappa:Services:caseconference:SimulatedClockStart.");
}
