using Mappa.Scheduling.Features.Calendar;
using Mappa.Scheduling.Features.Clock;

namespace Mappa.Scheduling.Features.Milestones;

/// <summary>
/// Sweeps at start (catching up on everything that fell due while the service was down), then whenever the earliest
/// cursor comes, an obligation changes, or the poll interval passes, whichever is first. All waiting is on the
/// scheduling clock, so a simulated clock's advance wakes it.
/// </summary>
public sealed class SweepService(MilestonePublisher publisher, SweepSignal signal, SchedulingClock clock, SchedulingDomainOptions options,
    ILogger<SweepService> logger) : BackgroundService
{
    private static readonly TimeSpan MinimumWait = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();   // let the host finish starting
        while (!stoppingToken.IsCancellationRequested)
        {
            var changed = signal.NextNotification;
            var wait = options.SweepInterval;
            try
            {
                await publisher.SweepAsync(stoppingToken);
                if (await publisher.NextWakeUpAsync(stoppingToken) is { } next)
                {
                    var untilNext = next - clock.Now;
                    // At least a second: a due cursor this sweep could not take (another instance holds it) must not spin.
                    if (untilNext < wait)
                        wait = untilNext < MinimumWait ? MinimumWait : untilNext;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // The database may be briefly away; the cursors are durable, so the next sweep picks up where this stopped.
                logger.LogError(exception, "Milestone sweep failed; retrying after {Interval}", options.SweepInterval);
            }

            try
            {
                await ChangeNotifier.WaitAsync(changed, wait, clock.Time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }
}
