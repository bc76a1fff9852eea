using Mappa.Contracts.CaseConference.V1;
using Mappa.Contracts.Common.V1;

namespace Mappa.CaseConference.Tests.Service;

/// <summary>The agenda fetches each subject's risk picture from RiskAssessment over gRPC (this suite's own endpoint).</summary>
public sealed class AgendaWithRiskAssessmentTests(ConferenceSuite suite) : IClassFixture<ConferenceSuite>
{
    [Fact]
    public async Task The_agenda_carries_each_subjects_current_risk_summary_from_risk_assessment()
    {
        using var coordinator = new ConferenceCalls(suite, ConferenceCalls.NewArea("agenda"));
        var registered = await coordinator.RegisterSubject(MappaCategory._2);
        var unknown = Guid.NewGuid().ToString();
        var conference = await coordinator.Create(registered, unknown);

        var agenda = await coordinator.Call<GetConferenceAgendaRequest, GetConferenceAgendaResponse>("GetConferenceAgenda",
            new() { ConferenceId = conference.ConferenceId });

        Assert.Equal(conference.ConferenceId, agenda.Conference.ConferenceId);
        Assert.Equal([registered, unknown], agenda.RiskSummaries.Select(s => s.SubjectId));
        var known = agenda.RiskSummaries[0];
        Assert.Equal(RiskSummaryAvailability.Available, known.Availability);
        Assert.Equal(MappaCategory._2, known.Category);
        Assert.Equal(MappaLevel._1, known.Level);
        Assert.Equal(AgencyKind.Police, known.LeadAgency);
        // No assessment recorded yet: no RoSH, no review date, and nothing RiskAssessment flags.
        Assert.Equal(Mappa.Contracts.RiskAssessment.V1.RoshLevel.Unspecified, known.OverallRoshLevel);
        Assert.Null(known.NextReviewDate);
        Assert.Empty(known.Flags);
        Assert.Equal(RiskSummaryAvailability.NotFound, agenda.RiskSummaries[1].Availability);
    }
}

/// <summary>With RiskAssessment unreachable the agenda still answers, marking the summaries unavailable.</summary>
public sealed class AgendaWithRiskAssessmentDownTests(RiskAssessmentDownSuite suite) : IClassFixture<RiskAssessmentDownSuite>
{
    [Fact]
    public async Task The_agenda_still_answers_and_marks_the_risk_summary_unavailable_when_risk_assessment_is_down()
    {
        using var coordinator = new ConferenceCalls(suite, ConferenceCalls.NewArea("down"));
        var subjectId = Guid.NewGuid().ToString();
        var conference = await coordinator.Create(subjectId);

        var agenda = await coordinator.Call<GetConferenceAgendaRequest, GetConferenceAgendaResponse>("GetConferenceAgenda",
            new() { ConferenceId = conference.ConferenceId });

        var summary = Assert.Single(agenda.RiskSummaries);
        Assert.Equal(subjectId, summary.SubjectId);
        Assert.Equal(RiskSummaryAvailability.Unavailable, summary.Availability);
        Assert.Equal("UNAVAILABLE", summary.UnavailableStatus);
        Assert.Equal(MappaLevel.Unspecified, summary.Level);
        Assert.Equal(conference.ConferenceId, agenda.Conference.ConferenceId);
    }

    [Fact]
    public async Task The_chronology_still_lists_the_conferences_and_reports_the_other_sources_unavailable_when_risk_assessment_is_down()
    {
        using var coordinator = new ConferenceCalls(suite, ConferenceCalls.NewArea("chronodown"));
        var subjectId = Guid.NewGuid().ToString();
        var conference = await coordinator.Create(subjectId);

        var chronology = await CaseChronologyTests.Chronology(coordinator, subjectId);

        Assert.Equal(conference.ConferenceId, Assert.Single(chronology.Entries).RecordId);
        var unavailable = chronology.Sources.Where(s => !s.Available).ToArray();
        Assert.Equal([ChronologySource.RiskAssessment, ChronologySource.Scheduling], unavailable.Select(s => s.Source));
        Assert.All(unavailable, s => Assert.Equal("UNAVAILABLE", s.UnavailableStatus));
    }
}
