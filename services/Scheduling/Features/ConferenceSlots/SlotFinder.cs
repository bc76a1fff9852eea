using Mappa.Core.Errors;
using Mappa.Core.WorkingDays;

namespace Mappa.Scheduling.Features.ConferenceSlots;

/// <summary>
/// Proposes times for a MAPPA conference.
/// <para>
/// Required agencies are a hard constraint: the responsible authorities (police, social work, prison service,
/// health) and any agency the coordinator marks required must all be free, with the coordinator. Invited agencies
/// are soft: a slot is better the more of them can come. That split follows practice: a conference goes ahead when
/// an invited agency is absent rather than be delayed (domain brief, inspection report 000 E2), while the
/// responsible authorities share the statutory duty the meeting discharges, so a time without one of them is not a
/// slot at all. Weighting them instead would let "all invited, police absent" outrank a meeting that can decide.
/// </para>
/// <para>
/// Ranking: most invited agencies free first, earlier first among equals. So that the best-attended time does not
/// hide a much earlier one, the proposals always include the earliest slot at each attendance level that no earlier
/// slot matches (from "earliest possible" up to "best attended"); the remaining places go to the next best slots
/// that do not overlap those already chosen.
/// </para>
/// <para>
/// Cost: one pass over the candidate start times (every granularity step of working time in the window) per
/// participant, plus sorting the busy periods: for 20 agencies over 90 days about 60 working days × 29 starts × 21.
/// </para>
/// </summary>
/// <param name="nationalHolidaysForUnconfiguredAreas">As for the milestone planner: true plans an area with no calendar entry on national holidays only.</param>
public sealed class SlotFinder(WorkingDayCalendar calendar, bool nationalHolidaysForUnconfiguredAreas = false)
{
    private const int MaxWindowDays = 366;

    public SlotSearchResult Find(SlotSearchRequest request)
    {
        var search = Prepare(request);
        var feasible = search.Feasible();
        if (feasible.Count == 0)
            return search.NoSlot();

        var chosen = Choose(feasible, request.MaxProposals);
        return new SlotSearchResult([.. chosen.Select(search.Describe)], null, null, []);
    }

    /// <summary>Every feasible slot in time order, with how many invited agencies are free: for "show all times" views.</summary>
    public IReadOnlyList<FeasibleSlot> FeasibleSlots(SlotSearchRequest request) => Prepare(request).Feasible();

    private static List<FeasibleSlot> Choose(List<FeasibleSlot> feasible, int maxProposals)
    {
        // The earliest slot at each attendance level that beats every earlier slot (the earliest/best trade-off).
        var frontier = new List<FeasibleSlot>();
        foreach (var slot in feasible)
        {
            if (frontier.Count == 0 || slot.InvitedAvailableCount > frontier[^1].InvitedAvailableCount)
                frontier.Add(slot);
        }

        // Keep the earliest possible and the best attended if there are more levels than places.
        var chosen = frontier.Count <= maxProposals
            ? frontier
            : [frontier[0], .. frontier.Skip(frontier.Count - (maxProposals - 1))];

        foreach (var slot in feasible.OrderByDescending(s => s.InvitedAvailableCount).ThenBy(s => s.Period.Start))
        {
            if (chosen.Count >= maxProposals)
                break;
            if (!chosen.Any(c => c.Period.Overlaps(slot.Period)))
                chosen.Add(slot);
        }

        return [.. chosen.OrderByDescending(s => s.InvitedAvailableCount).ThenBy(s => s.Period.Start)];
    }

    private Search Prepare(SlotSearchRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        Validate(request);
        if (!calendar.HasArea(request.Area) && !nationalHolidaysForUnconfiguredAreas)
            throw new ValidationFailedException("area", $"Area '{request.Area}' has no working-day calendar configured.");
        return new Search(request, calendar);
    }

    private static void Validate(SlotSearchRequest request)
    {
        var violations = new List<FieldViolation>();
        if (request.Window.End <= request.Window.Start)
            violations.Add(new("window", "The window must end after it starts."));
        else if (request.Window.End - request.Window.Start > TimeSpan.FromDays(MaxWindowDays))
            violations.Add(new("window", $"The window may be at most {MaxWindowDays} days."));
        if (request.MeetingLength <= TimeSpan.Zero)
            violations.Add(new("meeting_length", "Must be positive."));
        if (request.Granularity < TimeSpan.FromMinutes(1))
            violations.Add(new("granularity", "Must be at least one minute."));
        if (request.MaxProposals is < 1 or > 50)
            violations.Add(new("max_proposals", "Must be between 1 and 50."));
        if (request.Hours.End <= request.Hours.Start)
            violations.Add(new("hours", "Working hours must end after they start."));
        if (request.RequiredAgencies.Concat(request.InvitedAgencies).Any(string.IsNullOrWhiteSpace))
            violations.Add(new("agencies", "Agency codes cannot be blank."));
        if (violations.Count > 0)
            throw new ValidationFailedException(violations);
    }

    /// <summary>One search: participants' timelines, the candidate grid, and what was learnt for the no-slot answer.</summary>
    private sealed class Search
    {
        private readonly SlotSearchRequest _request;
        private readonly WorkingDayCalendar _calendar;
        private readonly string[] _required;
        private readonly string[] _invited;
        private readonly BusyTimeline _coordinator;
        private readonly BusyTimeline[] _requiredBusy;
        private readonly BusyTimeline[] _invitedBusy;

        private bool _anyWorkingTime;
        private bool _anyCandidate;
        private bool _coordinatorEverFree;
        private bool[] _requiredEverFree = [];

        public Search(SlotSearchRequest request, WorkingDayCalendar calendar)
        {
            _request = request;
            _calendar = calendar;
            var comparer = StringComparer.OrdinalIgnoreCase;
            _required = [.. ResponsibleAuthorities.All.Concat(request.RequiredAgencies.Select(a => a.Trim())).Distinct(comparer)];
            _invited = [.. request.InvitedAgencies.Select(a => a.Trim()).Distinct(comparer).Except(_required, comparer)];

            var busyByAgency = new Dictionary<string, List<TimeRange>>(comparer);
            foreach (var agency in _required.Concat(_invited))
                busyByAgency[agency] = [];
            foreach (var unavailable in request.Unavailability)
            {
                if (busyByAgency.TryGetValue(unavailable.Agency, out var list))
                    list.Add(unavailable.Period);
            }
            foreach (var booked in request.Booked)
            {
                foreach (var agency in booked.Agencies)
                {
                    if (busyByAgency.TryGetValue(agency, out var list))
                        list.Add(booked.Period);
                }
            }

            _coordinator = new BusyTimeline(request.Booked.Where(b => b.RunBySameCoordinator).Select(b => b.Period).Concat(request.CoordinatorUnavailability));
            _requiredBusy = [.. _required.Select(a => new BusyTimeline(busyByAgency[a]))];
            _invitedBusy = [.. _invited.Select(a => new BusyTimeline(busyByAgency[a]))];
        }

        public List<FeasibleSlot> Feasible()
        {
            _requiredEverFree = new bool[_required.Length];
            var feasible = new List<FeasibleSlot>();
            foreach (var slot in Candidates())
            {
                _anyCandidate = true;
                if (!_coordinator.IsFreeScanning(slot))
                    continue;
                _coordinatorEverFree = true;

                bool allRequiredFree = true;
                for (int i = 0; i < _requiredBusy.Length; i++)
                {
                    // No short cut on the first busy agency: the no-slot answer needs to know who is ever free.
                    bool free = _requiredBusy[i].IsFreeScanning(slot);
                    _requiredEverFree[i] |= free;
                    allRequiredFree &= free;
                }
                if (!allRequiredFree)
                    continue;

                int invitedFree = 0;
                foreach (var timeline in _invitedBusy)
                {
                    if (timeline.IsFreeScanning(slot))
                        invitedFree++;
                }
                feasible.Add(new FeasibleSlot(slot, invitedFree));
            }
            return feasible;
        }

        /// <summary>Candidate meeting times in increasing order: each working day's hours on the granularity grid, inside the window.</summary>
        private IEnumerable<TimeRange> Candidates()
        {
            var hours = _request.Hours;
            var window = _request.Window;
            var length = _request.MeetingLength;
            var firstDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(window.Start, hours.TimeZone).DateTime);
            var lastDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(window.End, hours.TimeZone).DateTime);

            for (var day = firstDay; day <= lastDay; day = day.AddDays(1))
            {
                if (!_calendar.IsWorkingDay(day, _calendar.HasArea(_request.Area) ? _request.Area : null))
                    continue;

                var dayStart = LocalInstant(day, hours.Start, hours.TimeZone);
                var dayEnd = LocalInstant(day, hours.End, hours.TimeZone);
                var from = dayStart > window.Start ? dayStart : window.Start;
                var to = dayEnd < window.End ? dayEnd : window.End;
                if (to <= from)
                    continue;
                _anyWorkingTime = true;

                // First grid point at or after the window start, counting from the start of the working day.
                long steps = (long)Math.Ceiling((from - dayStart) / _request.Granularity);
                for (var start = dayStart + steps * _request.Granularity; start + length <= to; start += _request.Granularity)
                    yield return new TimeRange(start, start + length);
            }
        }

        private static DateTimeOffset LocalInstant(DateOnly day, TimeOnly time, TimeZoneInfo zone)
        {
            var local = day.ToDateTime(time, DateTimeKind.Unspecified);
            while (zone.IsInvalidTime(local))
                local = local.AddMinutes(15);
            var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
            return new DateTimeOffset(local, offset).ToUniversalTime();
        }

        public SlotProposal Describe(FeasibleSlot slot)
        {
            var available = new List<string>();
            var unavailable = new List<string>();
            for (int i = 0; i < _invited.Length; i++)
                (_invitedBusy[i].IsFree(slot.Period) ? available : unavailable).Add(_invited[i]);
            return new SlotProposal(slot.Period, available, unavailable);
        }

        public SlotSearchResult NoSlot()
        {
            if (!_anyWorkingTime)
                return Empty(NoSlotReason.NoWorkingTimeInWindow,
                    "The window contains no working hours: only weekends, holidays or times outside the coordinator's hours.");
            if (!_anyCandidate)
                return Empty(NoSlotReason.MeetingDoesNotFitWorkingHours,
                    $"No stretch of working time in the window is {_request.MeetingLength.TotalMinutes:0} minutes long.");
            if (!_coordinatorEverFree)
                return Empty(NoSlotReason.CoordinatorUnavailable,
                    "The coordinator is booked or unavailable at every time the meeting would fit.");

            string[] blocking = [.. _required.Where((_, i) => !_requiredEverFree[i])];
            return Empty(NoSlotReason.RequiredAgenciesNeverFreeTogether, blocking.Length > 0
                ? $"Required agencies unavailable throughout the window: {string.Join(", ", blocking)}."
                : "Each required agency is free at some time, but never all at once while the coordinator is free.", blocking);
        }

        private static SlotSearchResult Empty(NoSlotReason reason, string explanation, IReadOnlyList<string>? blocking = null) =>
            new([], reason, explanation, blocking ?? []);
    }
}
