using Mappa.Contracts;
using AgencyKind = Mappa.Contracts.Common.V1.AgencyKind;
using AgencyReflection = Mappa.Contracts.Common.V1.AgencyReflection;
using ExternalIdentifier = Mappa.Contracts.Common.V1.ExternalIdentifier;
using MappaCategory = Mappa.Contracts.Common.V1.MappaCategory;
using Mappa.Contracts.Scheduling.V1;
using Mappa.Events;
using Mappa.Events.CaseConference;
using Mappa.Events.RiskAssessment;
using Mappa.Security;
using Mappa.Testing;
using static Mappa.Scheduling.Tests.Service.SchedulingDriver;

namespace Mappa.Scheduling.Tests.Service;

/// <summary>
/// The compliance figures learned from RiskAssessment's and CaseConference's events, on one worked month: current
/// assessments per instrument, LS/CMI within 20 working days, SA07 without RM2000, attendance by agency.
/// </summary>
public sealed class ComplianceFiguresTests(SimulatedSchedulingSuite suite) : IClassFixture<SimulatedSchedulingSuite>
{
    private const string Area = "figures-burgh";
    private static readonly Google.Protobuf.Reflection.MethodDescriptor Report = RunningSuite.Method(MappaServices.Compliance, "GetComplianceReport");

    [Fact]
    public async Task A_worked_month_gives_each_figure_from_the_events_seen()
    {
        var services = suite.Services;
        // s1: LS/CMI (review in December), RM2000, Stable 2007, and a RoSH since superseded without a correction.
        var s1 = await RegisterAsync(null);
        var s1LsCmi = await RecordAsync(s1, RiskInstrument.LsCmi);
        await services.SetReviewDateAsync(s1, s1LsCmi, new DateOnly(2025, 12, 1));
        await RecordAsync(s1, RiskInstrument.RiskMatrix2000);
        await RecordAsync(s1, RiskInstrument.Stable2007);
        var s1Rosh = await RecordAsync(s1, RiskInstrument.Rosh);
        await services.PublishAsync(new AssessmentSuperseded
        {
            OccurredAt = DateTimeOffset.UtcNow, Subject = SubjectReference.Of(s1), Detail = AssessmentLink(s1Rosh),
            AssessmentId = s1Rosh, SupersededByAssessmentId = Guid.NewGuid().ToString(), Instrument = RiskInstrument.Rosh,
        });
        // s2: Acute 2007 only (no RM2000), its review due 10 September and not done.
        var s2 = await RegisterAsync(null);
        var s2Acute = await RecordAsync(s2, RiskInstrument.Acute2007);
        await services.SetReviewDateAsync(s2, s2Acute, new DateOnly(2025, 9, 10));
        // s3: supervision from 1 September (deadline 29 September), LS/CMI recorded on 5 September: met.
        var s3 = await RegisterAsync(new DateOnly(2025, 9, 1));
        // s4: supervision from 1 September, no LS/CMI yet: still open on the 20th.
        var s4 = await RegisterAsync(new DateOnly(2025, 9, 1));
        // s5: supervision from 18 August (deadline 15 September), no LS/CMI: missed.
        var s5 = await RegisterAsync(new DateOnly(2025, 8, 18));
        // Someone in another area counts nowhere here.
        await services.AssessmentWithReviewDateAsync(new DateOnly(2025, 9, 2), "figures-elsewhere");

        await suite.AdvanceToAsync(Morning(2025, 9, 5).AddHours(2));
        await RecordAsync(s3, RiskInstrument.LsCmi);
        await services.WaitForObligationAsync("lscmi-completion:" + s3, o => o.ClosedAt is not null);

        // Two meetings held in September (one announced once per subject), one in August.
        await HeldAsync("conf-sep-a", [s1, s2], new DateOnly(2025, 9, 10),
            [(AgencyKind.Police, "ATTENDANCE_STATUS_ATTENDED"), (AgencyKind.SocialWork, "ATTENDANCE_STATUS_DELEGATE_ATTENDED"), (AgencyKind.Housing, "ATTENDANCE_STATUS_APOLOGIES")]);
        await HeldAsync("conf-sep-b", [s3], new DateOnly(2025, 9, 15),
            [(AgencyKind.Police, "ATTENDANCE_STATUS_ABSENT_WITHOUT_APOLOGY"), (AgencyKind.Housing, "ATTENDANCE_STATUS_ATTENDED")]);
        await HeldAsync("conf-aug", [s4], new DateOnly(2025, 8, 20), [(AgencyKind.Police, "ATTENDANCE_STATUS_ATTENDED")]);

        await suite.AdvanceToAsync(Morning(2025, 9, 20).AddHours(2));
        var report = await ReportAsync();

        Assert.Equal(
        [
            ("LS_CMI", 5, 2, 0, 3),
            ("RISK_MATRIX_2000", 5, 1, 0, 4),
            ("SA07", 5, 1, 1, 3),
            ("ROSH", 5, 0, 0, 5),
        ], report.CurrentAssessments.Select(c => (c.Instrument, c.Subjects, c.Current, c.Overdue, c.NotAssessed)).ToArray());
        Assert.Equal(0.4, report.CurrentAssessments[0].ShareCurrent, 6);

        Assert.Equal((3, 1, 1, 1), (report.LscmiCompletion.Due, report.LscmiCompletion.Met, report.LscmiCompletion.Missed, report.LscmiCompletion.StillOpen));
        Assert.Equal(0.5, report.LscmiCompletion.ShareMet, 6);

        Assert.Equal((2, 1), (report.Sa07WithoutRm2000.WithSa07, report.Sa07WithoutRm2000.WithoutRm2000));

        Assert.Equal(2, report.ConferencesHeld);
        Assert.Equal(
        [
            (AgencyKind.Police, 2, 1, 0, 1),
            (AgencyKind.SocialWork, 1, 1, 0, 0),
            (AgencyKind.Housing, 2, 1, 1, 0),
        ], report.AttendanceByAgency.Select(a => (a.Agency, a.Invited, a.Attended, a.Apologies, a.AbsentWithoutApology)).OrderBy(a => a.Agency).ToArray());
        Assert.Empty(report.NotAvailable);
        Assert.NotEqual(s4, s5);
    }

    private async Task<ComplianceReport> ReportAsync()
    {
        using var manager = suite.Channel(suite.Token(Role.Manager, Area));
        return (await manager.UnaryAsync<GetComplianceReportRequest, GetComplianceReportResponse>(Report, new GetComplianceReportRequest
        {
            Area = Area,
            PeriodStart = new Google.Type.Date { Year = 2025, Month = 9, Day = 1 },
            PeriodEnd = new Google.Type.Date { Year = 2025, Month = 9, Day = 30 },
        })).Report;
    }

    private async Task<string> RegisterAsync(DateOnly? supervisionStart)
    {
        var subjectId = Guid.NewGuid().ToString();
        await suite.Services.PublishAsync(new SubjectRegistered
        {
            OccurredAt = DateTimeOffset.UtcNow, Subject = SubjectReference.Of(subjectId),
            Detail = new DetailLink("/mappa.riskassessment.v1.SubjectService/GetSubject", "subject_id", subjectId),
            Area = Area, SupervisionStartDate = supervisionStart,
        });
        if (supervisionStart is not null)
            await suite.Services.WaitForObligationAsync("lscmi-completion:" + subjectId, _ => true);
        return subjectId;
    }

    private async Task<string> RecordAsync(string subjectId, RiskInstrument instrument)
    {
        var assessmentId = Guid.NewGuid().ToString();
        await suite.Services.PublishAsync(new AssessmentRecorded
        {
            OccurredAt = DateTimeOffset.UtcNow, Subject = SubjectReference.Of(subjectId), Detail = AssessmentLink(assessmentId),
            AssessmentId = assessmentId, Instrument = instrument, RuleSetVersion = "v1", Area = Area,
        });
        return assessmentId;
    }

    private async Task HeldAsync(string name, string[] subjects, DateOnly heldOn, (AgencyKind Agency, string Status)[] attendance)
    {
        var conferenceId = name + "-" + subjects[0];
        var link = new DetailLink("/mappa.caseconference.v1.ConferenceService/GetConference", "conference_id", conferenceId);
        foreach (var subjectId in subjects)
        {
            await suite.Services.PublishAsync(new ConferenceScheduled
            {
                OccurredAt = DateTimeOffset.UtcNow, Subject = SubjectReference.Of(subjectId), Detail = link,
                ConferenceId = conferenceId, ScheduledFor = DateTimeOffset.UtcNow, Area = Area,
            });
            await suite.Services.PublishAsync(new ConferenceHeld
            {
                OccurredAt = DateTimeOffset.UtcNow, Subject = SubjectReference.Of(subjectId), Detail = link, ConferenceId = conferenceId, HeldOn = heldOn,
            });
            foreach (var (agency, status) in attendance)
            {
                await suite.Services.PublishAsync(new AttendanceRecorded
                {
                    OccurredAt = DateTimeOffset.UtcNow, Subject = SubjectReference.Of(subjectId), Detail = link, ConferenceId = conferenceId,
                    Agency = AgencyReflection.Descriptor.EnumTypes.First(e => e.Name == "AgencyKind").FindValueByNumber((int)agency).Name,
                    Status = status,
                });
            }
        }
        // The calendar queue handles one message at a time in order: a plan action published last shows all of the above are in.
        var marker = Guid.NewGuid().ToString();
        await suite.Services.PublishAsync(new ActionDueDateSet
        {
            OccurredAt = DateTimeOffset.UtcNow, Subject = SubjectReference.Of(subjects[0]), Detail = link,
            ConferenceId = conferenceId, ActionId = marker, DueDate = new DateOnly(2026, 6, 1),
        });
        await suite.Services.WaitForObligationAsync($"plan-action:{conferenceId}/{marker}/{subjects[0]}", _ => true);
    }

    private static DetailLink AssessmentLink(string assessmentId) =>
        new("/mappa.riskassessment.v1.AssessmentService/GetAssessment", "assessment_id", assessmentId);
}
