namespace Mappa.CaseConference.Features.Conferences;

public static class ConferenceIds
{
    /// <summary>
    /// A version-7 GUID on the machine's real clock, not the conference clock: ids sort by when they were created
    /// (the list order) even when the conference rules run on a simulated clock.
    /// </summary>
    public static string New() => Guid.CreateVersion7().ToString();
}
