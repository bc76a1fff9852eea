namespace Mappa.Events.RiskAssessment;

// Published by the RiskAssessment service. Detail links point at its gRPC API.

/// <summary>A subject (person managed under MAPPA) was registered in an area.</summary>
[DomainEventType("mappa.riskassessment.subject.registered", 1)]
public sealed record SubjectRegistered : DomainEvent
{
    /// <summary>Local-authority area code responsible for the subject.</summary>
    public required string Area { get; init; }
    public MappaCategory? Category { get; init; }
    /// <summary>When the subject's supervision in the community started, if known at registration (completion deadlines run from it).</summary>
    public DateOnly? SupervisionStartDate { get; init; }
}

/// <summary>
/// A subject's supervision start date was set or changed after registration. Deadlines that run from the start of
/// supervision (LS/CMI within 20 working days) are planned from it.
/// </summary>
[DomainEventType("mappa.riskassessment.supervision-start-date.set", 1)]
public sealed record SupervisionStartDateSet : DomainEvent
{
    public required DateOnly SupervisionStartDate { get; init; }
    public DateOnly? PreviousSupervisionStartDate { get; init; }
    /// <summary>Local-authority area code responsible for the subject.</summary>
    public required string Area { get; init; }
}

/// <summary>An assessment with one of the risk instruments was recorded (append-only).</summary>
[DomainEventType("mappa.riskassessment.assessment.recorded", 1)]
public sealed record AssessmentRecorded : DomainEvent
{
    public required string AssessmentId { get; init; }
    public required RiskInstrument Instrument { get; init; }
    /// <summary>Version of the scoring rule set used, so a re-scoring audit can find the assessment.</summary>
    public required string RuleSetVersion { get; init; }
    public required string Area { get; init; }
    /// <summary>The assessment's headline level as the instrument names it, e.g. "HIGH" (see the AssessmentService contract).</summary>
    public string? Level { get; init; }
    /// <summary>Set when the assessment is a correction of an earlier one.</summary>
    public string? SupersedesAssessmentId { get; init; }
}

/// <summary>An assessment was superseded by a correction; the reason stays behind the RPC.</summary>
[DomainEventType("mappa.riskassessment.assessment.superseded", 1)]
public sealed record AssessmentSuperseded : DomainEvent
{
    public required string AssessmentId { get; init; }
    public required string SupersededByAssessmentId { get; init; }
    public required RiskInstrument Instrument { get; init; }
}

/// <summary>The next review date of a subject's assessment was set or moved.</summary>
[DomainEventType("mappa.riskassessment.review-date.set", 1)]
public sealed record ReviewDateSet : DomainEvent
{
    public required string AssessmentId { get; init; }
    public required DateOnly NextReviewDate { get; init; }
    public DateOnly? PreviousReviewDate { get; init; }
}

/// <summary>
/// A subject's current level on one instrument changed (a new or corrected assessment gave a different headline
/// level from the one it follows). Levels are the instrument's own names, e.g. "MEDIUM" → "HIGH".
/// </summary>
[DomainEventType("mappa.riskassessment.risk-level.changed", 1)]
public sealed record RiskLevelChanged : DomainEvent
{
    public required string AssessmentId { get; init; }
    public required RiskInstrument Instrument { get; init; }
    public required string PreviousAssessmentId { get; init; }
    public required string PreviousLevel { get; init; }
    public required string NewLevel { get; init; }
}
