using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Mappa.Contracts;
using Mappa.Contracts.Common.V1;
using Mappa.Contracts.RiskAssessment.V1;
using Mappa.RiskAssessment.Features.Instruments;
using Mappa.RiskAssessment.Features.Instruments.Contracts;
using Mappa.RiskAssessment.Features.Instruments.LsCmi;
using Mappa.RiskAssessment.Features.Instruments.RuleSets;
using Mappa.Scheduling.Features.Calendar;
using Mappa.Security;
using Mappa.Scheduling.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using static Mappa.Scheduling.Tests.Service.SchedulingDriver;

namespace Mappa.Scheduling.Tests.Service;

/// <summary>
/// The deployed shape: every service on its own PostgreSQL database, events through a real RabbitMQ. An assessment
/// recorded in RiskAssessment (by RPC) sets a review date, which reaches Scheduling through RiskAssessment's outbox and
/// the broker; the scheduling clock is advanced, and two partner subscriber queues bound to the "review due" exchange
/// each hold the due event exactly once.
/// </summary>
public sealed class RealBrokerEndToEndTests(SimulatedSchedulingOnRealServers suite) : IClassFixture<SimulatedSchedulingOnRealServers>
{
    private const string DueExchange = "mappa.scheduling.review.due";

    [Fact]
    public async Task An_assessment_recorded_in_RiskAssessment_reaches_police_and_social_work_queues_once_when_its_review_is_due()
    {
        using var management = ManagementClient();
        var vhost = suite.Services.GetRequiredService<IConfiguration>()["Mappa:Bus:RabbitMq:VirtualHost"]!;
        // Subscribers bind their own queues to the event's exchange (declared as the bus declares it: durable fanout).
        await PutAsync(management, $"api/exchanges/{Uri.EscapeDataString(vhost)}/{DueExchange}", new { type = "fanout", durable = true });
        foreach (var queue in new[] { "police-review-due", "social-work-review-due" })
        {
            await PutAsync(management, $"api/queues/{Uri.EscapeDataString(vhost)}/{queue}", new { durable = true });
            (await management.PostAsJsonAsync($"api/bindings/{Uri.EscapeDataString(vhost)}/e/{DueExchange}/q/{queue}", new { routing_key = "" }))
                .EnsureSuccessStatusCode();
        }

        // A coordinator registers the subject and an assessor records an LS/CMI in RiskAssessment, which sets the
        // review date by its policy; its relay publishes the events through the broker.
        using var coordinator = suite.Channel(suite.Token(Role.MappaCoordinator, Area));
        var subject = (await coordinator.UnaryAsync<CreateSubjectRequest, CreateSubjectResponse>(MappaServices.Subjects.FindMethodByName("CreateSubject"),
            new CreateSubjectRequest
            {
                RequestId = Guid.NewGuid().ToString(),
                Identifiers = { new ExternalIdentifier { Type = "PNC", Value = "TEST/" + Guid.NewGuid().ToString("N")[..12] } },
                Category = MappaCategory._2, LeadAgency = AgencyKind.SocialWork, Area = Area, DisplayName = "Test Person",
            })).Subject;
        var lsCmi = (LsCmiRuleSet)RuleSetRegistry.LoadDefault().Current(Mappa.RiskAssessment.Features.Instruments.Instrument.LsCmi);
        using var assessor = suite.Channel(suite.Token(Role.Assessor, Area));
        var assessment = (await assessor.UnaryAsync<RecordAssessmentRequest, RecordAssessmentResponse>(MappaServices.Assessments.FindMethodByName("RecordAssessment"),
            new RecordAssessmentRequest
            {
                RequestId = Guid.NewGuid().ToString(),
                SubjectId = subject.SubjectId,
                Instrument = Mappa.Contracts.RiskAssessment.V1.Instrument.LsCmi,
                Scores = new LsCmiInput([.. lsCmi.Items.Select(item => new Mappa.RiskAssessment.Features.Instruments.ItemScore(item.Number, item.Min))]).ToContract(),
                AssessedDate = ReviewCalendarHandlers.ToContract(DateOnly.FromDateTime(DateTime.UtcNow)),
                AssessorId = "assessor-1",
                Agency = AgencyKind.SocialWork,
            })).Assessment;
        var reviewDate = new DateOnly(assessment.NextReviewDate.Year, assessment.NextReviewDate.Month, assessment.NextReviewDate.Day);
        var obligationId = "assessment-review:" + assessment.AssessmentId;
        await suite.Services.WaitForObligationAsync(obligationId, o => o.DueDay == reviewDate.DayNumber);

        await suite.AdvanceToAsync(Morning(reviewDate.Year, reviewDate.Month, reviewDate.Day));
        await suite.AdvanceToAsync(Morning(reviewDate.Year, reviewDate.Month, reviewDate.Day).AddHours(1));   // a later sweep must not repeat it
        var dueEventId = await WaitUntilSentAsync(obligationId, DueExchange);

        foreach (var queue in new[] { "police-review-due", "social-work-review-due" })
        {
            var messages = await GetMessagesAsync(management, vhost, queue);
            var ours = messages.Where(body => body.Contains(obligationId, StringComparison.Ordinal)).ToList();
            Assert.Single(ours);
            Assert.Contains(dueEventId.ToString(), ours[0], StringComparison.OrdinalIgnoreCase);
        }
    }

    private async Task<Guid> WaitUntilSentAsync(string obligationId, string eventType)
    {
        for (int attempt = 0; attempt < 1200; attempt++)
        {
            await using (var scope = suite.Services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<SchedulingDbContext>();
                var rows = await db.OutboxMessages.AsNoTracking().Where(m => m.EventType == eventType).ToListAsync();
                var ours = rows.Where(r => r.Payload.Contains(obligationId, StringComparison.Ordinal)).ToList();
                Assert.True(ours.Count <= 1, "The due milestone was written to the outbox more than once.");
                if (ours is [{ SentAt: not null } sent])
                    return sent.EventId;
            }
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException("The due event was not published (outbox row never marked sent).");
    }

    private static async Task<List<string>> GetMessagesAsync(HttpClient management, string vhost, string queue)
    {
        var response = await management.PostAsJsonAsync($"api/queues/{Uri.EscapeDataString(vhost)}/{queue}/get",
            new { count = 50, ackmode = "ack_requeue_false", encoding = "auto" });
        response.EnsureSuccessStatusCode();
        var messages = await response.Content.ReadFromJsonAsync<JsonElement[]>();
        return messages!.Select(m => m.GetProperty("payload").GetString() ?? "").ToList();
    }

    private static async Task PutAsync(HttpClient management, string path, object body) =>
        (await management.PutAsJsonAsync(path, body)).EnsureSuccessStatusCode();

    private static HttpClient ManagementClient()
    {
        var uri = Mappa.Testing.RealServers.RabbitMqManagement;
        var parts = uri.UserInfo.Split(':', 2);
        var http = new HttpClient { BaseAddress = new Uri(uri.GetLeftPart(UriPartial.Authority) + "/") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.UnescapeDataString(parts[0])}:{(parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : "")}")));
        return http;
    }
}
