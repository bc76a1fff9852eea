namespace Mappa.CaseConference.Features.Conferences;

/// <summary>Numbers match <c>mappa.caseconference.v1.ConferenceKind</c>.</summary>
public enum ConferenceKind
{
    InitialLevel2 = 1,
    InitialLevel3 = 2,
    Review = 3,
    PreRelease = 4,
    Emergency = 5,
}

/// <summary>
/// proposed → scheduled → held → minuted; scheduled → scheduled when rescheduled; proposed or scheduled → cancelled.
/// Numbers match <c>mappa.caseconference.v1.ConferenceStatus</c>.
/// </summary>
public enum ConferenceStatus
{
    Proposed = 1,
    Scheduled = 2,
    Held = 3,
    Minuted = 4,
    Cancelled = 5,
}
