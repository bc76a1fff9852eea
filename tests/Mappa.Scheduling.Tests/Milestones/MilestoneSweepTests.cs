using Mappa.Core.Time;
using Mappa.Scheduling.Features.Milestones;
using static Mappa.Scheduling.Tests.Milestones.PlanningFixture;

namespace Mappa.Scheduling.Tests.Milestones;

public sealed class MilestoneSweepTests
{
    private static readonly MilestoneSweep Sweep = new(Planner);

    /// <summary>
    /// What a store does with the pure pieces: obligations with their cursors, an outbox with a unique index on the
    /// milestone id, and a sweep that writes outbox rows and cursors "in one transaction" (or loses the cursors, to
    /// stand in for a crash after the outbox commit).
    /// </summary>
    private sealed class InMemoryStore(TimeProvider clock)
    {
        private readonly Dictionary<string, (ReviewObligation Obligation, DateTimeOffset? WakeUpAt)> _rows = [];

        public List<Milestone> Published { get; } = [];
        public int DuplicatesRejected { get; private set; }
        private readonly HashSet<string> _outboxIds = [];

        public void Save(ReviewObligation obligation)
        {
            var previous = _rows.TryGetValue(obligation.Id, out var row) ? row.WakeUpAt : null;
            _rows[obligation.Id] = (obligation, Planner.WakeUpAfterChange(obligation, previous));
        }

        public ReviewObligation Get(string id) => _rows[id].Obligation;

        public DateTimeOffset? WakeUpOf(string id) => _rows[id].WakeUpAt;

        public SweepResult RunSweep(bool crashBeforeCursorsSaved = false)
        {
            var now = clock.GetUtcNow();
            var due = _rows.Values.Where(r => r.WakeUpAt <= now).Select(r => new SweepCandidate(r.Obligation, r.WakeUpAt!.Value)).ToList();
            var result = Sweep.Run(due, now);
            foreach (var milestone in result.Milestones)
            {
                if (_outboxIds.Add(milestone.Id))
                    Published.Add(milestone);
                else
                    DuplicatesRejected++;
            }
            if (!crashBeforeCursorsSaved)
            {
                foreach (var wakeUp in result.WakeUps)
                    _rows[wakeUp.ObligationId] = (_rows[wakeUp.ObligationId].Obligation, wakeUp.NextMilestoneAt);
            }
            return result;
        }
    }

    [Fact]
    public void A_sweep_returns_what_fell_due_since_the_cursor_and_moves_it_on()
    {
        var clock = new SimulatedClock(Utc(2024, 3, 1, 9));
        var store = new InMemoryStore(clock);
        store.Save(ReviewObligation.Open("obl-1", NoLocalHolidays, D(2024, 3, 29), MilestonePolicy.Default, clock.GetUtcNow()));
        Assert.Equal(Morning(2024, 3, 15), store.WakeUpOf("obl-1"));

        clock.SetUtcNow(Utc(2024, 3, 29, 12));
        var result = store.RunSweep();

        Assert.Equal(["obl-1:r1:due-soon:0", "obl-1:r1:due:0"], result.Milestones.Select(m => m.Id));
        Assert.Equal(Morning(2024, 4, 1), store.WakeUpOf("obl-1"));
    }

    [Fact]
    public void After_downtime_the_first_sweep_catches_up_on_everything_once()
    {
        var clock = new SimulatedClock(Utc(2024, 3, 1, 9));
        var store = new InMemoryStore(clock);
        store.Save(ReviewObligation.Open("obl-1", NoLocalHolidays, D(2024, 3, 29), MilestonePolicy.Default, clock.GetUtcNow()));
        store.RunSweep();

        clock.Advance(TimeSpan.FromDays(40));   // down from 1 March to 10 April
        store.RunSweep();
        store.RunSweep();

        Assert.Equal(["obl-1:r1:due-soon:0", "obl-1:r1:due:0", "obl-1:r1:overdue:0", "obl-1:r1:reminder:1"], store.Published.Select(m => m.Id));
        Assert.Equal(0, store.DuplicatesRejected);
    }

    [Fact]
    public void A_crash_after_the_outbox_write_publishes_nothing_twice()
    {
        var clock = new SimulatedClock(Utc(2024, 3, 29, 6, 59));
        var store = new InMemoryStore(clock);
        store.Save(ReviewObligation.Open("obl-1", NoLocalHolidays, D(2024, 3, 29), MilestonePolicy.Default, Utc(2024, 3, 1)));
        store.RunSweep();   // due-soon
        clock.Advance(TimeSpan.FromMinutes(1));   // 07:00 on the due date

        store.RunSweep(crashBeforeCursorsSaved: true);
        store.RunSweep();   // after the "restart", the same milestone is computed again with the same id

        Assert.Equal(1, store.DuplicatesRejected);
        Assert.Single(store.Published, m => m.Kind == MilestoneKind.Due);
    }

    [Fact]
    public void An_obligation_recorded_at_the_instant_of_a_sweep_is_still_announced()
    {
        // With a simulated clock nothing moves between a sweep and the next change, so they share an instant.
        var clock = new SimulatedClock(Utc(2024, 3, 20, 9));
        var store = new InMemoryStore(clock);
        store.RunSweep();

        store.Save(ReviewObligation.Open("obl-1", NoLocalHolidays, D(2024, 3, 29), MilestonePolicy.Default, clock.GetUtcNow()));
        store.RunSweep();

        var announced = Assert.Single(store.Published);
        Assert.Equal((MilestoneKind.DueSoon, true), (announced.Kind, announced.AnnouncedLate));
    }

    [Fact]
    public void Obligations_whose_cursor_is_in_the_future_are_left_alone()
    {
        var obligation = ReviewObligation.Open("obl-1", NoLocalHolidays, D(2024, 3, 29), MilestonePolicy.Default, Utc(2024, 1, 1));

        var result = Sweep.Run([new SweepCandidate(obligation, Morning(2024, 3, 15))], Utc(2024, 3, 14));

        Assert.Empty(result.Milestones);
        Assert.Empty(result.WakeUps);
    }

    [Fact]
    public void A_closed_obligation_has_no_wake_up_after_its_closing_milestone()
    {
        var clock = new SimulatedClock(Utc(2024, 4, 3, 10));
        var store = new InMemoryStore(clock);
        store.Save(ReviewObligation.Open("obl-1", NoLocalHolidays, D(2024, 3, 29), MilestonePolicy.Default, Utc(2024, 1, 1)));
        store.RunSweep();

        store.Save(store.Get("obl-1").Complete(clock.GetUtcNow()));
        clock.Advance(TimeSpan.FromMinutes(5));
        store.RunSweep();

        Assert.Equal(MilestoneKind.Completed, store.Published[^1].Kind);
        Assert.Null(store.WakeUpOf("obl-1"));
    }

    [Fact]
    public void Hourly_sweeps_with_changes_along_the_way_publish_exactly_the_final_plan()
    {
        // 60 obligations over 120 days, swept every hour; some are re-planned, completed or cancelled on the way
        // (at half past, so never at a sweep instant). The union of all sweeps must equal each obligation's final
        // plan up to the end, with nothing twice.
        var start = Utc(2025, 11, 1, 0);
        var end = start.AddDays(120);
        var clock = new SimulatedClock(start);
        var store = new InMemoryStore(clock);
        var random = new Random(20251101);
        var changes = new List<(DateTimeOffset At, string Id, int Action, int Days)>();
        var areas = new[] { NoLocalHolidays, Glasgow };

        for (int i = 0; i < 60; i++)
        {
            string id = $"obl-{i}";
            var due = D(2025, 11, 1).AddDays(random.Next(-30, 110));
            store.Save(ReviewObligation.Open(id, areas[i % 2], due, new MilestonePolicy(random.Next(0, 21), random.Next(1, 15)), start));
            if (random.Next(3) > 0)
                changes.Add((start.AddHours(random.Next(1, 120 * 24)).AddMinutes(30), id, random.Next(3), random.Next(-40, 40)));
        }
        changes.Sort((a, b) => a.At.CompareTo(b.At));

        int next = 0;
        while (clock.GetUtcNow() < end)
        {
            clock.Advance(TimeSpan.FromMinutes(30));
            while (next < changes.Count && changes[next].At <= clock.GetUtcNow())
            {
                var (at, id, action, days) = changes[next++];
                var obligation = store.Get(id);
                if (obligation.State != ObligationState.Open)
                    continue;
                store.Save(action switch
                {
                    0 => obligation.Reschedule(obligation.DueDate.AddDays(days == 0 ? 1 : days), at),
                    1 => obligation.Complete(at),
                    _ => obligation.Cancel(at),
                });
            }
            clock.Advance(TimeSpan.FromMinutes(30));
            store.RunSweep();
        }

        var expected = Enumerable.Range(0, 60)
            .SelectMany(i => Planner.Plan(store.Get($"obl-{i}")).TakeWhile(m => m.FallsDueAt <= end))
            .OrderBy(m => m.FallsDueAt).ThenBy(m => m.Id, StringComparer.Ordinal)
            .ToList();
        var published = store.Published.OrderBy(m => m.FallsDueAt).ThenBy(m => m.Id, StringComparer.Ordinal).ToList();

        Assert.Equal(0, store.DuplicatesRejected);
        Assert.True(expected.Count > 300, $"the scenario should produce plenty of milestones, got {expected.Count}");
        Assert.Contains(expected, m => m.Revision > 1);
        Assert.Contains(expected, m => m.Kind == MilestoneKind.Cancelled);
        Assert.Equal(expected, published);
    }

    [Fact]
    public void A_simulated_clock_driving_a_timer_loop_publishes_each_due_milestone_as_time_passes()
    {
        // The demo's shape: a periodic timer on the simulated clock runs the sweep; advancing the clock fires it.
        var clock = new SimulatedClock(Utc(2024, 3, 28, 0));
        var store = new InMemoryStore(clock);
        store.Save(ReviewObligation.Open("obl-1", NoLocalHolidays, D(2024, 3, 29), MilestonePolicy.Default, Utc(2024, 3, 1)));
        using var timer = clock.CreateTimer(_ => store.RunSweep(), null, TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(15));

        clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal([MilestoneKind.DueSoon], store.Published.Select(m => m.Kind));   // caught up from 1 March on the first tick

        clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal([MilestoneKind.DueSoon, MilestoneKind.Due], store.Published.Select(m => m.Kind));
        Assert.Equal(Morning(2024, 3, 29), store.Published[^1].FallsDueAt);
    }
}
