using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Mappa.Contracts.Common.V1;
using Mappa.Contracts.RiskAssessment.V1;
using Mappa.Security;
using Mappa.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using static Mappa.RiskAssessment.Tests.Assessments.AssessmentSamples;
using Domain = Mappa.RiskAssessment.Features.Instruments;

namespace Mappa.RiskAssessment.Tests.Assessments;

/// <summary>
/// The deployed shape: assessments on PostgreSQL, events relayed from the outbox to a real RabbitMQ, where a
/// subscriber of our own binds to the exchanges named after the event types, as a partner system would.
/// </summary>
public sealed class AssessmentEventsOnRabbitMqTests(PostgresAndRabbitMqSuite suite) : IClassFixture<PostgresAndRabbitMqSuite>
{
    private static readonly string[] EventTypes =
    [
        "mappa.riskassessment.assessment.recorded",
        "mappa.riskassessment.assessment.superseded",
        "mappa.riskassessment.risk-level.changed",
        "mappa.riskassessment.review-date.set",
    ];

    [Fact]
    public async Task Recording_and_correcting_an_assessment_publishes_thin_events_a_partner_can_subscribe_to()
    {
        var received = new ConcurrentQueue<JsonElement>();
        var arrived = new SemaphoreSlim(0);
        var factory = new ConnectionFactory
        {
            Uri = RealServers.RabbitMq,
            VirtualHost = suite.Services.GetRequiredService<IConfiguration>()["Mappa:Bus:RabbitMq:VirtualHost"]
                ?? throw new InvalidOperationException("The suite has no RabbitMQ virtual host."),
        };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var queue = (await channel.QueueDeclareAsync(queue: "", durable: false, exclusive: true, autoDelete: true)).QueueName;
        foreach (var eventType in EventTypes)
        {
            // The same declaration the bus makes, so whichever side comes first, both agree.
            await channel.ExchangeDeclareAsync(eventType, ExchangeType.Fanout, durable: true);
            await channel.QueueBindAsync(queue, eventType, routingKey: "");
        }
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            using var body = JsonDocument.Parse(Encoding.UTF8.GetString(delivery.Body.Span));
            received.Enqueue(body.RootElement.GetProperty("message").Clone());
            arrived.Release();
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue, autoAck: true, consumer);

        var subject = await RegisterSubjectAsync(suite);
        using var assessor = suite.Channel(suite.Token(Role.Assessor));
        var first = await assessor.RecordAsync(NewAssessment(subject, Instrument.Rosh, Rosh(Domain.RoshLevel.Medium)));
        var correction = (await assessor.SupersedeAsync(new SupersedeAssessmentRequest
        {
            RequestId = Guid.NewGuid().ToString(), AssessmentId = first.AssessmentId, Scores = Rosh(Domain.RoshLevel.VeryHigh),
            Reason = "SECRET-REASON", AssessedDate = Date(Today), AssessorId = "assessor-17", Agency = AgencyKind.SocialWork,
        })).Assessment;

        var expected = new HashSet<(string, string)>
        {
            ("mappa.riskassessment.assessment.recorded", first.AssessmentId),
            ("mappa.riskassessment.review-date.set", first.AssessmentId),
            ("mappa.riskassessment.assessment.recorded", correction.AssessmentId),
            ("mappa.riskassessment.assessment.superseded", first.AssessmentId),
            ("mappa.riskassessment.risk-level.changed", correction.AssessmentId),
            ("mappa.riskassessment.review-date.set", correction.AssessmentId),
        };
        var seen = new List<JsonElement>();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (seen.Count < expected.Count)
        {
            await arrived.WaitAsync(limit.Token);
            received.TryDequeue(out var message);
            seen.Add(message);
        }

        Assert.Equal(expected, seen.Select(m => (m.GetProperty("eventType").GetString()!, m.GetProperty("assessmentId").GetString()!)).ToHashSet());
        Assert.All(seen, m => Assert.Equal(subject, m.GetProperty("subject").GetProperty("subjectId").GetString()));
        var changed = seen.Single(m => m.GetProperty("eventType").GetString() == "mappa.riskassessment.risk-level.changed");
        Assert.Equal("MEDIUM", changed.GetProperty("previousLevel").GetString());
        Assert.Equal("VERY_HIGH", changed.GetProperty("newLevel").GetString());
        Assert.Equal("ROSH", changed.GetProperty("instrument").GetString());
        Assert.All(seen, m => Assert.DoesNotContain("SECRET", m.GetRawText(), StringComparison.Ordinal));
    }
}
