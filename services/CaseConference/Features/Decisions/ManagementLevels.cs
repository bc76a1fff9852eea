using Mappa.CaseConference.Features.Conferences;

namespace Mappa.CaseConference.Features.Decisions;

/// <summary>A subject's MAPPA standing as the conferences record it.</summary>
public sealed record ManagementStanding(string SubjectId, MappaLevel Level, MappaCategory Category, DateOnly? NextReviewDate,
    string ConferenceId, DateTimeOffset DecidedAt);

public static class ManagementLevels
{
    /// <summary>
    /// The subject's standing from the latest minuted conference that decided it (latest meeting first, then latest
    /// decision), or null when no minuted conference has. Held but unminuted decisions are drafts and do not count.
    /// </summary>
    public static ManagementStanding? Current(string subjectId, IEnumerable<Conference> conferences)
    {
        ArgumentNullException.ThrowIfNull(conferences);
        return conferences
            .Where(conference => conference.Status == ConferenceStatus.Minuted)
            .Select(conference => (conference, decision: conference.DecisionFor(subjectId)))
            .Where(pair => pair.decision is not null)
            .OrderByDescending(pair => pair.conference.HeldAt)
            .ThenByDescending(pair => pair.decision!.RecordedAt)
            .Select(pair => new ManagementStanding(subjectId, pair.decision!.Level, pair.decision.Category, pair.decision.NextReview.Date,
                pair.conference.Id, pair.decision.RecordedAt))
            .FirstOrDefault();
    }
}
