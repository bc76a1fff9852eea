namespace Mappa.Reliability.Tests.Infrastructure;

/// <summary>What the databases and a partner queue show for a workload's assessments once everything has arrived.</summary>
public sealed record DeliveryFigures(int Assessments, int PartnerMessages, int PartnerDuplicates, long RelayAttempts, TimeSpan Settled)
{
    public override string ToString() =>
        $"{Assessments} assessments; partner queue {PartnerMessages} messages ({PartnerDuplicates} duplicate deliveries); outbox publish attempts {RelayAttempts}; settled in {Settled.TotalSeconds:0.0} s";
}

/// <summary>
/// The checks every fault test ends with, read from the databases and queues: each assessment a client was told was
/// recorded is in RiskAssessment once, its AssessmentRecorded left the outbox once and reached Scheduling's inbox once
/// (and a partner queue), and Scheduling holds exactly one review obligation for it with the review date RiskAssessment
/// answered, opened by one revision (the handler ran once).
/// </summary>
public static class Deliveries
{
    public const string AssessmentRecorded = "mappa.riskassessment.assessment.recorded";
    public const string ReviewDateSet = "mappa.riskassessment.review-date.set";

    public static async Task<DeliveryFigures> VerifyAsync(Cluster cluster, Workload workload, string partnerQueue)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var recorded = workload.Recorded.ToList();
        var ids = recorded.Select(r => r.AssessmentId).ToArray();
        Assert.Equal(ids.Length, ids.Distinct().Count());

        // No committed write lost, none doubled by a retried call: exactly the answered assessments, in the test's area.
        var stored = await Sql.QueryAsync(cluster.RiskAssessmentDatabase,
            "SELECT a.assessment_id FROM assessments a JOIN subjects s ON s.subject_id = a.subject_id WHERE s.area = @area",
            r => r.GetString(0), ("area", workload.Area));
        Assert.Equal(ids.Order(), stored.Order());

        // One outbox row per assessment, all confirmed by the broker in the end.
        string[] eventIds = [];
        long attempts = 0;
        await Poll.UntilAsync("every AssessmentRecorded sent from RiskAssessment's outbox", async () =>
        {
            var rows = await Sql.QueryAsync(cluster.RiskAssessmentDatabase,
                "SELECT event_id::text, sent_at IS NOT NULL, attempts FROM outbox_messages WHERE event_type = @type AND payload LIKE @area",
                r => (Id: r.GetString(0), Sent: r.GetBoolean(1), Attempts: (long)r.GetInt32(2)), ("type", AssessmentRecorded), ("area", $"%\"{workload.Area}\"%"));
            Assert.Equal(ids.Length, rows.Count);
            eventIds = [.. rows.Select(r => r.Id)];
            attempts = rows.Sum(r => r.Attempts);
            return rows.All(r => r.Sent);
        }, diagnostics: cluster.LogTails);

        // Scheduling: each event through the inbox once, one obligation per assessment with its review date, one revision each.
        await Poll.UntilAsync("Scheduling to hold an obligation for every assessment", async () =>
            await Sql.ScalarAsync(cluster.SchedulingDatabase, "SELECT count(*) FROM review_obligations WHERE area = @area", ("area", workload.Area)) >= ids.Length,
            diagnostics: cluster.LogTails);
        var inbox = await Sql.ScalarAsync(cluster.SchedulingDatabase,
            "SELECT count(*) FROM inbox_messages WHERE consumer = 'scheduling.assessment-recorded' AND message_id::text = ANY(@ids)", ("ids", eventIds));
        Assert.Equal(ids.Length, inbox);
        var known = await Sql.ScalarAsync(cluster.SchedulingDatabase, "SELECT count(*) FROM known_assessments WHERE assessment_id = ANY(@ids)", ("ids", ids));
        Assert.Equal(ids.Length, known);
        var obligations = await Sql.QueryAsync(cluster.SchedulingDatabase,
            "SELECT o.obligation_id, o.due_day, (SELECT count(*) FROM review_obligation_revisions v WHERE v.obligation_id = o.obligation_id) FROM review_obligations o WHERE o.area = @area",
            r => (Id: r.GetString(0), DueDay: r.GetInt32(1), Revisions: r.GetInt64(2)), ("area", workload.Area));
        Assert.Equal(recorded.Select(r => "assessment-review:" + r.AssessmentId).Order(), obligations.Select(o => o.Id).Order());
        foreach (var assessment in recorded)
        {
            var obligation = obligations.Single(o => o.Id == "assessment-review:" + assessment.AssessmentId);
            Assert.Equal(assessment.ReviewDate.DayNumber, obligation.DueDay);
            Assert.Equal(1, obligation.Revisions);
        }

        // A partner's queue: every event arrives; a duplicate delivery (same message id) is counted, not hidden.
        var delivered = new List<DeliveredEvent>();
        await Poll.UntilAsync("every AssessmentRecorded in the partner queue", async () =>
        {
            delivered.AddRange(await cluster.Broker.TakeAsync(partnerQueue));
            return eventIds.All(id => delivered.Any(d => string.Equals(d.MessageId, id, StringComparison.OrdinalIgnoreCase)));
        });
        var ours = delivered.Where(d => eventIds.Contains(d.MessageId, StringComparer.OrdinalIgnoreCase)).ToList();

        // Nothing was dead-lettered by a consumer that gave up.
        var subjects = recorded.Select(r => r.SubjectId).ToHashSet();
        foreach (var queue in (await cluster.Broker.QueuesAsync()).Where(q => q.Name.EndsWith("_error", StringComparison.Ordinal) && q.Messages > 0))
        {
            var dead = (await cluster.Broker.PeekAsync(queue.Name)).Count(body => subjects.Any(s => body.Contains(s, StringComparison.Ordinal)));
            Assert.True(dead == 0, $"{dead} messages of this test's subjects were moved to {queue.Name}.");
        }

        return new DeliveryFigures(ids.Length, ours.Count, ours.Count - ours.Select(d => d.MessageId.ToLowerInvariant()).Distinct().Count(), attempts, started.Elapsed);
    }

    public static string NewArea() => "rel-" + Guid.NewGuid().ToString("N")[..10];
}
