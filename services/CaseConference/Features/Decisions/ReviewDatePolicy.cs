namespace Mappa.CaseConference.Features.Decisions;

/// <summary>
/// Configuration of <see cref="ReviewDatePolicy"/> (section <c>CaseConference:Rules:ReviewDates</c>).
/// The defaults are *unverified* (domain.md, "Timescales": MAPPA level 3 / level 2 meeting reviews every 6 / 12
/// weeks): an area sets its own.
/// </summary>
public sealed class ReviewDatePolicyOptions
{
    /// <summary>Level 3 (MAPPP) reviews; 6 weeks by default (unverified, domain.md).</summary>
    public int Level3IntervalWeeks { get; set; } = 6;

    /// <summary>Level 2 (MAPPA meeting) reviews; 12 weeks by default (unverified, domain.md).</summary>
    public int Level2IntervalWeeks { get; set; } = 12;

    /// <summary>Level 1 is single-agency management with no MAPPA meeting review, so no date by default.</summary>
    public int? Level1IntervalWeeks { get; set; }
}

/// <summary>The next review date by level, counted from the day of the meeting; a meeting may override it with a reason.</summary>
public sealed class ReviewDatePolicy
{
    private readonly ReviewDatePolicyOptions _options;

    public ReviewDatePolicy(ReviewDatePolicyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Level3IntervalWeeks, 1, nameof(options.Level3IntervalWeeks));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Level2IntervalWeeks, 1, nameof(options.Level2IntervalWeeks));
        if (options.Level1IntervalWeeks is { } level1)
            ArgumentOutOfRangeException.ThrowIfLessThan(level1, 1, nameof(options.Level1IntervalWeeks));
        _options = options;
    }

    public static ReviewDatePolicy Default { get; } = new(new ReviewDatePolicyOptions());

    /// <summary>The policy's date for a level, or null when the level has no meeting review.</summary>
    public DateOnly? PolicyDate(MappaLevel level, DateOnly meetingDate)
    {
        int? weeks = level switch
        {
            MappaLevel.Level3 => _options.Level3IntervalWeeks,
            MappaLevel.Level2 => _options.Level2IntervalWeeks,
            MappaLevel.Level1 => _options.Level1IntervalWeeks,
            _ => throw new ArgumentOutOfRangeException(nameof(level), level, "Unknown MAPPA level."),
        };
        return weeks is { } interval ? meetingDate.AddDays(7 * interval) : null;
    }

    /// <summary>
    /// The next review: the policy date, or the override when the meeting chose another date. The override is
    /// expected to be validated already (a date after the meeting and a reason).
    /// </summary>
    public NextReview Decide(MappaLevel level, DateOnly meetingDate, NextReviewOverride? chosen)
    {
        var policyDate = PolicyDate(level, meetingDate);
        if (chosen is null)
            return new NextReview(policyDate, policyDate, null);
        if (chosen.Date is null || string.IsNullOrWhiteSpace(chosen.Reason))
            throw new ArgumentException("An override needs a date and a reason.", nameof(chosen));
        return new NextReview(policyDate, chosen.Date, chosen.Reason.Trim());
    }
}
