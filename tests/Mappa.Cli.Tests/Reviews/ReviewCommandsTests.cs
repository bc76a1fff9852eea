using Google.Protobuf;
using Mappa.Contracts.RiskAssessment.V1;
using Mappa.Contracts.Scheduling.V1;
using Mappa.Security;
using Mappa.Testing;

namespace Mappa.Cli.Tests.Reviews;

public sealed class ReviewCommandsTests(RunningSuite suite) : IClassFixture<RunningSuite>
{
    [Fact]
    public async Task Due_lists_the_review_an_assessment_planned_for_its_subject()
    {
        using var cli = new CliRunner(suite);
        await cli.LoginAsync(Role.Assessor);
        var registered = await cli.RunAsync("subjects", "register", "--pnc", "REV/" + Guid.NewGuid().ToString("N")[..10], "--category", "2",
            "--lead-agency", "SOCIAL_WORK", "--area", "glasgow", "--json");
        var subject = JsonParser.Default.Parse<CreateSubjectResponse>(registered.Out).Subject.SubjectId;
        var items = string.Join(",", new[] { 1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13 }.Select(n => $"{{\"itemNumber\":{n},\"score\":2}}"));
        var assessedDate = DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd");
        var file = cli.WriteFile("a.json",
            "{\"subjectId\":\"" + subject + "\",\"assessedDate\":\"" + assessedDate + "\",\"assessorId\":\"a1\",\"agency\":\"AGENCY_KIND_SOCIAL_WORK\"," +
            "\"scores\":{\"stable2007\":{\"items\":[" + items + "]}}}");
        var recorded = await cli.RunAsync("assessments", "record", "--file", file, "--json");
        Assert.True(recorded.ExitCode == 0, recorded.ToString());
        var reviewDate = JsonParser.Default.Parse<RecordAssessmentResponse>(recorded.Out).Assessment.NextReviewDate;
        var daysAhead = new DateOnly(reviewDate.Year, reviewDate.Month, reviewDate.Day).DayNumber - DateOnly.FromDateTime(DateTime.UtcNow).DayNumber;

        // The calendar learns of the assessment through an event, so the obligation appears shortly after.
        ReviewObligation? planned = null;
        for (var attempt = 0; attempt < 100 && planned is null; attempt++)
        {
            var due = await cli.RunAsync("reviews", "due", "--area", "glasgow", "--within", (daysAhead + 1).ToString(), "--subject", subject, "--json");
            Assert.True(due.ExitCode == 0, due.ToString());
            planned = JsonParser.Default.Parse<ListReviewObligationsResponse>(due.Out).Obligations.FirstOrDefault();
            if (planned is null)
            {
                await Task.Delay(200);
            }
        }

        Assert.NotNull(planned);
        Assert.Equal(subject, planned.Subject.SubjectId);
        var table = await cli.RunAsync("reviews", "due", "--area", "glasgow", "--within", (daysAhead + 1).ToString(), "--subject", subject);
        Assert.Contains(planned.ObligationId, table.Out);
        Assert.Contains($"in {daysAhead} day(s)", table.Out);
    }

    [Fact]
    public async Task Overdue_on_a_fresh_area_is_an_empty_table_with_exit_0()
    {
        using var cli = new CliRunner(suite);
        await cli.LoginAsync(Role.MappaCoordinator, area: "fife");

        var result = await cli.RunAsync("reviews", "overdue", "--area", "fife");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("0 obligation(s).", result.Out);
    }

    [Fact]
    public async Task Watch_runs_until_cancelled_and_then_exits_cleanly()
    {
        using var cli = new CliRunner(suite);
        await cli.LoginAsync(Role.MappaCoordinator);
        using var stop = new CancellationTokenSource();
        var error = new StringWriter();

        var watching = cli.RunAsync(["reviews", "watch", "--area", "glasgow"], stop.Token, error: error);
        for (var attempt = 0; attempt < 200 && !error.ToString().Contains("Watching"); attempt++)
        {
            await Task.Delay(50);
        }
        if (watching.IsCompleted)
        {
            Assert.Fail("watch ended before it was stopped: " + await watching);
        }
        stop.Cancel();
        var result = await watching;

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Stopped.", result.Error);
    }

    [Fact]
    public async Task Watch_outside_the_callers_scope_fails_with_a_status_not_a_hang()
    {
        using var cli = new CliRunner(suite);
        await cli.LoginAsync(Role.Auditor);

        var result = await cli.RunAsync("reviews", "watch", "--area", "glasgow");

        Assert.Equal(5, result.ExitCode);
        Assert.Contains("PERMISSION_DENIED", result.Error);
    }
}
