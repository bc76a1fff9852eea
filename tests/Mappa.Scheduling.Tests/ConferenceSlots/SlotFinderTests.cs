using Mappa.Core.Errors;
using Mappa.Scheduling.Features.ConferenceSlots;
using static Mappa.Scheduling.Tests.Milestones.PlanningFixture;

namespace Mappa.Scheduling.Tests.ConferenceSlots;

public sealed class SlotFinderTests
{
    private static readonly SlotFinder Finder = new(Calendar);
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    /// <summary>Local UK time as an instant.</summary>
    private static DateTimeOffset Uk(int year, int month, int day, int hour, int minute = 0)
    {
        var local = new DateTime(year, month, day, hour, minute, 0, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, London.GetUtcOffset(local)).ToUniversalTime();
    }

    private static TimeRange Range(DateTimeOffset start, DateTimeOffset end) => new(start, end);

    private static SlotSearchRequest Request(TimeRange window, TimeSpan? length = null, string area = NoLocalHolidays) => new()
    {
        Area = area,
        Window = window,
        MeetingLength = length ?? TimeSpan.FromMinutes(90),
    };

    // Monday 2 June to Friday 6 June 2025, a week without holidays.
    private static readonly TimeRange JuneWeek = Range(Uk(2025, 6, 2, 0), Uk(2025, 6, 7, 0));

    [Fact]
    public void With_everyone_free_the_earliest_slots_of_the_first_day_are_proposed()
    {
        var result = Finder.Find(Request(JuneWeek) with { InvitedAgencies = ["housing"] });

        Assert.True(result.Found);
        Assert.Null(result.Reason);
        Assert.Equal(
            [Uk(2025, 6, 2, 9), Uk(2025, 6, 2, 10, 30), Uk(2025, 6, 2, 12), Uk(2025, 6, 2, 13, 30), Uk(2025, 6, 2, 15)],
            result.Proposals.Select(p => p.Period.Start));
        Assert.All(result.Proposals, p => Assert.Equal(["housing"], p.InvitedAvailable));
    }

    [Fact]
    public void A_responsible_authority_that_is_busy_rules_the_time_out()
    {
        var result = Finder.Find(Request(JuneWeek) with
        {
            Unavailability = [new AgencyUnavailability(ResponsibleAuthorities.Police, Range(Uk(2025, 6, 2, 0), Uk(2025, 6, 3, 10)))],
        });

        Assert.Equal(Uk(2025, 6, 3, 10), result.Proposals[0].Period.Start);
    }

    [Fact]
    public void A_required_extra_agency_is_a_must_like_the_responsible_authorities()
    {
        var result = Finder.Find(Request(JuneWeek) with
        {
            RequiredAgencies = ["child-protection"],
            Unavailability = [new AgencyUnavailability("child-protection", Range(Uk(2025, 6, 2, 0), Uk(2025, 6, 4, 0)))],
        });

        Assert.Equal(Uk(2025, 6, 4, 9), result.Proposals[0].Period.Start);
        Assert.All(result.Proposals, p => Assert.Empty(p.InvitedAvailable));
    }

    [Fact]
    public void Slots_are_ranked_by_invited_attendance_but_the_earliest_slot_is_still_offered()
    {
        // Housing is away on Monday and Tuesday; youth justice is free all week.
        var result = Finder.Find(Request(JuneWeek) with
        {
            InvitedAgencies = ["housing", "youth-justice"],
            Unavailability = [new AgencyUnavailability("housing", Range(Uk(2025, 6, 2, 0), Uk(2025, 6, 4, 0)))],
            MaxProposals = 3,
        });

        Assert.Equal(
        [
            (Uk(2025, 6, 4, 9), 2),
            (Uk(2025, 6, 4, 10, 30), 2),
            (Uk(2025, 6, 2, 9), 1),   // earlier, with one invited agency missing: the coordinator may prefer it
        ], result.Proposals.Select(p => (p.Period.Start, p.InvitedAvailable.Count)));
        Assert.Equal(["housing"], result.Proposals[2].InvitedUnavailable);
    }

    [Fact]
    public void Booked_conferences_block_the_coordinator_and_their_agencies()
    {
        var result = Finder.Find(Request(JuneWeek) with
        {
            InvitedAgencies = ["housing"],
            Booked =
            [
                new BookedConference(Range(Uk(2025, 6, 2, 9), Uk(2025, 6, 2, 16)), [ResponsibleAuthorities.Police]),
                // Another area's meeting that housing attends on Tuesday morning: the coordinator is not needed there.
                new BookedConference(Range(Uk(2025, 6, 3, 9), Uk(2025, 6, 3, 12)), ["housing"], RunBySameCoordinator: false),
            ],
            MaxProposals = 3,
        });

        // Monday is gone (16:00 to 17:00 is too short); Tuesday morning is possible without housing.
        Assert.Equal([(Uk(2025, 6, 3, 12), 1), (Uk(2025, 6, 3, 13, 30), 1), (Uk(2025, 6, 3, 9), 0)],
            result.Proposals.Select(p => (p.Period.Start, p.InvitedAvailable.Count)));
    }

    [Fact]
    public void Weekends_national_and_local_holidays_are_skipped()
    {
        // Easter 2025: Good Friday 18 April nationally; Easter Monday 21 April is a Glasgow local holiday only.
        var window = Range(Uk(2025, 4, 17, 17), Uk(2025, 4, 23, 0));

        Assert.Equal(Uk(2025, 4, 21, 9), Finder.Find(Request(window)).Proposals[0].Period.Start);
        Assert.Equal(Uk(2025, 4, 22, 9), Finder.Find(Request(window, area: Glasgow)).Proposals[0].Period.Start);
    }

    [Fact]
    public void A_window_starting_mid_morning_starts_on_the_next_quarter_hour()
    {
        var result = Finder.Find(Request(Range(Uk(2025, 6, 2, 11, 7), Uk(2025, 6, 3, 0))));

        Assert.Equal(Uk(2025, 6, 2, 11, 15), result.Proposals[0].Period.Start);
        Assert.All(result.Proposals, p => Assert.True(p.Period.End <= Uk(2025, 6, 2, 17)));
    }

    [Fact]
    public void Working_hours_follow_UK_local_time_across_the_clock_change()
    {
        // Friday 28 March 2025 is GMT; Monday 31 March is BST.
        var result = Finder.Find(Request(Range(Uk(2025, 3, 28, 16), Uk(2025, 4, 1, 0))) with
        {
            Unavailability = [new AgencyUnavailability(ResponsibleAuthorities.Health, Range(Uk(2025, 3, 28, 0), Uk(2025, 3, 29, 0)))],
        });

        Assert.Equal(new DateTimeOffset(2025, 3, 31, 8, 0, 0, TimeSpan.Zero), result.Proposals[0].Period.Start);
    }

    [Fact]
    public void Proposals_never_overlap_one_another()
    {
        var result = Finder.Find(Request(JuneWeek) with { MaxProposals = 20, InvitedAgencies = ["housing"] });

        Assert.Equal(20, result.Proposals.Count);
        for (int i = 0; i < result.Proposals.Count; i++)
            for (int j = i + 1; j < result.Proposals.Count; j++)
                Assert.False(result.Proposals[i].Period.Overlaps(result.Proposals[j].Period));
    }

    [Fact]
    public void A_weekend_window_answers_no_working_time()
    {
        var result = Finder.Find(Request(Range(Uk(2025, 6, 7, 0), Uk(2025, 6, 9, 0))));

        Assert.False(result.Found);
        Assert.Equal(NoSlotReason.NoWorkingTimeInWindow, result.Reason);
        Assert.False(string.IsNullOrWhiteSpace(result.Explanation));
    }

    [Fact]
    public void A_meeting_longer_than_the_working_day_answers_that_it_does_not_fit()
    {
        var result = Finder.Find(Request(JuneWeek, TimeSpan.FromHours(9)));

        Assert.Equal(NoSlotReason.MeetingDoesNotFitWorkingHours, result.Reason);
    }

    [Fact]
    public void A_fully_booked_coordinator_is_named_as_the_reason()
    {
        var result = Finder.Find(Request(JuneWeek) with { CoordinatorUnavailability = [JuneWeek] });

        Assert.Equal(NoSlotReason.CoordinatorUnavailable, result.Reason);
    }

    [Fact]
    public void An_agency_away_all_window_is_named_as_blocking()
    {
        var result = Finder.Find(Request(JuneWeek) with
        {
            Unavailability = [new AgencyUnavailability(ResponsibleAuthorities.PrisonService, JuneWeek)],
        });

        Assert.False(result.Found);
        Assert.Equal(NoSlotReason.RequiredAgenciesNeverFreeTogether, result.Reason);
        Assert.Equal([ResponsibleAuthorities.PrisonService], result.BlockingAgencies);
        Assert.Contains(ResponsibleAuthorities.PrisonService, result.Explanation);
    }

    [Fact]
    public void Agencies_free_only_at_different_times_answer_never_free_together()
    {
        // Police are free only in the mornings, health only in the afternoons.
        var mornings = Enumerable.Range(2, 5).Select(d => new AgencyUnavailability(ResponsibleAuthorities.Health, Range(Uk(2025, 6, d, 9), Uk(2025, 6, d, 13))));
        var afternoons = Enumerable.Range(2, 5).Select(d => new AgencyUnavailability(ResponsibleAuthorities.Police, Range(Uk(2025, 6, d, 12), Uk(2025, 6, d, 17))));

        var result = Finder.Find(Request(JuneWeek) with { Unavailability = [.. mornings, .. afternoons] });

        Assert.Equal(NoSlotReason.RequiredAgenciesNeverFreeTogether, result.Reason);
        Assert.Empty(result.BlockingAgencies);
    }

    [Fact]
    public void Invalid_requests_are_refused_with_each_problem_named()
    {
        var error = Assert.Throws<ValidationFailedException>(() => Finder.Find(Request(Range(Uk(2025, 6, 3, 0), Uk(2025, 6, 2, 0)), TimeSpan.Zero) with
        {
            MaxProposals = 0,
        }));

        Assert.Equal(["window", "meeting_length", "max_proposals"], error.Violations.Select(v => v.Field));
    }

    [Fact]
    public void An_unconfigured_area_is_refused()
    {
        var error = Assert.Throws<ValidationFailedException>(() => Finder.Find(Request(JuneWeek, area: "atlantis")));
        Assert.Equal("area", Assert.Single(error.Violations).Field);
    }

    [Fact]
    public void Twenty_agencies_over_ninety_days_give_the_same_feasible_slots_as_a_brute_force_check()
    {
        var random = new Random(42);
        string[] invited = [.. Enumerable.Range(1, 16).Select(i => $"agency-{i}")];
        string[] everyone = [.. ResponsibleAuthorities.All, .. invited];
        var windowStart = Uk(2025, 9, 1, 0);
        var window = Range(windowStart, windowStart.AddDays(90));

        var unavailability = new List<AgencyUnavailability>();
        foreach (var agency in everyone)
        {
            for (int i = 0; i < 40; i++)
            {
                var start = windowStart.AddMinutes(15 * random.Next(0, 90 * 96));
                unavailability.Add(new AgencyUnavailability(agency, Range(start, start.AddMinutes(15 * random.Next(1, 40)))));
            }
        }
        var booked = Enumerable.Range(0, 30).Select(_ =>
        {
            var start = windowStart.AddMinutes(15 * random.Next(0, 90 * 96));
            return new BookedConference(Range(start, start.AddHours(2)), [everyone[random.Next(everyone.Length)]], random.Next(2) == 0);
        }).ToList();

        var request = Request(window, area: Glasgow) with
        {
            InvitedAgencies = invited,
            Unavailability = unavailability,
            Booked = booked,
        };

        var fast = Finder.FeasibleSlots(request);
        var slow = BruteForce(request, invited);

        Assert.True(fast.Count > 100, $"the scenario should leave plenty of slots, got {fast.Count}");
        Assert.Contains(fast, s => s.InvitedAvailableCount < invited.Length);
        Assert.Equal(slow, fast);

        var best = Finder.Find(request);
        Assert.Equal(fast.Max(s => s.InvitedAvailableCount), best.Proposals[0].InvitedAvailable.Count);
        Assert.Contains(best.Proposals, p => p.Period == fast[0].Period);   // the earliest possible slot is offered
    }

    // The obvious way: every quarter-hour start of every working day, every participant checked against every entry.
    private static List<FeasibleSlot> BruteForce(SlotSearchRequest request, string[] invited)
    {
        var result = new List<FeasibleSlot>();
        var firstDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(request.Window.Start, London).DateTime);
        var lastDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(request.Window.End, London).DateTime);
        for (var day = firstDay; day <= lastDay; day = day.AddDays(1))
        {
            if (!Calendar.IsWorkingDay(day, request.Area))
                continue;
            for (var start = Uk(day.Year, day.Month, day.Day, 9); start + request.MeetingLength <= Uk(day.Year, day.Month, day.Day, 17); start = start.AddMinutes(15))
            {
                var slot = Range(start, start + request.MeetingLength);
                if (slot.Start < request.Window.Start || slot.End > request.Window.End)
                    continue;
                bool Free(string agency) =>
                    !request.Unavailability.Any(u => u.Agency == agency && u.Period.Overlaps(slot))
                    && !request.Booked.Any(b => b.Agencies.Contains(agency) && b.Period.Overlaps(slot));
                bool coordinatorFree = !request.Booked.Any(b => b.RunBySameCoordinator && b.Period.Overlaps(slot));
                if (coordinatorFree && ResponsibleAuthorities.All.All(Free))
                    result.Add(new FeasibleSlot(slot, invited.Count(Free)));
            }
        }
        return result;
    }
}
