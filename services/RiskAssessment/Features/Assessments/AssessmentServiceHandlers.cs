using Google.Protobuf.WellKnownTypes;
using Mappa.Contracts.Common.V1;
using Mappa.Contracts.RiskAssessment.V1;
using Mappa.Grpc.Server;
using Mappa.RiskAssessment.Features.Instruments.Contracts;
using Mappa.Security;
using DomainStatus = Mappa.RiskAssessment.Features.Instruments.Rescoring.RescoringStatus;

namespace Mappa.RiskAssessment.Features.Assessments;

/// <summary>mappa.riskassessment.v1.AssessmentService: translation between the contract and <see cref="AssessmentBook"/>.</summary>
public sealed class AssessmentServiceHandlers(
    AssessmentRequests requests, AssessmentBook book, AssessmentDrafts drafts, RiskSummaries summaries, AssessmentRescoring rescoring,
    AssessmentAudit audit)
{
    public static void Bind(GrpcServiceBinder<AssessmentServiceHandlers> service)
    {
        service.Unary<RecordAssessmentRequest, RecordAssessmentResponse>("RecordAssessment", (h, request, context) => h.Record(request, context));
        service.Unary<SaveDraftRequest, SaveDraftResponse>("SaveDraft", (h, request, context) => h.SaveDraft(request, context));
        service.Unary<CompleteDraftRequest, CompleteDraftResponse>("CompleteDraft", (h, request, context) => h.CompleteDraft(request, context));
        service.Unary<GetAssessmentRequest, GetAssessmentResponse>("GetAssessment", (h, request, context) => h.Get(request, context));
        service.Unary<ListAssessmentsRequest, ListAssessmentsResponse>("ListAssessments", (h, request, context) => h.List(request, context));
        service.Unary<SupersedeAssessmentRequest, SupersedeAssessmentResponse>("SupersedeAssessment", (h, request, context) => h.Supersede(request, context));
        service.Unary<SetReviewDateRequest, SetReviewDateResponse>("SetReviewDate", (h, request, context) => h.SetReviewDate(request, context));
        service.Unary<GetRiskSummaryRequest, GetRiskSummaryResponse>("GetRiskSummary", (h, request, context) => h.Summary(request, context));
        service.Unary<RescoreAssessmentsRequest, RescoreAssessmentsResponse>("RescoreAssessments", (h, request, context) => h.Rescore(request, context));
        service.Unary<ListAuditEntriesRequest, ListAuditEntriesResponse>("ListAuditEntries", (h, request, context) => h.ListAuditEntries(request, context));
    }

    private async Task<RecordAssessmentResponse> Record(RecordAssessmentRequest request, ServerCallContext context)
    {
        var caller = Begin(context);
        var view = await book.RecordAsync(requests.Validate(request), caller, context.CancellationToken);
        await audit.SaveReadAsync(view.Record.SubjectId, context.CancellationToken);
        return new RecordAssessmentResponse { Assessment = ToContract(view, caller) };
    }

    private async Task<SaveDraftResponse> SaveDraft(SaveDraftRequest request, ServerCallContext context)
    {
        var caller = Begin(context);
        var view = await drafts.SaveAsync(request, caller, context.CancellationToken);
        var draft = new Draft
        {
            DraftId = view.Record.DraftId,
            SubjectId = view.Record.SubjectId,
            Instrument = (Instrument)view.Record.Instrument,
            Scores = InstrumentScores.Parser.ParseFrom(view.Record.Scores),
            Result = view.Result?.ToContract(),
            UpdateTime = Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds(view.Record.UpdatedAt)),
            SavedBy = view.Record.SavedBy,
            CompletedAssessmentId = view.Record.CompletedAssessmentId ?? "",
        };
        draft.IncompleteFields.AddRange(view.IncompleteFields);
        return new SaveDraftResponse { Draft = draft };
    }

    private async Task<CompleteDraftResponse> CompleteDraft(CompleteDraftRequest request, ServerCallContext context)
    {
        var caller = Begin(context);
        var view = await drafts.CompleteAsync(request, caller, context.CancellationToken);
        await audit.SaveReadAsync(view.Record.SubjectId, context.CancellationToken);
        return new CompleteDraftResponse { Assessment = ToContract(view, caller) };
    }

    private async Task<GetAssessmentResponse> Get(GetAssessmentRequest request, ServerCallContext context)
    {
        var caller = Begin(context);
        var view = await book.GetAsync(request.AssessmentId, caller, context.CancellationToken);
        await audit.SaveReadAsync(view.Record.SubjectId, context.CancellationToken);
        return new GetAssessmentResponse { Assessment = ToContract(view, caller) };
    }

    private async Task<ListAssessmentsResponse> List(ListAssessmentsRequest request, ServerCallContext context)
    {
        var caller = Begin(context);
        var (views, next) = await book.ListAsync(request, caller, context.CancellationToken);
        await audit.SaveReadAsync(request.SubjectId, context.CancellationToken);
        var response = new ListAssessmentsResponse { NextPageToken = next };
        response.Assessments.AddRange(views.Select(v => ToContract(v, caller)));
        return response;
    }

    private async Task<SupersedeAssessmentResponse> Supersede(SupersedeAssessmentRequest request, ServerCallContext context)
    {
        var caller = Begin(context);
        var correction = requests.Validate(request);
        var (created, superseded) = await book.SupersedeAsync(correction, caller, context.CancellationToken);
        await audit.SaveReadAsync(created.Record.SubjectId, context.CancellationToken);
        return new SupersedeAssessmentResponse { Assessment = ToContract(created, caller), Superseded = ToContract(superseded, caller) };
    }

    private async Task<SetReviewDateResponse> SetReviewDate(SetReviewDateRequest request, ServerCallContext context)
    {
        var caller = Begin(context);
        var view = await book.SetReviewDateAsync(requests.Validate(request), caller, context.CancellationToken);
        await audit.SaveReadAsync(view.Record.SubjectId, context.CancellationToken);
        return new SetReviewDateResponse { Assessment = ToContract(view, caller) };
    }

    private async Task<GetRiskSummaryResponse> Summary(GetRiskSummaryRequest request, ServerCallContext context)
    {
        var caller = Begin(context);
        if (string.IsNullOrEmpty(request.SubjectId))
        {
            throw new Core.Errors.ValidationFailedException("subject_id", "Required.");
        }
        var (subject, current) = await book.CurrentAsync(request.SubjectId, caller, context.CancellationToken);
        var summary = summaries.Summarise(subject, current);
        await audit.SaveReadAsync(subject.SubjectId, context.CancellationToken);
        var response = new GetRiskSummaryResponse
        {
            SubjectId = subject.SubjectId,
            Category = (MappaCategory)subject.Category,
            Level = (MappaLevel)subject.Level,
            OverallRoshLevel = summary.OverallRosh is { } rosh ? (RoshLevel)rosh : RoshLevel.Unspecified,
            NextReviewDate = AssessmentRequests.ToContract(summary.NextReviewDate),
            AsOf = AssessmentRequests.ToContract(summary.AsOf),
        };
        response.LatestAssessments.AddRange(summary.Latest.Select(v => ToContract(v, caller)));
        response.Flags.AddRange(summary.Flags.Select(f => new RiskFlag
        {
            Kind = (RiskFlagKind)f.Kind,
            Instrument = f.Instrument is { } instrument ? instrument.ToContract() : Instrument.Unspecified,
            AssessmentId = f.AssessmentId ?? "",
            DueDate = AssessmentRequests.ToContract(f.DueDate),
        }));
        return response;
    }

    private async Task<RescoreAssessmentsResponse> Rescore(RescoreAssessmentsRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var (findings, checkedCount, next) = await rescoring.RescoreAsync(request, caller, context.CancellationToken);
        var response = new RescoreAssessmentsResponse { CheckedCount = checkedCount, NextPageToken = next };
        response.Findings.AddRange(findings.Select(f =>
        {
            var finding = new RescoringFinding
            {
                AssessmentId = f.Assessment.AssessmentId,
                SubjectId = f.Assessment.SubjectId,
                Instrument = (Instrument)f.Assessment.Instrument,
                RuleSet = f.Outcome.RuleSet.ToContract(),
                Status = f.Outcome.Status switch
                {
                    DomainStatus.Consistent => RescoringStatus.Consistent,
                    DomainStatus.Mismatched => RescoringStatus.Mismatched,
                    DomainStatus.RuleSetMissing => RescoringStatus.RuleSetMissing,
                    DomainStatus.InputInvalid => RescoringStatus.InputInvalid,
                    _ => RescoringStatus.Unspecified,
                },
            };
            finding.Mismatches.AddRange(f.Outcome.Mismatches.Select(m => m.ToContract()));
            finding.InvalidFields.AddRange(f.Outcome.Violations.Select(v => v.Field));
            return finding;
        }));
        return response;
    }

    private async Task<ListAuditEntriesResponse> ListAuditEntries(ListAuditEntriesRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        if (string.IsNullOrEmpty(request.SubjectId))
        {
            throw new Core.Errors.ValidationFailedException("subject_id", "Required.");
        }
        // Scoped like every other read: an auditor sees the trail of subjects in its areas only.
        var subject = await book.SubjectAsync(request.SubjectId, caller, context.CancellationToken);
        var (entries, next) = await audit.ListAsync(subject.SubjectId, request.PageSize, request.PageToken, context.CancellationToken);
        var response = new ListAuditEntriesResponse { NextPageToken = next };
        response.Entries.AddRange(entries.Select(e => new Mappa.Contracts.RiskAssessment.V1.AuditEntry
        {
            Time = Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds(e.Time)),
            Caller = e.Caller,
            Agency = e.Agency,
            Roles = { e.Roles.Split(' ', StringSplitOptions.RemoveEmptyEntries) },
            Method = e.Method,
            SubjectId = e.SubjectId ?? "",
            Outcome = e.Outcome,
            RequestId = e.RequestId,
        }));
        return response;
    }

    // Every call's audit entry is kept in this service's database (see AssessmentAudit).
    private CallerIdentity Begin(ServerCallContext context)
    {
        audit.Pending = context.PendingAudit();
        return context.Caller();
    }

    /// <summary>The contract view; item scores, full results and reasons only for callers that may see item-level detail.</summary>
    public static Assessment ToContract(AssessmentView view, CallerIdentity caller)
    {
        var record = view.Record;
        var assessment = new Assessment
        {
            AssessmentId = record.AssessmentId,
            SubjectId = record.SubjectId,
            Instrument = (Instrument)record.Instrument,
            Status = view.IsCurrent ? AssessmentStatus.Completed : AssessmentStatus.Superseded,
            AssessedDate = AssessmentRequests.ToContract(record.AssessedOn),
            AssessorId = record.AssessorId,
            Agency = (AgencyKind)record.Agency,
            RuleSet = new RuleSetRef { RuleSetId = record.RuleSetId, Version = record.RuleSetVersion },
            Levels = HeadlineLevels.Levels(view.Result),
            LinkedAssessmentId = record.LinkedAssessmentId ?? "",
            SupersedesAssessmentId = record.SupersedesAssessmentId ?? "",
            SupersededByAssessmentId = view.SupersededBy ?? "",
            SupervisionStartDate = AssessmentRequests.ToContract(record.SupervisionStart),
            NextReviewDate = AssessmentRequests.ToContract(view.NextReviewDate),
            ReviewDateBasis = view.Review is { } review ? (ReviewDateBasis)review.Basis : ReviewDateBasis.Unspecified,
            PolicyReviewDate = AssessmentRequests.ToContract(view.Review?.PolicyDate),
            RecordTime = Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds(record.RecordedAt)),
            RecordedBy = record.RecordedBy,
        };
        if (caller.HasPermission(Permission.AssessmentsItemDetail))
        {
            assessment.Scores = InstrumentScores.Parser.ParseFrom(record.Scores);
            assessment.Result = view.Result.ToContract();
            assessment.SupersessionReason = record.SupersessionReason ?? "";
        }
        else
        {
            // Need to know (000, F3/F4): levels travel, item scores and narrative do not.
            assessment.DetailRedacted = true;
        }
        return assessment;
    }
}
