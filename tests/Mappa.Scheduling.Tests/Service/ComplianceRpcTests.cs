using Mappa.Contracts;
using Mappa.Contracts.Scheduling.V1;
using Mappa.Events;
using Mappa.Events.RiskAssessment;
using Mappa.Grpc;
using Mappa.Security;
using Mappa.Testing;
using static Mappa.Scheduling.Tests.Service.SchedulingDriver;

namespace Mappa.Scheduling.Tests.Service;

/// <summary>The compliance figures the review calendar gives, for an area and a month.</summary>
public sealed class ComplianceRpcTests(SimulatedSchedulingSuite suite) : IClassFixture<SimulatedSchedulingSuite>
{
    private const string Area = "stirling";
    private static readonly Google.Protobuf.Reflection.MethodDescriptor Report = RunningSuite.Method(MappaServices.Compliance, "GetComplianceReport");

    [Fact]
    public async Task A_months_report_counts_overdue_reviews_by_age_and_reviews_completed_by_their_due_date()
    {
        var services = suite.Services;
        var onTime = await services.AssessmentWithReviewDateAsync(new DateOnly(2025, 9, 3), Area);
        var stillOpen = await services.AssessmentWithReviewDateAsync(new DateOnly(2025, 9, 5), Area);
        await services.AssessmentWithReviewDateAsync(new DateOnly(2025, 7, 1), Area);   // long overdue, due before the month
        var late = await services.AssessmentWithReviewDateAsync(new DateOnly(2025, 9, 10), Area);

        await suite.AdvanceToAsync(Morning(2025, 9, 2).AddHours(3));
        await ReassessAsync(onTime.SubjectId, onTime.AssessmentId);
        await suite.AdvanceToAsync(Morning(2025, 9, 12).AddHours(3));
        await ReassessAsync(late.SubjectId, late.AssessmentId);
        await suite.AdvanceToAsync(Morning(2025, 9, 20).AddHours(2));

        using var manager = suite.Channel(suite.Token(Role.Manager, Area));
        var report = (await manager.UnaryAsync<GetComplianceReportRequest, GetComplianceReportResponse>(Report, new GetComplianceReportRequest
        {
            Area = Area,
            PeriodStart = new Google.Type.Date { Year = 2025, Month = 9, Day = 1 },
            PeriodEnd = new Google.Type.Date { Year = 2025, Month = 9, Day = 30 },
        })).Report;

        // As of 20 September: 15 days (due the 5th) and 81 days (due 1 July) overdue.
        Assert.Equal([(1, 7, 0), (8, 28, 1), (29, 90, 1), (91, 0, 0)],
            report.OverdueByAge.Select(b => (b.MinDaysOverdue, b.MaxDaysOverdue, b.Count)).ToArray());
        var assessments = Assert.Single(report.DueInPeriod);
        Assert.Equal(Mappa.Contracts.Scheduling.V1.ReviewKind.Assessment, assessments.Kind);
        Assert.Equal((3, 1, 1, 1, 0), (assessments.Due, assessments.CompletedByDueDate, assessments.CompletedLate, assessments.StillOpen, assessments.Cancelled));
        Assert.Empty(report.NotAvailable);   // every figure it once listed is computed now
        Assert.Equal(Morning(2025, 9, 20).AddHours(2), report.AsOf.ToDateTimeOffset());
        Assert.NotEqual(stillOpen.SubjectId, onTime.SubjectId);
    }

    [Fact]
    public async Task Another_areas_report_is_not_found()
    {
        using var manager = suite.Channel(suite.Token(Role.Manager, "clackmannanshire"));
        var error = await Assert.ThrowsAsync<RpcException>(() => manager.UnaryAsync<GetComplianceReportRequest, GetComplianceReportResponse>(Report,
            new GetComplianceReportRequest
            {
                Area = Area,
                PeriodStart = new Google.Type.Date { Year = 2025, Month = 9, Day = 1 },
                PeriodEnd = new Google.Type.Date { Year = 2025, Month = 9, Day = 30 },
            }));
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    // A new assessment with the same instrument is the review the earlier one asked for.
    private async Task ReassessAsync(string subjectId, string previousAssessmentId)
    {
        var assessmentId = Guid.NewGuid().ToString();
        await suite.Services.PublishAsync(new AssessmentRecorded
        {
            OccurredAt = DateTimeOffset.UtcNow, Subject = SubjectReference.Of(subjectId),
            Detail = new DetailLink("/mappa.riskassessment.v1.AssessmentService/GetAssessment", "assessment_id", assessmentId),
            AssessmentId = assessmentId, Instrument = RiskInstrument.LsCmi, RuleSetVersion = "v1", Area = Area,
        });
        await suite.Services.WaitForObligationAsync("assessment-review:" + previousAssessmentId, o => o.ClosedAt is not null);
    }
}
