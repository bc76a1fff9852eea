using Mappa.CaseConference.Features.Validation;

namespace Mappa.CaseConference.Features.Decisions;

/// <summary>MAPPA management level; numbers match <c>mappa.common.v1.MappaLevel</c>.</summary>
public enum MappaLevel
{
    /// <summary>Ordinary single-agency management.</summary>
    Level1 = 1,

    /// <summary>Multi-agency risk management (MAPPA meeting).</summary>
    Level2 = 2,

    /// <summary>Multi-agency public protection panel.</summary>
    Level3 = 3,
}

/// <summary>MAPPA category; numbers match <c>mappa.common.v1.MappaCategory</c>.</summary>
public enum MappaCategory
{
    /// <summary>Registered sex offenders.</summary>
    Category1 = 1,

    /// <summary>Violent offenders and restricted patients.</summary>
    Category2 = 2,

    /// <summary>Other persons who pose a risk of serious harm.</summary>
    Category3 = 3,
}

/// <summary>Numbers match <c>mappa.caseconference.v1.LevelOutcome</c>.</summary>
public enum LevelOutcome
{
    /// <summary>No level was on record for the subject before this conference.</summary>
    Set = 1,
    Confirmed = 2,
    Changed = 3,
}

/// <summary>A next review date the meeting chose instead of the policy date, and why.</summary>
public sealed record NextReviewOverride(DateOnly? Date, string? Reason)
{
    public override string ToString() => $"NextReviewOverride {Date}";
}

/// <summary>What the meeting decided for one subject, as asked for (RecordDecision).</summary>
public sealed record SubjectDecisionInput(
    string SubjectId,
    MappaLevel Level,
    MappaCategory Category,
    NextReviewOverride? NextReviewOverride = null);

/// <summary>
/// The next review of a subject's MAPPA management: the date the policy gives for the level, and the date in force,
/// which differs only when the meeting overrode it with a reason.
/// </summary>
public sealed record NextReview(DateOnly? PolicyDate, DateOnly? Date, string? OverrideReason)
{
    public bool IsOverridden => OverrideReason is not null;

    public override string ToString() => IsOverridden ? $"NextReview {Date} (overridden; policy {PolicyDate})" : $"NextReview {Date}";
}

/// <summary>A conference's decision for one of its subjects.</summary>
/// <param name="PreviousLevel">The subject's level on record before the conference, if any.</param>
public sealed record SubjectDecision(
    string SubjectId,
    MappaLevel Level,
    MappaLevel? PreviousLevel,
    MappaCategory Category,
    NextReview NextReview,
    DateTimeOffset RecordedAt)
{
    public LevelOutcome LevelOutcome =>
        PreviousLevel is null ? LevelOutcome.Set : PreviousLevel == Level ? LevelOutcome.Confirmed : LevelOutcome.Changed;

    internal static void Validate(SubjectDecisionInput input, Violations violations)
    {
        violations.Required("subject_id", input.SubjectId);
        if (!Enum.IsDefined(input.Level))
            violations.Add("level", "A MAPPA level is required.");
        if (!Enum.IsDefined(input.Category))
            violations.Add("category", "A MAPPA category is required.");
        if (input.NextReviewOverride is { } chosen)
        {
            if (chosen.Date is null)
                violations.Add("next_review_override.date", "Required when overriding the review date.");
            violations.RequiredText("next_review_override.reason", chosen.Reason, TextLimits.Reason);
        }
    }
}
