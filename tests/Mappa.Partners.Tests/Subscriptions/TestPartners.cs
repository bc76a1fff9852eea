using Mappa.Events;
using Mappa.Events.CaseConference;
using Mappa.Events.RiskAssessment;
using Mappa.Events.Scheduling;
using Mappa.Partners.Tests.Catalogue;

namespace Mappa.Partners.Tests.Subscriptions;

/// <summary>Police Scotland (every area) and two local authorities (their own area each), as in deploy/partners.yaml but smaller.</summary>
public static class TestPartners
{
    public const string Police = "police-scotland";
    public const string Glasgow = "glasgow";
    public const string Edinburgh = "edinburgh";

    public const string Yaml = """
        kinds:
          police:
            events:
              - mappa.scheduling.review.due
              - mappa.scheduling.review.due-soon
              - mappa.riskassessment.subject.registered
              - mappa.riskassessment.risk-level.changed
              - mappa.caseconference.conference.scheduled
              - mappa.caseconference.conference.held
          local-authority:
            events:
              - mappa.scheduling.review.due
              - mappa.riskassessment.subject.registered
              - mappa.caseconference.conference.scheduled
        agencies:
          - name: police-scotland
            kind: police
            areas: all
          - name: glasgow
            kind: local-authority
            areas: [glasgow]
          - name: edinburgh
            kind: local-authority
            areas: [edinburgh]
        """;

    public static PartnerConfiguration Configuration => PartnerConfiguration.Parse(Yaml);

    public static DomainEvent Event<T>(string subjectId, string? area) where T : DomainEvent =>
        ExampleEvents.Create(typeof(T), subjectId, area);

    public static DomainEvent ReviewDueIn(string area, string subjectId = "subject-r") => Event<ReviewDue>(subjectId, area);
}
