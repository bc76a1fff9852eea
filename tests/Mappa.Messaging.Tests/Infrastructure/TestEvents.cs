using Mappa.Events;
using Mappa.Events.RiskAssessment;
using Mappa.Events.Scheduling;

namespace Mappa.Messaging.Tests.Infrastructure;

/// <summary>Real event records from Mappa.Events with thin, invented ids (no personal detail).</summary>
public static class TestEvents
{
    public static ReviewDue ReviewDue(string subjectId, string obligationId, DateOnly? due = null) => new()
    {
        OccurredAt = DateTimeOffset.UtcNow,
        Subject = new SubjectReference(subjectId, [new SubjectIdentifier("LOCAL_SOCIAL_WORK_ID", "SW-" + subjectId)]),
        Detail = new DetailLink("/mappa.scheduling.v1.ReviewCalendarService/ListReviewObligations", "subject_id", subjectId),
        ObligationId = obligationId,
        Kind = ReviewKind.Assessment,
        DueDate = due ?? new DateOnly(2026, 12, 1),
        Area = "S12000036",
        AdditionalInformation = new Dictionary<string, string> { ["mappaLevel"] = "MAPPA_LEVEL_2" },
    };

    public static AssessmentRecorded AssessmentRecorded(string subjectId, string assessmentId) => new()
    {
        OccurredAt = DateTimeOffset.UtcNow,
        Subject = SubjectReference.Of(subjectId),
        Detail = new DetailLink("/mappa.riskassessment.v1.SubjectService/GetSubject", "subject_id", subjectId),
        AssessmentId = assessmentId,
        Instrument = RiskInstrument.Stable2007,
        RuleSetVersion = "sa07-2024.1",
        Area = "S12000036",
    };
}
