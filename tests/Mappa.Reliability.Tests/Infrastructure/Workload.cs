using System.Collections.Concurrent;
using Mappa.Contracts;
using Mappa.Contracts.Common.V1;
using Mappa.Contracts.RiskAssessment.V1;
using Mappa.Grpc;
using Mappa.RiskAssessment.Features.Instruments;
using Mappa.RiskAssessment.Features.Instruments.Contracts;
using Mappa.RiskAssessment.Features.Instruments.LsCmi;
using Mappa.RiskAssessment.Features.Instruments.RuleSets;
using Mappa.Security;

namespace Mappa.Reliability.Tests.Infrastructure;

/// <summary>What one recorded assessment came back as.</summary>
public sealed record Recorded(string SubjectId, string AssessmentId, DateOnly ReviewDate);

/// <summary>
/// Clients of RiskAssessment through the round-robin balancer: each registers a subject and records an LS/CMI for it
/// (the service sets its review date), in one area of the test's own, so every figure can be read back by area.
/// </summary>
public sealed class Workload : IDisposable
{
    private static readonly Lazy<LsCmiRuleSet> LsCmi = new(() => (LsCmiRuleSet)RuleSetRegistry.LoadDefault().Current(Mappa.RiskAssessment.Features.Instruments.Instrument.LsCmi));

    public Workload(Cluster cluster, string area)
    {
        Area = area;
        Coordinators = new RoundRobin(cluster.RiskAssessment, cluster.Issuer.Token(Role.MappaCoordinator, area));
        Assessors = new RoundRobin(cluster.RiskAssessment, cluster.Issuer.Token(Role.Assessor, area));
    }

    public string Area { get; }

    public RoundRobin Coordinators { get; }

    public RoundRobin Assessors { get; }

    /// <summary>Every assessment whose RecordAssessment call answered OK.</summary>
    public ConcurrentBag<Recorded> Recorded { get; } = [];

    /// <summary>Statuses seen by both kinds of caller.</summary>
    public Dictionary<StatusCode, int> Seen() => Coordinators.Seen.Concat(Assessors.Seen)
        .GroupBy(s => s.Key).ToDictionary(g => g.Key, g => g.Sum(s => s.Value));

    public string DescribeSeen() => string.Join(", ", Seen().OrderBy(s => s.Key).Select(s => $"{s.Key}={s.Value}"));

    /// <summary>Registers a subject and records one assessment for it; the result is added to <see cref="Recorded"/>.</summary>
    public async Task<Recorded> RecordOneAsync()
    {
        var subject = (await Coordinators.CallAsync<CreateSubjectRequest, CreateSubjectResponse>(MappaServices.Subjects.FindMethodByName("CreateSubject"),
            new CreateSubjectRequest
            {
                RequestId = Guid.NewGuid().ToString(),
                Identifiers = { new ExternalIdentifier { Type = "PNC", Value = "REL/" + Guid.NewGuid().ToString("N")[..16] } },
                Category = MappaCategory._2,
                LeadAgency = AgencyKind.SocialWork,
                Area = Area,
                DisplayName = "Reliability Test Subject",
            })).Subject;
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var assessment = (await Assessors.CallAsync<RecordAssessmentRequest, RecordAssessmentResponse>(MappaServices.Assessments.FindMethodByName("RecordAssessment"),
            new RecordAssessmentRequest
            {
                RequestId = Guid.NewGuid().ToString(),
                SubjectId = subject.SubjectId,
                Instrument = Mappa.Contracts.RiskAssessment.V1.Instrument.LsCmi,
                Scores = new LsCmiInput([.. LsCmi.Value.Items.Select(item => new Mappa.RiskAssessment.Features.Instruments.ItemScore(item.Number, item.Min))]).ToContract(),
                AssessedDate = new Google.Type.Date { Year = today.Year, Month = today.Month, Day = today.Day },
                AssessorId = "assessor-1",
                Agency = AgencyKind.SocialWork,
            })).Assessment;
        var review = assessment.NextReviewDate;
        var recorded = new Recorded(subject.SubjectId, assessment.AssessmentId, new DateOnly(review.Year, review.Month, review.Day));
        Recorded.Add(recorded);
        return recorded;
    }

    /// <summary><paramref name="clients"/> callers, each recording until <paramref name="stop"/> says so (checked between records), <paramref name="pause"/> apart (a paced load).</summary>
    public Task RunClientsAsync(int clients, Func<bool> stop, TimeSpan? pause = null) => Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
    {
        while (!stop())
        {
            await RecordOneAsync();
            if (pause is { } between) await Task.Delay(between);
        }
    }));

    public void Dispose()
    {
        Coordinators.Dispose();
        Assessors.Dispose();
    }
}
