using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Mappa.Events;
using Mappa.Events.RiskAssessment;
using Mappa.RiskAssessment.Persistence;
using Mappa.Scheduling.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using static Mappa.Scheduling.Tests.Service.SchedulingDriver;

namespace Mappa.Scheduling.Tests.Service;

/// <summary>
/// The deployed shape: every service on its own PostgreSQL database, events through a real RabbitMQ. A review date
/// leaves RiskAssessment through its outbox, the scheduling clock is advanced, and two partner subscriber queues
/// bound to the "review due" exchange each hold the due event exactly once.
/// </summary>
public sealed class RealBrokerEndToEndTests(SimulatedSchedulingOnRealServers suite) : IClassFixture<SimulatedSchedulingOnRealServers>
{
    private const string DueExchange = "mappa.scheduling.review.due";

    [Fact]
    public async Task A_review_date_set_in_RiskAssessment_reaches_police_and_social_work_queues_once_when_due()
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

        // RiskAssessment records the subject, the assessment and its next review date; its relay publishes them.
        var subjectId = Guid.NewGuid().ToString();
        var assessmentId = Guid.NewGuid().ToString();
        await using (var scope = suite.Services.CreateAsyncScope())
        {
            var riskAssessment = scope.ServiceProvider.GetRequiredService<RiskAssessmentDbContext>();
            var assessmentLink = new DetailLink("/mappa.riskassessment.v1.AssessmentService/GetAssessment", "assessment_id", assessmentId);
            riskAssessment.RecordEvent(new SubjectRegistered
            {
                OccurredAt = DateTimeOffset.UtcNow, Subject = SubjectReference.Of(subjectId),
                Detail = new DetailLink("/mappa.riskassessment.v1.SubjectService/GetSubject", "subject_id", subjectId), Area = Area,
            });
            riskAssessment.RecordEvent(new AssessmentRecorded
            {
                OccurredAt = DateTimeOffset.UtcNow, Subject = SubjectReference.Of(subjectId), Detail = assessmentLink,
                AssessmentId = assessmentId, Instrument = RiskInstrument.LsCmi, RuleSetVersion = "v1", Area = Area,
            });
            riskAssessment.RecordEvent(new ReviewDateSet
            {
                OccurredAt = DateTimeOffset.UtcNow, Subject = SubjectReference.Of(subjectId), Detail = assessmentLink,
                AssessmentId = assessmentId, NextReviewDate = new DateOnly(2025, 9, 10),
            });
            await riskAssessment.SaveChangesAsync();
        }
        var obligationId = "assessment-review:" + assessmentId;
        await suite.Services.WaitForObligationAsync(obligationId, _ => true);

        await suite.AdvanceToAsync(Morning(2025, 9, 10));
        await suite.AdvanceToAsync(Morning(2025, 9, 10).AddHours(1));   // a later sweep must not repeat it
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
