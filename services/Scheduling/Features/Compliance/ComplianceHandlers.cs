using Google.Protobuf.WellKnownTypes;
using Mappa.Contracts.Scheduling.V1;
using Mappa.Grpc.Server;
using Mappa.Scheduling.Features.Calendar;
using Mappa.Security;

namespace Mappa.Scheduling.Features.Compliance;

/// <summary>mappa.scheduling.v1.ComplianceService: translation between the contract and <see cref="ComplianceReporter"/>.</summary>
public sealed class ComplianceHandlers(ComplianceReporter reporter)
{
    public static void Bind(GrpcServiceBinder<ComplianceHandlers> service) =>
        service.Unary<GetComplianceReportRequest, GetComplianceReportResponse>("GetComplianceReport", (h, request, context) => h.Get(request, context));

    private async Task<GetComplianceReportResponse> Get(GetComplianceReportRequest request, ServerCallContext context)
    {
        var figures = await reporter.ReportAsync(request.Area, ToDate(request.PeriodStart, "period_start"), ToDate(request.PeriodEnd, "period_end"),
            context.Caller(), context.CancellationToken);
        var report = new ComplianceReport
        {
            Area = figures.Area,
            PeriodStart = ReviewCalendarHandlers.ToContract(figures.PeriodStart),
            PeriodEnd = ReviewCalendarHandlers.ToContract(figures.PeriodEnd),
            AsOf = Timestamp.FromDateTimeOffset(figures.AsOf),
            NotAvailable = { figures.NotAvailable },
        };
        report.OverdueByAge.AddRange(figures.OverdueByAge.Select(b => new OverdueBand { MinDaysOverdue = b.MinDays, MaxDaysOverdue = b.MaxDays ?? 0, Count = b.Count }));
        report.DueInPeriod.AddRange(figures.DueInPeriod.Select(d => new DueInPeriod
        {
            Kind = (ReviewKind)d.Kind,
            Due = d.Due,
            CompletedByDueDate = d.CompletedByDueDate,
            CompletedLate = d.CompletedLate,
            StillOpen = d.StillOpen,
            Cancelled = d.Cancelled,
        }));
        return new GetComplianceReportResponse { Report = report };
    }

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
