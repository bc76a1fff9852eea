using Mappa.CaseConference.Features.Agencies;
using Mappa.CaseConference.Features.Validation;

namespace Mappa.CaseConference.Features.Attendance;

/// <summary>Numbers match <c>mappa.caseconference.v1.AttendanceStatus</c>.</summary>
public enum AttendanceStatus
{
    Attended = 1,
    Apologies = 2,
    DelegateAttended = 3,
    AbsentWithoutApology = 4,
}

public static class AttendanceStatuses
{
    /// <summary>Attended in person or by a delegate.</summary>
    public static bool IsPresent(this AttendanceStatus status) =>
        status is AttendanceStatus.Attended or AttendanceStatus.DelegateAttended;
}

/// <summary>What the coordinator records for one agency at a held conference.</summary>
/// <param name="WrittenReportSubmitted">The agency sent a written report; it can accompany any status, apologies included.</param>
public sealed record AttendanceEntry(
    AgencyRef Agency,
    AttendanceStatus Status,
    string? AttendeeName = null,
    bool WrittenReportSubmitted = false)
{
    internal void Validate(Violations violations)
    {
        Agency.Validate(violations, "agency");
        if (!Enum.IsDefined(Status))
            violations.Add("status", "An attendance status is required.");
        if (Status == AttendanceStatus.DelegateAttended)
            violations.RequiredText("attendee_name", AttendeeName, TextLimits.Name);
        else
            violations.MaxLength("attendee_name", AttendeeName, TextLimits.Name);
    }
}

/// <summary>How one agency took part in a held conference.</summary>
/// <param name="Invited">False for an agency that attended without an invitation.</param>
public sealed record AttendanceRecord(
    AgencyRef Agency,
    AttendanceStatus Status,
    string? AttendeeName,
    bool WrittenReportSubmitted,
    bool Invited,
    DateTimeOffset RecordedAt)
{
    public bool IsPresent => Status.IsPresent();
}
