using Mappa.Contracts.Common.V1;
using Mappa.Contracts.RiskAssessment.V1;
using Mappa.Grpc.Client;
using Mappa.Partners.Tests.Infrastructure;
using Mappa.Security;
using Mappa.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using static Mappa.Partners.Tests.Subscriptions.TestPartners;

namespace Mappa.Partners.Tests.EndToEnd;

/// <summary>
/// The deployed shape end to end: the suite on PostgreSQL and RabbitMQ records events in its outbox, the real relay
/// publishes them, and the provisioned partner queues receive them by type and area.
/// </summary>
public sealed class SuiteToPartnerQueueTests(PostgresAndRabbitMqSuite suite) : IClassFixture<PostgresAndRabbitMqSuite>
{
    [Fact]
    public async Task A_subject_registered_in_glasgow_reaches_police_and_glasgow_but_not_edinburgh()
    {
        var vhost = suite.Services.GetRequiredService<IConfiguration>()["Mappa:Bus:RabbitMq:VirtualHost"]
            ?? throw new InvalidOperationException("The suite has no RabbitMQ virtual host.");
        await using var broker = PartnerBroker.OnVirtualHost(vhost);
        await broker.ProvisionAsync(Configuration);

        var inGlasgow = await RegisterSubjectAsync("glasgow");
        var inEdinburgh = await RegisterSubjectAsync("edinburgh");

        await using var admin = await broker.ConnectAsAdminAsync();
        await using var channel = await admin.CreateChannelAsync();
        var police = new List<Received>();
        await Eventually.GetAsync(async () =>
        {
            police.AddRange(await Queues.TakeAllAsync(channel, PartnerTopology.Queue(Police)));
            return police.Count(m => m.EventType == "mappa.riskassessment.subject.registered");
        }, count => count >= 2, "both registrations in the police queue");

        // The relay publishes with confirms, so what reached police has reached every queue it was routed to.
        var glasgow = await Queues.TakeAllAsync(channel, PartnerTopology.Queue(Glasgow));
        var edinburgh = await Queues.TakeAllAsync(channel, PartnerTopology.Queue(Edinburgh));
        Assert.Equal([inGlasgow, inEdinburgh], police.Where(m => m.EventType == "mappa.riskassessment.subject.registered").Select(m => m.SubjectId).Order());
        Assert.Contains(glasgow, m => m.EventType == "mappa.riskassessment.subject.registered" && m.SubjectId == inGlasgow);
        Assert.Contains(edinburgh, m => m.EventType == "mappa.riskassessment.subject.registered" && m.SubjectId == inEdinburgh);
        Assert.All(glasgow, m => Assert.Equal(("glasgow", "glasgow"), (m.Area, m.Header("Mappa-Area"))));
        Assert.All(edinburgh, m => Assert.Equal(("edinburgh", "edinburgh"), (m.Area, m.Header("Mappa-Area"))));
        Assert.DoesNotContain(glasgow, m => m.SubjectId == inEdinburgh);
        Assert.DoesNotContain(edinburgh, m => m.SubjectId == inGlasgow);
        Assert.DoesNotContain(police.Concat(glasgow).Concat(edinburgh), m => m.Body.Contains("Partner Test Person", StringComparison.Ordinal));
    }

    private async Task<string> RegisterSubjectAsync(string area)
    {
        using var channel = suite.Channel(suite.Token(Role.MappaCoordinator, area));
        var created = await channel.UnaryAsync<CreateSubjectRequest, CreateSubjectResponse>(
            Mappa.Contracts.MappaServices.Subjects.FindMethodByName("CreateSubject"),
            new CreateSubjectRequest
            {
                RequestId = Guid.NewGuid().ToString(),
                Identifiers = { new ExternalIdentifier { Type = "PNC", Value = "TEST/" + Guid.NewGuid().ToString("N")[..12] } },
                Category = MappaCategory._1,
                LeadAgency = AgencyKind.Police,
                Area = area,
                DisplayName = "Partner Test Person",
            });
        return created.Subject.SubjectId;
    }
}
