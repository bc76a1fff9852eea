using Google.Protobuf;
using Mappa.Contracts.Common.V1;
using Mappa.Contracts.RiskAssessment.V1;
using Mappa.Security;
using Mappa.Testing;

namespace Mappa.Cli.Tests.Subjects;

public sealed class SubjectCommandsTests(RunningSuite suite) : IClassFixture<RunningSuite>
{
    private static string NewPnc() => "CLI/" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();

    private static async Task<Subject> RegisterAsync(CliRunner cli, string pnc, string name = "Alex Example")
    {
        var result = await cli.RunAsync("subjects", "register", "--pnc", pnc, "--category", "2", "--lead-agency", "SOCIAL_WORK",
            "--area", "glasgow", "--name", name, "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        return JsonParser.Default.Parse<CreateSubjectResponse>(result.Out).Subject;
    }

    [Fact]
    public async Task Register_shows_the_new_subject_in_a_table()
    {
        using var cli = new CliRunner(suite);
        await cli.LoginAsync(Role.Assessor);
        var pnc = NewPnc();

        var result = await cli.RunAsync("subjects", "register", "--pnc", pnc, "--category", "2", "--lead-agency", "social-work", "--area", "glasgow", "--name", "Alex Example");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Registered subject ", result.Out);
        Assert.Contains($"PNC {pnc}", result.Out);
        Assert.Contains("SOCIAL_WORK", result.Out);
        Assert.Contains("Alex Example", result.Out);
    }

    [Fact]
    public async Task Get_in_json_returns_what_register_created()
    {
        using var cli = new CliRunner(suite);
        await cli.LoginAsync(Role.Assessor);
        var created = await RegisterAsync(cli, NewPnc());

        var result = await cli.RunAsync("subjects", "get", created.SubjectId, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var read = JsonParser.Default.Parse<GetSubjectResponse>(result.Out).Subject;
        Assert.Equal(created, read);
        Assert.Equal(MappaCategory._2, read.Category);
        Assert.Equal(AgencyKind.SocialWork, read.LeadAgency);
    }

    [Fact]
    public async Task List_with_all_follows_every_page()
    {
        using var cli = new CliRunner(suite);
        await cli.LoginAsync(Role.Assessor);
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await RegisterAsync(cli, NewPnc())).SubjectId);
        }

        var onePage = await cli.RunAsync("subjects", "list", "--area", "glasgow", "--page-size", "1", "--json");
        var all = await cli.RunAsync("subjects", "list", "--area", "glasgow", "--page-size", "1", "--all", "--json");

        var first = JsonParser.Default.Parse<ListSubjectsResponse>(onePage.Out);
        Assert.Single(first.Subjects);
        Assert.NotEqual("", first.NextPageToken);
        var listed = JsonParser.Default.Parse<ListSubjectsResponse>(all.Out).Subjects.Select(s => s.SubjectId).ToList();
        Assert.All(ids, id => Assert.Contains(id, listed));
        Assert.Equal(listed.Count, listed.Distinct().Count());
    }

    [Fact]
    public async Task An_unknown_subject_is_not_found_with_exit_4()
    {
        using var cli = new CliRunner(suite);
        await cli.LoginAsync(Role.Assessor);

        var result = await cli.RunAsync("subjects", "get", Guid.NewGuid().ToString());

        Assert.Equal(4, result.ExitCode);
        Assert.Contains("NOT_FOUND", result.Error);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public async Task With_json_an_error_is_json_on_stderr_with_its_field_violations()
    {
        using var cli = new CliRunner(suite);
        await cli.LoginAsync(Role.Assessor);

        var result = await cli.RunAsync("subjects", "register", "--pnc", NewPnc(), "--category", "2", "--lead-agency", "POLICE", "--area", "glasgow",
            "--request-id", "not-a-uuid", "--json");

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("", result.Out);
        var error = System.Text.Json.JsonDocument.Parse(result.Error).RootElement.GetProperty("error");
        Assert.Equal("INVALID_ARGUMENT", error.GetProperty("status").GetString());
        Assert.Equal("request_id", error.GetProperty("fieldViolations")[0].GetProperty("field").GetString());
    }

    [Fact]
    public async Task A_partner_reader_may_not_register_and_gets_exit_5()
    {
        using var cli = new CliRunner(suite);
        await cli.LoginAsync(Role.PartnerReader);

        var result = await cli.RunAsync("subjects", "register", "--pnc", NewPnc(), "--category", "1", "--lead-agency", "POLICE", "--area", "glasgow");

        Assert.Equal(5, result.ExitCode);
        Assert.Contains("PERMISSION_DENIED", result.Error);
    }

    [Fact]
    public async Task A_category_outside_1_to_3_is_refused_before_calling_with_exit_3()
    {
        using var cli = new CliRunner(suite);
        await cli.LoginAsync(Role.Assessor);

        var result = await cli.RunAsync("subjects", "register", "--pnc", NewPnc(), "--category", "7", "--lead-agency", "POLICE", "--area", "glasgow");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("--category: '7' is not one of 1, 2, 3", result.Error);
    }

    [Fact]
    public async Task A_second_registration_of_a_known_pnc_is_a_conflict_with_exit_7()
    {
        using var cli = new CliRunner(suite);
        await cli.LoginAsync(Role.Assessor);
        var pnc = NewPnc();
        await RegisterAsync(cli, pnc);

        var result = await cli.RunAsync("subjects", "register", "--pnc", pnc, "--category", "2", "--lead-agency", "POLICE", "--area", "glasgow");

        Assert.Equal(7, result.ExitCode);
        Assert.Contains("ALREADY_EXISTS", result.Error);
    }

    [Fact]
    public async Task Field_violations_from_the_service_are_listed_by_field_with_exit_3()
    {
        using var cli = new CliRunner(suite);
        await cli.LoginAsync(Role.Assessor);

        var result = await cli.RunAsync("subjects", "register", "--pnc", NewPnc(), "--category", "2", "--lead-agency", "POLICE", "--area", "glasgow",
            "--request-id", "not-a-uuid");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("INVALID_ARGUMENT", result.Error);
        Assert.Contains("  request_id: ", result.Error);
    }
}
