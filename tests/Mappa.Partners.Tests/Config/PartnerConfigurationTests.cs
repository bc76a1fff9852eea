using Mappa.Partners.Tests.Infrastructure;

namespace Mappa.Partners.Tests.Config;

public class PartnerConfigurationTests
{
    [Fact]
    public void The_checked_in_configuration_is_valid_and_gives_police_every_area_and_each_council_its_own()
    {
        var configuration = PartnerConfiguration.Load(RepositoryFiles.Path("deploy", "partners.yaml"));

        var police = configuration.Agencies.Single(a => a.Name == "police-scotland");
        Assert.True(police.AllAreas);
        Assert.Contains("mappa.scheduling.review.due", police.Kind.Events);
        var glasgow = configuration.Agencies.Single(a => a.Name == "glasgow");
        Assert.False(glasgow.AllAreas);
        Assert.Equal(["glasgow"], glasgow.Areas);
        // Every event type a council is entitled to carries an area, so none is silently unreachable.
        Assert.All(configuration.Agencies, agency => Assert.Empty(agency.UnreachableEvents));
    }

    [Fact]
    public void Every_problem_in_a_configuration_is_reported_at_once()
    {
        var error = Assert.Throws<PartnerConfigurationException>(() => PartnerConfiguration.Parse("""
            kinds:
              police:
                events: [mappa.scheduling.review.due, mappa.scheduling.review.happened, mappa.scheduling.review.due]
            agencies:
              - name: Police Scotland
                kind: police
                areas: all
              - name: glasgow
                kind: council
                areas: [glasgow]
              - name: fife
                kind: police
                areas: []
              - name: fife
                kind: police
                areas: somewhere
            """, "test.yaml"));

        Assert.StartsWith("test.yaml:", error.Message, StringComparison.Ordinal);
        Assert.Contains("'mappa.scheduling.review.happened' is not an event type in libs/Mappa.Events", error.Message);
        Assert.Contains("'mappa.scheduling.review.due' is listed twice", error.Message);
        Assert.Contains("name 'Police Scotland' must be 2 to 40 of a-z", error.Message);
        Assert.Contains("kind 'council' is not one of the kinds (police)", error.Message);
        Assert.Contains("areas is empty: the agency would receive nothing", error.Message);
        Assert.Contains("areas must be 'all' or a list of area codes", error.Message);
        Assert.Contains("agencies: 'fife' is listed 2 times", error.Message);
    }

    [Fact]
    public void An_area_limited_agency_entitled_to_an_event_without_an_area_is_told_it_will_never_receive_it()
    {
        var configuration = PartnerConfiguration.Parse("""
            kinds:
              council:
                events: [mappa.scheduling.review.due, mappa.riskassessment.risk-level.changed]
            agencies:
              - name: glasgow
                kind: council
                areas: [glasgow]
              - name: everywhere
                kind: council
                areas: all
            """);
        Assert.Equal(["mappa.riskassessment.risk-level.changed"], configuration.Agencies[0].UnreachableEvents);
        Assert.Empty(configuration.Agencies[1].UnreachableEvents);
    }

    [Fact]
    public void Text_that_is_not_yaml_is_refused_as_such()
    {
        var error = Assert.Throws<PartnerConfigurationException>(() => PartnerConfiguration.Parse("kinds: [unclosed\nagencies: x", "bad.yaml"));
        Assert.StartsWith("bad.yaml: not valid YAML", error.Message, StringComparison.Ordinal);
    }
}
