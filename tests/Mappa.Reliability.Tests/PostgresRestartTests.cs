using System.Diagnostics;
using Mappa.Grpc;
using Mappa.Reliability.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Mappa.Reliability.Tests;

[Collection(ClusterCollection.Name)]
public sealed class PostgresRestartTests(Cluster cluster, ITestOutputHelper output)
{
    [Fact]
    public async Task PostgreSQL_restarted_under_load_callers_see_only_UNAVAILABLE_meanwhile_and_the_services_recover_by_themselves()
    {
        await cluster.EnsureHealthyAsync();
        var clock = Stopwatch.StartNew();
        using var workload = new Workload(cluster, Deliveries.NewArea());
        var partner = "partner-" + workload.Area;
        await cluster.Broker.BindPartnerQueueAsync(partner, Deliveries.AssessmentRecorded);

        var stop = false;
        var clients = workload.RunClientsAsync(FaultSettings.Clients, () => Volatile.Read(ref stop));
        try
        {
            await Poll.UntilAsync("records before the restart", () => workload.Recorded.Count >= FaultSettings.RecordsAroundFault);
            await cluster.Servers.StopPostgresAsync();
            var down = Stopwatch.StartNew();
            // Down until the callers have really met it: several UNAVAILABLE answers.
            await Poll.UntilAsync("callers to see the database down", () => workload.Seen().GetValueOrDefault(StatusCode.Unavailable) >= 2 * FaultSettings.Clients);
            var unavailableWhileDown = workload.Seen().GetValueOrDefault(StatusCode.Unavailable);
            await cluster.Servers.StartPostgresAsync();
            var restartedAt = down.Elapsed;
            var okBefore = workload.Seen().GetValueOrDefault(StatusCode.OK);
            await Poll.UntilAsync("a call to succeed after the restart", () => workload.Seen().GetValueOrDefault(StatusCode.OK) > okBefore);
            var recovery = down.Elapsed - restartedAt;
            var mark = workload.Recorded.Count;
            await Poll.UntilAsync("records after the restart", () => workload.Recorded.Count >= mark + FaultSettings.RecordsAroundFault);
            Volatile.Write(ref stop, true);
            await clients;

            Assert.True(workload.Seen().Keys.All(k => k is StatusCode.OK or StatusCode.Unavailable), "Statuses other than OK and UNAVAILABLE: " + workload.DescribeSeen());
            // No process crashed or needed a hand: all six still the same processes, healthy.
            Assert.All(cluster.All, i => Assert.True(i.IsRunning, $"{i.Name} exited:\n{i.LogTail()}"));
            await Task.WhenAll(cluster.All.Select(i => i.WaitHealthyAsync()));
            var figures = await Deliveries.VerifyAsync(cluster, workload, partner);
            output.WriteLine($"PostgreSQL down {restartedAt.TotalSeconds:0.0} s ({unavailableWhileDown} UNAVAILABLE answers meanwhile); first OK {recovery.TotalSeconds:0.0} s after it was back; " +
                             $"statuses {workload.DescribeSeen()}; {figures}; test took {clock.Elapsed.TotalSeconds:0.0} s");
        }
        finally
        {
            Volatile.Write(ref stop, true);
            try
            {
                await cluster.Servers.StartPostgresAsync();
            }
            catch (InvalidOperationException)
            {
                // Already running.
            }
        }
    }
}
