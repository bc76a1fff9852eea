using Mappa.Scheduling.Features.Calendar;
using Mappa.Scheduling.Features.Clock;
using Mappa.Scheduling.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Mappa.Scheduling.Features.Milestones;

/// <summary>
/// Runs the <see cref="MilestoneSweep"/> against the database: takes the obligations whose cursor has come, records their
/// milestones (unique milestone id) and events (outbox), and moves their cursors, all in one transaction per batch.
/// <para>
/// Several instances on one PostgreSQL share the work: each batch locks its obligations with
/// <c>FOR UPDATE SKIP LOCKED</c>, so two sweeps never take the same obligation at once; if they ever did (or a lost
/// commit were retried), the unique milestone id and the outbox's unique event id refuse the second copy. Within one
/// process, sweeps run one at a time.
/// </para>
/// </summary>
public sealed class MilestonePublisher(
    IServiceScopeFactory scopes,
    MilestoneSweep sweep,
    MilestoneTiming timing,
    SchedulingClock clock,
    SchedulingDomainOptions options,
    MilestoneFeed feed,
    ILogger<MilestonePublisher> logger)
{
    private const int AttemptsPerBatch = 5;
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    /// <summary>Sweeps up to the clock's now; returns the number of milestones recorded.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        await _oneAtATime.WaitAsync(cancellationToken);
        try
        {
            var now = Instants.Now(clock);
            int total = 0;
            for (int attempt = 1; ;)
            {
                try
                {
                    var (recorded, more) = await SweepBatchAsync(now, cancellationToken);
                    total += recorded;
                    if (!more)
                        return total;
                    attempt = 1;
                }
                catch (Exception exception) when (exception is DbUpdateException or System.Data.Common.DbException
                    && !cancellationToken.IsCancellationRequested && attempt < AttemptsPerBatch)
                {
                    // A consumer changed an obligation of this batch, another instance recorded a milestone first, or
                    // SQLite refused a second writer: start the batch again from what is now stored.
                    logger.LogInformation(exception, "Milestone sweep batch conflicted (attempt {Attempt}); retrying", attempt);
                    attempt++;
                }
            }
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    /// <summary>The earliest stored cursor, or null when nothing will fall due.</summary>
    public async Task<DateTimeOffset?> NextWakeUpAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SchedulingDbContext>();
        var next = await db.Obligations.Where(o => o.WakeUpAt != null).MinAsync(o => o.WakeUpAt, cancellationToken);
        return Instants.FromStored(next);
    }

    private async Task<(int Recorded, bool More)> SweepBatchAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SchedulingDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        long nowStored = Instants.ToStored(now);
        int batchSize = options.SweepBatchSize;

        List<string> ids = db.Database.IsNpgsql()
            ? await db.Database.SqlQueryRaw<string>(
                    "SELECT obligation_id AS \"Value\" FROM review_obligations WHERE wake_up_at <= {0} ORDER BY wake_up_at LIMIT {1} FOR UPDATE SKIP LOCKED",
                    nowStored, batchSize)
                .ToListAsync(cancellationToken)
            // SQLite has one writer at a time: the transaction's write lock does the same job.
            : await db.Obligations.Where(o => o.WakeUpAt <= nowStored).OrderBy(o => o.WakeUpAt).Take(batchSize)
                .Select(o => o.ObligationId).ToListAsync(cancellationToken);
        if (ids.Count == 0)
            return (0, false);

        var records = await db.Obligations.Include(o => o.Revisions).Where(o => ids.Contains(o.ObligationId))
            .ToDictionaryAsync(o => o.ObligationId, StringComparer.Ordinal, cancellationToken);
        var candidates = records.Values
            .Where(r => r.WakeUpAt is not null)
            .Select(r => new SweepCandidate(ObligationMapping.ToDomain(r), Instants.FromStored(r.WakeUpAt)!.Value));
        var result = sweep.Run(candidates, now);

        var milestoneIds = result.Milestones.Select(m => m.Id).ToList();
        var alreadyRecorded = (await db.Milestones.Where(m => milestoneIds.Contains(m.MilestoneId)).Select(m => m.MilestoneId)
            .ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        var fresh = result.Milestones.Where(m => !alreadyRecorded.Contains(m.Id)).ToList();

        if (fresh.Count > 0)
        {
            long position = await db.ClaimMilestonePositionsAsync(fresh.Count, cancellationToken);
            foreach (var milestone in fresh)
            {
                var obligation = records[milestone.ObligationId];
                var domainEvent = MilestoneEvents.Create(milestone, obligation, timing);
                db.Milestones.Add(new MilestoneRecord
                {
                    Position = position++,
                    MilestoneId = milestone.Id,
                    ObligationId = obligation.ObligationId,
                    SubjectId = obligation.SubjectId,
                    Area = obligation.Area,
                    Kind = (int)milestone.Kind,
                    ReviewKind = obligation.ReviewKind,
                    DueDay = milestone.DueDate.DayNumber,
                    PlannedDay = milestone.PlannedDate?.DayNumber,
                    FallsDueAt = Instants.ToStored(milestone.FallsDueAt),
                    RecordedAt = nowStored,
                    EventId = domainEvent.EventId.ToString(),
                });
                db.RecordEvent(domainEvent);
            }
        }
        foreach (var wakeUp in result.WakeUps)
        {
            var record = records[wakeUp.ObligationId];
            record.WakeUpAt = wakeUp.NextMilestoneAt is { } next ? Instants.ToStored(next) : null;
            record.Version++;
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (fresh.Count > 0)
            feed.Notify();
        if (fresh.Count > 0)
            logger.LogInformation("Recorded {Count} review milestones for publication", fresh.Count);
        return (fresh.Count, ids.Count == batchSize);
    }
}
