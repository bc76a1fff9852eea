using Mappa.CaseConference.Features.Agencies;
using Mappa.CaseConference.Features.Attendance;
using Mappa.CaseConference.Features.Conferences;
using Mappa.Core.Errors;

namespace Mappa.CaseConference.Features.Statistics;

/// <summary>A reporting period, [Start, End).</summary>
public sealed record ReportingPeriod
{
    public ReportingPeriod(DateTimeOffset start, DateTimeOffset end)
    {
        if (end <= start)
            throw new ValidationFailedException("period_end", "Must be after period_start.");
        Start = start;
        End = end;
    }

    public DateTimeOffset Start { get; }
    public DateTimeOffset End { get; }

    public bool Contains(DateTimeOffset instant) => instant >= Start && instant < End;
}

/// <summary>The attendance facts of one held conference: all the statistics need, so a store can load just these.</summary>
public sealed record HeldConferenceAttendance(
    string ConferenceId,
    string Area,
    DateTimeOffset HeldAt,
    IReadOnlyList<AgencyRef> Invited,
    IReadOnlyList<AttendanceRecord> Attendance)
{
    /// <summary>The facts of a held or minuted conference; null for one that was not held.</summary>
    public static HeldConferenceAttendance? Of(Conference conference) =>
        conference.Status is ConferenceStatus.Held or ConferenceStatus.Minuted
            ? new(conference.Id, conference.Area, conference.HeldAt!.Value,
                conference.Invitations.Select(invitation => invitation.Agency).ToArray(), conference.Attendance)
            : null;
}

/// <summary>One kind of agency's part in the conferences of a period; every count is of conferences.</summary>
public sealed record AgencyAttendance(
    AgencyKind Agency,
    int ConferencesInvited,
    int ConferencesAttended,
    int ConferencesAttendedByDelegate,
    int ConferencesWithApologies,
    int ConferencesAbsentWithoutApology,
    int ConferencesWithWrittenReport,
    int InvitedConferencesAttended)
{
    /// <summary>Share of the conferences it was invited to that it attended (in person or by delegate); null when invited to none.</summary>
    public double? AttendanceRate => ConferencesInvited == 0 ? null : (double)InvitedConferencesAttended / ConferencesInvited;
}

public sealed record AttendanceSummary(
    int ConferencesHeld,
    int ConferencesAttendedByOtherAgencies,
    IReadOnlyList<AgencyAttendance> Agencies)
{
    /// <summary>
    /// Share of the conferences attended by at least one agency other than police and social work (reference 000, E2:
    /// "70% of case conference are attended by agencies other than police and CJS"); null when none were held.
    /// </summary>
    public double? OtherAgencyAttendanceShare => ConferencesHeld == 0 ? null : (double)ConferencesAttendedByOtherAgencies / ConferencesHeld;
}

public sealed record AreaAttendance(string Area, AttendanceSummary Summary);

public sealed record AttendanceStatisticsReport(ReportingPeriod Period, AttendanceSummary Overall, IReadOnlyList<AreaAttendance> Areas);

public static class AttendanceStatistics
{
    /// <summary>Police and social work, the agencies the "other agencies attended" figure leaves out (reference 000, E2).</summary>
    public static IReadOnlyList<AgencyKind> CoreAgencies { get; } = [AgencyKind.Police, AgencyKind.SocialWork];

    /// <summary>
    /// Attendance over the conferences held in <paramref name="period"/> (by meeting time), overall and per area,
    /// optionally for one area only. Conferences outside the period or area are ignored, so a store may pass a superset.
    /// </summary>
    public static AttendanceStatisticsReport Compute(IEnumerable<HeldConferenceAttendance> conferences, ReportingPeriod period, string? area = null)
    {
        ArgumentNullException.ThrowIfNull(conferences);
        ArgumentNullException.ThrowIfNull(period);
        var inScope = conferences
            .Where(conference => period.Contains(conference.HeldAt))
            .Where(conference => string.IsNullOrWhiteSpace(area) || string.Equals(conference.Area, area.Trim(), StringComparison.Ordinal))
            .DistinctBy(conference => conference.ConferenceId)
            .ToArray();

        var areas = inScope
            .GroupBy(conference => conference.Area, StringComparer.Ordinal)
            .OrderBy(group => group.Key, StringComparer.Ordinal)
            .Select(group => new AreaAttendance(group.Key, Summarise(group.ToArray())))
            .ToArray();
        return new AttendanceStatisticsReport(period, Summarise(inScope), areas);
    }

    private static AttendanceSummary Summarise(IReadOnlyList<HeldConferenceAttendance> conferences)
    {
        int attendedByOthers = conferences.Count(conference =>
            conference.Attendance.Any(record => record.IsPresent && !CoreAgencies.Contains(record.Agency.Kind)));

        var kinds = conferences
            .SelectMany(conference => conference.Invited.Select(agency => agency.Kind).Concat(conference.Attendance.Select(record => record.Agency.Kind)))
            .Distinct()
            .Order();
        var agencies = kinds.Select(kind => AgencyFigures(kind, conferences)).ToArray();
        return new AttendanceSummary(conferences.Count, attendedByOthers, agencies);
    }

    private static AgencyAttendance AgencyFigures(AgencyKind kind, IReadOnlyList<HeldConferenceAttendance> conferences)
    {
        int invited = 0, attended = 0, byDelegate = 0, apologies = 0, absent = 0, reports = 0, invitedAndAttended = 0;
        foreach (var conference in conferences)
        {
            bool wasInvited = conference.Invited.Any(agency => agency.Kind == kind);
            var records = conference.Attendance.Where(record => record.Agency.Kind == kind).ToArray();

            // Several bodies of one kind (e.g. two third-sector projects) count once per conference, by the best showing.
            bool inPerson = records.Any(record => record.Status == AttendanceStatus.Attended);
            bool delegateOnly = !inPerson && records.Any(record => record.Status == AttendanceStatus.DelegateAttended);
            bool present = inPerson || delegateOnly;
            bool sentApologies = !present && records.Any(record => record.Status == AttendanceStatus.Apologies);
            bool absentWithoutApology = !present && !sentApologies && records.Any(record => record.Status == AttendanceStatus.AbsentWithoutApology);

            invited += wasInvited ? 1 : 0;
            attended += present ? 1 : 0;
            byDelegate += delegateOnly ? 1 : 0;
            apologies += sentApologies ? 1 : 0;
            absent += absentWithoutApology ? 1 : 0;
            reports += records.Any(record => record.WrittenReportSubmitted) ? 1 : 0;
            invitedAndAttended += wasInvited && present ? 1 : 0;
        }
        return new AgencyAttendance(kind, invited, attended, byDelegate, apologies, absent, reports, invitedAndAttended);
    }
}
