using Google.Protobuf.WellKnownTypes;
using Mappa.Contracts.Common.V1;
using Mappa.Contracts.RiskAssessment.V1;
using Mappa.Grpc.Server;
using Mappa.Security;

namespace Mappa.RiskAssessment.Features.Subjects;

/// <summary>mappa.riskassessment.v1.SubjectService: translation between the contract and <see cref="SubjectRegistry"/>.</summary>
public sealed class SubjectServiceHandlers(SubjectRegistry registry)
{
    public static void Bind(GrpcServiceBinder<SubjectServiceHandlers> service)
    {
        service.Unary<CreateSubjectRequest, CreateSubjectResponse>("CreateSubject", (h, request, context) => h.CreateSubject(request, context));
        service.Unary<GetSubjectRequest, GetSubjectResponse>("GetSubject", (h, request, context) => h.GetSubject(request, context));
        service.Unary<ListSubjectsRequest, ListSubjectsResponse>("ListSubjects", (h, request, context) => h.ListSubjects(request, context));
        service.Unary<SetSupervisionStartDateRequest, SetSupervisionStartDateResponse>("SetSupervisionStartDate",
            (h, request, context) => h.SetSupervisionStartDate(request, context));
    }

    private async Task<CreateSubjectResponse> CreateSubject(CreateSubjectRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var subject = await registry.RegisterAsync(
            new NewSubject(
                request.RequestId,
                request.Identifiers.Select(i => (i.Type, i.Value)).ToList(),
                request.Category,
                request.LeadAgency,
                request.Area,
                request.DisplayName,
                ToDate(request.SupervisionStartDate)),
            caller,
            context.CancellationToken);
        context.PendingAudit()?.SetSubject(subject.SubjectId);
        return new CreateSubjectResponse { Subject = ToContract(subject, caller) };
    }

    private async Task<GetSubjectResponse> GetSubject(GetSubjectRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var subject = await registry.GetAsync(request.SubjectId, caller, context.CancellationToken);
        return new GetSubjectResponse { Subject = ToContract(subject, caller) };
    }

    private async Task<ListSubjectsResponse> ListSubjects(ListSubjectsRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var (subjects, next) = await registry.ListAsync(request.PageSize, request.PageToken, request.Area, caller, context.CancellationToken);
        var response = new ListSubjectsResponse { NextPageToken = next };
        response.Subjects.AddRange(subjects.Select(s => ToContract(s, caller)));
        return response;
    }

    private async Task<SetSupervisionStartDateResponse> SetSupervisionStartDate(SetSupervisionStartDateRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var subject = await registry.SetSupervisionStartDateAsync(request.SubjectId.Trim(), ToDate(request.SupervisionStartDate), caller, context.CancellationToken);
        context.PendingAudit()?.SetSubject(subject.SubjectId);
        return new SetSupervisionStartDateResponse { Subject = ToContract(subject, caller) };
    }

    // An unset (or all-zero) date is "not given"; a date that is not on the calendar is INVALID_ARGUMENT.
    private static DateOnly? ToDate(Google.Type.Date? date)
    {
        if (date is null || (date.Year == 0 && date.Month == 0 && date.Day == 0))
        {
            return null;
        }
        if (date.Year < 1900 || date.Year > 9999 || date.Month is < 1 or > 12 || date.Day < 1 || date.Day > DateTime.DaysInMonth(date.Year, date.Month))
        {
            throw new Mappa.Core.Errors.ValidationFailedException("supervision_start_date", "Not a valid calendar date.");
        }
        return new DateOnly(date.Year, date.Month, date.Day);
    }

    private static Subject ToContract(SubjectRecord record, CallerIdentity caller)
    {
        var subject = new Subject
        {
            SubjectId = record.SubjectId,
            Category = (MappaCategory)record.Category,
            Level = (MappaLevel)record.Level,
            LeadAgency = (AgencyKind)record.LeadAgency,
            Area = record.Area,
            // Need-to-know: the name is shown only to roles that may see personal detail.
            DisplayName = caller.MaySeePersonalDetail ? record.DisplayName : "",
            CreateTime = Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds(record.CreatedAt)),
        };
        if (record.SupervisionStartDay is { } day)
        {
            var start = DateOnly.FromDayNumber(day);
            subject.SupervisionStartDate = new Google.Type.Date { Year = start.Year, Month = start.Month, Day = start.Day };
        }
        subject.Identifiers.AddRange(record.Identifiers.Select(i => new ExternalIdentifier { Type = i.Type, Value = i.Value }));
        return subject;
    }
}
