using System.Diagnostics;
using Mappa.Events;
using Mappa.Scheduling.Features.Milestones;
using Npgsql;
using NpgsqlTypes;

namespace Mappa.SchedulingBench;

/// <summary>
/// What to load: <see cref="Total"/> obligations of which exactly <see cref="DueOnDay"/> have a milestone falling due on
/// <see cref="Day"/>. The due ones are the same (ids, dates, areas) whatever the total, so two sizes sweep the same work.
/// </summary>
/// <param name="Day">The swept day: every milestone up to the previous day's sweep has been recorded.</param>
public sealed record LoadPlan(int Total, int DueOnDay, DateOnly Day, int Seed = 20270309)
{
    /// <summary>A Tuesday with no Scottish holiday near it, so "overdue" (the working day after Monday's due date) lands on it.</summary>
    public static readonly DateOnly DefaultDay = new(2027, 3, 9);

    public const int LeadTimeDays = 14;
    public const int ReminderCadenceDays = 7;

    public static readonly string[] Areas =
    [
        "glasgow", "edinburgh", "fife", "lanarkshire", "lothian-borders", "tayside", "grampian", "highland-islands",
        "ayrshire", "forth-valley", "dumfries-galloway", "renfrewshire", "argyll-bute", "falkirk", "stirling", "moray",
    ];
}

/// <summary>What the loader wrote, as it counted it (the benchmark and its test check these against the database).</summary>
/// <param name="DueByKind">The due-on-day obligations by the kind of milestone falling due that day.</param>
public sealed record LoadReport(int Obligations, int Revisions, int HistoryMilestones, int OpenWithCursor, int DueOnDay,
    IReadOnlyDictionary<MilestoneKind, int> DueByKind, DateTimeOffset LastSweptAt, DateTimeOffset DayFallsDueAt, TimeSpan Generate, TimeSpan Copy);

/// <summary>
/// Bulk-loads review obligations straight into the Scheduling schema (created by the service's own migrations) with
/// PostgreSQL binary COPY, in the state the service would have left them after sweeping every day up to the day before
/// <see cref="LoadPlan.Day"/>: each obligation's revisions, every milestone already recorded (with its outbox-style
/// deterministic ids and positions), and its sweep cursor as the service's own <see cref="MilestonePlanner"/> computes it.
/// <para>
/// The spread: open reviews due over the next 18 months (some re-planned once), a backlog of overdue ones getting
/// weekly reminders, and closed (completed or cancelled) ones from the last two years. Any generated obligation that
/// would fall due on the swept day is drawn again, so only the designated <see cref="LoadPlan.DueOnDay"/> do: a mix of
/// due soon, due, overdue and reminders.
/// </para>
/// </summary>
public sealed class ObligationLoader(MilestonePlanner planner)
{
    private const int ChunkRows = 50_000;

    public async Task<LoadReport> LoadAsync(NpgsqlConnection connection, LoadPlan plan, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(plan.DueOnDay);
        ArgumentOutOfRangeException.ThrowIfLessThan(plan.Total, plan.DueOnDay);
        var timing = planner.Timing;
        var dayAt = timing.InstantOf(plan.Day);
        var lastSwept = timing.InstantOf(plan.Day.AddDays(-1)).AddMinutes(1);

        int obligations = 0, revisions = 0, history = 0, withCursor = 0, due = 0;
        var dueByKind = Enum.GetValues<MilestoneKind>().ToDictionary(k => k, _ => 0);
        var generate = new Stopwatch();
        var copy = new Stopwatch();
        long position = 0;

        // Designated due obligations from their own seed, so they are identical at every total.
        var dueRandom = new Random(plan.Seed);
        var fillRandom = new Random(plan.Seed + 1);
        var batch = new List<Generated>(ChunkRows);

        for (int i = 0; i < plan.Total; i++)
        {
            generate.Start();
            bool designated = i < plan.DueOnDay;
            var generated = designated ? DueOnDay(dueRandom, plan, i, lastSwept, dayAt) : Filler(fillRandom, plan, i, lastSwept, dayAt);
            generate.Stop();
            batch.Add(generated);
            if (designated)
            {
                due++;
                dueByKind[generated.DueKind!.Value]++;
            }
            if (batch.Count == ChunkRows || i == plan.Total - 1)
            {
                copy.Start();
                (int o, int r, int h, int c) = await CopyAsync(connection, batch, lastSwept, position, cancellationToken);
                copy.Stop();
                obligations += o;
                revisions += r;
                history += h;
                withCursor += c;
                position += h;
                batch.Clear();
            }
        }

        copy.Start();
        await using (var command = new NpgsqlCommand("UPDATE scheduling_counters SET value = @value WHERE name = 'milestones'", connection))
        {
            command.Parameters.AddWithValue("value", position);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var analyze = new NpgsqlCommand("ANALYZE review_obligations; ANALYZE review_obligation_revisions; ANALYZE review_milestones", connection))
        {
            analyze.CommandTimeout = 0;
            await analyze.ExecuteNonQueryAsync(cancellationToken);
        }
        copy.Stop();
        return new LoadReport(obligations, revisions, history, withCursor, due, dueByKind, lastSwept, dayAt, generate.Elapsed, copy.Elapsed);
    }

    private sealed record Generated(ReviewObligation Obligation, string SubjectId, ReviewKind Kind, MilestoneKind? DueKind);

    /// <summary>Obligation <paramref name="index"/> of the due set: its next milestone after the last sweep is on the day.</summary>
    private Generated DueOnDay(Random random, LoadPlan plan, int index, DateTimeOffset lastSwept, DateTimeOffset dayAt)
    {
        var area = LoadPlan.Areas[random.Next(LoadPlan.Areas.Length)];
        for (int attempt = 0; attempt < 1000; attempt++)
        {
            double pick = random.NextDouble();
            var (kind, dueDate) = pick switch
            {
                < 0.40 => (MilestoneKind.DueSoon, plan.Day.AddDays(LoadPlan.LeadTimeDays)),
                < 0.65 => (MilestoneKind.Due, plan.Day),
                < 0.80 => (MilestoneKind.Overdue, plan.Day.AddDays(-1)),
                _ => (MilestoneKind.Reminder, plan.Day.AddDays(-1 - LoadPlan.ReminderCadenceDays * random.Next(1, 13))),
            };
            var obligation = OpenObligation($"obl-due-{index:D6}", area, dueDate, RecordedBefore(random, dueDate, lastSwept));
            var next = planner.NextAfter(obligation, lastSwept);
            if (next is not null && next.FallsDueAt == dayAt && next.Kind == kind && planner.Between(obligation, lastSwept, dayAt).Count == 1)
                return new Generated(obligation, Subject(random), PickReviewKind(random), kind);
        }
        throw new InvalidOperationException($"Could not plan a due obligation on {plan.Day} in {area}: is the day a working day?");
    }

    private Generated Filler(Random random, LoadPlan plan, int index, DateTimeOffset lastSwept, DateTimeOffset dayAt)
    {
        var id = $"obl-{index:D7}";
        var area = LoadPlan.Areas[random.Next(LoadPlan.Areas.Length)];
        while (true)
        {
            double pick = random.NextDouble();
            ReviewObligation obligation;
            if (pick < 0.65)
            {
                // Open, due in the next 18 months; one in ten re-planned once.
                var dueDate = plan.Day.AddDays(random.Next(1, 541));
                if (random.NextDouble() < 0.10)
                {
                    var firstDue = dueDate.AddDays(-random.Next(14, 91));
                    var recorded = RecordedBefore(random, firstDue, lastSwept.AddDays(-30));
                    var moved = recorded.AddDays(random.Next(1, 30));
                    obligation = OpenObligation(id, area, firstDue, recorded).Reschedule(dueDate, moved);
                }
                else
                {
                    obligation = OpenObligation(id, area, dueDate, RecordedBefore(random, dueDate, lastSwept));
                }
            }
            else if (pick < 0.72)
            {
                // The overdue backlog: up to four months late, reminded weekly.
                var dueDate = plan.Day.AddDays(-random.Next(2, 121));
                obligation = OpenObligation(id, area, dueDate, RecordedBefore(random, dueDate, lastSwept));
            }
            else
            {
                // Closed within the last two years, around its due date.
                var dueDate = plan.Day.AddDays(-random.Next(1, 731));
                var recorded = RecordedBefore(random, dueDate, lastSwept);
                var closedAt = planner.Timing.InstantOf(dueDate).AddDays(random.Next(-20, 11)).AddHours(random.Next(1, 9));
                if (closedAt <= recorded)
                    closedAt = recorded.AddHours(1);
                if (closedAt > lastSwept)
                    closedAt = lastSwept.AddHours(-1);
                if (closedAt <= recorded)
                    continue;
                var open = OpenObligation(id, area, dueDate, recorded);
                obligation = random.NextDouble() < 0.85 ? open.Complete(closedAt) : open.Cancel(closedAt);
            }

            // Nothing but the designated set may fall due on the swept day.
            var next = planner.NextAfter(obligation, lastSwept);
            if (next is null || next.FallsDueAt > dayAt)
                return new Generated(obligation, Subject(random), PickReviewKind(random), null);
        }
    }

    private static ReviewObligation OpenObligation(string id, string area, DateOnly dueDate, DateTimeOffset recordedAt) =>
        ReviewObligation.Open(id, area, dueDate, new MilestonePolicy(LoadPlan.LeadTimeDays, LoadPlan.ReminderCadenceDays), recordedAt);

    /// <summary>Recorded two to thirteen months before the due date (never after the last sweep), at a time of day.</summary>
    private DateTimeOffset RecordedBefore(Random random, DateOnly dueDate, DateTimeOffset notAfter)
    {
        var recorded = planner.Timing.InstantOf(dueDate.AddDays(-random.Next(60, 400))).AddHours(2).AddMinutes(random.Next(0, 480));
        var latest = notAfter.AddHours(-2);
        return recorded < latest ? recorded : latest;
    }

    private static string Subject(Random random) => $"subj-{random.Next(1, 400_000):D6}";

    private static ReviewKind PickReviewKind(Random random) => random.NextDouble() switch
    {
        < 0.6 => ReviewKind.Assessment,
        < 0.9 => ReviewKind.MappaMeeting,
        _ => ReviewKind.PlanAction,
    };

    private async Task<(int Obligations, int Revisions, int History, int WithCursor)> CopyAsync(NpgsqlConnection connection,
        List<Generated> batch, DateTimeOffset lastSwept, long positionBefore, CancellationToken cancellationToken)
    {
        int revisions = 0, history = 0, withCursor = 0;
        var past = new List<(Generated Item, Milestone Milestone)>();

        await using (var writer = await connection.BeginBinaryImportAsync(
            "COPY review_obligations (obligation_id, subject_id, area, review_kind, source, instrument, lead_time_days, reminder_cadence_days, "
            + "state, due_day, recorded_at, closed_at, wake_up_at, version) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var item in batch)
            {
                var o = item.Obligation;
                var wakeUp = planner.NextAfter(o, lastSwept)?.FallsDueAt;
                if (wakeUp is not null)
                    withCursor++;
                foreach (var milestone in planner.After(o, DateTimeOffset.MinValue).TakeWhile(m => m.FallsDueAt <= lastSwept))
                    past.Add((item, milestone));

                await writer.StartRowAsync(cancellationToken);
                await writer.WriteAsync(o.Id, NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(item.SubjectId, NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(o.Area, NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync((int)item.Kind, NpgsqlDbType.Integer, cancellationToken);
                await writer.WriteAsync($"bench/{o.Id}", NpgsqlDbType.Text, cancellationToken);
                if (item.Kind == ReviewKind.Assessment)
                    await writer.WriteAsync((int)RiskInstrument.LsCmi, NpgsqlDbType.Integer, cancellationToken);
                else
                    await writer.WriteNullAsync(cancellationToken);
                await writer.WriteAsync(o.Policy.LeadTimeDays, NpgsqlDbType.Integer, cancellationToken);
                await writer.WriteAsync(o.Policy.ReminderCadenceDays, NpgsqlDbType.Integer, cancellationToken);
                await writer.WriteAsync((int)o.State, NpgsqlDbType.Integer, cancellationToken);
                await writer.WriteAsync(o.DueDate.DayNumber, NpgsqlDbType.Integer, cancellationToken);
                await writer.WriteAsync(o.RecordedAt.ToUnixTimeMilliseconds(), NpgsqlDbType.Bigint, cancellationToken);
                await WriteNullableAsync(writer, o.ClosedAt?.ToUnixTimeMilliseconds(), cancellationToken);
                await WriteNullableAsync(writer, wakeUp?.ToUnixTimeMilliseconds(), cancellationToken);
                await writer.WriteAsync(o.Revisions.Length + (o.ClosedAt is null ? 0 : 1), NpgsqlDbType.Integer, cancellationToken);
            }
            await writer.CompleteAsync(cancellationToken);
        }

        await using (var writer = await connection.BeginBinaryImportAsync(
            "COPY review_obligation_revisions (obligation_id, number, due_day, effective_from) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var item in batch)
            {
                foreach (var revision in item.Obligation.Revisions)
                {
                    await writer.StartRowAsync(cancellationToken);
                    await writer.WriteAsync(item.Obligation.Id, NpgsqlDbType.Text, cancellationToken);
                    await writer.WriteAsync(revision.Number, NpgsqlDbType.Integer, cancellationToken);
                    await writer.WriteAsync(revision.DueDate.DayNumber, NpgsqlDbType.Integer, cancellationToken);
                    await writer.WriteAsync(revision.EffectiveFrom.ToUnixTimeMilliseconds(), NpgsqlDbType.Bigint, cancellationToken);
                    revisions++;
                }
            }
            await writer.CompleteAsync(cancellationToken);
        }

        // Recorded history, in the order a daily sweep would have recorded it (within each chunk; positions only need to be unique here).
        past.Sort(static (a, b) =>
        {
            int byTime = a.Milestone.FallsDueAt.CompareTo(b.Milestone.FallsDueAt);
            return byTime != 0 ? byTime : string.CompareOrdinal(a.Milestone.Id, b.Milestone.Id);
        });
        await using (var writer = await connection.BeginBinaryImportAsync(
            "COPY review_milestones (position, milestone_id, obligation_id, subject_id, area, kind, review_kind, due_day, planned_day, "
            + "falls_due_at, recorded_at, event_id) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            long position = positionBefore;
            foreach (var (item, milestone) in past)
            {
                await writer.StartRowAsync(cancellationToken);
                await writer.WriteAsync(++position, NpgsqlDbType.Bigint, cancellationToken);
                await writer.WriteAsync(milestone.Id, NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(item.Obligation.Id, NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(item.SubjectId, NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(item.Obligation.Area, NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync((int)milestone.Kind, NpgsqlDbType.Integer, cancellationToken);
                await writer.WriteAsync((int)item.Kind, NpgsqlDbType.Integer, cancellationToken);
                await writer.WriteAsync(milestone.DueDate.DayNumber, NpgsqlDbType.Integer, cancellationToken);
                if (milestone.PlannedDate is { } planned)
                    await writer.WriteAsync(planned.DayNumber, NpgsqlDbType.Integer, cancellationToken);
                else
                    await writer.WriteNullAsync(cancellationToken);
                await writer.WriteAsync(milestone.FallsDueAt.ToUnixTimeMilliseconds(), NpgsqlDbType.Bigint, cancellationToken);
                // Recorded by the daily sweep after it fell due (or at once, for a late announcement).
                var recordedAt = milestone.FallsDueAt.AddMinutes(1);
                await writer.WriteAsync(recordedAt.ToUnixTimeMilliseconds(), NpgsqlDbType.Bigint, cancellationToken);
                await writer.WriteAsync(MilestoneEvents.EventIdFor(milestone.Id).ToString(), NpgsqlDbType.Text, cancellationToken);
                history++;
            }
            await writer.CompleteAsync(cancellationToken);
        }
        return (batch.Count, revisions, history, withCursor);
    }

    private static async Task WriteNullableAsync(NpgsqlBinaryImporter writer, long? value, CancellationToken cancellationToken)
    {
        if (value is { } v)
            await writer.WriteAsync(v, NpgsqlDbType.Bigint, cancellationToken);
        else
            await writer.WriteNullAsync(cancellationToken);
    }
}
