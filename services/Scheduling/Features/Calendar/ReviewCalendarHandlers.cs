using Google.Protobuf.WellKnownTypes;
using Mappa.Contracts.Common.V1;
using Mappa.Contracts.Scheduling.V1;
using Mappa.Grpc.Server;
using Mappa.Scheduling.Features.Milestones;
using Mappa.Scheduling.Persistence;
using Mappa.Security;
using DomainMilestoneKind = Mappa.Scheduling.Features.Milestones.MilestoneKind;
using DomainObligationState = Mappa.Scheduling.Features.Milestones.ObligationState;
using MilestoneKind = Mappa.Contracts.Scheduling.V1.MilestoneKind;
using ObligationState = Mappa.Contracts.Scheduling.V1.ObligationState;
using ReviewObligation = Mappa.Contracts.Scheduling.V1.ReviewObligation;

namespace Mappa.Scheduling.Features.Calendar;

/// <summary>mappa.scheduling.v1.ReviewCalendarService: translation between the contract and <see cref="ReviewCalendarQueries"/>.</summary>
public sealed class ReviewCalendarHandlers(ReviewCalendarQueries queries, MilestoneFeed feed)
{
    private const int StreamBatch = 200;

    /// <summary>Streams also look for milestones other instances recorded, at this interval (real time).</summary>
    private static readonly TimeSpan StreamPollInterval = TimeSpan.FromSeconds(1);

    public static void Bind(GrpcServiceBinder<ReviewCalendarHandlers> service)
    {
        service.Unary<ListReviewObligationsRequest, ListReviewObligationsResponse>("ListReviewObligations", (h, request, context) => h.List(request, context));
        service.Unary<GetReviewObligationRequest, GetReviewObligationResponse>("GetReviewObligation", (h, request, context) => h.Get(request, context));
        service.ServerStreaming<WatchReviewMilestonesRequest, WatchReviewMilestonesResponse>("WatchReviewMilestones",
            (h, request, writer, context) => h.Watch(request, writer, context));
    }

    private async Task<ListReviewObligationsResponse> List(ListReviewObligationsRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var filter = new ObligationFilter(request.Area, ToDate(request.DueFrom, "due_from"), ToDate(request.DueTo, "due_to"), request.OverdueOnly, request.SubjectId);
        var (obligations, next) = await queries.ListAsync(request.PageSize, request.PageToken, filter, caller, context.CancellationToken);
        var response = new ListReviewObligationsResponse { NextPageToken = next };
        response.Obligations.AddRange(obligations.Select(ToContract));
        return response;
    }

    private async Task<GetReviewObligationResponse> Get(GetReviewObligationRequest request, ServerCallContext context)
    {
        var record = await queries.GetAsync(request.ObligationId, context.Caller(), context.CancellationToken);
        context.PendingAudit()?.SetSubject(record.SubjectId);
        return new GetReviewObligationResponse { Obligation = ToContract(record) };
    }

    private async Task Watch(WatchReviewMilestonesRequest request, IServerStreamWriter<WatchReviewMilestonesResponse> writer, ServerCallContext context)
    {
        var caller = context.Caller();
        var cancellationToken = context.CancellationToken;
        if (request.Area.Length > 0 && !caller.CanSeeArea(request.Area))
            throw new Mappa.Grpc.RpcException(Mappa.Grpc.StatusCode.PermissionDenied, "The caller may not watch that area.");

        long position;
        if (request.ResumeAfter.Length > 0)
        {
            position = ReviewCalendarQueries.DecodeCursor(request.ResumeAfter)
                ?? throw new Mappa.Core.Errors.ValidationFailedException("resume_after", "Not a cursor this service issued.");
        }
        else if (request.ReplayFrom is { } replayFrom)
        {
            position = await queries.PositionBeforeAsync(ContractTime.Instant(replayFrom, "replay_from")!.Value, cancellationToken);
        }
        else
        {
            position = await queries.LatestPositionAsync(cancellationToken);
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            var recorded = feed.NextNotification;
            var batch = await queries.MilestonesAfterAsync(position, request.Area, caller, StreamBatch, cancellationToken);
            foreach (var (milestone, obligation) in batch)
            {
                await writer.WriteAsync(ToContract(milestone, obligation), cancellationToken);
                position = milestone.Position;
            }
            if (batch.Count == StreamBatch)
                continue;
            try
            {
                await ChangeNotifier.WaitAsync(recorded, StreamPollInterval, TimeProvider.System, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;   // the client went away or its deadline passed: the layer reports the status
            }
        }
    }

    private static WatchReviewMilestonesResponse ToContract(MilestoneRecord milestone, ObligationRecord obligation)
    {
        var kind = (DomainMilestoneKind)milestone.Kind;
        var response = new WatchReviewMilestonesResponse
        {
            MilestoneId = milestone.MilestoneId,
            Kind = ToContract(kind),
            Obligation = ToContract(obligation),
            OccurTime = Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds(milestone.FallsDueAt)),
            Cursor = ReviewCalendarQueries.EncodeCursor(milestone.Position),
        };
        if (milestone.PlannedDay is { } planned)
        {
            response.PlannedDate = ToContract(DateOnly.FromDayNumber(planned));
            if (kind is DomainMilestoneKind.Overdue or DomainMilestoneKind.Reminder)
                response.DaysOverdue = planned - milestone.DueDay;
        }
        return response;
    }

    public static ReviewObligation ToContract(ObligationRecord record)
    {
        var obligation = new ReviewObligation
        {
            ObligationId = record.ObligationId,
            Subject = new SubjectReference { SubjectId = record.SubjectId },
            Kind = (ReviewKind)record.ReviewKind,
            DueDate = ToContract(DateOnly.FromDayNumber(record.DueDay)),
            State = (DomainObligationState)record.State switch
            {
                DomainObligationState.Open => ObligationState.Open,
                DomainObligationState.Completed => ObligationState.Completed,
                DomainObligationState.Cancelled => ObligationState.Cancelled,
                _ => ObligationState.Unspecified,
            },
            Area = record.Area,
            Source = record.Source,
        };
        if (record.ClosedAt is { } closed)
            obligation.CloseTime = Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds(closed));
        return obligation;
    }

    public static MilestoneKind ToContract(DomainMilestoneKind kind) => kind switch
    {
        DomainMilestoneKind.DueSoon => MilestoneKind.DueSoon,
        DomainMilestoneKind.Due => MilestoneKind.Due,
        DomainMilestoneKind.Overdue => MilestoneKind.Overdue,
        DomainMilestoneKind.Reminder => MilestoneKind.Reminder,
        DomainMilestoneKind.Completed => MilestoneKind.Completed,
        DomainMilestoneKind.Cancelled => MilestoneKind.Cancelled,
        _ => MilestoneKind.Unspecified,
    };

    public static Google.Type.Date ToContract(DateOnly date) => new() { Year = date.Year, Month = date.Month, Day = date.Day };

    private static DateOnly? ToDate(Google.Type.Date? date, string field)
    {
        if (date is null || (date.Year == 0 && date.Month == 0 && date.Day == 0))
            return null;
        try
        {
            return new DateOnly(date.Year, date.Month, date.Day);
        }
        catch (ArgumentOutOfRangeException)
        {
            throw new Mappa.Core.Errors.ValidationFailedException(field, "Not a valid calendar date.");
        }
    }
}
