using Mappa.Contracts;
using AgencyKind = Mappa.Contracts.Common.V1.AgencyKind;
using AgencyReflection = Mappa.Contracts.Common.V1.AgencyReflection;
using ExternalIdentifier = Mappa.Contracts.Common.V1.ExternalIdentifier;
using MappaCategory = Mappa.Contracts.Common.V1.MappaCategory;
using Mappa.Contracts.RiskAssessment.V1;
using Mappa.Events;
using Mappa.Events.RiskAssessment;
using Mappa.Scheduling.Features.Milestones;
using Mappa.Security;
using Mappa.Testing;
using static Mappa.Scheduling.Tests.Service.SchedulingDriver;
using ReviewKind = Mappa.Events.ReviewKind;

namespace Mappa.Scheduling.Tests.Service;

/// <summary>
/// The LS/CMI completion deadline (20 working days from the start of supervision) kept from RiskAssessment's events:
/// planned on the area's working days, with the usual milestones, and met by an LS/CMI assessment.
/// </summary>
public sealed class LsCmiDeadlineTests(LocalHolidaySuite suite) : IClassFixture<LocalHolidaySuite>
{
    [Fact]
    public async Task The_deadline_skips_christmas_and_the_local_holiday_and_its_reminders_stop_when_the_LS_CMI_is_recorded_late()
    {
        var services = suite.Services;
        var burgh = await RegisterAsync(LocalHolidaySuite.Burgh, new DateOnly(2025, 12, 15));
        var national = await RegisterAsync("lscmi-national", new DateOnly(2025, 12, 15));

        // 20 working days after Monday 15 December: Christmas, Boxing Day, 1 and 2 January are national holidays,
        // the burgh also keeps 29 December.
        var burghDeadline = await services.WaitForObligationAsync("lscmi-completion:" + burgh, _ => true);
        var nationalDeadline = await services.WaitForObligationAsync("lscmi-completion:" + national, _ => true);
        Assert.Equal(new DateOnly(2026, 1, 19), DateOnly.FromDayNumber(burghDeadline.DueDay));
        Assert.Equal(new DateOnly(2026, 1, 16), DateOnly.FromDayNumber(nationalDeadline.DueDay));
        Assert.Equal((int)ReviewKind.CompletionDeadline, burghDeadline.ReviewKind);
        Assert.Equal((int)RiskInstrument.LsCmi, burghDeadline.Instrument);

        await suite.AdvanceToAsync(Morning(2026, 1, 28).AddHours(3));
        Assert.Equal(
            [("due-soon", D(2026, 1, 5)), ("due", D(2026, 1, 19)), ("overdue", D(2026, 1, 20)), ("reminder", D(2026, 1, 27))],
            await PlanOf(burgh));

        await RecordLsCmiAsync(burgh, LocalHolidaySuite.Burgh);
        var met = await services.WaitForObligationAsync("lscmi-completion:" + burgh, o => o.ClosedAt is not null);
        Assert.Equal((int)ObligationState.Completed, met.State);

        await suite.AdvanceToAsync(Morning(2026, 2, 20));
        var milestones = await services.MilestonesOfAsync("lscmi-completion:" + burgh);
        Assert.Equal(["due-soon", "due", "overdue", "reminder", "completed"], milestones.Select(m => m.Slug()).ToArray());
        Assert.Contains("mappa.scheduling.review.completed", (await services.OutboxEventsOfAsync("lscmi-completion:" + burgh)).Select(e => e.EventType));
        // The other subject's deadline is still open and still reminding.
        Assert.Equal("reminder", (await services.MilestonesOfAsync("lscmi-completion:" + national))[^1].Slug());
    }

    [Fact]
    public async Task A_start_date_set_later_opens_the_deadline_a_correction_moves_it_and_an_LS_CMI_already_recorded_since_the_start_meets_it()
    {
        var services = suite.Services;
        var subjectId = await RegisterAsync("lscmi-later", null);
        await services.PublishAsync(StartSet(subjectId, "lscmi-later", new DateOnly(2025, 9, 1)));
        await services.WaitForObligationAsync("lscmi-completion:" + subjectId, o => o.DueDay == new DateOnly(2025, 9, 29).DayNumber);

        await services.PublishAsync(StartSet(subjectId, "lscmi-later", new DateOnly(2025, 9, 8)));
        var moved = await services.WaitForObligationAsync("lscmi-completion:" + subjectId, o => o.DueDay == new DateOnly(2025, 10, 6).DayNumber);
        Assert.Null(moved.ClosedAt);

        // An LS/CMI recorded before the start date is known still meets a deadline whose start is not after it.
        var other = await RegisterAsync("lscmi-later", null);
        await RecordLsCmiAsync(other, "lscmi-later");
        await services.PublishAsync(StartSet(other, "lscmi-later", new DateOnly(2025, 8, 25)));
        var met = await services.WaitForObligationAsync("lscmi-completion:" + other, o => o.ClosedAt is not null);
        Assert.Equal((int)ObligationState.Completed, met.State);
    }

    [Fact]
    public async Task A_subject_registered_by_RPC_with_a_supervision_start_gets_its_deadline_in_the_calendar()
    {
        using var coordinator = suite.Channel(suite.Token(Role.MappaCoordinator, Area));
        var created = await coordinator.UnaryAsync<CreateSubjectRequest, CreateSubjectResponse>(RunningSuite.Method(MappaServices.Subjects, "CreateSubject"), new()
        {
            RequestId = Guid.NewGuid().ToString(),
            Identifiers = { new ExternalIdentifier { Type = "PNC", Value = "TEST/" + Guid.NewGuid().ToString("N")[..12] } },
            Category = MappaCategory._1,
            LeadAgency = AgencyKind.Police,
            Area = Area,
            DisplayName = "Test Person",
            SupervisionStartDate = new Google.Type.Date { Year = 2025, Month = 9, Day = 1 },
        });

        var deadline = await suite.Services.WaitForObligationAsync("lscmi-completion:" + created.Subject.SubjectId, _ => true);
        Assert.Equal((new DateOnly(2025, 9, 29), Area), (DateOnly.FromDayNumber(deadline.DueDay), deadline.Area));
    }

    private async Task<string> RegisterAsync(string area, DateOnly? start)
    {
        var subjectId = Guid.NewGuid().ToString();
        await suite.Services.PublishAsync(new SubjectRegistered
        {
            OccurredAt = DateTimeOffset.UtcNow, Subject = SubjectReference.Of(subjectId),
            Detail = new DetailLink("/mappa.riskassessment.v1.SubjectService/GetSubject", "subject_id", subjectId),
            Area = area, SupervisionStartDate = start,
        });
        return subjectId;
    }

    private static SupervisionStartDateSet StartSet(string subjectId, string area, DateOnly start) => new()
    {
        OccurredAt = DateTimeOffset.UtcNow, Subject = SubjectReference.Of(subjectId),
        Detail = new DetailLink("/mappa.riskassessment.v1.SubjectService/GetSubject", "subject_id", subjectId),
        SupervisionStartDate = start, Area = area,
    };

    private async Task RecordLsCmiAsync(string subjectId, string area)
    {
        var assessmentId = Guid.NewGuid().ToString();
        await suite.Services.PublishAsync(new AssessmentRecorded
        {
            OccurredAt = DateTimeOffset.UtcNow, Subject = SubjectReference.Of(subjectId),
            Detail = new DetailLink("/mappa.riskassessment.v1.AssessmentService/GetAssessment", "assessment_id", assessmentId),
            AssessmentId = assessmentId, Instrument = RiskInstrument.LsCmi, RuleSetVersion = "v1", Area = area,
        });
    }

    private async Task<(string, DateOnly)[]> PlanOf(string subjectId) =>
        (await suite.Services.MilestonesOfAsync("lscmi-completion:" + subjectId))
            .Select(m => (m.Slug(), DateOnly.FromDayNumber(m.PlannedDay!.Value))).ToArray();

    private static DateOnly D(int year, int month, int day) => new(year, month, day);
}
