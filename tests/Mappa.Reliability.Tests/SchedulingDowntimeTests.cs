using System.Diagnostics;
using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Mappa.Contracts;
using Mappa.Contracts.Scheduling.V1;
using Mappa.Reliability.Tests.Infrastructure;
using Mappa.Security;
using Xunit.Abstractions;

namespace Mappa.Reliability.Tests;

/// <summary>Review milestones when Scheduling is down across the moment they fall due, and when two instances sweep the same day.</summary>
[Collection(ClusterCollection.Name)]
public sealed class SchedulingDowntimeTests(Cluster cluster, ITestOutputHelper output)
{
    private const string DueSoon = "mappa.scheduling.review.due-soon";
    private const string Due = "mappa.scheduling.review.due";

    [Fact]
    public async Task Scheduling_stopped_across_a_due_moment_publishes_every_missed_milestone_once_when_both_instances_restart()
    {
        await cluster.EnsureHealthyAsync();
        var clock = Stopwatch.StartNew();
        using var workload = new Workload(cluster, Deliveries.NewArea());
        var partner = "partner-" + workload.Area;
        await cluster.Broker.BindPartnerQueueAsync(partner, DueSoon, Due);
        await RewindClocksIfAheadAsync(workload.Area);
        for (var i = 0; i < 10; i++) await workload.RecordOneAsync();
        var obligations = await WaitForObligationsAsync(workload);

        // Both instances down; the review dates pass while they are; both come back at once, after the due moment.
        await Task.WhenAll(cluster.Scheduling.Select(s => s.StopAsync()));
        var lastDue = workload.Recorded.Max(r => r.ReviewDate);
        var restartAt = new DateTimeOffset(lastDue.AddDays(1).ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero);
        foreach (var instance in cluster.Scheduling)
        {
            instance.Environment["Mappa__Scheduling__SimulatedStart"] = restartAt.ToString("O", CultureInfo.InvariantCulture);
            instance.Start();
        }
        var restarted = Stopwatch.StartNew();
        await Task.WhenAll(cluster.Scheduling.Select(s => s.WaitHealthyAsync()));

        var (dueSoon, due, figures) = await VerifyMilestonesOnceAsync(workload, partner, obligations);
        output.WriteLine($"{obligations.Count} obligations; after the restart at simulated {restartAt:yyyy-MM-dd HH:mm}: {dueSoon} due-soon and {due} due events, each once ({figures}) within {restarted.Elapsed.TotalSeconds:0.0} s; test took {clock.Elapsed.TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task Two_Scheduling_instances_sweeping_the_same_due_day_publish_each_milestone_once()
    {
        await cluster.EnsureHealthyAsync();
        var clock = Stopwatch.StartNew();
        using var workload = new Workload(cluster, Deliveries.NewArea());
        var partner = "partner-" + workload.Area;
        await cluster.Broker.BindPartnerQueueAsync(partner, DueSoon, Due);
        await RewindClocksIfAheadAsync(workload.Area);
        await workload.RunClientsAsync(clients: 4, stop: () => workload.Recorded.Count >= 24);
        var obligations = await WaitForObligationsAsync(workload);

        // Both instances' clocks moved to the same moment after the review dates at the same time: both sweep it.
        var target = new DateTimeOffset(workload.Recorded.Max(r => r.ReviewDate).AddDays(1).ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero);
        var channels = cluster.Scheduling.Select(s => new Mappa.Grpc.Client.GrpcChannel(s.GrpcAddress, new Mappa.Grpc.Client.GrpcChannelOptions
        {
            BearerTokenProvider = _ => ValueTask.FromResult<string?>(cluster.Issuer.Token(Role.MappaCoordinator, workload.Area)),
            RetryPolicy = Mappa.Grpc.Client.RetryPolicy.None,
        })).ToList();
        try
        {
            var nows = await Task.WhenAll(channels.Select(c => c.UnaryAsync<GetClockRequest, GetClockResponse>(MappaServices.Simulation.FindMethodByName("GetClock"), new GetClockRequest())));
            var latest = nows.Max(n => n.Now.ToDateTimeOffset());
            if (latest >= target) target = latest.AddMinutes(1);
            var recordedBySweeps = await Task.WhenAll(channels.Select(c => c.UnaryAsync<AdvanceClockRequest, AdvanceClockResponse>(
                MappaServices.Simulation.FindMethodByName("AdvanceClock"), new AdvanceClockRequest { AdvanceTo = Timestamp.FromDateTimeOffset(target) })));
            var (dueSoon, due, figures) = await VerifyMilestonesOnceAsync(workload, partner, obligations);
            output.WriteLine($"{obligations.Count} obligations; sweeps recorded {string.Join(" + ", recordedBySweeps.Select(r => r.MilestonesRecorded))} milestones (all areas); " +
                             $"{dueSoon} due-soon and {due} due events, each once ({figures}); test took {clock.Elapsed.TotalSeconds:0.0} s");
        }
        finally
        {
            foreach (var channel in channels) channel.Dispose();
        }
    }

    /// <summary>
    /// The simulated clocks must be before the review dates when the obligations open (else their milestones fall due
    /// at once and there is nothing to miss): after another test moved them past, both instances restart at real now.
    /// </summary>
    private async Task RewindClocksIfAheadAsync(string area)
    {
        var now = DateTimeOffset.UtcNow;
        var clocks = new List<DateTimeOffset>();
        foreach (var instance in cluster.Scheduling)
        {
            using var channel = new Mappa.Grpc.Client.GrpcChannel(instance.GrpcAddress, new Mappa.Grpc.Client.GrpcChannelOptions
            {
                BearerTokenProvider = _ => ValueTask.FromResult<string?>(cluster.Issuer.Token(Role.MappaCoordinator, area)),
            });
            clocks.Add((await channel.UnaryAsync<GetClockRequest, GetClockResponse>(MappaServices.Simulation.FindMethodByName("GetClock"), new GetClockRequest())).Now.ToDateTimeOffset());
        }
        if (clocks.All(c => c < now.AddDays(1)))
            return;
        await Task.WhenAll(cluster.Scheduling.Select(s => s.StopAsync()));
        foreach (var instance in cluster.Scheduling)
            instance.Environment["Mappa__Scheduling__SimulatedStart"] = now.ToString("O", CultureInfo.InvariantCulture);
        await cluster.EnsureHealthyAsync();
    }

    private async Task<List<string>> WaitForObligationsAsync(Workload workload)
    {
        var expected = workload.Recorded.Select(r => "assessment-review:" + r.AssessmentId).Order().ToList();
        List<string> found = [];
        await Poll.UntilAsync("Scheduling to open every review obligation", async () =>
        {
            found = await Sql.QueryAsync(cluster.SchedulingDatabase, "SELECT obligation_id FROM review_obligations WHERE area = @area ORDER BY obligation_id",
                r => r.GetString(0), ("area", workload.Area));
            return found.Count >= expected.Count;
        }, diagnostics: cluster.LogTails);
        Assert.Equal(expected, found.Order().ToList());
        return found;
    }

    /// <summary>
    /// Each obligation's due-soon and due milestones recorded once, their outbox rows written once and sent, and the
    /// partner queue holding exactly one message for each (no duplicate delivery).
    /// </summary>
    private async Task<(int DueSoon, int Due, string Figures)> VerifyMilestonesOnceAsync(Workload workload, string partner, List<string> obligations)
    {
        await Poll.UntilAsync("due-soon and due milestones for every obligation, sent", async () =>
        {
            var rows = await Sql.QueryAsync(cluster.SchedulingDatabase,
                "SELECT event_type, sent_at IS NOT NULL FROM outbox_messages WHERE event_type IN (@soon, @due) AND payload LIKE @area",
                r => (Type: r.GetString(0), Sent: r.GetBoolean(1)), ("soon", DueSoon), ("due", Due), ("area", $"%\"{workload.Area}\"%"));
            return rows.Count(r => r.Type == Due) >= obligations.Count && rows.Count(r => r.Type == DueSoon) >= obligations.Count && rows.All(r => r.Sent);
        }, diagnostics: cluster.LogTails);

        var milestones = await Sql.QueryAsync(cluster.SchedulingDatabase,
            "SELECT obligation_id, kind, count(*) FROM review_milestones WHERE area = @area GROUP BY obligation_id, kind",
            r => (Obligation: r.GetString(0), Kind: r.GetInt32(1), Count: r.GetInt64(2)), ("area", workload.Area));
        Assert.All(milestones, m => Assert.Equal(1, m.Count));
        var outbox = await Sql.QueryAsync(cluster.SchedulingDatabase,
            "SELECT event_type, event_id::text FROM outbox_messages WHERE event_type IN (@soon, @due) AND payload LIKE @area",
            r => (Type: r.GetString(0), Id: r.GetString(1)), ("soon", DueSoon), ("due", Due), ("area", $"%\"{workload.Area}\"%"));
        Assert.Equal(obligations.Count, outbox.Count(o => o.Type == Due));
        Assert.Equal(obligations.Count, outbox.Count(o => o.Type == DueSoon));

        var delivered = new List<DeliveredEvent>();
        await Poll.UntilAsync("every milestone event in the partner queue", async () =>
        {
            delivered.AddRange(await cluster.Broker.TakeAsync(partner));
            return outbox.All(o => delivered.Any(d => string.Equals(d.MessageId, o.Id, StringComparison.OrdinalIgnoreCase)));
        });
        foreach (var obligation in obligations)
        {
            foreach (var type in new[] { DueSoon, Due })
            {
                var copies = delivered.Count(d => d.Exchange == type && d.EventJson.Contains(obligation, StringComparison.Ordinal));
                Assert.True(copies == 1, $"{type} for {obligation} was delivered {copies} times.");
            }
        }
        var ours = delivered.Where(d => obligations.Any(o => d.EventJson.Contains(o, StringComparison.Ordinal))).ToList();
        return (ours.Count(d => d.Exchange == DueSoon), ours.Count(d => d.Exchange == Due),
            $"{milestones.Count} milestones recorded, {ours.Count} partner deliveries of this test's obligations");
    }
}
