using Google.Protobuf;
using Mappa.Cli.Infrastructure;
using Mappa.Contracts.Scheduling.V1;
using Mappa.Security;
using Mappa.Testing;

namespace Mappa.Cli.Tests.Compliance;

public sealed class ComplianceCommandsTests(RunningSuite suite) : IClassFixture<RunningSuite>
{
    [Fact]
    public async Task A_manager_gets_the_report_for_the_period_asked_with_what_is_not_available_yet()
    {
        using var cli = new CliRunner(suite);
        await cli.LoginAsync(Role.Manager, area: "glasgow");

        var json = await cli.RunAsync("compliance", "report", "--area", "glasgow", "--from", "2026-10-01", "--to", "2026-10-31", "--json");
        var table = await cli.RunAsync("compliance", "report", "--area", "glasgow", "--from", "2026-10-01", "--to", "2026-10-31");

        Assert.True(json.ExitCode == 0, json.ToString());
        var report = JsonParser.Default.Parse<GetComplianceReportResponse>(json.Out).Report;
        Assert.Equal("glasgow", report.Area);
        Assert.Equal(new Google.Type.Date { Year = 2026, Month = 10, Day = 1 }, report.PeriodStart);
        Assert.Equal(new Google.Type.Date { Year = 2026, Month = 10, Day = 31 }, report.PeriodEnd);
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("Days overdue", table.Out);
        Assert.Equal(["LS_CMI", "RISK_MATRIX_2000", "SA07", "ROSH"], report.CurrentAssessments.Select(c => c.Instrument).ToArray());
        Assert.Contains("RISK_MATRIX_2000", table.Out);
        Assert.Contains("LS/CMI within 20 working days of supervision start:", table.Out);
        Assert.Contains("SA07 without RM2000:", table.Out);
        Assert.Contains($"Conferences held: {report.ConferencesHeld}.", table.Out);
        foreach (var missing in report.NotAvailable)
        {
            Assert.Contains(missing, table.Out);
        }
    }

    [Fact]
    public async Task A_period_that_ends_before_it_starts_is_a_usage_error()
    {
        using var cli = new CliRunner(suite);
        await cli.LoginAsync(Role.Manager, area: "glasgow");

        var result = await cli.RunAsync("compliance", "report", "--area", "glasgow", "--from", "2026-10-31", "--to", "2026-10-01");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--to", result.Error);
    }

    [Fact]
    public async Task An_assessor_may_not_read_compliance_figures()
    {
        using var cli = new CliRunner(suite);
        await cli.LoginAsync(Role.Assessor, area: "glasgow");

        var result = await cli.RunAsync("compliance", "report", "--area", "glasgow");

        Assert.Equal(ExitCodes.PermissionOrAuthentication, result.ExitCode);
    }
}
