using System.Net;
using System.Text.Json;
using Mappa.Contracts;
using Mappa.Contracts.Common.V1;
using Mappa.Contracts.RiskAssessment.V1;
using Mappa.Testing;
using Mappa.Security;
using Npgsql;

namespace Mappa.Hosting.Tests;

/// <summary>
/// Readiness and the outbox backlog on real PostgreSQL, with faults made inside this suite's own databases only
/// (the shared server keeps running for every other test).
/// </summary>
public sealed class PostgresOperatorTests(PostgresObservedSuite suite) : IClassFixture<PostgresObservedSuite>
{
    [Fact]
    public async Task Readyz_goes_503_while_a_module_database_refuses_connections_and_200_once_it_accepts_them()
    {
        using var http = suite.Operator();
        await Eventually.UntilAsync("/readyz 200 at the start", () => http.GetAsync("/readyz"), r => r.StatusCode == HttpStatusCode.OK);
        var database = new NpgsqlConnectionStringBuilder(suite.Databases["caseconference"]).Database!;

        await using (var admin = new NpgsqlConnection(RealServers.PostgresConnectionString))
        {
            await admin.OpenAsync();
            await Execute(admin, $"ALTER DATABASE \"{database}\" ALLOW_CONNECTIONS false");
            await Execute(admin, $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}' AND pid <> pg_backend_pid()");
        }
        try
        {
            var refused = await Eventually.UntilAsync("/readyz 503", () => http.GetAsync("/readyz"), r => r.StatusCode == HttpStatusCode.ServiceUnavailable);
            using var body = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
            var checks = body.RootElement.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("ready").GetBoolean());
            Assert.False(checks["database:caseconference"]);
            Assert.True(checks["database:riskassessment"]);
            Assert.True(checks["database:scheduling"]);
            Assert.False(body.RootElement.GetProperty("ready").GetBoolean());
            var metrics = await suite.MetricsAsync();
            Assert.Equal(0, metrics.Value("mappa_database_up", ("database", "caseconference")));
            Assert.Equal(1, metrics.Value("mappa_database_up", ("database", "riskassessment")));
        }
        finally
        {
            await using var admin = new NpgsqlConnection(RealServers.PostgresConnectionString);
            await admin.OpenAsync();
            await Execute(admin, $"ALTER DATABASE \"{database}\" ALLOW_CONNECTIONS true");
        }

        await Eventually.UntilAsync("/readyz 200 again", () => http.GetAsync("/readyz"), r => r.StatusCode == HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_event_the_relay_cannot_publish_shows_in_the_outbox_backlog_until_it_is_sent()
    {
        // Take the RiskAssessment relay's lease from it (its session-level advisory lock in its own database): the
        // relay stands by, so the next event waits in the outbox.
        await using var thief = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(suite.Databases["riskassessment"]) { Pooling = false }.ConnectionString);
        await thief.OpenAsync();
        await Eventually.UntilAsync("this test to hold the relay's lease", () => StealLeaseAsync(thief), held => held);
        await Eventually.UntilAsync("the relay to stand by", suite.MetricsAsync,
            m => m.Value("mappa_outbox_relay_active", ("database", "riskassessment")) == 0);

        using var coordinator = suite.Channel(suite.Token(Role.MappaCoordinator));
        await coordinator.UnaryAsync<CreateSubjectRequest, CreateSubjectResponse>(MappaServices.Subjects.FindMethodByName("CreateSubject"), new CreateSubjectRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            Identifiers = { new ExternalIdentifier { Type = "PNC", Value = "BACKLOG/" + Guid.NewGuid().ToString("N")[..10] } },
            Category = MappaCategory._1,
            LeadAgency = AgencyKind.Police,
            Area = "glasgow",
        });

        var waiting = await Eventually.UntilAsync("the event to wait in the backlog", suite.MetricsAsync,
            m => m.Value("mappa_outbox_unsent_events", ("database", "riskassessment")) >= 1
                 && m.Value("mappa_outbox_oldest_unsent_age_seconds", ("database", "riskassessment")) > 0);
        Assert.Equal(0, waiting.Value("mappa_outbox_relay_active", ("database", "riskassessment")));
        using (var http = suite.Operator())
        {
            // A relay standing by is still ready: another instance (here, this test) holds the lease.
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/readyz")).StatusCode);
        }

        await thief.CloseAsync(); // gives the lease back
        await Eventually.UntilAsync("the relay to publish the backlog", suite.MetricsAsync,
            m => m.Value("mappa_outbox_unsent_events", ("database", "riskassessment")) == 0
                 && m.Value("mappa_outbox_relay_active", ("database", "riskassessment")) == 1);
    }

    /// <summary>Ends the session holding this database's advisory lock (the relay lease) and takes the lock; true once held here.</summary>
    private static async Task<bool> StealLeaseAsync(NpgsqlConnection thief)
    {
        await using var find = new NpgsqlCommand(
            "SELECT pid, (classid::bigint << 32) | objid::bigint FROM pg_locks " +
            "WHERE locktype = 'advisory' AND granted AND objsubid = 1 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())", thief);
        var holders = new List<(int Pid, long Key)>();
        await using (var reader = await find.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) holders.Add((reader.GetInt32(0), reader.GetInt64(1)));
        }
        if (holders.Any(h => h.Pid == thief.ProcessID)) return true;
        if (holders.Count == 0) return false;
        foreach (var (pid, key) in holders)
        {
            await Execute(thief, $"SELECT pg_terminate_backend({pid})");
            await using var take = new NpgsqlCommand($"SELECT pg_try_advisory_lock({key})", thief);
            if ((bool)(await take.ExecuteScalarAsync())!) return true;
        }
        return false;
    }

    private static async Task Execute(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
