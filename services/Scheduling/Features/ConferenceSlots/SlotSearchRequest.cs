namespace Mappa.Scheduling.Features.ConferenceSlots;

/// <summary>The MAPPA responsible authorities: every conference needs all four.</summary>
public static class ResponsibleAuthorities
{
    public const string Police = "police";
    public const string SocialWork = "social-work";
    public const string PrisonService = "prison-service";
    public const string Health = "health";

    public static IReadOnlyList<string> All { get; } = [Police, SocialWork, PrisonService, Health];
}

/// <summary>A half-open period [Start, End).</summary>
public readonly record struct TimeRange(DateTimeOffset Start, DateTimeOffset End)
{
    public bool Overlaps(TimeRange other) => Start < other.End && other.Start < End;
}

/// <summary>The coordinator's working hours, local time, on the area's working days.</summary>
public sealed record CoordinatorHours(TimeOnly Start, TimeOnly End, TimeZoneInfo TimeZone)
{
    public static CoordinatorHours UkOfficeHours { get; } =
        new(new TimeOnly(9, 0), new TimeOnly(17, 0), TimeZoneInfo.FindSystemTimeZoneById("Europe/London"));
}

/// <summary>An agency's declared unavailability (leave, court, another panel).</summary>
public sealed record AgencyUnavailability(string Agency, TimeRange Period);

/// <summary>
/// A conference already booked. The agencies attending it are busy; so is the coordinator, unless another
/// coordinator runs it (a neighbouring area's meeting that shares agency representatives).
/// </summary>
public sealed record BookedConference(TimeRange Period, IReadOnlyCollection<string> Agencies, bool RunBySameCoordinator = true);

public sealed record SlotSearchRequest
{
    /// <summary>The area whose working days (national and local holidays) apply.</summary>
    public required string Area { get; init; }

    /// <summary>The slot must lie wholly inside this, e.g. from today to the review date.</summary>
    public required TimeRange Window { get; init; }

    public required TimeSpan MeetingLength { get; init; }

    public CoordinatorHours Hours { get; init; } = CoordinatorHours.UkOfficeHours;

    /// <summary>Agencies that must attend besides the responsible authorities, which are always required.</summary>
    public IReadOnlyCollection<string> RequiredAgencies { get; init; } = [];

    /// <summary>Agencies invited under the duty to cooperate: the more that can come the better, but none is a must.</summary>
    public IReadOnlyCollection<string> InvitedAgencies { get; init; } = [];

    public IReadOnlyList<AgencyUnavailability> Unavailability { get; init; } = [];
    public IReadOnlyList<BookedConference> Booked { get; init; } = [];

    /// <summary>The coordinator's own unavailability, beyond conferences already booked.</summary>
    public IReadOnlyList<TimeRange> CoordinatorUnavailability { get; init; } = [];

    public int MaxProposals { get; init; } = 5;

    /// <summary>Slots start on this grid from the start of the working day (09:00, 09:15, …).</summary>
    public TimeSpan Granularity { get; init; } = TimeSpan.FromMinutes(15);
}

/// <summary>A proposed slot: every required agency is free; the invited ones are split into free and not.</summary>
public sealed record SlotProposal(TimeRange Period, IReadOnlyList<string> InvitedAvailable, IReadOnlyList<string> InvitedUnavailable);

public enum NoSlotReason
{
    /// <summary>The window holds no working day (weekends and holidays only).</summary>
    NoWorkingTimeInWindow,

    /// <summary>There is working time, but no stretch of it is as long as the meeting.</summary>
    MeetingDoesNotFitWorkingHours,

    /// <summary>The coordinator is booked or unavailable whenever the meeting would fit.</summary>
    CoordinatorUnavailable,

    /// <summary>At every time the coordinator is free, at least one required agency is not.</summary>
    RequiredAgenciesNeverFreeTogether,
}

/// <summary>
/// Proposals best first; or none, with the reason. <see cref="BlockingAgencies"/> names required agencies that are
/// unavailable at every possible time (if any), which is what a coordinator needs to chase.
/// </summary>
public sealed record SlotSearchResult(IReadOnlyList<SlotProposal> Proposals, NoSlotReason? Reason, string? Explanation, IReadOnlyList<string> BlockingAgencies)
{
    public bool Found => Proposals.Count > 0;
}

/// <summary>A time when the coordinator and every required agency are free, with how many invited agencies are.</summary>
public readonly record struct FeasibleSlot(TimeRange Period, int InvitedAvailableCount);
