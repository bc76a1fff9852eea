using System.Diagnostics;
using Mappa.Grpc;
using Mappa.Reliability.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Mappa.Reliability.Tests;

[Collection(ClusterCollection.Name)]
public sealed class ServiceKillTests(Cluster cluster, ITestOutputHelper output)
{
    [Fact]
    public async Task Instances_killed_with_SIGKILL_mid_load_and_restarted_lose_no_committed_write_and_the_outbox_resumes()
    {
        await cluster.EnsureHealthyAsync();
        var clock = Stopwatch.StartNew();
        using var workload = new Workload(cluster, Deliveries.NewArea());
        var partner = "partner-" + workload.Area;
        await cluster.Broker.BindPartnerQueueAsync(partner, Deliveries.AssessmentRecorded);

        var stop = false;
        var clients = workload.RunClientsAsync(FaultSettings.Clients, () => Volatile.Read(ref stop));
        var restarts = new List<string>();
        var restarted = new List<int>();
        try
        {
            // The RiskAssessment instance holding the outbox relay lease (so the relay itself dies mid-load) and a
            // Scheduling instance (a consumer dies mid-message) are killed; the callers fail over, the instances restart
            // and take load again. The long form then kills the other pair as well.
            for (var round = 0; round < (FaultSettings.Long ? 2 : 1); round++)
            {
                var mark = workload.Recorded.Count;
                await Poll.UntilAsync("records before the kill", () => workload.Recorded.Count >= mark + FaultSettings.RecordsAroundFault);
                var holder = await Cluster.RelayLeaseHolderAsync(cluster.RiskAssessment, cluster.RiskAssessmentDatabase);
                Assert.True(round > 0 || holder is not null, "No RiskAssessment instance holds the outbox relay lease.");
                var i = round == 0 ? (holder is null ? 0 : cluster.RiskAssessment.ToList().IndexOf(holder)) : 1 - restarted[0];
                restarted.Add(i);
                restarts.Add($"killed {cluster.RiskAssessment[i].Name} ({(holder == cluster.RiskAssessment[i] ? "relay lease holder" : "standby relay")}) and {cluster.Scheduling[i].Name}");
                var down = Stopwatch.StartNew();
                await Task.WhenAll(cluster.RiskAssessment[i].KillAsync(), cluster.Scheduling[i].KillAsync());
                var killedAt = workload.Recorded.Count;
                await Poll.UntilAsync("records on the surviving instance", () => workload.Recorded.Count >= killedAt + FaultSettings.RecordsAroundFault / 2);
                cluster.RiskAssessment[i].Start();
                cluster.Scheduling[i].Start();
                await Task.WhenAll(cluster.RiskAssessment[i].WaitHealthyAsync(), cluster.Scheduling[i].WaitHealthyAsync());
                restarts.Add($"back and healthy in {down.Elapsed.TotalSeconds:0.0} s");
            }
            var end = workload.Recorded.Count;
            await Poll.UntilAsync("records after the restarts", () => workload.Recorded.Count >= end + FaultSettings.RecordsAroundFault);
            Volatile.Write(ref stop, true);
            await clients;

            // A caller saw at most UNAVAILABLE from a killed instance, retried on the other with the same request id.
            Assert.True(workload.Seen().Keys.All(k => k is StatusCode.OK or StatusCode.Unavailable), "Unexpected statuses: " + workload.DescribeSeen());
            var figures = await Deliveries.VerifyAsync(cluster, workload, partner);
            output.WriteLine($"{string.Join("; ", restarts)}; statuses {workload.DescribeSeen()}; {figures}; test took {clock.Elapsed.TotalSeconds:0.0} s");
        }
        finally
        {
            Volatile.Write(ref stop, true);
            await cluster.EnsureHealthyAsync();
        }
    }
}
