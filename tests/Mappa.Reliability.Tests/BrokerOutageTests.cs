using System.Diagnostics;
using Mappa.Grpc;
using Mappa.Reliability.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Mappa.Reliability.Tests;

[Collection(ClusterCollection.Name)]
public sealed class BrokerOutageTests(Cluster cluster, ITestOutputHelper output)
{
    [Fact]
    public async Task Broker_stopped_while_clients_record_fails_no_write_and_every_event_arrives_once_it_returns()
    {
        await cluster.EnsureHealthyAsync();
        var clock = Stopwatch.StartNew();
        using var workload = new Workload(cluster, Deliveries.NewArea());
        var partner = "partner-" + workload.Area;
        await cluster.Broker.BindPartnerQueueAsync(partner, Deliveries.AssessmentRecorded);

        var stop = false;
        // Paced (a record per client every 100 ms at most), so the backlog the outage builds stays a few thousand events at most.
        var clients = workload.RunClientsAsync(FaultSettings.Clients, () => Volatile.Read(ref stop), TimeSpan.FromMilliseconds(100));
        try
        {
            await Poll.UntilAsync("records before the outage", () => workload.Recorded.Count >= FaultSettings.RecordsAroundFault);
            await cluster.Servers.StopBrokerAsync();
            var beforeOutage = workload.Recorded.Count;
            var outage = Stopwatch.StartNew();
            // The outage itself lasts a fixed time (the fault's duration, not a wait for a result).
            await Task.Delay(FaultSettings.BrokerOutage);
            var duringOutage = workload.Recorded.Count - beforeOutage;
            await cluster.Servers.StartBrokerAsync();
            outage.Stop();
            var afterOutage = workload.Recorded.Count;
            await Poll.UntilAsync("records after the broker returned", () => workload.Recorded.Count >= afterOutage + FaultSettings.RecordsAroundFault);
            Volatile.Write(ref stop, true);
            await clients;

            // No write failed because of the broker: every call answered OK at the first instance it reached.
            Assert.True(workload.Seen().Keys.All(k => k == StatusCode.OK), "Calls failed during the broker outage: " + workload.DescribeSeen());
            Assert.True(duringOutage > 0, "No assessment was recorded while the broker was down.");

            var returned = Stopwatch.StartNew();
            var figures = await Deliveries.VerifyAsync(cluster, workload, partner);
            output.WriteLine($"broker down {outage.Elapsed.TotalSeconds:0.0} s; {duringOutage} assessments recorded while it was down; " +
                             $"statuses {workload.DescribeSeen()}; all delivered {returned.Elapsed.TotalSeconds:0.0} s after the checks began; {figures}; test took {clock.Elapsed.TotalSeconds:0.0} s");
        }
        finally
        {
            Volatile.Write(ref stop, true);
            await cluster.Servers.StartBrokerAsync();
        }
    }
}
