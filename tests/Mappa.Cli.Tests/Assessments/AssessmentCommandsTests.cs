using Google.Protobuf;
using Mappa.Contracts.RiskAssessment.V1;
using Mappa.Security;
using Mappa.Testing;

namespace Mappa.Cli.Tests.Assessments;

public sealed class AssessmentCommandsTests(RunningSuite suite) : IClassFixture<RunningSuite>
{
    private static readonly string Yesterday = DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd");

    /// <summary>Stable-2007 without the child item (3): twelve items scored 0-2 by the shipped rule set.</summary>
    private static string StableJson(string subjectId, int score, int? outOfRangeItem = null) =>
        $$"""
        {
          "subjectId": "{{subjectId}}",
          "assessedDate": "{{Yesterday}}",
          "assessorId": "assessor-cli",
          "agency": "AGENCY_KIND_SOCIAL_WORK",
          "scores": { "stable2007": { "items": [
            {{string.Join(",\n", new[] { 1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13 }.Select(n =>
                $"{{\"itemNumber\": {n}, \"score\": {(n == outOfRangeItem ? 9 : score)}}}"))}}
          ] } }
        }
        """;

    private static async Task<string> RegisterAsync(CliRunner cli)
    {
        var result = await cli.RunAsync("subjects", "register", "--pnc", "ASM/" + Guid.NewGuid().ToString("N")[..10], "--category", "1",
            "--lead-agency", "SOCIAL_WORK", "--area", "glasgow", "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        return JsonParser.Default.Parse<CreateSubjectResponse>(result.Out).Subject.SubjectId;
    }

    [Fact]
    public async Task Recording_from_json_shows_the_levels_the_service_computed()
    {
        using var cli = new CliRunner(suite);
        await cli.LoginAsync(Role.Assessor);
        var subject = await RegisterAsync(cli);
        var file = cli.WriteFile("stable.json", StableJson(subject, score: 2));

        var table = await cli.RunAsync("assessments", "record", "--file", file);
        var json = await cli.RunAsync("assessments", "record", "--file", file, "--json");

        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("Recorded assessment ", table.Out);
        Assert.Contains("Stable-2007 level", table.Out);
        Assert.Contains("HIGH", table.Out);
        var recorded = JsonParser.Default.Parse<RecordAssessmentResponse>(json.Out).Assessment;
        Assert.Equal(DynamicRiskLevel.High, recorded.Levels.StableLevel);
        Assert.Equal(Instrument.Stable2007, recorded.Instrument);
        // The same file twice is one assessment: the request id comes from the content.
        Assert.Contains(recorded.AssessmentId, table.Out);
    }

    [Fact]
    public async Task Recording_from_yaml_with_the_subject_given_on_the_command_line_works_too()
    {
        using var cli = new CliRunner(suite);
        await cli.LoginAsync(Role.Assessor);
        var subject = await RegisterAsync(cli);
        var items = string.Join("\n", new[] { 1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13 }.Select(n => $"      - itemNumber: {n}\n        score: 0"));
        var file = cli.WriteFile("stable.yaml",
            $"assessedDate: {Yesterday}\nassessorId: assessor-cli\nagency: SOCIAL_WORK_PLACEHOLDER\nscores:\n  stable2007:\n    items:\n{items}\n"
                .Replace("SOCIAL_WORK_PLACEHOLDER", "AGENCY_KIND_SOCIAL_WORK"));

        var result = await cli.RunAsync("assessments", "record", "--file", file, "--subject", subject, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var recorded = JsonParser.Default.Parse<RecordAssessmentResponse>(result.Out).Assessment;
        Assert.Equal(subject, recorded.SubjectId);
        Assert.Equal(DynamicRiskLevel.Low, recorded.Levels.StableLevel);
    }

    [Fact]
    public async Task An_out_of_range_item_score_is_refused_naming_the_item_with_exit_3()
    {
        using var cli = new CliRunner(suite);
        await cli.LoginAsync(Role.Assessor);
        var subject = await RegisterAsync(cli);
        var file = cli.WriteFile("bad.json", StableJson(subject, score: 1, outOfRangeItem: 5));

        var result = await cli.RunAsync("assessments", "record", "--file", file);

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("INVALID_ARGUMENT", result.Error);
        Assert.Contains("scores.stable_2007.items", result.Error);
        Assert.DoesNotContain("   at ", result.Error);
    }

    [Fact]
    public async Task A_file_that_is_not_json_is_refused_with_exit_3()
    {
        using var cli = new CliRunner(suite);
        await cli.LoginAsync(Role.Assessor);
        var file = cli.WriteFile("broken.json", "{ \"subjectId\": ");

        var result = await cli.RunAsync("assessments", "record", "--file", file);

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("is not valid JSON", result.Error);
    }

    [Fact]
    public async Task A_file_with_fields_the_request_lacks_is_refused_with_exit_3()
    {
        using var cli = new CliRunner(suite);
        await cli.LoginAsync(Role.Assessor);
        var file = cli.WriteFile("odd.json", "{ \"subjectId\": \"x\", \"favouriteColour\": \"blue\" }");

        var result = await cli.RunAsync("assessments", "record", "--file", file);

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("favouriteColour", result.Error);
    }

    [Fact]
    public async Task Recording_for_an_unknown_subject_is_not_found_with_exit_4()
    {
        using var cli = new CliRunner(suite);
        await cli.LoginAsync(Role.Assessor);
        var file = cli.WriteFile("stable.json", StableJson(Guid.NewGuid().ToString(), score: 1));

        var result = await cli.RunAsync("assessments", "record", "--file", file);

        Assert.Equal(4, result.ExitCode);
        Assert.Contains("NOT_FOUND", result.Error);
    }

    [Fact]
    public async Task A_partner_reader_may_not_record_assessments_and_gets_exit_5()
    {
        using var cli = new CliRunner(suite);
        await cli.LoginAsync(Role.Assessor);
        var subject = await RegisterAsync(cli);
        var file = cli.WriteFile("stable.json", StableJson(subject, score: 1));
        await cli.LoginAsync(Role.PartnerReader);

        var result = await cli.RunAsync("assessments", "record", "--file", file);

        Assert.Equal(5, result.ExitCode);
        Assert.Contains("PERMISSION_DENIED", result.Error);
    }

    [Fact]
    public async Task A_correction_supersedes_the_assessment_and_history_shows_both_when_asked()
    {
        using var cli = new CliRunner(suite);
        await cli.LoginAsync(Role.Assessor);
        var subject = await RegisterAsync(cli);
        var recorded = await cli.RunAsync("assessments", "record", "--file", cli.WriteFile("first.json", StableJson(subject, score: 0)), "--json");
        var first = JsonParser.Default.Parse<RecordAssessmentResponse>(recorded.Out).Assessment;

        var corrected = await cli.RunAsync("assessments", "supersede", first.AssessmentId, "--file", cli.WriteFile("fixed.json", StableJson(subject, score: 2)),
            "--reason", "Items were entered against the wrong subject's notes.", "--json");

        Assert.True(corrected.ExitCode == 0, corrected.ToString());
        var response = JsonParser.Default.Parse<SupersedeAssessmentResponse>(corrected.Out);
        Assert.Equal(first.AssessmentId, response.Superseded.AssessmentId);
        Assert.Equal(DynamicRiskLevel.High, response.Assessment.Levels.StableLevel);
        var current = await cli.RunAsync("assessments", "history", subject);
        var everything = await cli.RunAsync("assessments", "history", subject, "--include-superseded");
        Assert.DoesNotContain(first.AssessmentId, current.Out);
        Assert.Contains(first.AssessmentId, everything.Out);
        Assert.Contains("SUPERSEDED", everything.Out);
    }

    [Fact]
    public async Task A_coordinator_moves_a_review_date_and_an_assessor_may_not()
    {
        using var cli = new CliRunner(suite);
        await cli.LoginAsync(Role.Assessor);
        var subject = await RegisterAsync(cli);
        var recorded = await cli.RunAsync("assessments", "record", "--file", cli.WriteFile("a.json", StableJson(subject, score: 1)), "--json");
        var assessment = JsonParser.Default.Parse<RecordAssessmentResponse>(recorded.Out).Assessment;
        var policy = new DateOnly(assessment.NextReviewDate.Year, assessment.NextReviewDate.Month, assessment.NextReviewDate.Day);
        var later = policy.AddDays(14).ToString("yyyy-MM-dd");

        var byAssessor = await cli.RunAsync("assessments", "set-review-date", assessment.AssessmentId, "--date", later, "--reason", "Panel availability");
        await cli.LoginAsync(Role.MappaCoordinator);
        var byCoordinator = await cli.RunAsync("assessments", "set-review-date", assessment.AssessmentId, "--date", later, "--reason", "Panel availability", "--json");

        Assert.Equal(5, byAssessor.ExitCode);
        Assert.True(byCoordinator.ExitCode == 0, byCoordinator.ToString());
        var moved = JsonParser.Default.Parse<SetReviewDateResponse>(byCoordinator.Out).Assessment.NextReviewDate;
        Assert.Equal(later, $"{moved.Year:0000}-{moved.Month:00}-{moved.Day:00}");
    }

    [Fact]
    public async Task A_correction_without_its_reason_is_a_usage_error()
    {
        using var cli = new CliRunner(suite);
        await cli.LoginAsync(Role.Assessor);

        var result = await cli.RunAsync("assessments", "supersede", Guid.NewGuid().ToString(), "--file", "x.json");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--reason", result.Error);
    }

    [Fact]
    public async Task History_and_summary_show_the_recorded_assessment()
    {
        using var cli = new CliRunner(suite);
        await cli.LoginAsync(Role.Assessor);
        var subject = await RegisterAsync(cli);
        var recorded = await cli.RunAsync("assessments", "record", "--file", cli.WriteFile("s.json", StableJson(subject, score: 1)), "--json");
        var id = JsonParser.Default.Parse<RecordAssessmentResponse>(recorded.Out).Assessment.AssessmentId;

        var history = await cli.RunAsync("assessments", "history", subject);
        var summary = await cli.RunAsync("assessments", "summary", subject, "--json");

        Assert.True(history.ExitCode == 0, history.ToString());
        Assert.Contains(id, history.Out);
        Assert.Contains("1 assessment(s).", history.Out);
        Assert.True(summary.ExitCode == 0, summary.ToString());
        Assert.Contains(JsonParser.Default.Parse<GetRiskSummaryResponse>(summary.Out).LatestAssessments, a => a.AssessmentId == id);
    }
}
