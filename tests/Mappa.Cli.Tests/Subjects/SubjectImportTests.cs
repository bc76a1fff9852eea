using System.Text.Json;
using Mappa.Security;
using Mappa.Testing;

namespace Mappa.Cli.Tests.Subjects;

public sealed class SubjectImportTests(RunningSuite suite) : IClassFixture<RunningSuite>
{
    private static string Pnc() => "IMP/" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();

    private static List<string> SubjectIds(CliResult result) =>
        JsonDocument.Parse(result.Out).RootElement.GetProperty("subjects").EnumerateArray()
            .Select(s => s.GetProperty("subjectId").GetString()!).ToList();

    [Fact]
    public async Task Importing_a_caseload_twice_registers_each_row_once()
    {
        using var cli = new CliRunner(suite);
        await cli.LoginAsync(Role.Assessor);
        var csv = cli.WriteFile("caseload.csv",
            "pnc,category,lead_agency,area,name\n" +
            $"{Pnc()},1,POLICE,glasgow,\"Smith, Jo\"\n" +
            $"{Pnc()},2,social_work,glasgow,Sam Lee\n" +
            $"{Pnc()},3,HEALTH,glasgow,\n");

        var first = await cli.RunAsync("subjects", "import", csv, "--json");
        var again = await cli.RunAsync("subjects", "import", csv, "--json");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal(3, SubjectIds(first).Distinct().Count());
        Assert.Equal(SubjectIds(first), SubjectIds(again));
    }

    [Fact]
    public async Task Bad_rows_are_reported_by_line_while_good_rows_are_imported()
    {
        using var cli = new CliRunner(suite);
        await cli.LoginAsync(Role.Assessor);
        var csv = cli.WriteFile("mixed.csv",
            "pnc,category,lead_agency,area\n" +
            $"{Pnc()},2,POLICE,glasgow\n" +
            $"{Pnc()},9,POLICE,glasgow\n" +
            $"{Pnc()},1,WIZARDS,glasgow\n");

        var result = await cli.RunAsync("subjects", "import", csv);

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("Registered 1 ", result.Out);
        Assert.Contains("failed 2.", result.Out);
        Assert.Contains("category '9'", result.Out);
        Assert.Contains("lead_agency 'WIZARDS'", result.Out);
    }

    [Fact]
    public async Task A_file_without_the_required_columns_is_refused_with_exit_3()
    {
        using var cli = new CliRunner(suite);
        await cli.LoginAsync(Role.Assessor);
        var csv = cli.WriteFile("wrong.csv", "name,age\nJo,40\n");

        var result = await cli.RunAsync("subjects", "import", csv);

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("lacks column(s) pnc, category, lead_agency, area", result.Error);
    }

    [Fact]
    public async Task A_missing_file_is_refused_with_exit_3()
    {
        using var cli = new CliRunner(suite);
        await cli.LoginAsync(Role.Assessor);

        var result = await cli.RunAsync("subjects", "import", Path.Combine(cli.Home, "nope.csv"));

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("cannot read", result.Error);
    }
}
