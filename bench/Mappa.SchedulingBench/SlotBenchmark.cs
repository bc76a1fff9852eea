using System.Diagnostics;
using Mappa.Core.WorkingDays;
using Mappa.Scheduling.Features.ConferenceSlots;

namespace Mappa.SchedulingBench;

/// <summary>Per-search medians (microseconds) of the slot search and what it is compared with, in the same run.</summary>
public sealed record SlotFigures(int Agencies, int WindowDays, int Candidates, int BusyPeriods, int Feasible, int Searches,
    double FinderUs, double FourAgenciesUs, double NaiveUs, double FinderP90Us, double NaiveP90Us, double AllocatedKbPerSearch);

/// <summary>
/// Slot search for 20 agencies (the four responsible authorities, two more required, fourteen invited) over a 90-day
/// window with a realistic diary: each agency's leave days and half-day court or panel commitments, and the area's
/// booked conferences (about two a working day) attended by the responsible authorities and some others.
/// <para>
/// Baselines, measured interleaved with it: the same search over the four responsible authorities only (the least any
/// search does), and a naive reference that checks every candidate against every busy period of every participant
/// (no merged, sorted timelines). The naive one's feasible slots are compared with the finder's, so the benchmark also
/// checks the finder's answer.
/// </para>
/// </summary>
public static class SlotBenchmark
{
    public const string Area = "glasgow";

    public static SlotFigures Run(int searches, int seed = 7)
    {
        var calendar = new WorkingDayCalendarOptions().ToCalendar();
        var finder = new SlotFinder(calendar, nationalHolidaysForUnconfiguredAreas: true);
        var request = Request(seed);
        var fourOnly = request with { RequiredAgencies = [], InvitedAgencies = [] };

        // The finder's answer, checked against the naive scan.
        var feasible = finder.FeasibleSlots(request);
        var naive = NaiveFeasible(request, calendar);
        if (!feasible.SequenceEqual(naive))
            throw new InvalidOperationException($"The slot finder found {feasible.Count} feasible slots, the naive scan {naive.Count}: they disagree.");
        if (!finder.Find(request).Found)
            throw new InvalidOperationException("The benchmark's diary leaves no slot: make it less busy.");

        var finderTimes = new List<double>(searches);
        var fourTimes = new List<double>(searches);
        var naiveTimes = new List<double>(searches);
        for (int i = 0; i < 20; i++)
        {
            finder.Find(request);
            finder.Find(fourOnly);
            NaiveFeasible(request, calendar);
        }
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < searches; i++)
        {
            finder.Find(request);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        for (int i = 0; i < searches; i++)
        {
            var watch = Stopwatch.StartNew();
            finder.Find(fourOnly);
            fourTimes.Add(watch.Elapsed.TotalMicroseconds);
            watch.Restart();
            NaiveFeasible(request, calendar);
            naiveTimes.Add(watch.Elapsed.TotalMicroseconds);
            watch.Restart();
            finder.Find(request);
            finderTimes.Add(watch.Elapsed.TotalMicroseconds);
        }

        int agencies = ResponsibleAuthorities.All.Count + request.RequiredAgencies.Count + request.InvitedAgencies.Count;
        int busy = request.Unavailability.Count + request.Booked.Count;
        int candidates = Candidates(request, calendar).Count();
        return new SlotFigures(agencies, (int)(request.Window.End - request.Window.Start).TotalDays, candidates, busy, feasible.Count, searches,
            Percentile(finderTimes, 0.5), Percentile(fourTimes, 0.5), Percentile(naiveTimes, 0.5), Percentile(finderTimes, 0.9), Percentile(naiveTimes, 0.9),
            allocated / 1024.0 / searches);
    }

    public static SlotSearchRequest Request(int seed)
    {
        var random = new Random(seed);
        var zone = CoordinatorHours.UkOfficeHours.TimeZone;
        var firstDay = new DateOnly(2027, 3, 1);   // a Monday; the window crosses the clocks going forward and Easter
        var start = Local(firstDay, new TimeOnly(9, 0), zone);
        var end = start.AddDays(90);
        string[] required = ["housing", "criminal-justice-social-work"];
        string[] invited =
        [
            "education", "mental-health", "addictions", "youth-justice", "electronic-monitoring", "victim-notification",
            "immigration", "job-centre", "children-families", "adult-protection", "fire-rescue", "ambulance", "third-sector", "parole-board",
        ];
        var everyone = ResponsibleAuthorities.All.Concat(required).Concat(invited).ToArray();

        var unavailable = new List<AgencyUnavailability>();
        foreach (var agency in everyone)
        {
            // About six days of leave and a dozen half-day commitments (court, another panel) in the quarter.
            for (int i = 0; i < 6; i++)
            {
                var day = firstDay.AddDays(random.Next(0, 90));
                unavailable.Add(new(agency, new TimeRange(Local(day, new TimeOnly(0, 0), zone), Local(day.AddDays(1), new TimeOnly(0, 0), zone))));
            }
            for (int i = 0; i < 12; i++)
            {
                var day = firstDay.AddDays(random.Next(0, 90));
                var morning = random.Next(2) == 0;
                unavailable.Add(new(agency, new TimeRange(Local(day, morning ? new TimeOnly(9, 0) : new TimeOnly(13, 0), zone),
                    Local(day, morning ? new TimeOnly(12, 30) : new TimeOnly(17, 0), zone))));
            }
        }

        var booked = new List<BookedConference>();
        for (var day = firstDay; day < firstDay.AddDays(90); day = day.AddDays(1))
        {
            if (WorkingDayCalendar.IsWeekend(day))
                continue;
            int meetings = random.Next(1, 4);
            for (int m = 0; m < meetings; m++)
            {
                var at = Local(day, new TimeOnly(9 + random.Next(0, 7), random.Next(0, 4) * 15), zone);
                var attending = ResponsibleAuthorities.All.Concat(invited.Concat(required).Where(_ => random.NextDouble() < 0.15)).ToArray();
                booked.Add(new BookedConference(new TimeRange(at, at.AddHours(2)), attending, RunBySameCoordinator: random.NextDouble() < 0.8));
            }
        }

        return new SlotSearchRequest
        {
            Area = Area,
            Window = new TimeRange(start, end),
            MeetingLength = TimeSpan.FromHours(2),
            RequiredAgencies = required,
            InvitedAgencies = invited,
            Unavailability = unavailable,
            Booked = booked,
            MaxProposals = 5,
        };
    }

    /// <summary>The reference: every candidate against every busy period of every participant, nothing merged or sorted.</summary>
    public static List<FeasibleSlot> NaiveFeasible(SlotSearchRequest request, WorkingDayCalendar calendar)
    {
        var comparer = StringComparer.OrdinalIgnoreCase;
        var required = ResponsibleAuthorities.All.Concat(request.RequiredAgencies).Distinct(comparer).ToArray();
        var invited = request.InvitedAgencies.Distinct(comparer).Except(required, comparer).ToArray();
        var coordinatorBusy = request.Booked.Where(b => b.RunBySameCoordinator).Select(b => b.Period).Concat(request.CoordinatorUnavailability).ToArray();

        bool Free(string agency, TimeRange slot)
        {
            foreach (var u in request.Unavailability)
            {
                if (comparer.Equals(u.Agency, agency) && u.Period.End > u.Period.Start && u.Period.Overlaps(slot))
                    return false;
            }
            foreach (var b in request.Booked)
            {
                if (b.Period.End > b.Period.Start && b.Period.Overlaps(slot) && b.Agencies.Contains(agency, comparer))
                    return false;
            }
            return true;
        }

        var feasible = new List<FeasibleSlot>();
        foreach (var slot in Candidates(request, calendar))
        {
            if (coordinatorBusy.Any(p => p.End > p.Start && p.Overlaps(slot)))
                continue;
            if (!required.All(a => Free(a, slot)))
                continue;
            feasible.Add(new FeasibleSlot(slot, invited.Count(a => Free(a, slot))));
        }
        return feasible;
    }

    /// <summary>Every start on the granularity grid within working hours of working days, inside the window.</summary>
    public static IEnumerable<TimeRange> Candidates(SlotSearchRequest request, WorkingDayCalendar calendar)
    {
        var hours = request.Hours;
        var firstDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(request.Window.Start, hours.TimeZone).DateTime);
        var lastDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(request.Window.End, hours.TimeZone).DateTime);
        string? area = calendar.HasArea(request.Area) ? request.Area : null;
        for (var day = firstDay; day <= lastDay; day = day.AddDays(1))
        {
            if (!calendar.IsWorkingDay(day, area))
                continue;
            var dayStart = Local(day, hours.Start, hours.TimeZone);
            var dayEnd = Local(day, hours.End, hours.TimeZone);
            var from = dayStart > request.Window.Start ? dayStart : request.Window.Start;
            var to = dayEnd < request.Window.End ? dayEnd : request.Window.End;
            for (var start = dayStart; start + request.MeetingLength <= to; start += request.Granularity)
            {
                if (start >= from)
                    yield return new TimeRange(start, start + request.MeetingLength);
            }
        }
    }

    private static DateTimeOffset Local(DateOnly day, TimeOnly time, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(time, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
            local = local.AddMinutes(15);
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Floor(p * sorted.Length))];
    }
}
