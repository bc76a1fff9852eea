using Mappa.CaseConference.Features.Agencies;
using Mappa.CaseConference.Features.Validation;

namespace Mappa.CaseConference.Features.PlanActions;

/// <summary>Numbers match <c>mappa.caseconference.v1.PlanActionStatus</c>.</summary>
public enum PlanActionStatus
{
    Open = 1,
    Done = 2,
    Cancelled = 3,
}

/// <summary>A risk management plan action as agreed at the meeting (AddPlanAction).</summary>
/// <param name="SubjectId">The subject it concerns; null for an action about the whole conference.</param>
public sealed record PlanActionInput(
    string? SubjectId,
    string Description,
    AgencyKind OwnerAgency,
    DateOnly? DueDate,
    string? OwnerName = null)
{
    public override string ToString() => $"PlanActionInput for {OwnerAgency} due {DueDate}";

    internal void Validate(Violations violations)
    {
        violations.MaxLength("subject_id", SubjectId, TextLimits.Id);
        violations.RequiredText("description", Description, TextLimits.Description);
        if (!OwnerAgency.IsDefined())
            violations.Add("owner_agency", "The agency that owns the action is required.");
        violations.MaxLength("owner_name", OwnerName, TextLimits.Name);
        if (DueDate is null)
            violations.Add("due_date", "Required.");
    }
}

/// <summary>
/// An action of a subject's risk management plan: who owns it, when it is due, and whether it was done or cancelled.
/// Its due date feeds the review calendar.
/// </summary>
public sealed record PlanAction(
    string Id,
    string? SubjectId,
    string Description,
    AgencyKind OwnerAgency,
    string? OwnerName,
    DateOnly DueDate,
    PlanActionStatus Status,
    string? CancellationReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ClosedAt)
{
    /// <summary>Open and past its due date on <paramref name="today"/>.</summary>
    public bool IsOverdue(DateOnly today) => Status == PlanActionStatus.Open && today > DueDate;

    // The description is plan narrative: keep it out of anything that might be logged.
    public override string ToString() => $"PlanAction {Id} ({Status}) owned by {OwnerAgency}, due {DueDate}";

    /// <summary>Action ids are numbered within their conference: act-1, act-2, …</summary>
    internal static string IdFor(int number) => $"act-{number}";
}
