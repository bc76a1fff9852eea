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
        report.CurrentAssessments.AddRange(figures.CurrentAssessments.Select(c => new InstrumentCoverage
        {
            Instrument = c.Instrument.Code(), Subjects = c.Subjects, Current = c.Current, Overdue = c.Overdue, NotAssessed = c.NotAssessed,
            ShareCurrent = c.ShareCurrent,
        }));
        var deadlines = figures.LsCmiCompletion;
        report.LscmiCompletion = new CompletionDeadlineFigures
        {
            Due = deadlines.Due, Met = deadlines.Met, Missed = deadlines.Missed, StillOpen = deadlines.StillOpen, ShareMet = deadlines.ShareMet,
        };
        report.Sa07WithoutRm2000 = new Sa07WithoutRm2000
        {
            WithSa07 = figures.Sa07WithoutRm2000.WithSa07, WithoutRm2000 = figures.Sa07WithoutRm2000.WithoutRm2000,
            ShareWithoutRm2000 = figures.Sa07WithoutRm2000.ShareWithoutRm2000,
        };
        report.ConferencesHeld = figures.ConferencesHeld;
        report.AttendanceByAgency.AddRange(figures.AttendanceByAgency.Select(a => new AgencyAttendance
        {
            Agency = ToAgencyKind(a.Agency), Invited = a.Invited, Attended = a.Attended, Apologies = a.Apologies,
            AbsentWithoutApology = a.AbsentWithoutApology, ShareAttended = a.ShareAttended,
        }));
        return new GetComplianceReportResponse { Report = report };
    }

    // Events carry the contract's enum value names (AGENCY_KIND_HOUSING); an unknown name reads as unspecified.
    private static Mappa.Contracts.Common.V1.AgencyKind ToAgencyKind(string name) =>
        Mappa.Contracts.Common.V1.AgencyReflection.Descriptor.EnumTypes.First(e => e.Name == "AgencyKind").FindValueByName(name) is { } value
            ? (Mappa.Contracts.Common.V1.AgencyKind)value.Number
            : Mappa.Contracts.Common.V1.AgencyKind.Unspecified;

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
