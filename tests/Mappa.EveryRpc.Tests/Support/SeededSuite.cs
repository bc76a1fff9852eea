using Google.Protobuf.WellKnownTypes;
using Mappa.Contracts;
using Mappa.Contracts.CaseConference.V1;
using Mappa.Contracts.Common.V1;
using Mappa.Contracts.RiskAssessment.V1;
using Mappa.Grpc.Client;
using Mappa.RiskAssessment.Features.Instruments.Contracts;
using Mappa.RiskAssessment.Features.Instruments.Rosh;
using Mappa.RiskAssessment.Features.Instruments.RuleSets;
using Mappa.Security;
using Mappa.Security.Development;
using Mappa.Testing;
using Domain = Mappa.RiskAssessment.Features.Instruments;

namespace Mappa.EveryRpc.Tests.Support;

/// <summary>
/// Personal detail and narrative planted in the seeded records: no response to a caller without the permission
/// to see it may contain any of these strings.
/// </summary>
public static class Sentinels
{
    public const string DisplayName = "Sentinel Personname";
    public const string Narrative = "SENTINEL-NARRATIVE";

    public static IReadOnlyList<string> All { get; } = [DisplayName, Narrative];
}

/// <summary>
/// The embedded suite with one subject in Glasgow (named, with a RoSH assessment carrying narrative) and one
/// conference about that subject to which only police and social work are invited.
/// </summary>
public class SeededSuite : RunningSuite, IAsyncLifetime
{
    public SeededSuite()
    {
    }

    protected SeededSuite(bool postgres) : base(postgres, rabbitMq: false)
    {
    }

    public KnownRecords Known { get; private set; } = null!;

    public DevelopmentTokenIssuer Issuer { get; private set; } = null!;

    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        Issuer = Callers.Issuer(this);
        Known = await SeedAsync();
    }

    private async Task<KnownRecords> SeedAsync()
    {
        using var coordinator = Channel(Callers.Token(Issuer, Role.MappaCoordinator));
        var subject = (await coordinator.UnaryAsync<CreateSubjectRequest, CreateSubjectResponse>(
            MappaServices.Subjects.FindMethodByName("CreateSubject"),
            new CreateSubjectRequest
            {
                RequestId = Guid.NewGuid().ToString(),
                Identifiers = { new ExternalIdentifier { Type = "PNC", Value = "SEED/" + Guid.NewGuid().ToString("N")[..10] } },
                Category = MappaCategory._1,
                LeadAgency = AgencyKind.Police,
                Area = Callers.HomeArea,
                DisplayName = Sentinels.DisplayName,
            })).Subject.SubjectId;

        var rules = (RoshRuleSet)RuleSetRegistry.LoadDefault().Current(Domain.Instrument.Rosh);
        var scores = new RoshInput(
            rules.RequiredPairs.Select(pair => new RoshRating(pair.Group, pair.Setting, Domain.RoshLevel.High)).ToArray(),
            Sentinels.Narrative, Sentinels.Narrative, Sentinels.Narrative, Sentinels.Narrative).ToContract();
        using var assessor = Channel(Callers.Token(Issuer, Role.Assessor));
        var today = DateTime.UtcNow.Date.AddDays(-1);
        var assessment = (await assessor.UnaryAsync<RecordAssessmentRequest, RecordAssessmentResponse>(
            MappaServices.Assessments.FindMethodByName("RecordAssessment"),
            new RecordAssessmentRequest
            {
                RequestId = Guid.NewGuid().ToString(),
                SubjectId = subject,
                Instrument = Instrument.Rosh,
                Scores = scores,
                AssessedDate = new Google.Type.Date { Year = today.Year, Month = today.Month, Day = today.Day },
                AssessorId = "assessor-17",
                Agency = AgencyKind.SocialWork,
            })).Assessment.AssessmentId;

        var conference = (await coordinator.UnaryAsync<CreateConferenceRequest, CreateConferenceResponse>(
            MappaServices.Conferences.FindMethodByName("CreateConference"),
            new CreateConferenceRequest
            {
                RequestId = Guid.NewGuid().ToString(),
                Kind = ConferenceKind.InitialLevel2,
                SubjectIds = { subject },
                Area = Callers.HomeArea,
                StartTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(3)),
                Duration = Duration.FromTimeSpan(TimeSpan.FromHours(1)),
                Venue = new Venue { Place = "Area office, room 3" },
                ChairId = "coordinator-1",
            })).Conference.ConferenceId;
        return new KnownRecords(subject, assessment, conference);
    }
}

/// <summary>The same, on fresh PostgreSQL databases.</summary>
public sealed class PostgresSeededSuite() : SeededSuite(postgres: true);
