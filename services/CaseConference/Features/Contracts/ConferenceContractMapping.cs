using Google.Protobuf.WellKnownTypes;
using Mappa.CaseConference.Features.Agencies;
using Mappa.CaseConference.Features.Attendance;
using Mappa.CaseConference.Features.Conferences;
using Mappa.CaseConference.Features.Decisions;
using Mappa.CaseConference.Features.Invitations;
using Mappa.CaseConference.Features.PlanActions;
using Mappa.CaseConference.Features.Statistics;
using Mappa.Core.Errors;
using Common = Mappa.Contracts.Common.V1;
using Pb = Mappa.Contracts.CaseConference.V1;

namespace Mappa.CaseConference.Features.Contracts;

/// <summary>
/// Translates between conference_service.proto and the domain model, so a handler is only "load, map, apply, save,
/// map back". Enums share numbers with the proto enums, so an unspecified (0) value becomes an undefined domain value
/// that the domain rejects with the request's field path. Only malformed wire values (a timestamp or date out of
/// range) are refused here.
/// </summary>
public static class ConferenceContractMapping
{
    // ---- requests → domain -------------------------------------------------------------------------

    public static ConferenceProposal ToProposal(this Pb.CreateConferenceRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new ConferenceProposal(
            (ConferenceKind)request.Kind,
            request.SubjectIds.ToArray(),
            request.Area,
            ChairId: EmptyAsNull(request.ChairId),
            StartTime: Instant(request.StartTime, "start_time"),
            Duration: Length(request.Duration, "duration"),
            Venue: request.Venue?.ToDomain(),
            TargetDate: Date(request.TargetDate, "target_date"),
            InvitationFacts: new CaseInvitationFacts(request.InvolvesChildren, request.AdditionalInvitees.Select(ToDomain).ToArray()));
    }

    public static ScheduleDetails ToScheduleDetails(this Pb.ScheduleConferenceRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new ScheduleDetails(Instant(request.StartTime, "start_time"), Length(request.Duration, "duration"), request.Venue?.ToDomain(),
            EmptyAsNull(request.ChairId));
    }

    /// <summary>The new arrangements; the reason is <c>request.Reason</c>.</summary>
    public static ScheduleDetails ToScheduleDetails(this Pb.RescheduleConferenceRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new ScheduleDetails(Instant(request.StartTime, "start_time"), Length(request.Duration, "duration"), request.Venue?.ToDomain(),
            EmptyAsNull(request.ChairId));
    }

    public static Invitee ToInvitee(this Pb.InviteAgencyRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return (request.Invitee ?? new Pb.Invitee()).ToDomain();
    }

    public static InvitationResponse ToResponse(this Pb.RecordInvitationResponseRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new InvitationResponse((InvitationResponseKind)request.Response, EmptyAsNull(request.DelegateName));
    }

    public static AttendanceEntry ToEntry(this Pb.RecordAttendanceRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new AttendanceEntry((request.Agency ?? new Pb.Agency()).ToDomain(), (AttendanceStatus)request.Status,
            EmptyAsNull(request.AttendeeName), request.WrittenReportSubmitted);
    }

    public static SubjectDecisionInput ToInput(this Pb.RecordDecisionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new SubjectDecisionInput(request.SubjectId, (MappaLevel)request.Level, (MappaCategory)request.Category,
            request.NextReviewOverride is { } chosen
                ? new NextReviewOverride(Date(chosen.Date, "next_review_override.date"), EmptyAsNull(chosen.Reason))
                : null);
    }

    public static PlanActionInput ToInput(this Pb.AddPlanActionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new PlanActionInput(EmptyAsNull(request.SubjectId), request.Description, (AgencyKind)request.OwnerAgency,
            Date(request.DueDate, "due_date"), EmptyAsNull(request.OwnerName));
    }

    /// <summary>Applies UpdatePlanActionStatus: DONE completes the action, CANCELLED cancels it with the request's reason.</summary>
    public static Conference ApplyTo(this Pb.UpdatePlanActionStatusRequest request, Conference conference, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(conference);
        if (string.IsNullOrWhiteSpace(request.ActionId))
            throw new ValidationFailedException("action_id", "Required.");
        return request.Status switch
        {
            Pb.PlanActionStatus.Done => conference.CompleteAction(request.ActionId, now),
            Pb.PlanActionStatus.Cancelled => conference.CancelAction(request.ActionId, request.Reason, now),
            _ => throw new ValidationFailedException("status", "PLAN_ACTION_STATUS_DONE or PLAN_ACTION_STATUS_CANCELLED is required."),
        };
    }

    public static ReportingPeriod ToPeriod(this Pb.GetAttendanceStatisticsRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var start = Instant(request.PeriodStart, "period_start");
        var end = Instant(request.PeriodEnd, "period_end");
        var missing = new List<FieldViolation>();
        if (start is null)
            missing.Add(new("period_start", "Required."));
        if (end is null)
            missing.Add(new("period_end", "Required."));
        if (missing.Count > 0)
            throw new ValidationFailedException(missing);
        return new ReportingPeriod(start!.Value, end!.Value);
    }

    public static Venue ToDomain(this Pb.Venue venue) => new(venue.Place, venue.VirtualLink);

    public static Invitee ToDomain(this Pb.Invitee invitee) =>
        new((invitee.Agency ?? new Pb.Agency()).ToDomain(), EmptyAsNull(invitee.RepresentativeName));

    public static AgencyRef ToDomain(this Pb.Agency agency) => new((AgencyKind)agency.Kind, agency.Organisation);

    // ---- domain → responses ------------------------------------------------------------------------

    /// <summary>The conference as the API shows it; the quorum report is included once it has been held.</summary>
    public static Pb.Conference ToContract(this Conference conference, QuorumRule quorum)
    {
        ArgumentNullException.ThrowIfNull(conference);
        ArgumentNullException.ThrowIfNull(quorum);
        var message = new Pb.Conference
        {
            ConferenceId = conference.Id,
            Kind = (Pb.ConferenceKind)conference.Kind,
            Subjects = { conference.SubjectIds.Select(id => new Common.SubjectReference { SubjectId = id }) },
            Area = conference.Area,
            Status = (Pb.ConferenceStatus)conference.Status,
            StartTime = Timestamp(conference.StartTime),
            CreateTime = Timestamp(conference.CreatedAt),
            ChairId = conference.ChairId ?? "",
            Duration = conference.Duration is { } length ? Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(length) : null,
            Venue = conference.Venue?.ToContract(),
            TargetDate = Date(conference.TargetDate),
            SourceObligationId = conference.SourceObligationId ?? "",
            ScheduleHistory = { conference.ScheduleHistory.Select(ToContract) },
            Cancellation = conference.Cancellation is { } cancelled
                ? new Pb.Cancellation { Reason = cancelled.Reason, CancelTime = Timestamp(cancelled.CancelledAt) }
                : null,
            Invitations = { conference.Invitations.Select(ToContract) },
            Attendance = { conference.Attendance.Select(ToContract) },
            HeldTime = Timestamp(conference.HeldAt),
            HeldDate = Date(conference.HeldOn),
            Decisions = { conference.Decisions.Select(ToContract) },
            PlanActions = { conference.Actions.Select(ToContract) },
            Minutes = conference.Minutes is { } minutes
                ? new Pb.Minutes { Summary = minutes.Summary ?? "", MinuteTime = Timestamp(minutes.MinutedAt) }
                : null,
            UpdateTime = Timestamp(conference.UpdatedAt),
        };
        if (conference.Status is ConferenceStatus.Held or ConferenceStatus.Minuted)
            message.Quorum = conference.Quorum(quorum).ToContract();
        return message;
    }

    public static Pb.Venue ToContract(this Venue venue) => new() { Place = venue.Place ?? "", VirtualLink = venue.VirtualLink ?? "" };

    public static Pb.ScheduleEntry ToContract(this ScheduleEntry entry) => new()
    {
        StartTime = Timestamp(entry.StartTime),
        Duration = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(entry.Duration),
        Venue = entry.Venue.ToContract(),
        ChairId = entry.ChairId,
        ChangeTime = Timestamp(entry.ChangedAt),
        Reason = entry.Reason ?? "",
    };

    public static Pb.Agency ToContract(this AgencyRef agency) =>
        new() { Kind = (Common.AgencyKind)agency.Kind, Organisation = agency.Organisation ?? "" };

    public static Pb.Invitation ToContract(this Invitation invitation) => new()
    {
        InvitationId = invitation.Id,
        Agency = invitation.Agency.ToContract(),
        RepresentativeName = invitation.RepresentativeName ?? "",
        InvitedByDefault = invitation.InvitedByDefault,
        Response = (Pb.InvitationResponseKind)invitation.Response,
        DelegateName = invitation.DelegateName ?? "",
        InviteTime = Timestamp(invitation.InvitedAt),
        ResponseTime = Timestamp(invitation.RespondedAt),
    };

    public static Pb.AttendanceRecord ToContract(this AttendanceRecord record) => new()
    {
        Agency = record.Agency.ToContract(),
        Status = (Pb.AttendanceStatus)record.Status,
        AttendeeName = record.AttendeeName ?? "",
        WrittenReportSubmitted = record.WrittenReportSubmitted,
        Invited = record.Invited,
    };

    public static Pb.QuorumReport ToContract(this QuorumReport report) => new()
    {
        Quorate = report.IsQuorate,
        RequiredAgencies =
        {
            report.RequiredAgencies.Select(required => new Pb.RequiredAgencyPresence
            {
                Agency = (Common.AgencyKind)required.Agency,
                Presence = (Pb.AgencyPresence)required.Presence,
                WrittenReportSubmitted = required.WrittenReportSubmitted,
            }),
        },
    };

    public static Pb.SubjectDecision ToContract(this SubjectDecision decision) => new()
    {
        SubjectId = decision.SubjectId,
        Level = (Common.MappaLevel)decision.Level,
        PreviousLevel = decision.PreviousLevel is { } previous ? (Common.MappaLevel)previous : Common.MappaLevel.Unspecified,
        LevelOutcome = (Pb.LevelOutcome)decision.LevelOutcome,
        Category = (Common.MappaCategory)decision.Category,
        PolicyReviewDate = Date(decision.NextReview.PolicyDate),
        NextReviewDate = Date(decision.NextReview.Date),
        ReviewDateOverridden = decision.NextReview.IsOverridden,
        ReviewDateOverrideReason = decision.NextReview.OverrideReason ?? "",
        RecordTime = Timestamp(decision.RecordedAt),
    };

    public static Pb.PlanAction ToContract(this PlanAction action) => new()
    {
        ActionId = action.Id,
        SubjectId = action.SubjectId ?? "",
        Description = action.Description,
        OwnerAgency = (Common.AgencyKind)action.OwnerAgency,
        OwnerName = action.OwnerName ?? "",
        DueDate = Date(action.DueDate),
        Status = (Pb.PlanActionStatus)action.Status,
        CancellationReason = action.CancellationReason ?? "",
        CreateTime = Timestamp(action.CreatedAt),
        CloseTime = Timestamp(action.ClosedAt),
    };

    public static Pb.GetAttendanceStatisticsResponse ToContract(this AttendanceStatisticsReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new Pb.GetAttendanceStatisticsResponse
        {
            Overall = report.Overall.ToContract(),
            Areas = { report.Areas.Select(area => new Pb.AreaAttendance { Area = area.Area, Summary = area.Summary.ToContract() }) },
        };
    }

    public static Pb.AttendanceSummary ToContract(this AttendanceSummary summary)
    {
        var message = new Pb.AttendanceSummary
        {
            ConferencesHeld = summary.ConferencesHeld,
            ConferencesAttendedByOtherAgencies = summary.ConferencesAttendedByOtherAgencies,
            Agencies = { summary.Agencies.Select(ToContract) },
        };
        if (summary.OtherAgencyAttendanceShare is { } share)
            message.OtherAgencyAttendanceShare = share;
        return message;
    }

    public static Pb.AgencyAttendance ToContract(this AgencyAttendance agency)
    {
        var message = new Pb.AgencyAttendance
        {
            Agency = (Common.AgencyKind)agency.Agency,
            ConferencesInvited = agency.ConferencesInvited,
            ConferencesAttended = agency.ConferencesAttended,
            ConferencesAttendedByDelegate = agency.ConferencesAttendedByDelegate,
            ConferencesWithApologies = agency.ConferencesWithApologies,
            ConferencesAbsentWithoutApology = agency.ConferencesAbsentWithoutApology,
            ConferencesWithWrittenReport = agency.ConferencesWithWrittenReport,
        };
        if (agency.AttendanceRate is { } rate)
            message.AttendanceRate = rate;
        return message;
    }

    // ---- wire value helpers ------------------------------------------------------------------------

    private static string? EmptyAsNull(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;

    private static DateTimeOffset? Instant(Timestamp? timestamp, string path)
    {
        if (timestamp is null)
            return null;
        try
        {
            return timestamp.ToDateTimeOffset();
        }
        catch (Exception malformed) when (malformed is InvalidOperationException or ArgumentException)
        {
            throw new ValidationFailedException(path, "Not a valid timestamp.");
        }
    }

    private static TimeSpan? Length(Google.Protobuf.WellKnownTypes.Duration? duration, string path)
    {
        if (duration is null)
            return null;
        try
        {
            return duration.ToTimeSpan();
        }
        catch (Exception malformed) when (malformed is InvalidOperationException or ArgumentException)
        {
            throw new ValidationFailedException(path, "Not a valid duration.");
        }
    }

    private static DateOnly? Date(Google.Type.Date? date, string path)
    {
        if (date is null)
            return null;
        if (date.Year is < 1 or > 9999 || date.Month is < 1 or > 12 || date.Day < 1 || date.Day > DateTime.DaysInMonth(date.Year, date.Month))
            throw new ValidationFailedException(path, "A full calendar date (year, month and day) is required.");
        return new DateOnly(date.Year, date.Month, date.Day);
    }

    private static Google.Type.Date? Date(DateOnly? date) =>
        date is { } value ? new Google.Type.Date { Year = value.Year, Month = value.Month, Day = value.Day } : null;

    private static Timestamp? Timestamp(DateTimeOffset? instant) =>
        instant is { } value ? Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(value) : null;
}
