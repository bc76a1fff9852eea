using Mappa.Contracts;
using Mappa.Contracts.Common.V1;
using Mappa.Contracts.RiskAssessment.V1;
using Mappa.Grpc.Client;
using Mappa.RiskAssessment.Features.Instruments.Contracts;
using Mappa.RiskAssessment.Features.Instruments.LsCmi;
using Mappa.RiskAssessment.Features.Instruments.Rosh;
using Mappa.RiskAssessment.Features.Instruments.RuleSets;
using Mappa.RiskAssessment.Features.Instruments.Sa07;
using Mappa.RiskAssessment.Features.Instruments.Screening;
using Mappa.Security;
using Mappa.Testing;
using MethodDescriptor = Google.Protobuf.Reflection.MethodDescriptor;
using Domain = Mappa.RiskAssessment.Features.Instruments;

namespace Mappa.RiskAssessment.Tests.Assessments;

/// <summary>Valid requests built from the shipped rule-set files, and a thin client over the suite's channel.</summary>
public static class AssessmentSamples
{
    public static readonly MethodDescriptor Record = RunningSuite.Method(MappaServices.Assessments, "RecordAssessment");
    public static readonly MethodDescriptor Get = RunningSuite.Method(MappaServices.Assessments, "GetAssessment");
    public static readonly MethodDescriptor List = RunningSuite.Method(MappaServices.Assessments, "ListAssessments");
    public static readonly MethodDescriptor Supersede = RunningSuite.Method(MappaServices.Assessments, "SupersedeAssessment");
    public static readonly MethodDescriptor SetReviewDate = RunningSuite.Method(MappaServices.Assessments, "SetReviewDate");
    public static readonly MethodDescriptor Summary = RunningSuite.Method(MappaServices.Assessments, "GetRiskSummary");
    public static readonly MethodDescriptor Rescore = RunningSuite.Method(MappaServices.Assessments, "RescoreAssessments");

    private static LsCmiRuleSet LsCmiRules => (LsCmiRuleSet)TestRuleSets.Registry.Current(Domain.Instrument.LsCmi);

    /// <summary>LS/CMI item scores adding up to <paramref name="total"/> (the level follows the shipped cut-offs).</summary>
    public static InstrumentScores LsCmi(int total) =>
        new LsCmiInput(TestRuleSets.ItemsSummingTo(LsCmiRules.Items, total)).ToContract();

    /// <summary>The lowest LS/CMI total that the shipped cut-offs put at <paramref name="level"/>.</summary>
    public static int LsCmiTotalFor(Domain.LsCmiLevel level) => LsCmiRules.Levels.Bands.First(b => b.Level == level).Min;

    public static InstrumentScores Screening(int total, string? fullAssessmentId = null)
    {
        var rules = (LsiRSvRuleSet)TestRuleSets.Registry.Current(Domain.Instrument.LsiRSv);
        return new LsiRSvInput(TestRuleSets.ItemsSummingTo(rules.Items, total), fullAssessmentId).ToContract();
    }

    public static InstrumentScores Stable(int total)
    {
        var rules = (Stable2007RuleSet)TestRuleSets.Registry.Current(Domain.Instrument.Stable2007);
        return new Stable2007Input(TestRuleSets.ItemsSummingTo(rules.ItemsFor(false), total), false).ToContract();
    }

    /// <summary>RoSH with every required rating at <paramref name="level"/>, and narrative that must never leak.</summary>
    public static InstrumentScores Rosh(Domain.RoshLevel level)
    {
        var rules = (RoshRuleSet)TestRuleSets.Registry.Current(Domain.Instrument.Rosh);
        return new RoshInput(
            rules.RequiredPairs.Select(pair => new RoshRating(pair.Group, pair.Setting, level)).ToArray(),
            "SECRET-NATURE", "SECRET-IMMINENCE", "SECRET-INCREASE", "SECRET-MITIGATION").ToContract();
    }

    public static Google.Type.Date Date(DateOnly date) => new() { Year = date.Year, Month = date.Month, Day = date.Day };

    public static DateOnly ToDateOnly(Google.Type.Date date) => new(date.Year, date.Month, date.Day);

    public static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    public static RecordAssessmentRequest NewAssessment(string subjectId, Instrument instrument, InstrumentScores scores, DateOnly? assessedOn = null) => new()
    {
        RequestId = Guid.NewGuid().ToString(),
        SubjectId = subjectId,
        Instrument = instrument,
        Scores = scores,
        AssessedDate = Date(assessedOn ?? Today.AddDays(-1)),
        AssessorId = "assessor-17",
        Agency = AgencyKind.SocialWork,
    };

    public static async Task<string> RegisterSubjectAsync(RunningSuite suite, string area = "glasgow", MappaLevel level = MappaLevel._1)
    {
        using var channel = suite.Channel(suite.Token(Role.MappaCoordinator, area));
        var created = await channel.UnaryAsync<CreateSubjectRequest, CreateSubjectResponse>(
            MappaServices.Subjects.FindMethodByName("CreateSubject"),
            new CreateSubjectRequest
            {
                RequestId = Guid.NewGuid().ToString(),
                Identifiers = { new ExternalIdentifier { Type = "PNC", Value = "TEST/" + Guid.NewGuid().ToString("N")[..12] } },
                Category = MappaCategory._1,
                LeadAgency = AgencyKind.Police,
                Area = area,
                DisplayName = "Test Person",
            });
        return created.Subject.SubjectId;
    }

    public static async Task<Assessment> RecordAsync(this GrpcChannel channel, RecordAssessmentRequest request) =>
        (await channel.UnaryAsync<RecordAssessmentRequest, RecordAssessmentResponse>(Record, request)).Assessment;

    public static async Task<Assessment> GetAsync(this GrpcChannel channel, string assessmentId) =>
        (await channel.UnaryAsync<GetAssessmentRequest, GetAssessmentResponse>(Get, new GetAssessmentRequest { AssessmentId = assessmentId })).Assessment;

    public static Task<ListAssessmentsResponse> ListAsync(this GrpcChannel channel, ListAssessmentsRequest request) =>
        channel.UnaryAsync<ListAssessmentsRequest, ListAssessmentsResponse>(List, request);

    public static Task<SupersedeAssessmentResponse> SupersedeAsync(this GrpcChannel channel, SupersedeAssessmentRequest request) =>
        channel.UnaryAsync<SupersedeAssessmentRequest, SupersedeAssessmentResponse>(Supersede, request);

    public static Task<GetRiskSummaryResponse> SummaryAsync(this GrpcChannel channel, string subjectId) =>
        channel.UnaryAsync<GetRiskSummaryRequest, GetRiskSummaryResponse>(Summary, new GetRiskSummaryRequest { SubjectId = subjectId });
}
