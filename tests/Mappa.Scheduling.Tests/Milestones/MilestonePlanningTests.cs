using Mappa.Core.Errors;
using Mappa.Scheduling.Features.Milestones;
using static Mappa.Scheduling.Tests.Milestones.PlanningFixture;

namespace Mappa.Scheduling.Tests.Milestones;

public sealed class MilestonePlanningTests
{
    private static ReviewObligation Obligation(DateOnly due, string area = NoLocalHolidays, MilestonePolicy? policy = null, DateTimeOffset? recordedAt = null) =>
        ReviewObligation.Open("obl-1", area, due, policy ?? MilestonePolicy.Default, recordedAt ?? Utc(2020, 1, 1));

    private static List<(MilestoneKind Kind, int Sequence, DateOnly? Date)> Plan(ReviewObligation obligation, int take) =>
        [.. Planner.Plan(obligation).Take(take).Select(m => (m.Kind, m.Sequence, m.PlannedDate))];

    [Fact]
    public void A_review_due_on_Good_Friday_after_an_early_Easter_is_overdue_on_Easter_Monday()
    {
        var plan = Plan(Obligation(D(2024, 3, 29)), take: 5);

        Assert.Equal(
        [
            (MilestoneKind.DueSoon, 0, D(2024, 3, 15)),
            (MilestoneKind.Due, 0, D(2024, 3, 29)),
            (MilestoneKind.Overdue, 0, D(2024, 4, 1)),
            (MilestoneKind.Reminder, 1, D(2024, 4, 8)),
            (MilestoneKind.Reminder, 2, D(2024, 4, 15)),
        ], plan);
    }

    [Fact]
    public void Where_Easter_Monday_is_a_local_holiday_overdue_waits_for_Tuesday()
    {
        var plan = Plan(Obligation(D(2024, 3, 29), Glasgow), take: 4);

        Assert.Equal((MilestoneKind.Overdue, 0, D(2024, 4, 2)), plan[2]);
        Assert.Equal((MilestoneKind.Reminder, 1, D(2024, 4, 9)), plan[3]);
    }

    [Fact]
    public void Milestones_fall_due_at_seven_in_the_morning_UK_time_in_winter_and_summer()
    {
        var milestones = Planner.Plan(Obligation(D(2024, 3, 29))).Take(3).ToList();

        Assert.Equal(Utc(2024, 3, 15, 7), milestones[0].FallsDueAt);   // GMT
        Assert.Equal(Utc(2024, 4, 1, 6), milestones[2].FallsDueAt);    // BST began on 31 March
    }

    [Fact]
    public void Due_soon_is_moved_back_to_a_working_day_so_it_is_never_late()
    {
        // Due Monday 9 December 2024 with a 7-day lead: Monday 2 December is St Andrew's Day's substitute, so Friday 29 November.
        var plan = Plan(Obligation(D(2024, 12, 9), policy: new MilestonePolicy(7, 7)), take: 1);

        Assert.Equal((MilestoneKind.DueSoon, 0, D(2024, 11, 29)), plan[0]);
    }

    [Fact]
    public void Overdue_after_Christmas_Eve_waits_for_the_first_working_day_after_the_holidays()
    {
        // 2026: Christmas Friday, Boxing Day Saturday (substitute Monday 28th); 2027: New Year Friday, 2 January Saturday (Monday 4th).
        var plan = Plan(Obligation(D(2026, 12, 24)), take: 4);

        Assert.Equal((MilestoneKind.Overdue, 0, D(2026, 12, 29)), plan[2]);
        Assert.Equal((MilestoneKind.Reminder, 1, D(2027, 1, 5)), plan[3]);
    }

    [Fact]
    public void A_due_date_at_a_weekend_is_announced_that_day_and_overdue_on_Monday()
    {
        var plan = Plan(Obligation(D(2025, 6, 14)), take: 3);   // Saturday

        Assert.Equal((MilestoneKind.Due, 0, D(2025, 6, 14)), plan[1]);
        Assert.Equal((MilestoneKind.Overdue, 0, D(2025, 6, 16)), plan[2]);
    }

    [Fact]
    public void Daily_reminders_over_the_holidays_land_once_on_each_working_day()
    {
        // Overdue Monday 23 December 2024, reminding daily: cadence points on holidays and weekends roll forward and merge.
        var plan = Plan(Obligation(D(2024, 12, 20), policy: new MilestonePolicy(0, 1)), take: 8);

        Assert.Equal(
        [
            (MilestoneKind.Due, 0, D(2024, 12, 20)),
            (MilestoneKind.Overdue, 0, D(2024, 12, 23)),
            (MilestoneKind.Reminder, 1, D(2024, 12, 24)),
            (MilestoneKind.Reminder, 2, D(2024, 12, 27)),
            (MilestoneKind.Reminder, 5, D(2024, 12, 30)),
            (MilestoneKind.Reminder, 8, D(2024, 12, 31)),
            (MilestoneKind.Reminder, 9, D(2025, 1, 3)),
            (MilestoneKind.Reminder, 12, D(2025, 1, 6)),
        ], plan);
    }

    [Fact]
    public void A_zero_lead_time_sends_no_due_soon_notice()
    {
        Assert.Equal(MilestoneKind.Due, Planner.Plan(Obligation(D(2025, 6, 10), policy: new MilestonePolicy(0, 7))).First().Kind);
    }

    [Fact]
    public void Milestone_ids_name_the_obligation_revision_kind_and_sequence()
    {
        var ids = Planner.Plan(Obligation(D(2024, 3, 29))).Take(5).Select(m => m.Id);

        Assert.Equal(["obl-1:r1:due-soon:0", "obl-1:r1:due:0", "obl-1:r1:overdue:0", "obl-1:r1:reminder:1", "obl-1:r1:reminder:2"], ids);
    }

    [Fact]
    public void Completing_stops_reminders_and_announces_completion_when_recorded()
    {
        var completedAt = Utc(2024, 4, 10, 14, 30);
        var obligation = Obligation(D(2024, 3, 29)).Complete(completedAt);

        var plan = Planner.Plan(obligation).ToList();   // finite once closed

        Assert.Equal([MilestoneKind.DueSoon, MilestoneKind.Due, MilestoneKind.Overdue, MilestoneKind.Reminder, MilestoneKind.Completed],
            plan.Select(m => m.Kind));
        Assert.Equal(completedAt, plan[^1].FallsDueAt);
        Assert.Equal("obl-1:r1:completed:0", plan[^1].Id);
    }

    [Fact]
    public void Completing_before_the_due_date_leaves_nothing_after_it()
    {
        var obligation = Obligation(D(2024, 3, 29)).Complete(Utc(2024, 3, 20, 9));

        Assert.Equal([MilestoneKind.DueSoon, MilestoneKind.Completed], Planner.Plan(obligation).Select(m => m.Kind));
    }

    [Fact]
    public void Cancelling_stops_reminders_and_announces_cancellation()
    {
        var obligation = Obligation(D(2024, 3, 29)).Cancel(Utc(2024, 4, 3, 12));

        Assert.Equal([MilestoneKind.DueSoon, MilestoneKind.Due, MilestoneKind.Overdue, MilestoneKind.Cancelled],
            Planner.Plan(obligation).Select(m => m.Kind));
    }

    [Fact]
    public void A_closed_obligation_cannot_be_changed_again()
    {
        var completed = Obligation(D(2024, 3, 29)).Complete(Utc(2024, 3, 20));

        var error = Assert.Throws<PreconditionFailedException>(() => completed.Reschedule(D(2024, 5, 1), Utc(2024, 3, 21)));
        Assert.Equal("OBLIGATION_CLOSED", error.Reason);
        Assert.Throws<PreconditionFailedException>(() => completed.Cancel(Utc(2024, 3, 21)));
    }

    [Fact]
    public void An_obligation_recorded_inside_its_lead_time_announces_due_soon_at_once()
    {
        var recordedAt = Utc(2024, 3, 20, 15, 5);
        var plan = Planner.Plan(Obligation(D(2024, 3, 29), recordedAt: recordedAt)).Take(3).ToList();

        Assert.Equal((MilestoneKind.DueSoon, recordedAt, true), (plan[0].Kind, plan[0].FallsDueAt, plan[0].AnnouncedLate));
        Assert.Equal((MilestoneKind.Due, Morning(2024, 3, 29), false), (plan[1].Kind, plan[1].FallsDueAt, plan[1].AnnouncedLate));
    }

    [Fact]
    public void An_obligation_recorded_long_overdue_announces_overdue_once_then_keeps_the_reminder_cadence()
    {
        // Due Friday 5 January 2024, overdue from Monday 8 January; recorded on 1 March, eight weeks on.
        var recordedAt = Utc(2024, 3, 1, 10);
        var plan = Planner.Plan(Obligation(D(2024, 1, 5), recordedAt: recordedAt)).Take(3).ToList();

        Assert.Equal((MilestoneKind.Overdue, 0, recordedAt, true), (plan[0].Kind, plan[0].Sequence, plan[0].FallsDueAt, plan[0].AnnouncedLate));
        Assert.Equal((MilestoneKind.Reminder, 8, Morning(2024, 3, 4)), (plan[1].Kind, plan[1].Sequence, plan[1].FallsDueAt));
        Assert.Equal((MilestoneKind.Reminder, 9, Morning(2024, 3, 11)), (plan[2].Kind, plan[2].Sequence, plan[2].FallsDueAt));
    }

    [Fact]
    public void A_later_due_date_re_plans_from_the_moment_of_the_change()
    {
        // Due-soon for 29 March was sent on 15 March; on 20 March the review is put back to 30 April.
        var changedAt = Utc(2024, 3, 20, 11);
        var obligation = Obligation(D(2024, 3, 29)).Reschedule(D(2024, 4, 30), changedAt);

        var plan = Planner.Plan(obligation).Take(4).Select(m => (m.Id, m.PlannedDate)).ToList();

        Assert.Equal(
        [
            ("obl-1:r1:due-soon:0", D(2024, 3, 15)),   // already past when the date changed: kept as history
            ("obl-1:r2:due-soon:0", D(2024, 4, 16)),
            ("obl-1:r2:due:0", D(2024, 4, 30)),
            ("obl-1:r2:overdue:0", D(2024, 5, 1)),
        ], plan);
    }

    [Fact]
    public void An_earlier_due_date_already_passed_announces_overdue_at_the_change()
    {
        var changedAt = Utc(2024, 3, 20, 11);
        var obligation = Obligation(D(2024, 3, 29)).Reschedule(D(2024, 3, 18), changedAt);

        var afterChange = Planner.After(obligation, changedAt.AddTicks(-1)).Take(2).ToList();

        Assert.Equal(("obl-1:r2:overdue:0", changedAt, true), (afterChange[0].Id, afterChange[0].FallsDueAt, afterChange[0].AnnouncedLate));
        Assert.Equal(("obl-1:r2:reminder:1", Morning(2024, 3, 26)), (afterChange[1].Id, afterChange[1].FallsDueAt));
    }

    [Fact]
    public void Rescheduling_to_the_same_date_changes_nothing()
    {
        var obligation = Obligation(D(2024, 3, 29));

        Assert.Same(obligation, obligation.Reschedule(D(2024, 3, 29), Utc(2024, 3, 1)));
    }

    [Fact]
    public void Changes_cannot_be_recorded_before_the_last_one()
    {
        var obligation = Obligation(D(2024, 3, 29), recordedAt: Utc(2024, 3, 1));

        Assert.Throws<ArgumentOutOfRangeException>(() => obligation.Complete(Utc(2024, 2, 28)));
    }

    [Fact]
    public void Between_returns_only_the_milestones_in_the_half_open_period()
    {
        var obligation = Obligation(D(2024, 3, 29));

        var found = Planner.Between(obligation, Morning(2024, 3, 15), Morning(2024, 4, 1));

        Assert.Equal([MilestoneKind.Due, MilestoneKind.Overdue], found.Select(m => m.Kind));   // due-soon is at the excluded start
    }

    [Fact]
    public void Far_future_windows_find_the_same_reminders_as_walking_from_the_start()
    {
        // The planner jumps near the first reminder needed; compare with the full walk.
        var obligation = Obligation(D(2024, 12, 20), policy: new MilestonePolicy(0, 3));
        var from = Utc(2026, 12, 20);
        var to = Utc(2027, 1, 20);

        var walked = Planner.Plan(obligation).SkipWhile(m => m.FallsDueAt <= from).TakeWhile(m => m.FallsDueAt <= to).ToList();
        var jumped = Planner.Between(obligation, from, to);

        Assert.NotEmpty(jumped);
        Assert.Equal(walked, jumped);
    }

    [Fact]
    public void Every_planned_milestone_after_the_due_date_is_on_a_working_day()
    {
        foreach (var due in Enumerable.Range(0, 400).Select(i => D(2025, 11, 1).AddDays(i)))
        {
            foreach (var milestone in Planner.Plan(Obligation(due, Glasgow, new MilestonePolicy(10, 2))).Take(12))
            {
                if (milestone.Kind != MilestoneKind.Due)
                    Assert.True(Calendar.IsWorkingDay(milestone.PlannedDate!.Value, Glasgow), $"{milestone.Id} on {milestone.PlannedDate}");
            }
        }
    }

    [Fact]
    public void Planning_for_an_unconfigured_area_is_refused()
    {
        Assert.Throws<Mappa.Core.WorkingDays.UnknownAreaException>(() => Planner.Plan(Obligation(D(2024, 3, 29), "atlantis")).First());
    }

    [Fact]
    public void A_stored_obligation_restores_to_the_same_plan()
    {
        var original = Obligation(D(2024, 3, 29)).Reschedule(D(2024, 4, 30), Utc(2024, 3, 20)).Complete(Utc(2024, 5, 2, 9));

        var restored = ReviewObligation.Restore(original.Id, original.Area, original.Policy, original.Revisions.Reverse(), original.State, original.ClosedAt);

        Assert.Equal(Planner.Plan(original), Planner.Plan(restored));
        Assert.Throws<ArgumentException>(() =>
            ReviewObligation.Restore("x", NoLocalHolidays, MilestonePolicy.Default, original.Revisions, ObligationState.Open, original.ClosedAt));
    }
}
