namespace Mappa.Scheduling.Features.Milestones;

/// <summary>
/// Turns a milestone's date into the instant it falls due: a fixed local time of day in the area's time zone,
/// so "due" arrives at the start of the working day whether it is GMT or BST.
/// </summary>
public sealed record MilestoneTiming(TimeZoneInfo TimeZone, TimeOnly LocalTime)
{
    /// <summary>07:00 UK time: before the working day starts, after overnight batch jobs.</summary>
    public static MilestoneTiming UkMorning { get; } = new(TimeZoneInfo.FindSystemTimeZoneById("Europe/London"), new TimeOnly(7, 0));

    public DateTimeOffset InstantOf(DateOnly date)
    {
        var local = date.ToDateTime(LocalTime, DateTimeKind.Unspecified);

        // A time skipped by the clocks going forward is taken as the first valid moment after it.
        while (TimeZone.IsInvalidTime(local))
            local = local.AddMinutes(15);

        // A time that happens twice when the clocks go back is taken at its first occurrence (the larger offset).
        var offset = TimeZone.IsAmbiguousTime(local) ? TimeZone.GetAmbiguousTimeOffsets(local).Max() : TimeZone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    /// <summary>The local date of an instant in this time zone.</summary>
    public DateOnly DateOf(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, TimeZone).DateTime);
}
