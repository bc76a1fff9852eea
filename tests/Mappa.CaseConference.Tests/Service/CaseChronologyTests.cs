using Mappa.Contracts.CaseConference.V1;
using Mappa.Contracts.Common.V1;
using Mappa.Grpc;
using Mappa.Security;

namespace Mappa.CaseConference.Tests.Service;

/// <summary>The case chronology drawn from RiskAssessment, CaseConference and Scheduling in the embedded suite.</summary>
public sealed class CaseChronologyTests(ConferenceSuite suite) : IClassFixture<ConferenceSuite>
{
    [Fact]
    public async Task The_chronology_lists_conferences_decisions_and_the_review_scheduling_planned_from_them_in_date_order()
    {
        using var coordinator = new ConferenceCalls(suite, ConferenceCalls.NewArea("chrono"));
        var subjectId = await coordinator.RegisterSubject();
        var minuted = await coordinator.MinutedWithLevel(subjectId, MappaLevel._2);

        // Scheduling plans the next meeting review from the decision's event: wait for it to arrive.
        var chronology = await Eventually.GetAsync(() => Chronology(coordinator, subjectId),
            c => c.Entries.Any(e => e.Kind == ChronologyEntryKind.ReviewDue), "the meeting review from Scheduling");

        Assert.All(chronology.Sources, source => Assert.True(source.Available, $"{source.Source}: {source.UnavailableStatus}"));
        Assert.Equal(3, chronology.Sources.Count);
        var kinds = chronology.Entries.Where(e => e.RecordId == minuted.ConferenceId).Select(e => e.Kind).ToArray();
        Assert.Equal([ChronologyEntryKind.ConferenceProposed, ChronologyEntryKind.ConferenceHeld, ChronologyEntryKind.LevelDecided], kinds);
        Assert.Equal("MAPPA_LEVEL_2", chronology.Entries.Single(e => e.Kind == ChronologyEntryKind.LevelDecided).Code);
        var review = chronology.Entries.Single(e => e.Kind == ChronologyEntryKind.ReviewDue);
        Assert.Equal("REVIEW_KIND_MAPPA_MEETING", review.Code);
        Assert.Equal(ChronologyEntryKind.ReviewDue, chronology.Entries[^1].Kind);
        var dates = chronology.Entries.Select(e => new DateOnly(e.Date.Year, e.Date.Month, e.Date.Day)).ToArray();
        Assert.Equal(dates.Order(), dates);
    }

    [Fact]
    public async Task An_invited_partner_sees_only_the_conferences_its_agency_is_invited_to()
    {
        var area = ConferenceCalls.NewArea("chronop");
        using var coordinator = new ConferenceCalls(suite, area);
        var subjectId = await coordinator.RegisterSubject();
        var withHousing = await coordinator.Create(new CreateConferenceRequest
        {
            AdditionalInvitees = { new Invitee { Agency = new Agency { Kind = AgencyKind.Housing } } },
        }, subjectId);
        await coordinator.Create(subjectId);
        using var housing = new ConferenceCalls(suite, area, Role.PartnerReader, "HOUSING");

        var chronology = await Chronology(housing, subjectId);

        Assert.Equal(withHousing.ConferenceId, Assert.Single(chronology.Entries, e => e.Source == ChronologySource.CaseConference).RecordId);
    }

    [Fact]
    public async Task A_subject_the_caller_cannot_see_anywhere_is_not_found()
    {
        using var coordinator = new ConferenceCalls(suite, ConferenceCalls.NewArea("chronoh"));
        var subjectId = await coordinator.RegisterSubject();
        using var outsider = new ConferenceCalls(suite, ConferenceCalls.NewArea("chronox"));

        var error = await Assert.ThrowsAsync<RpcException>(() => Chronology(outsider, subjectId));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    internal static Task<GetCaseChronologyResponse> Chronology(ConferenceCalls calls, string subjectId) =>
        calls.Call<GetCaseChronologyRequest, GetCaseChronologyResponse>("GetCaseChronology", new() { SubjectId = subjectId });
}
