using System.Text;
using Mappa.Events;
using Mappa.Events.CaseConference;
using Mappa.Events.RiskAssessment;
using Mappa.Events.Scheduling;
using Mappa.Messaging.Bus;
using Mappa.Partners.Tests.Infrastructure;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;
using static Mappa.Partners.Tests.Subscriptions.TestPartners;

namespace Mappa.Partners.Tests.Subscriptions;

/// <summary>Provisioned partner queues on the real broker, fed by the suite's real bus configuration.</summary>
public class PartnerSubscriptionTests
{
    [Fact]
    public async Task Police_and_two_local_authorities_receive_exactly_the_events_they_are_entitled_to()
    {
        await using var broker = await PartnerBroker.CreateAsync();
        await broker.ProvisionAsync(Configuration);
        var bus = await broker.StartSuiteBusAsync();

        var glasgowReview = ReviewDueIn("glasgow", "subject-g1");
        var edinburghReview = ReviewDueIn("edinburgh", "subject-e1");
        var glasgowConference = Event<ConferenceScheduled>("subject-g1", "glasgow");
        var edinburghSubject = Event<SubjectRegistered>("subject-e2", "edinburgh");
        var levelChanged = Event<RiskLevelChanged>("subject-g1", area: null);      // carries no area: all-area agencies only
        var held = Event<ConferenceHeld>("subject-e1", area: null);                // no area, and not a local-authority type
        var fifeReview = ReviewDueIn("fife", "subject-f1");                        // an area no local authority here covers
        var glasgowDueSoon = Event<ReviewDueSoon>("subject-g1", "glasgow");        // area matches, type not entitled to LAs
        var glasgowOverdue = Event<ReviewOverdue>("subject-g1", "glasgow");        // nobody is entitled to this type
        await bus.PublishAsync(glasgowReview, edinburghReview, glasgowConference, edinburghSubject, levelChanged, held, fifeReview,
            glasgowDueSoon, glasgowOverdue);

        // Nobody was connected while these were published: the events waited in each agency's queue.
        await using var admin = await broker.ConnectAsAdminAsync();
        await using var channel = await admin.CreateChannelAsync();
        var police = await Queues.DrainAsync(channel, PartnerTopology.Queue(Police), 8);
        var glasgow = await Queues.DrainAsync(channel, PartnerTopology.Queue(Glasgow), 2);
        var edinburgh = await Queues.DrainAsync(channel, PartnerTopology.Queue(Edinburgh), 2);

        Assert.Equal(Ids(glasgowReview, edinburghReview, glasgowConference, edinburghSubject, levelChanged, held, fifeReview, glasgowDueSoon), Ids(police));
        Assert.Equal(Ids(glasgowReview, glasgowConference), Ids(glasgow));
        Assert.Equal(Ids(edinburghReview, edinburghSubject), Ids(edinburgh));
        Assert.All(glasgow, m => Assert.Equal("glasgow", m.Header(PartnerRoutingHeaders.Area)));
        Assert.All(edinburgh, m => Assert.Equal("edinburgh", m.Area));
        Assert.DoesNotContain(police, m => m.EventId == glasgowOverdue.EventId);
        Assert.Equal("", police.Single(m => m.EventId == levelChanged.EventId).Header(PartnerRoutingHeaders.Area));
    }

    [Fact]
    public async Task Events_published_while_a_subscriber_is_offline_wait_in_its_queue()
    {
        await using var broker = await PartnerBroker.CreateAsync();
        await broker.ProvisionAsync(Configuration);
        var bus = await broker.StartSuiteBusAsync();

        var first = ReviewDueIn("glasgow", "subject-1");
        await bus.PublishAsync(first);
        await using (var online = await broker.ConnectAsAgencyAsync(Glasgow))
        await using (var channel = await online.CreateChannelAsync())
        {
            var received = new TaskCompletionSource<Received>(TaskCreationOptions.RunContinuationsAsynchronously);
            var consumer = new AsyncEventingBasicConsumer(channel);
            consumer.ReceivedAsync += async (_, delivery) =>
            {
                await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false);
                received.TrySetResult(Queues.Parse(delivery.BasicProperties, delivery.Body));
            };
            await channel.BasicConsumeAsync(PartnerTopology.Queue(Glasgow), autoAck: false, consumer);
            Assert.Equal(first.EventId, (await received.Task.WaitAsync(Eventually.Limit)).EventId);
        }

        // The subscriber has disconnected; the suite carries on publishing.
        var whileOffline = new[] { ReviewDueIn("glasgow", "subject-2"), Event<ConferenceScheduled>("subject-3", "glasgow") };
        await bus.PublishAsync(whileOffline);

        await using var back = await broker.ConnectAsAgencyAsync(Glasgow);
        await using var again = await back.CreateChannelAsync();
        var waiting = await Queues.DrainAsync(again, PartnerTopology.Queue(Glasgow), 2);
        Assert.Equal(Ids(whileOffline), Ids(waiting));
    }

    [Fact]
    public async Task A_rejected_event_goes_to_the_agency_dead_letter_queue()
    {
        await using var broker = await PartnerBroker.CreateAsync();
        await broker.ProvisionAsync(Configuration);
        var bus = await broker.StartSuiteBusAsync();
        var rejected = ReviewDueIn("edinburgh");
        await bus.PublishAsync(rejected);

        await using var connection = await broker.ConnectAsAgencyAsync(Edinburgh);
        await using var channel = await connection.CreateChannelAsync();
        var delivery = await Eventually.GetAsync(() => channel.BasicGetAsync(PartnerTopology.Queue(Edinburgh), autoAck: false),
            d => d is not null, "the event in edinburgh's queue");
        await channel.BasicNackAsync(delivery!.DeliveryTag, multiple: false, requeue: false);

        // The agency's own user may read its dead-letter queue (and nothing else).
        var dead = await Queues.DrainAsync(channel, PartnerTopology.DeadLetter(Edinburgh), 1);
        Assert.Equal(rejected.EventId, dead[0].EventId);
        Assert.Equal("rejected", dead[0].Header("x-first-death-reason"));
        Assert.Equal(PartnerTopology.Queue(Edinburgh), dead[0].Header("x-first-death-queue"));
        Assert.Null(await channel.BasicGetAsync(PartnerTopology.Queue(Edinburgh), autoAck: true));
    }

    [Fact]
    public async Task One_agency_credentials_cannot_consume_another_agency_queue()
    {
        await using var broker = await PartnerBroker.CreateAsync();
        await broker.ProvisionAsync(Configuration);
        var bus = await broker.StartSuiteBusAsync();
        await bus.PublishAsync(ReviewDueIn("glasgow"), ReviewDueIn("edinburgh"));

        await using var glasgow = await broker.ConnectAsAgencyAsync(Glasgow);
        foreach (var queue in new[] { PartnerTopology.Queue(Police), PartnerTopology.Queue(Edinburgh), PartnerTopology.DeadLetter(Edinburgh) })
        {
            await using var channel = await glasgow.CreateChannelAsync();
            var consume = await Assert.ThrowsAsync<OperationInterruptedException>(() =>
                channel.BasicConsumeAsync(queue, autoAck: false, new AsyncEventingBasicConsumer(channel)));
            AssertAccessRefused(consume.ShutdownReason, queue);
        }
        await using (var channel = await glasgow.CreateChannelAsync())
        {
            var get = await Assert.ThrowsAsync<OperationInterruptedException>(() => channel.BasicGetAsync(PartnerTopology.Queue(Edinburgh), autoAck: false));
            AssertAccessRefused(get.ShutdownReason, "basic.get");
        }

        // Its own queue works, and the other agencies' events are still in theirs.
        await using var own = await glasgow.CreateChannelAsync();
        await Queues.DrainAsync(own, PartnerTopology.Queue(Glasgow), 1);
        await using var admin = await broker.ConnectAsAdminAsync();
        await using var adminChannel = await admin.CreateChannelAsync();
        await Queues.DrainAsync(adminChannel, PartnerTopology.Queue(Edinburgh), 1);
    }

    [Fact]
    public async Task A_partner_can_neither_publish_to_any_exchange_nor_declare_or_bind_anything()
    {
        await using var broker = await PartnerBroker.CreateAsync();
        await broker.ProvisionAsync(Configuration);
        await using var glasgow = await broker.ConnectAsAgencyAsync(Glasgow);
        var body = Encoding.UTF8.GetBytes("""{"message":{"eventType":"mappa.scheduling.review.due"}}""");

        foreach (var exchange in new[] { "mappa.scheduling.review.due", PartnerTopology.Exchange(Glasgow), PartnerTopology.Exchange(Police), "" })
        {
            await using var channel = await glasgow.CreateChannelAsync(new CreateChannelOptions(
                publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
            var routingKey = exchange == "" ? PartnerTopology.Queue(Glasgow) : "";
            try
            {
                await channel.BasicPublishAsync(exchange, routingKey, mandatory: false, new BasicProperties(), body);
            }
            catch (Exception e) when (e is OperationInterruptedException or AlreadyClosedException or PublishException)
            {
                // The refusal closes the channel; the reason is checked below either way.
            }
            var closed = await Eventually.GetAsync(() => Task.FromResult(channel.CloseReason), r => r is not null, $"the broker to refuse a publish to '{exchange}'");
            AssertAccessRefused(closed, $"publish to '{exchange}'");
        }

        await using (var channel = await glasgow.CreateChannelAsync())
        {
            var declare = await Assert.ThrowsAsync<OperationInterruptedException>(() => channel.QueueDeclareAsync("mappa.partner.glasgow.events.copy", durable: true, exclusive: false, autoDelete: false));
            AssertAccessRefused(declare.ShutdownReason, "queue.declare");
        }
        await using (var channel = await glasgow.CreateChannelAsync())
        {
            var bind = await Assert.ThrowsAsync<OperationInterruptedException>(() =>
                channel.QueueBindAsync(PartnerTopology.Queue(Glasgow), "mappa.scheduling.review.overdue", ""));
            AssertAccessRefused(bind.ShutdownReason, "queue.bind");
        }
    }

    [Fact]
    public async Task Provisioning_again_changes_nothing_and_withdraws_what_is_no_longer_entitled()
    {
        await using var broker = await PartnerBroker.CreateAsync();
        var first = await broker.ProvisionAsync(Configuration);
        Assert.Contains(first.Changes, c => c == "glasgow: bound mappa.partner.glasgow -> mappa.partner.glasgow.events (x-match=all, Mappa-Area=glasgow)");
        Assert.Contains(first.Changes, c => c.StartsWith($"police-scotland: created user {broker.UserName(Police)}", StringComparison.Ordinal));

        var second = await broker.ProvisionAsync(Configuration);
        Assert.Empty(second.Changes);

        // Edinburgh loses subject.registered and gains fife; Glasgow leaves the configuration altogether.
        var narrowed = PartnerConfiguration.Parse("""
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
                  - mappa.caseconference.conference.scheduled
            agencies:
              - name: police-scotland
                kind: police
                areas: all
              - name: edinburgh
                kind: local-authority
                areas: [edinburgh, fife]
            """);
        Assert.Equal([Police, Edinburgh], narrowed.Agencies.Select(a => a.Name));
        var third = await broker.ProvisionAsync(narrowed);
        Assert.Equal(
        [
            "edinburgh: bound mappa.partner.edinburgh -> mappa.partner.edinburgh.events (x-match=all, Mappa-Area=fife)",
            "edinburgh: removed binding mappa.riskassessment.subject.registered -> mappa.partner.edinburgh (no longer entitled)",
            $"glasgow: removed binding mappa.caseconference.conference.scheduled -> mappa.partner.glasgow (agency no longer in the configuration)",
            $"glasgow: removed binding mappa.riskassessment.subject.registered -> mappa.partner.glasgow (agency no longer in the configuration)",
            $"glasgow: removed binding mappa.scheduling.review.due -> mappa.partner.glasgow (agency no longer in the configuration)",
            $"glasgow: revoked the permissions of {broker.UserName(Glasgow)} on '{broker.VirtualHost}' (agency no longer in the configuration)",
        ], third.Changes.Order(StringComparer.Ordinal));
        Assert.Empty((await broker.ProvisionAsync(narrowed)).Changes);

        // The broker now routes by the new entitlement.
        var bus = await broker.StartSuiteBusAsync();
        var edinburghSubject = Event<SubjectRegistered>("subject-e", "edinburgh");
        var fifeReview = ReviewDueIn("fife");
        var glasgowReview = ReviewDueIn("glasgow");
        await bus.PublishAsync(edinburghSubject, fifeReview, glasgowReview);
        await using var admin = await broker.ConnectAsAdminAsync();
        await using var channel = await admin.CreateChannelAsync();
        Assert.Equal(Ids(fifeReview), Ids(await Queues.DrainAsync(channel, PartnerTopology.Queue(Edinburgh), 1)));
        Assert.Equal(Ids(edinburghSubject, fifeReview, glasgowReview), Ids(await Queues.DrainAsync(channel, PartnerTopology.Queue(Police), 3)));
        await Queues.DrainAsync(channel, PartnerTopology.Queue(Glasgow), 0);
        // Its user has no access to the virtual host any more (the broker closes the connection as it opens).
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => ReadOwnQueueAsync(broker.AgencyAmqpUri(Glasgow), Glasgow));
        Assert.Contains("NOT_ALLOWED - access to vhost", refused.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_new_password_for_an_agency_is_set_once_and_the_old_one_stops_working()
    {
        await using var broker = await PartnerBroker.CreateAsync();
        await broker.ProvisionAsync(Configuration);
        var oldUri = broker.AgencyAmqpUri(Glasgow);
        var rotated = new PartnerProvisioner(broker.Management, new PartnerProvisioningOptions
        {
            UserPrefix = broker.UserPrefix,
            Password = agency => agency == Glasgow ? "rotated-" + broker.Password(Glasgow) : null,
        });
        var result = await rotated.ProvisionAsync(Configuration);
        Assert.Equal([$"glasgow: changed the password of user {broker.UserName(Glasgow)}"], result.Changes);
        Assert.Empty((await rotated.ProvisionAsync(Configuration)).Changes);

        var refused = await Assert.ThrowsAnyAsync<Exception>(() => ReadOwnQueueAsync(oldUri, Glasgow));
        Assert.Contains("ACCESS_REFUSED", refused.ToString(), StringComparison.Ordinal);
        await ReadOwnQueueAsync(new UriBuilder(oldUri) { Password = Uri.EscapeDataString("rotated-" + broker.Password(Glasgow)) }.Uri, Glasgow);
    }

    /// <summary>Connects and reads the agency's queue once: fails when the credentials or the virtual host access are refused.</summary>
    private static async Task ReadOwnQueueAsync(Uri amqp, string agency)
    {
        await using var connection = await new ConnectionFactory { Uri = amqp }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.BasicGetAsync(PartnerTopology.Queue(agency), autoAck: false);
    }

    private static void AssertAccessRefused(ShutdownEventArgs? reason, string what)
    {
        Assert.True(reason is not null, $"{what}: the broker gave no reason");
        Assert.True(reason.ReplyCode == 403, $"{what}: expected ACCESS_REFUSED (403), got {reason.ReplyCode} {reason.ReplyText}");
        Assert.StartsWith("ACCESS_REFUSED", reason.ReplyText, StringComparison.Ordinal);
    }

    private static Guid[] Ids(params DomainEvent[] events) => events.Select(e => e.EventId).Order().ToArray();

    private static Guid[] Ids(IEnumerable<Received> received) => received.Select(r => r.EventId).Order().ToArray();
}
