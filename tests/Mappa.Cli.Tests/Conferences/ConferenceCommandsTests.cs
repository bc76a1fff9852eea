using Google.Protobuf;
using Mappa.Contracts.CaseConference.V1;
using Mappa.Contracts.Common.V1;
using Mappa.Contracts.RiskAssessment.V1;
using Mappa.Security;
using Mappa.Testing;

namespace Mappa.Cli.Tests.Conferences;

public sealed class ConferenceCommandsTests(RunningSuite suite) : IClassFixture<RunningSuite>
{
    private static readonly string NextWeek = DateTime.UtcNow.AddDays(7).ToString("yyyy-MM-ddT10:00Z");

    private static async Task<string> RegisterAsync(CliRunner cli)
    {
        var result = await cli.RunAsync("subjects", "register", "--pnc", "CNF/" + Guid.NewGuid().ToString("N")[..10], "--category", "2",
            "--lead-agency", "POLICE", "--area", "glasgow", "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        return JsonParser.Default.Parse<CreateSubjectResponse>(result.Out).Subject.SubjectId;
    }

    private static async Task<Conference> ProposeAsync(CliRunner cli, string subject)
    {
        var result = await cli.RunAsync("conferences", "create", "--kind", "initial-level-2", "--subject", subject, "--area", "glasgow",
            "--target-date", DateTime.UtcNow.AddDays(20).ToString("yyyy-MM-dd"), "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        return JsonParser.Default.Parse<CreateConferenceResponse>(result.Out).Conference;
    }

    [Fact]
    public async Task A_proposed_conference_is_scheduled_and_an_extra_agency_invited()
    {
        using var cli = new CliRunner(suite);
        await cli.LoginAsync(Role.MappaCoordinator);
        var subject = await RegisterAsync(cli);
        var proposed = await ProposeAsync(cli, subject);

        var scheduled = await cli.RunAsync("conferences", "schedule", proposed.ConferenceId, "--start", NextWeek, "--duration-minutes", "90",
            "--place", "Room 2", "--chair", "chair-1");
        var invited = await cli.RunAsync("conferences", "invite", proposed.ConferenceId, "--agency-kind", "housing", "--organisation", "Glasgow Housing", "--json");

        Assert.Equal(ConferenceStatus.Proposed, proposed.Status);
        Assert.True(scheduled.ExitCode == 0, scheduled.ToString());
        Assert.Contains("SCHEDULED", scheduled.Out);
        Assert.Contains("90 min", scheduled.Out);
        Assert.Contains("Room 2", scheduled.Out);
        Assert.True(invited.ExitCode == 0, invited.ToString());
        var conference = JsonParser.Default.Parse<InviteAgencyResponse>(invited.Out).Conference;
        Assert.Contains(conference.Invitations, i => i.Agency.Kind == AgencyKind.Housing && i.Agency.Organisation == "Glasgow Housing");
        var listed = await cli.RunAsync("conferences", "list", "--subject", subject);
        Assert.Contains(proposed.ConferenceId, listed.Out);
        Assert.Contains("1 conference(s).", listed.Out);
    }

    [Fact]
    public async Task A_scheduled_conference_exports_as_an_ics_file_with_its_own_length()
    {
        using var cli = new CliRunner(suite);
        await cli.LoginAsync(Role.MappaCoordinator);
        var proposed = await ProposeAsync(cli, await RegisterAsync(cli));
        var start = DateTime.UtcNow.Date.AddDays(9).AddHours(10);
        var scheduled = await cli.RunAsync("conferences", "schedule", proposed.ConferenceId, "--start", start.ToString("yyyy-MM-ddTHH:mm:ssZ"),
            "--duration-minutes", "45", "--place", "Room 2", "--chair", "chair-1");
        Assert.True(scheduled.ExitCode == 0, scheduled.ToString());
        var path = Path.Combine(cli.Home, "conference.ics");

        // The calendar learns of the booking through an event, so the export may need a moment.
        var exported = await cli.RunAsync("conferences", "ics", proposed.ConferenceId, "-o", path, "--attendee", "Police=police@example.org!");
        for (var attempt = 0; attempt < 100 && exported.ExitCode == 4; attempt++)
        {
            await Task.Delay(100);
            exported = await cli.RunAsync("conferences", "ics", proposed.ConferenceId, "-o", path, "--attendee", "Police=police@example.org!");
        }

        Assert.True(exported.ExitCode == 0, exported.ToString());
        var calendar = await File.ReadAllTextAsync(path);
        Assert.StartsWith("BEGIN:VCALENDAR", calendar);
        Assert.Contains($"DTSTART:{start:yyyyMMdd'T'HHmmss}Z", calendar);
        Assert.Contains($"DTEND:{start.AddMinutes(45):yyyyMMdd'T'HHmmss}Z", calendar);
        Assert.Contains("mailto:police@example.org", calendar);
    }

    [Fact]
    public async Task Slots_are_proposed_within_the_window_asked_for()
    {
        using var cli = new CliRunner(suite);
        await cli.LoginAsync(Role.MappaCoordinator);
        var subject = await RegisterAsync(cli);
        var from = DateTime.UtcNow.Date.AddDays(1);
        var to = from.AddDays(14);

        string[] slots = ["conferences", "slots", subject, "--from", from.ToString("yyyy-MM-ddTHH:mmZ"), "--to", to.ToString("yyyy-MM-ddTHH:mmZ"),
            "--length-minutes", "60", "--max", "3", "--json"];

        // Scheduling learns of a new subject through an event: until then it answers NOT_FOUND.
        var result = await cli.RunAsync(slots);
        for (var attempt = 0; attempt < 100 && result.ExitCode == 4; attempt++)
        {
            await Task.Delay(100);
            result = await cli.RunAsync(slots);
        }

        Assert.True(result.ExitCode == 0, result.ToString());
        var proposals = JsonParser.Default.Parse<Mappa.Contracts.Scheduling.V1.ProposeConferenceSlotsResponse>(result.Out).Proposals;
        Assert.InRange(proposals.Count, 1, 3);
        Assert.All(proposals, p =>
        {
            Assert.InRange(p.StartTime.ToDateTime(), from, to);
            Assert.Equal(TimeSpan.FromMinutes(60), p.EndTime.ToDateTime() - p.StartTime.ToDateTime());
        });
    }

    [Fact]
    public async Task An_attendee_that_is_not_name_equals_email_is_refused_with_exit_3()
    {
        using var cli = new CliRunner(suite);
        await cli.LoginAsync(Role.MappaCoordinator);

        var result = await cli.RunAsync("conferences", "ics", Guid.NewGuid().ToString(), "--length-minutes", "30", "--attendee", "police");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("--attendee: 'police' is not NAME=EMAIL", result.Error);
    }

    [Fact]
    public async Task An_invitation_response_is_recorded_against_its_invitation()
    {
        using var cli = new CliRunner(suite);
        await cli.LoginAsync(Role.MappaCoordinator);
        var proposed = await ProposeAsync(cli, await RegisterAsync(cli));
        var invitation = proposed.Invitations.First(i => i.Agency.Kind == AgencyKind.Health);

        var result = await cli.RunAsync("conferences", "respond", proposed.ConferenceId, "--invitation", invitation.InvitationId,
            "--response", "DECLINED_WITH_APOLOGIES", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var updated = JsonParser.Default.Parse<RecordInvitationResponseResponse>(result.Out).Conference;
        Assert.Equal(InvitationResponseKind.DeclinedWithApologies, updated.Invitations.Single(i => i.InvitationId == invitation.InvitationId).Response);
    }

    [Fact]
    public async Task Recording_a_conference_held_before_it_starts_is_a_conflict_with_its_reason_and_exit_7()
    {
        using var cli = new CliRunner(suite);
        await cli.LoginAsync(Role.MappaCoordinator);
        var proposed = await ProposeAsync(cli, await RegisterAsync(cli));
        var scheduled = await cli.RunAsync("conferences", "schedule", proposed.ConferenceId, "--start", NextWeek,
            "--duration-minutes", "60", "--link", "https://meet.example/abc", "--chair", "chair-1");
        Assert.True(scheduled.ExitCode == 0, scheduled.ToString());

        var result = await cli.RunAsync("conferences", "held", proposed.ConferenceId);

        Assert.Equal(7, result.ExitCode);
        Assert.Contains("FAILED_PRECONDITION", result.Error);
        Assert.Contains("reason: CONFERENCE_NOT_STARTED", result.Error);
    }

    [Fact]
    public async Task A_conference_that_has_started_is_held_attended_decided_and_minuted_and_counted_in_statistics()
    {
        using var cli = new CliRunner(suite);
        await cli.LoginAsync(Role.MappaCoordinator, area: "dundee");
        var registered = await cli.RunAsync("subjects", "register", "--pnc", "HLD/" + Guid.NewGuid().ToString("N")[..10], "--category", "2",
            "--lead-agency", "POLICE", "--area", "dundee", "--json");
        var subject = JsonParser.Default.Parse<CreateSubjectResponse>(registered.Out).Subject.SubjectId;
        var created = await cli.RunAsync("conferences", "create", "--kind", "review", "--subject", subject, "--area", "dundee", "--json");
        var id = JsonParser.Default.Parse<CreateConferenceResponse>(created.Out).Conference.ConferenceId;
        // The service accepts only a future start and records "held" only after it: start a moment from now.
        var scheduled = await cli.RunAsync("conferences", "schedule", id, "--start", DateTime.UtcNow.AddSeconds(2).ToString("yyyy-MM-ddTHH:mm:ssZ"),
            "--duration-minutes", "30", "--place", "Room 1", "--chair", "chair-1");
        Assert.True(scheduled.ExitCode == 0, scheduled.ToString());
        var held = await cli.RunAsync("conferences", "held", id);
        for (var attempt = 0; attempt < 100 && held.Error.Contains("CONFERENCE_NOT_STARTED"); attempt++)
        {
            await Task.Delay(100);
            held = await cli.RunAsync("conferences", "held", id);
        }
        Assert.True(held.ExitCode == 0, held.ToString());

        foreach (var agency in new[] { "POLICE", "SOCIAL_WORK", "HEALTH" })
        {
            var attended = await cli.RunAsync("conferences", "attendance", id, "--agency-kind", agency, "--status", "attended", "--written-report");
            Assert.True(attended.ExitCode == 0, attended.ToString());
        }
        var apologies = await cli.RunAsync("conferences", "attendance", id, "--agency-kind", "PRISON_SERVICE", "--status", "apologies");
        var decided = await cli.RunAsync("conferences", "decide", id, "--subject", subject, "--level", "2", "--category", "2", "--json");
        var action = await cli.RunAsync("conferences", "add-action", id, "--subject", subject, "--description", "Confirm accommodation",
            "--owner-agency", "housing", "--due", DateTime.UtcNow.AddDays(14).ToString("yyyy-MM-dd"), "--json");
        Assert.True(action.ExitCode == 0, action.ToString());
        var actionId = JsonParser.Default.Parse<AddPlanActionResponse>(action.Out).PlanAction.ActionId;
        var done = await cli.RunAsync("conferences", "action-status", id, "--action", actionId, "--status", "done");
        Assert.True(done.ExitCode == 0, done.ToString());
        Assert.Contains("Confirm accommodation", done.Out);
        Assert.Contains("DONE", done.Out);
        var second = await cli.RunAsync("conferences", "add-action", id, "--subject", subject, "--description", "Check in with GP",
            "--owner-agency", "health", "--due", DateTime.UtcNow.AddDays(21).ToString("yyyy-MM-dd"), "--json");
        var third = await cli.RunAsync("conferences", "add-action", id, "--subject", subject, "--description", "Visit new address",
            "--owner-agency", "police", "--due", DateTime.UtcNow.AddDays(21).ToString("yyyy-MM-dd"), "--json");
        var completed = await cli.RunAsync("conferences", "complete-action", id, "--action", JsonParser.Default.Parse<AddPlanActionResponse>(second.Out).PlanAction.ActionId);
        var cancelled = await cli.RunAsync("conferences", "cancel-action", id, "--action", JsonParser.Default.Parse<AddPlanActionResponse>(third.Out).PlanAction.ActionId,
            "--reason", "Address not confirmed");
        var again = await cli.RunAsync("conferences", "complete-action", id, "--action", actionId);
        Assert.True(completed.ExitCode == 0, completed.ToString());
        Assert.Contains("Check in with GP", completed.Out);
        Assert.True(cancelled.ExitCode == 0, cancelled.ToString());
        Assert.Contains("CANCELLED", cancelled.Out);
        Assert.NotEqual(0, again.ExitCode);   // already done: FAILED_PRECONDITION
        var minuted = await cli.RunAsync("conferences", "minute", id, "--summary", "Level 2 agreed.");
        var statistics = await cli.RunAsync("conferences", "stats", "--area", "dundee");

        Assert.Contains("Quorate", apologies.Out);
        Assert.Contains("PRISON_SERVICE APOLOGIES", apologies.Out);
        Assert.True(decided.ExitCode == 0, decided.ToString());
        Assert.Equal(MappaLevel._2, JsonParser.Default.Parse<RecordDecisionResponse>(decided.Out).Conference.Decisions.Single().Level);
        Assert.True(minuted.ExitCode == 0, minuted.ToString());
        Assert.Contains("MINUTED", minuted.Out);
        Assert.Contains("1 conference(s) held", statistics.Out);
    }

    [Fact]
    public async Task A_start_in_the_past_is_refused_naming_the_field_with_exit_3()
    {
        using var cli = new CliRunner(suite);
        await cli.LoginAsync(Role.MappaCoordinator);
        var proposed = await ProposeAsync(cli, await RegisterAsync(cli));

        var result = await cli.RunAsync("conferences", "schedule", proposed.ConferenceId, "--start", "2020-01-01T10:00Z",
            "--duration-minutes", "60", "--place", "Room 1", "--chair", "chair-1");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("  start_time: ", result.Error);
    }

    [Fact]
    public async Task A_start_that_is_not_a_time_is_refused_before_calling()
    {
        using var cli = new CliRunner(suite);
        await cli.LoginAsync(Role.MappaCoordinator);

        var result = await cli.RunAsync("conferences", "schedule", Guid.NewGuid().ToString(), "--start", "next tuesday");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("--start: 'next tuesday' is not an ISO 8601 time", result.Error);
    }

    [Fact]
    public async Task An_unknown_conference_is_not_found_with_exit_4()
    {
        using var cli = new CliRunner(suite);
        await cli.LoginAsync(Role.MappaCoordinator);

        var result = await cli.RunAsync("conferences", "get", Guid.NewGuid().ToString());

        Assert.Equal(4, result.ExitCode);
        Assert.Contains("NOT_FOUND", result.Error);
    }

    [Fact]
    public async Task An_assessor_may_read_but_not_create_conferences()
    {
        using var cli = new CliRunner(suite);
        await cli.LoginAsync(Role.Assessor);
        var subject = await RegisterAsync(cli);

        var create = await cli.RunAsync("conferences", "create", "--kind", "REVIEW", "--subject", subject, "--area", "glasgow");
        var list = await cli.RunAsync("conferences", "list", "--area", "glasgow");

        Assert.Equal(5, create.ExitCode);
        Assert.Contains("PERMISSION_DENIED", create.Error);
        Assert.Equal(0, list.ExitCode);
    }

    [Fact]
    public async Task Statistics_over_an_area_without_held_conferences_report_none_held()
    {
        using var cli = new CliRunner(suite);
        await cli.LoginAsync(Role.MappaCoordinator, area: "orkney");

        var result = await cli.RunAsync("conferences", "stats", "--area", "orkney");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("0 conference(s) held", result.Out);
    }
}
