using Google.Protobuf.Reflection;
using Mappa.CaseConference.Features.Agenda;
using Mappa.CaseConference.Features.Conferences;
using Mappa.CaseConference.Features.Remote;
using Mappa.CaseConference.Persistence;
using Mappa.Contracts;
using Mappa.Core.Errors;
using Mappa.Grpc;
using Mappa.Grpc.Client;
using Mappa.Security;
using Microsoft.Extensions.Options;
using Pb = Mappa.Contracts.CaseConference.V1;
using Ra = Mappa.Contracts.RiskAssessment.V1;
using Sc = Mappa.Contracts.Scheduling.V1;

namespace Mappa.CaseConference.Features.Chronology;

/// <summary>
/// A subject's case chronology from the three services. Conferences come from this service through the caller's
/// view; assessments (RiskAssessment) and reviews (Scheduling) are read on this service's own token, so they are
/// shown only when the caller could read them itself: the subject's area is in its view and its role holds
/// assessments.read or reviews.read. Codes, dates and ids only.
/// </summary>
public sealed class CaseChronologyBuilder(
    ConferenceStore store,
    ConferenceRules rules,
    SuiteServiceChannels channels,
    IOptions<RiskAssessmentClientOptions> riskAssessment,
    IOptions<SchedulingClientOptions> scheduling)
{
    public const int MaxRemoteEntries = 500;
    public const string NotPermitted = "NOT_PERMITTED";

    private static readonly MethodDescriptor GetSubject = MappaServices.Subjects.FindMethodByName("GetSubject");
    private static readonly MethodDescriptor ListAssessments = MappaServices.Assessments.FindMethodByName("ListAssessments");
    private static readonly MethodDescriptor ListReviewObligations = MappaServices.ReviewCalendar.FindMethodByName("ListReviewObligations");

    public async Task<Pb.GetCaseChronologyResponse> BuildAsync(string subjectId, CallerIdentity caller, CallOptions callerOptions)
    {
        if (string.IsNullOrWhiteSpace(subjectId))
            throw new ValidationFailedException("subject_id", "Required.");
        subjectId = subjectId.Trim();
        var ct = callerOptions.CancellationToken;
        var conferences = (await store.ForSubjectAsync(subjectId, ct)).Where(conference => ConferenceVisibility.CanSee(caller, conference)).ToArray();

        var raOptions = Capped(callerOptions, riskAssessment.Value.Timeout);
        var raChannel = channels.For(riskAssessment.Value.Address, riskAssessment.Value.BearerToken, riskAssessment.Value.BearerTokenFile);
        var (subject, subjectFailure) = await RiskAssessmentRiskPictures.Attempt(() => raChannel.UnaryAsync<Ra.GetSubjectRequest, Ra.GetSubjectResponse>(
            GetSubject, new Ra.GetSubjectRequest { SubjectId = subjectId }, raOptions), ct);
        bool subjectVisible = subject?.Subject is { } found && caller.CanSeeArea(found.Area);
        if (!subjectVisible && conferences.Length == 0)
            throw new NotFoundException("Subject", subjectId);
        var hidden = subjectFailure is { } failure ? RiskAssessmentRiskPictures.StatusName(failure) : subjectVisible ? null : "NOT_FOUND";

        var response = new Pb.GetCaseChronologyResponse { SubjectId = subjectId };
        var entries = new List<Pb.ChronologyEntry>();
        entries.AddRange(ConferenceEntries(subjectId, conferences));
        response.Sources.Add(new Pb.ChronologySourceStatus { Source = Pb.ChronologySource.CaseConference, Available = true });

        var assessments = Task.FromResult<(Ra.ListAssessmentsResponse?, StatusCode?)>((null, null));
        var reviews = Task.FromResult<(Sc.ListReviewObligationsResponse?, StatusCode?)>((null, null));
        bool mayReadAssessments = caller.HasPermission(Permission.AssessmentsRead), mayReadReviews = caller.HasPermission(Permission.ReviewsRead);
        if (hidden is null && mayReadAssessments)
        {
            assessments = RiskAssessmentRiskPictures.Attempt(() => raChannel.UnaryAsync<Ra.ListAssessmentsRequest, Ra.ListAssessmentsResponse>(
                ListAssessments, new Ra.ListAssessmentsRequest { SubjectId = subjectId, PageSize = MaxRemoteEntries }, raOptions), ct);
        }
        if (hidden is null && mayReadReviews)
        {
            var scChannel = channels.For(scheduling.Value.Address, scheduling.Value.BearerToken, scheduling.Value.BearerTokenFile);
            reviews = RiskAssessmentRiskPictures.Attempt(() => scChannel.UnaryAsync<Sc.ListReviewObligationsRequest, Sc.ListReviewObligationsResponse>(
                ListReviewObligations, new Sc.ListReviewObligationsRequest { SubjectId = subjectId, PageSize = MaxRemoteEntries },
                Capped(callerOptions, scheduling.Value.Timeout)), ct);
        }

        var (assessmentList, assessmentFailure) = await assessments;
        if (assessmentList is not null)
        {
            entries.AddRange(assessmentList.Assessments.Where(a => a.AssessedDate is not null).Select(a => new Pb.ChronologyEntry
            {
                Date = a.AssessedDate,
                Kind = Pb.ChronologyEntryKind.AssessmentCompleted,
                Source = Pb.ChronologySource.RiskAssessment,
                RecordId = a.AssessmentId,
                Code = EnumName(Ra.InstrumentsReflection.Descriptor, "Instrument", (int)a.Instrument),
            }));
        }
        response.Sources.Add(Status(Pb.ChronologySource.RiskAssessment, assessmentList is not null,
            hidden ?? (!mayReadAssessments ? NotPermitted : assessmentFailure is { } a2 ? RiskAssessmentRiskPictures.StatusName(a2) : null)));

        var (reviewList, reviewFailure) = await reviews;
        if (reviewList is not null)
        {
            entries.AddRange(reviewList.Obligations.Where(o => o.DueDate is not null && o.State != Sc.ObligationState.Cancelled).Select(o => new Pb.ChronologyEntry
            {
                Date = o.DueDate,
                Kind = Pb.ChronologyEntryKind.ReviewDue,
                Source = Pb.ChronologySource.Scheduling,
                RecordId = o.ObligationId,
                Code = EnumName(Sc.ReviewCalendarServiceReflection.Descriptor, "ReviewKind", (int)o.Kind),
            }));
        }
        response.Sources.Add(Status(Pb.ChronologySource.Scheduling, reviewList is not null,
            hidden ?? (!mayReadReviews ? NotPermitted : reviewFailure is { } r2 ? RiskAssessmentRiskPictures.StatusName(r2) : null)));

        response.Entries.AddRange(entries
            .OrderBy(entry => new DateOnly(entry.Date.Year, entry.Date.Month, entry.Date.Day))
            .ThenBy(entry => entry.Kind)
            .ThenBy(entry => entry.RecordId, StringComparer.Ordinal));
        return response;
    }

    private IEnumerable<Pb.ChronologyEntry> ConferenceEntries(string subjectId, IEnumerable<Conference> conferences)
    {
        foreach (var conference in conferences)
        {
            yield return Entry(DayOf(conference.CreatedAt), Pb.ChronologyEntryKind.ConferenceProposed, conference.Id,
                EnumName(Pb.ConferenceServiceReflection.Descriptor, "ConferenceKind", (int)conference.Kind));
            if (conference.Status == ConferenceStatus.Scheduled)
                yield return Entry(DayOf(conference.StartTime!.Value), Pb.ChronologyEntryKind.ConferenceScheduled, conference.Id, "");
            if (conference.Cancellation is { } cancelled)
                yield return Entry(DayOf(cancelled.CancelledAt), Pb.ChronologyEntryKind.ConferenceCancelled, conference.Id, "");
            if (conference.HeldOn is { } heldOn)
                yield return Entry(heldOn, Pb.ChronologyEntryKind.ConferenceHeld, conference.Id, "");
            if (conference.Status == ConferenceStatus.Minuted && conference.DecisionFor(subjectId) is { } decision)
                yield return Entry(conference.HeldOn!.Value, Pb.ChronologyEntryKind.LevelDecided, conference.Id,
                    EnumName(Mappa.Contracts.Common.V1.AgencyReflection.Descriptor, "MappaLevel", (int)decision.Level));
            foreach (var action in conference.Actions.Where(action => action.SubjectId is null || action.SubjectId == subjectId))
                yield return Entry(action.DueDate, Pb.ChronologyEntryKind.PlanActionDue, $"{conference.Id}/{action.Id}",
                    EnumName(Pb.DecisionReflection.Descriptor, "PlanActionStatus", (int)action.Status));
        }
    }

    private static Pb.ChronologyEntry Entry(DateOnly date, Pb.ChronologyEntryKind kind, string recordId, string code) => new()
    {
        Date = new Google.Type.Date { Year = date.Year, Month = date.Month, Day = date.Day },
        Kind = kind,
        Source = Pb.ChronologySource.CaseConference,
        RecordId = recordId,
        Code = code,
    };

    private DateOnly DayOf(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, rules.MeetingTimeZone).DateTime);

    private static Pb.ChronologySourceStatus Status(Pb.ChronologySource source, bool available, string? why) =>
        new() { Source = source, Available = available, UnavailableStatus = available ? "" : why ?? "UNAVAILABLE" };

    private static string EnumName(FileDescriptor file, string enumName, int number) =>
        file.FindTypeByName<EnumDescriptor>(enumName)?.FindValueByNumber(number)?.Name ?? number.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static CallOptions Capped(CallOptions caller, TimeSpan timeout)
    {
        var limit = DateTime.UtcNow + timeout;
        return new CallOptions
        {
            Headers = caller.Headers,
            DeadlineUtc = caller.DeadlineUtc is { } deadline && deadline < limit ? deadline : limit,
            CancellationToken = caller.CancellationToken,
        };
    }
}
