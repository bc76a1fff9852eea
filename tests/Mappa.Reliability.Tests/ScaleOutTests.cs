using System.Diagnostics;
using Mappa.Reliability.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Mappa.Reliability.Tests;

/// <summary>Two instances of each service behind a round-robin balancer, sharing one PostgreSQL and one RabbitMQ.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ScaleOutTests(Cluster cluster, ITestOutputHelper output)
{
    [Fact]
    public async Task Load_over_two_instances_of_each_service_delivers_every_event_once_and_every_consumer_queue_is_quorum()
    {
        await cluster.EnsureHealthyAsync();
        var clock = Stopwatch.StartNew();
        using var workload = new Workload(cluster, Deliveries.NewArea());
        var partner = "partner-" + workload.Area;
        await cluster.Broker.BindPartnerQueueAsync(partner, Deliveries.AssessmentRecorded);

        var target = 40;
        await workload.RunClientsAsync(clients: 6, stop: () => workload.Recorded.Count >= target);
        var figures = await Deliveries.VerifyAsync(cluster, workload, partner);

        // Both instances answered (the balancer really spread the load), and no call failed.
        Assert.Equal(2, workload.Assessors.AnsweredBy.Count);
        Assert.All(workload.Seen(), s => Assert.Equal(Mappa.Grpc.StatusCode.OK, s.Key));
        // Two relays on one database never double-publish: exactly one delivery per event.
        Assert.Equal(0, figures.PartnerDuplicates);
        // Consumers compete on shared quorum queues.
        var queues = (await cluster.Broker.QueuesAsync()).Where(Cluster.IsServiceQueue).ToList();
        Assert.All(queues, q => Assert.Equal("quorum", q.Type));
        output.WriteLine($"cluster start-up {cluster.StartupTime.TotalSeconds:0.0} s; {figures}; answered by {string.Join(", ", workload.Assessors.AnsweredBy.Select(a => $"{a.Key}={a.Value}"))}; queues: {string.Join(", ", queues.Select(q => $"{q.Name}({q.Type}, {q.Consumers} consumers)"))}; took {clock.Elapsed.TotalSeconds:0.0} s");
    }
}
